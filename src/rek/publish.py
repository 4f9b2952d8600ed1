"""`rek publish`: deploy the built site as a version into the gh-pages branch with mike.

The site's root page leads to the newest version from the first one on (the draft, then `latest`).
Without `--push` nothing leaves the machine, and the result says so with the command that sends it; with
`--push` the branch goes to `origin` (a version already built locally is pushed, not refused), and what
is still missing there (the tag, the main branch) is named with its command. Every refusal says how to go on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .build import write_tree
from .diagnostics import RekError
from .diff import WORKTREE, _git, compare, load_revision, previous_tag
from .diff import as_markdown as changes_markdown
from .model import StrategyStatus
from .placeholders import find as find_placeholders
from .plan import resolve
from .project import Project


@dataclass
class Published:
    version: str
    title: str
    aliases: list[str]
    since: str | None
    branch: str
    pushed: bool = False  # the branch went to the server ('origin')
    built: bool = True  # False: the version was already there locally and was only pushed
    root_page: str | None = None  # where the site's root (index.html) leads
    next_steps: list[str] = field(default_factory=list)  # commands that are still to run, in German


REMOTE = "origin"


def _mike() -> str:
    local = Path(sys.executable).parent / "mike"
    found = str(local) if local.exists() else shutil.which("mike")
    if not found:
        raise RekError("mike ist nicht installiert; installieren Sie rek neu (.rek/install.sh oder pip).")
    return found


def current_tag(root: Path) -> str | None:
    try:
        return _git(root, "describe", "--tags", "--exact-match", "HEAD").decode().strip() or None
    except RekError:
        return None


def uncommitted(root: Path) -> list[str]:
    """Files that differ from HEAD (changed, staged, new and not ignored), as git names them."""
    out = _git(root, "status", "--porcelain", "--untracked-files=all", "--", ".").decode("utf-8", "replace")
    return [line[3:] for line in out.splitlines() if line.strip()]


def _server_git(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """git that talks to the server: the user's own git settings and credentials, never a prompt."""
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    env.setdefault(
        "GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=20"
    )  # no question on a terminal
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=timeout, env=env
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return subprocess.CompletedProcess(args, 1, "", str(exc))


def has_remote(root: Path) -> bool:
    return _server_git(root, "remote", "get-url", REMOTE, timeout=30).returncode == 0


def server_refs(root: Path) -> dict[str, str] | None:
    """Branches and tags on the server ('origin') with their commits; None when it cannot be reached."""
    done = _server_git(root, "ls-remote", "--heads", "--tags", REMOTE, timeout=120)
    if done.returncode != 0:
        return None
    refs: dict[str, str] = {}
    for line in done.stdout.splitlines():
        commit, _, ref = line.partition("\t")
        refs[ref.removesuffix("^{}")] = commit
    return refs


def _versions_at(root: Path, ref: str) -> list[dict[str, object]]:
    try:
        data = json.loads(_git(root, "show", f"{ref}:versions.json"))
    except (RekError, ValueError):
        return []
    return [v for v in data if isinstance(v, dict)] if isinstance(data, list) else []


def published_versions(root: Path, branch: str) -> set[str]:
    """Versions already in the publishing branch (local, or as last fetched from origin)."""
    return {
        str(v.get("version"))
        for ref in (branch, f"refs/remotes/{REMOTE}/{branch}")
        for v in _versions_at(root, ref)
    }


def next_version(version: str) -> str:
    """'v0.1' -> 'v0.2', '1.9' -> '1.10': the last number one up (a suggestion, nothing more)."""
    match = re.fullmatch(r"(.*?)(\d+)(\D*)", version)
    if not match:
        return f"{version}.1"
    return f"{match.group(1)}{int(match.group(2)) + 1}{match.group(3)}"


def _repeat_hint(version: str, tag: str | None, strategy_version: str) -> str:
    if tag is not None:  # the version is the tag's name
        return f"Neue Version: neuen Tag setzen (git tag {next_version(tag)}), dann rek publish"
    # a draft without a tag is named by 'version:' in strategy/strategy.yaml
    bumped = next_version(strategy_version)
    return (
        f"Neue Version: in strategy/strategy.yaml 'version: \"{bumped}\"' eintragen und committen, dann "
        "rek publish"
    )


