"""When a file last changed in git: one `git log` call for a whole folder (for "Stand:" on a page)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from .gitsafe import run_git


def last_commit_dates(root: Path, folder: str) -> dict[str, dt.date]:
    """File stem -> date of the newest commit that touched it; empty when git or the history is missing."""
    try:
        result = run_git(root, "log", "--no-show-signature", "--format=%x00%cs", "--name-only", "--", folder)
    except (OSError, subprocess.SubprocessError):
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, dt.date] = {}
    current: dt.date | None = None
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("\0"):
            try:
                current = dt.date.fromisoformat(line[1:])
            except ValueError:
                current = None
        elif line.strip() and current is not None:
            stem = Path(line.strip()).stem
            dates.setdefault(stem, current)  # newest first
    return dates
