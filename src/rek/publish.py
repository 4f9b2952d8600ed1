"""`rek publish`: deploy the built site as a version into the gh-pages branch with mike."""

from __future__ import annotations

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


def publish(
    project: Project, *, version: str | None, branch: str, push: bool, since: str | None
) -> Published:
    root = project.root
    _git(root, "rev-parse", "--git-dir")  # a clear error outside a git repository
    s = project.strategy
    version = version or current_tag(root) or f"v{s.version}"
    adopted = s.status == StrategyStatus.adopted
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
        write_tree(resolve(project), tree, changes=changes, versioned=True)
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