def preflight(
    project: Project, *, version: str, tag: str | None, branch: str, force: bool, push: bool = False
) -> list[str]:
    """Every reason not to publish, all at once (empty: go ahead); each says how to go on."""
    root = project.root
    problems: list[str] = []
    dirty = uncommitted(root)
    if dirty:
        shown = ", ".join(dirty[:8]) + (f" und {len(dirty) - 8} weitere" if len(dirty) > 8 else "")
        problems.append(
            f"Nicht gespeicherte Änderungen im Arbeitsverzeichnis ({shown}). Veröffentlicht wird nur, was "
            "in Git steht: Änderungen committen (git commit -a) oder verwerfen, dann erneut veröffentlichen."
        )
    if project.strategy.status == StrategyStatus.adopted:
        if tag is None:
            problems.append(
                "Eine beschlossene Fassung wird nur von einem Git-Tag veröffentlicht: setzen Sie zuerst "
                f"einen Tag auf den Stand (z. B. git tag {version}), dann rek publish."
            )
        elif version != tag:
            problems.append(
                f"Die Version '{version}' passt nicht zum Git-Tag '{tag}' dieses Stands; eine beschlossene "
                f"Fassung trägt den Namen ihres Tags: rek publish ohne --version (oder --version {tag})."
            )
    if push and not has_remote(root):
        problems.append(
            f"Es ist kein Server '{REMOTE}' eingetragen, wohin übertragen werden soll: "
            f"git remote add {REMOTE} URL-DES-REPOSITORYS, dann rek publish --push "
            "(oder ohne --push nur lokal veröffentlichen)."
        )
    local = {str(v.get("version")) for v in _versions_at(root, branch)}
    remote = {str(v.get("version")) for v in _versions_at(root, f"refs/remotes/{REMOTE}/{branch}")}
    if version in local - remote and not force and not push and has_remote(root):
        problems.append(
            f"Die Version '{version}' ist schon veröffentlicht, aber nur lokal im Zweig '{branch}'. "
            f"Übertragen: rek publish --push (oder git push {REMOTE} {branch}); bewusst neu bauen: "
            "rek publish --force."
        )
    elif version in local | remote and not force and not (push and version in local - remote):
        hint = _repeat_hint(version, tag, project.strategy.version)
        where = f"auf dem Server '{REMOTE}'" if version in remote else f"im Zweig '{branch}'"
        problems.append(
            f"Die Version '{version}' ist {where} schon veröffentlicht und wird nicht überschrieben. "
            f"{hint}; bewusst ersetzen: rek publish --force."
        )
    return problems


def _fetch_branch(root: Path, branch: str) -> None:
    """The server's publishing branch as refs/remotes/origin/<branch> (nothing when it has none yet)."""
    _server_git(root, "fetch", "--quiet", REMOTE, f"+refs/heads/{branch}:refs/remotes/{REMOTE}/{branch}")


def publish(
    project: Project,
    *,
    version: str | None,
    branch: str,
    push: bool,
    since: str | None,
    force: bool = False,
    today: dt.date | None = None,
) -> Published:
    root = project.root
    _git(root, "rev-parse", "--git-dir")  # a clear error outside a git repository
    s = project.strategy
    tag = current_tag(root)
    version = version or tag or f"v{s.version}"
    if push and has_remote(root):
        _fetch_branch(root, branch)
    problems = preflight(project, version=version, tag=tag, branch=branch, force=force, push=push)
    adopted = s.status == StrategyStatus.adopted
    # no legal page with gaps in a published, adopted version; every reason is told at once
    gaps = find_placeholders(root, severity="error") if adopted else []
    if problems or gaps:
        text = "\n".join(d.format() for d in sorted(gaps))
        if problems:
            text += ("\n" if text else "") + "Nicht veröffentlicht:\n" + "\n".join(f"- {p}" for p in problems)
        elif gaps:
            text += f"\nNicht veröffentlicht: {len(gaps)} Platzhalter in einer beschlossenen Fassung."
        raise RekError(text)
    title = f"{version} ({s.status.value})"
    aliases = ["latest"] if adopted else ["entwurf"]
    if since is None:
        since = previous_tag(root, "HEAD")
    elif since == "":  # explicitly no comparison
        since = None
    local = {str(v.get("version")) for v in _versions_at(root, branch)}
    remote = {str(v.get("version")) for v in _versions_at(root, f"refs/remotes/{REMOTE}/{branch}")}
    built = not (push and not force and version in local - remote)
    if built:
        _deploy(project, version, title, aliases, since, branch, today)
    root_page = _set_root_page(root, branch)
    done = Published(version, title, aliases, since, branch, built=built, root_page=root_page)
    if push:
        _push_branch(root, branch)
        done.pushed = True
    done.next_steps = _next_steps(root, branch, tag, pushed=push)
    return done


