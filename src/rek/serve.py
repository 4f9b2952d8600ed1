"""`rek serve`: a live preview. YAML or content changes regenerate the docs tree; MkDocs' own server
rebuilds and reloads the page. Validation errors are printed and the last good preview stays up."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .build import write_tree
from .diagnostics import summary_line
from .plan import resolve
from .project import load_project

WATCHED = ("strategy", "measures", "content", "templates", "mkdocs.yml")


def sync_tree(source: Path, target: Path) -> int:
    """Copy the files of source that differ into target and delete the ones gone; return the count changed."""
    changed = 0
    seen = set()
    for path in source.rglob("*"):
        if path.is_dir():
            continue
        relative = path.relative_to(source)
        seen.add(relative)
        destination = target / relative
        data = path.read_bytes()
        if not destination.exists() or destination.read_bytes() != data:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
            changed += 1
    for path in list(target.rglob("*")):
        if path.is_file() and path.relative_to(target) not in seen:
            path.unlink()
            changed += 1
    return changed


def regenerate(root: Path, tree: Path, report: Callable[[str], None]) -> bool:
    """Validate and write the tree; on errors report them and keep the old tree."""
    project, diags = load_project(root)
    if project is None:
        for diag in diags.sorted():
            report(diag.format())
        report(summary_line(diags.items) + " Die Vorschau zeigt den letzten gültigen Stand.")
        return False
    with tempfile.TemporaryDirectory(prefix="rek-serve-") as tmp:
        write_tree(resolve(project), Path(tmp))
        changed = sync_tree(Path(tmp), tree)
    if changed:
        report(f"Vorschau aktualisiert ({changed} Datei(en)).")
    return True


class Watcher:
    """Polls the project's sources (cheap: mtimes and sizes) and regenerates on change."""

    def __init__(self, root: Path, tree: Path, report: Callable[[str], None], interval: float = 0.3) -> None:
        self.root, self.tree, self.report, self.interval = root, tree, report, interval
        self.stop = threading.Event()
        self.state = self._snapshot()

    def _snapshot(self) -> dict[str, tuple[int, int]]:
        state = {}
        for name in WATCHED:
            base = self.root / name
            paths = [base] if base.is_file() else base.rglob("*") if base.is_dir() else []
            for path in paths:
                try:
                    stat = path.stat()
                except OSError:
                    continue
                state[str(path)] = (stat.st_mtime_ns, stat.st_size)
        return state

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            current = self._snapshot()
            if current != self.state:
                self.state = current
                try:
                    regenerate(self.root, self.tree, self.report)
                except Exception as exc:  # keep serving whatever happens
                    self.report(f"Vorschau konnte nicht aktualisiert werden: {exc}")


def serve(root: Path, host: str, port: int, report: Callable[[str], None]) -> None:
    from mkdocs.commands.serve import serve as mkdocs_serve

    workdir = Path(tempfile.mkdtemp(prefix="rek-serve-"))
    tree = workdir / "tree"
    tree.mkdir()
    try:
        if not regenerate(root, tree, report):
            report("Die Strategie hat Fehler; die Vorschau startet, sobald sie gültig ist.")
            while not regenerate(root, tree, lambda _: None):
                time.sleep(0.5)
        watcher = Watcher(root, tree, report)
        thread = threading.Thread(target=watcher.run, daemon=True)
        thread.start()
        report(f"Vorschau unter http://{host}:{port}/ (Strg+C beendet).")
        try:
            mkdocs_serve(config_file=str(tree / "mkdocs.yml"), open_in_browser=False, livereload=True,
                         dev_addr=f"{host}:{port}")  # fmt: skip
        finally:
            watcher.stop.set()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
