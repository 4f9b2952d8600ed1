"""Project images: only from the folder assets/, regular files, PNG or JPEG by their first bytes, size-limited.

Content pages and the site logo may show these images; every other image source is refused by
``rek check``. ``rek build`` copies the checked files (read again without following links, and checked
again) into the site.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from .diagnostics import Diagnostics, RekError
from .yamlsource import refuse_symlink

ASSETS_DIR = "assets"
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGES = 500
NAME = re.compile(r"[a-z0-9_][a-z0-9._-]{0,99}")
_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",)}


def _display(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def image_problem(relative: str, raw: bytes) -> str | None:
    """Why the bytes of assets/<relative> are not an allowed image, or None."""
    suffix = Path(relative).suffix.lower()
    if suffix == ".svg":
        return "SVG-Bilder können Skripte enthalten und sind nicht erlaubt; speichern Sie das Bild als PNG"
    if suffix not in _MAGIC:
        return f"Nur PNG- und JPEG-Bilder sind erlaubt (.png, .jpg, .jpeg); gefunden: '{suffix or relative}'"
    if not raw.startswith(_MAGIC[suffix]):
        return (
            f"Die Datei ist kein {'PNG' if suffix == '.png' else 'JPEG'}-Bild (die ersten Bytes passen nicht)"
        )
    if len(raw) > MAX_IMAGE_BYTES:
        return f"Bild ist zu groß: {len(raw):,} Bytes, erlaubt sind höchstens {MAX_IMAGE_BYTES:,}".replace(
            ",", "."
        )
    return None


def load_assets(root: Path, diags: Diagnostics) -> dict[str, Path]:
    """Every image of assets/ (relative path with '/' -> file), checked; problems become diagnostics."""
    folder = root / ASSETS_DIR
    found: dict[str, Path] = {}
    if folder.is_symlink():
        refuse_symlink(folder, ASSETS_DIR, diags)
        return found
    if not folder.is_dir():
        return found
    stack = [folder]
    while stack:
        current = stack.pop()
        for entry in sorted(os.scandir(current), key=lambda e: e.name):
            path = Path(entry.path)
            display = _display(root, path)
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                refuse_symlink(path, display, diags)
                continue
            if not NAME.fullmatch(entry.name):
                diags.add(
                    display, 1, 1, "Dateiname in assets/: nur Kleinbuchstaben, Ziffern, '.', '-' und '_'"
                )
                continue
            if entry.is_dir(follow_symlinks=False):
                if len(path.relative_to(folder).parts) < 4:
                    stack.append(path)
                else:
                    diags.add(display, 1, 1, "assets/ ist zu tief verschachtelt (höchstens 4 Ebenen)")
                continue
            if not entry.is_file(follow_symlinks=False):
                diags.add(display, 1, 1, "Kann nicht gelesen werden: keine normale Datei (Gerät oder FIFO)")
                continue
            relative = path.relative_to(folder).as_posix()
            try:
                raw = read_image(path)
            except RekError as exc:
                diags.add(display, 1, 1, str(exc))
                continue
            problem = image_problem(relative, raw)
            if problem:
                diags.add(display, 1, 1, problem)
                continue
            if len(found) >= MAX_IMAGES:
                diags.add(display, 1, 1, f"Mehr als {MAX_IMAGES} Bilder in assets/")
                return found
            found[relative] = path
    return found


def read_image(path: Path) -> bytes:
    """The bytes of an image file, never through a symbolic link, at most one byte over the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise RekError(f"Bild kann nicht gelesen werden: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RekError("Bild ist keine normale Datei")
        return handle.read(MAX_IMAGE_BYTES + 1)


def checked_images(images: dict[str, Path]) -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of every image, read again without following links and checked again."""
    for relative, path in images.items():
        raw = read_image(path)
        problem = image_problem(relative, raw)
        if problem:
            raise RekError(f"{ASSETS_DIR}/{relative}: {problem}")
        yield relative, raw
