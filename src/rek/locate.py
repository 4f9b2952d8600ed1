"""Finding the project folder, the embedded default strategy, and safe output paths."""

from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import RekError
from .layout import SOURCE_FOLDERS

PACKAGE_DIR = Path(__file__).resolve().parent


def embedded_default() -> Path | None:
    """The Weserbergland strategy shipped with rek: the source checkout, else the copy in the wheel."""
    source_tree = PACKAGE_DIR.parents[1]
    if PACKAGE_DIR.parent.name == "src" and (source_tree / "strategy" / "strategy.yaml").is_file():
        return source_tree
    packaged = PACKAGE_DIR / "default"
    if (packaged / "strategy" / "strategy.yaml").is_file():
        return packaged
    return None


def find_project(explicit: Path | None) -> tuple[Path, bool]:
    """Return (project root, is_embedded_default)."""
    if explicit is not None:
        return explicit.resolve(), False
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / "strategy" / "strategy.yaml").is_file():
            return folder, False
    default = embedded_default()
    if default is None:
        raise RekError(
            "Kein Strategieprojekt gefunden (strategy/strategy.yaml) und keine eingebettete Strategie "
            "vorhanden. Legen Sie eines mit 'rek init ORDNER' an."
        )
    return default, True


def safe_output_dir(project: Path, out: Path) -> Path:
    """Refuse output folders that would put sources at risk: the project root, a source folder, a parent.

    Also refused, before anything is written: an output folder that is a symbolic link, or lies under
    one inside the project (a link there could lead the build anywhere).
    """
    project = project.resolve()
    given = Path(os.path.abspath(out))
    link = _link_on_the_way(project, given)
    if link is not None:
        raise RekError(
            f"Ausgabeordner '{given}' ist ein symbolischer Link oder liegt unter einem ('{link}'); rek schreibt "
            "nicht durch Links, denn sie können aus dem Projekt hinausführen. Wählen Sie einen echten Ordner."
        )
    out = out.resolve()
    if out == project or out in project.parents:
        raise RekError(
            f"Ausgabeordner '{out}' ist der Projektordner oder liegt über ihm; rek würde Quelldateien "
            "ersetzen. Wählen Sie einen eigenen Ordner, z. B. 'build'."
        )
    for name in SOURCE_FOLDERS:
        source = project / name
        if out == source or source in out.parents:
            raise RekError(
                f"Ausgabeordner '{out}' liegt in oder über dem Quellordner '{name}/'. Wählen Sie einen "
                "eigenen Ordner, z. B. 'build'."
            )
    if out.exists() and not out.is_dir():
        raise RekError(f"Ausgabeordner '{out}' ist eine Datei.")
    blocking = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise RekError(f"Ausgabeordner '{out}' kann nicht angelegt werden: '{blocking}' ist eine Datei.")
    if out.is_dir() and any(out.iterdir()) and not (out / ".rek-build").is_file():
        raise RekError(
            f"Ausgabeordner '{out}' enthält Dateien, die nicht von rek stammen; rek ersetzt nur eigene "
            "Ausgabeordner. Wählen Sie einen leeren oder neuen Ordner."
        )
    return out


def _link_on_the_way(project: Path, out: Path) -> Path | None:
    """out itself if it is a link; else the first link between the project folder and out (if out is inside)."""
    return out if out.is_symlink() else symlink_in(out, project)


def symlink_in(path: Path, root: Path | None) -> Path | None:
    """The first symbolic link on the way from root to path (path itself included), or None."""
    if root is None:
        return None
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def inside(root: Path, relative: str) -> Path:
    """root/relative, refusing anything that could leave root: absolute paths, '..', backslashes, NUL.

    Checked on the text alone (no file system calls): rek writes into folders it has just created.
    """
    parts = relative.split("/")
    if (
        not relative
        or relative.startswith("/")
        or "\\" in relative
        or "\x00" in relative
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise RekError(f"Pfad '{relative}' verlässt den Ausgabeordner.")
    return root.joinpath(*parts)