def _deploy(
    project: Project,
    version: str,
    title: str,
    aliases: list[str],
    since: str | None,
    branch: str,
    today: dt.date | None,
) -> None:
    root = project.root
    with tempfile.TemporaryDirectory(prefix="rek-publish-") as tmp:
        changes = None
        if since:
            old = load_revision(root, since, Path(tmp) / "old")
            changes = changes_markdown(compare(old, project, since, version))
        tree = Path(tmp) / "tree"
        write_tree(resolve(project, today=today), tree, changes=changes, versioned=True)
        command = [
            _mike(), "deploy", "--config-file", str(tree / "mkdocs.yml"), "--branch", branch,
            "--title", title, "--update-aliases", "--message",
            f"rek publish {version} ({project.strategy.status.value})", version, *aliases,
        ]  # fmt: skip
        _run(command, root)


def _aliases(entry: dict[str, object]) -> list[str]:
    found = entry.get("aliases")
    return [str(a) for a in found] if isinstance(found, list) else []


def _set_root_page(root: Path, branch: str) -> str:
    """The site's root page (index.html) leads to 'latest' once there is an adopted version, before that to
    the draft: a first publication is never a 404."""
    versions = _versions_at(root, branch)
    aliases = {a for v in versions for a in _aliases(v)}
    if "latest" in aliases:
        target = "latest"
    elif "entwurf" in aliases or not versions:
        target = "entwurf"
    else:
        target = str(versions[0].get("version"))
    with tempfile.TemporaryDirectory(prefix="rek-publish-") as tmp:
        config = Path(tmp) / "mkdocs.yml"  # mike reads a config; not the project's own mkdocs.yml
        config.write_text("site_name: rek\n", encoding="utf-8")
        (Path(tmp) / "docs").mkdir()
        _run(
            [
                _mike(),
                "set-default",
                "--config-file",
                str(config),
                "--branch",
                branch,
                "--allow-empty",
                target,
            ],
            root,
        )
    return target


def _push_branch(root: Path, branch: str) -> None:
    done = _server_git(root, "push", REMOTE, f"refs/heads/{branch}:refs/heads/{branch}")
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise RekError(
            f"Lokal veröffentlicht, aber das Übertragen des Zweigs '{branch}' ist gescheitert: "
            f"{' '.join(reason[-2:])[-600:]}\nSo geht es weiter: Zugang zum Server prüfen (git push {REMOTE} "
            f"{branch} von Hand), hat der Server einen neueren Stand, zuerst git fetch {REMOTE} "
            f"{branch}:{branch} und erneut rek publish --push."
        )


def _next_steps(root: Path, branch: str, tag: str | None, *, pushed: bool) -> list[str]:
    """What is still only on this machine, each with the command that sends it."""
    if not has_remote(root):
        return [
            f"Noch nichts hat diesen Rechner verlassen. Server eintragen: git remote add {REMOTE} URL, dann "
            f"git push {REMOTE} {branch}" + (f" {tag}" if tag else "") + " main"
        ]
    if not pushed:  # no network without --push: the command, nothing asked of the server
        return [
            f"Nur lokal veröffentlicht: der Zweig '{branch}' hat diesen Rechner noch nicht verlassen. "
            f"Übertragen mit: git push {REMOTE} {branch}" + (f" {tag}" if tag else "")
        ]
    steps: list[str] = []
    refs = server_refs(root)
    if refs is None:
        steps.append(f"Der Server '{REMOTE}' war nicht erreichbar; Tag und Hauptzweig bitte selbst prüfen.")
        return steps
    if tag and f"refs/tags/{tag}" not in refs:
        steps.append(f"Der Tag '{tag}' ist noch nicht auf dem Server: git push {REMOTE} {tag}")
    try:
        head_branch = _git(root, "symbolic-ref", "--short", "-q", "HEAD").decode().strip()
        head = _git(root, "rev-parse", "HEAD").decode().strip()
    except RekError:
        return steps  # a detached HEAD (as in CI): nothing to offer
    if head_branch and refs.get(f"refs/heads/{head_branch}") != head:
        steps.append(
            f"Der Zweig '{head_branch}' ist auf dem Server nicht auf diesem Stand: git push {REMOTE} {head_branch}"
        )
    return steps


def _run(command: list[str], cwd: Path) -> None:
    # mike runs 'mkdocs' itself: make sure it finds the one installed beside rek
    env = dict(
        os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=1800, env=env)
    if result.returncode != 0:
        raise RekError(f"mike ist gescheitert: {(result.stderr or result.stdout).strip()[-2000:]}")


__all__ = ["publish", "current_tag", "WORKTREE"]
