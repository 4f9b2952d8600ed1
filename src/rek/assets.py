"""Project images: only from the folder assets/, regular files, PNG or JPEG by their first bytes, size-limited.

Bounded twice: at most 5 MB as a file and at most 40 megapixels (20,000 pixels a side) as a picture, read
from the header (PNG: the IHDR chunk; JPEG: the first SOFn segment, walking the segments with bounds), so
that a small file cannot decode to gigabytes in a browser. No image library: only the header is read.

Content pages and the site logo may show these images; every other image source is refused by
``rek check``. ``rek build`` copies the checked files (read again without following links, and checked
again) into the site.
"""

from __future__ import annotations

import os
import re
import stat
import struct
from collections.abc import Iterator
from pathlib import Path

from .diagnostics import Diagnostics, RekError
from .formatting import number
from .layout import ASSETS_DIR, MAX_IMAGE_BYTES, MAX_IMAGES, MAX_PIXELS, MAX_SIDE
from .yamlsource import refuse_symlink

MAX_JPEG_SEGMENTS = 1_000  # segments before the frame header (a camera writes about ten)
NAME = re.compile(r"[a-z0-9_][a-z0-9._-]{0,99}")
_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",)}


def _display(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


_PNG_IHDR = struct.pack(">I", 13) + b"IHDR"
# JPEG frame headers (SOF0-SOF15) that carry the size; C4 (DHT), C8 (JPG) and CC (DAC) are other segments
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}  # RSTn and TEM have no length
_FILL = re.compile(rb"\xff+")


def _png_size(raw: bytes) -> tuple[int, int] | str:
    if len(raw) < 24 or raw[8:16] != _PNG_IHDR:
        return "nach der PNG-Kennung fehlt der IHDR-Block mit der Bildgröße"
    width, height = struct.unpack(">II", raw[16:24])
    return width, height


def _jpeg_size(raw: bytes) -> tuple[int, int] | str:
    """Width and height from the first frame header, walking the segments after SOI within the bytes."""
    pos, end = 2, len(raw)
    for _ in range(MAX_JPEG_SEGMENTS):
        fill = _FILL.match(raw, pos)
        if fill is None:
            return f"an Byte {number(pos)} beginnt kein JPEG-Segment"
        pos = fill.end()
        if pos >= end:
            return "die Datei endet vor der Bildgröße (SOF-Segment)"
        marker = raw[pos]
        pos += 1
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0x00, 0xD8, 0xD9, 0xDA):  # stuffing, a second SOI, the end or the image data
            return "keine Bildgröße (SOF-Segment) vor den Bilddaten"
        if pos + 2 > end:
            return "die Datei endet vor der Bildgröße (SOF-Segment)"
        length = int.from_bytes(raw[pos : pos + 2], "big")
        if length < 2 or pos + length > end:
            return f"ein Segment an Byte {number(pos - 2)} reicht über das Dateiende hinaus"
        if marker in _JPEG_SOF:
            if length < 8:
                return "das SOF-Segment ist zu kurz für die Bildgröße"
            height, width = struct.unpack(">HH", raw[pos + 3 : pos + 7])
            return width, height
        pos += length
    return f"mehr als {number(MAX_JPEG_SEGMENTS)} Segmente vor der Bildgröße"


def pixel_problem(kind: str, raw: bytes) -> str | None:
    """Why the header of a PNG or JPEG (its magic bytes already checked) is unreadable or too large."""
    size = _png_size(raw) if kind == "PNG" else _jpeg_size(raw)
    allowed = (
        f"erlaubt sind höchstens {number(MAX_PIXELS)} Pixel ({MAX_PIXELS // 1_000_000} Megapixel) "
        f"und {number(MAX_SIDE)} Pixel je Seite"
    )
    if isinstance(size, str):
        return f"{kind}-Kopf nicht lesbar: {size}; {allowed}"
    width, height = size
    shown = f"{number(width)} × {number(height)}"
    if width == 0 or height == 0:
        return f"Bild hat keine Fläche: {shown} Pixel; {allowed}, mindestens 1 × 1"
    if width * height > MAX_PIXELS:
        return f"Bild hat zu viele Pixel: {shown} = {number(width * height)} Pixel; {allowed}"
    if width > MAX_SIDE or height > MAX_SIDE:
        return f"Bild ist zu breit oder zu hoch: {shown} Pixel; {allowed}"
    return None


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
        return f"Bild ist zu groß: {number(len(raw))} Bytes, erlaubt sind höchstens {number(MAX_IMAGE_BYTES)}"
    return pixel_problem("PNG" if suffix == ".png" else "JPEG", raw)


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
