"""`rek publish`: deploy the built site as a version into the gh-pages branch with mike."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
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


def _mike() -> str:
    local = Path(sys.executable).parent / "mike"
    found = str(local) if local.exists() else shutil.which("mike")
    if not found:
        raise RekError("mike ist nicht installiert; installieren Sie rek neu ('pip install rek').")
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


def published_versions(root: Path, branch: str) -> set[str]:
    """Versions already in the publishing branch (local, or as last fetched from origin)."""
    found: set[str] = set()
    for ref in (branch, f"refs/remotes/origin/{branch}"):
        try:
            data = json.loads(_git(root, "show", f"{ref}:versions.json"))
        except (RekError, ValueError):
            continue
        found.update(str(v.get("version")) for v in data if isinstance(v, dict))
    return found


def preflight(project: Project, *, version: str, tag: str | None, branch: str, force: bool) -> list[str]:
    """Every reason not to publish, all at once (empty: go ahead)."""
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
                "Fassung trägt den Namen ihres Tags."
            )
    if version in published_versions(root, branch) and not force:
        problems.append(
            f"Die Version '{version}' ist im Zweig '{branch}' schon veröffentlicht und wird nicht "
            "überschrieben. Neue Version: neuen Tag setzen; bewusst ersetzen: rek publish --force."
        )
    return problems


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
    problems = preflight(project, version=version, tag=tag, branch=branch, force=force)
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
    with tempfile.TemporaryDirectory(prefix="rek-publish-") as tmp:
        changes = None
        if since:
            old = load_revision(root, since, Path(tmp) / "old")
            changes = changes_markdown(compare(old, project, since, version))
        tree = Path(tmp) / "tree"
        write_tree(resolve(project, today=today), tree, changes=changes, versioned=True)
        command = [
            _mike(), "deploy", "--config-file", str(tree / "mkdocs.yml"), "--branch", branch,
            "--title", title, "--update-aliases", "--message", f"rek publish {version} ({s.status.value})",
            version, *aliases,
        ]  # fmt: skip
        if push:
            command.insert(2, "--push")
        _run(command, root)
        if adopted:
            _run([_mike(), "set-default", "--config-file", str(tree / "mkdocs.yml"), "--branch", branch]
                 + (["--push"] if push else []) + ["latest"], root)  # fmt: skip
    return Published(version, title, aliases, since, branch)


def _run(command: list[str], cwd: Path) -> None:
    # mike runs 'mkdocs' itself: make sure it finds the one installed beside rek
    env = dict(
        os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=1800, env=env)
    if result.returncode != 0:
        raise RekError(f"mike ist gescheitert: {(result.stderr or result.stdout).strip()[-2000:]}")


__all__ = ["publish", "current_tag", "WORKTREE"]
