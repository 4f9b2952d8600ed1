"""The canonical text of a strategy YAML file, and `rek fmt` that writes it.

One round-trip YAML reader/writer (ruamel.yaml) for every tool that rewrites a source file (``rek import``,
``rek fmt``): it gives back rek's shipped files byte for byte, so the canonical form is what they already
are. The canonical form fixes the layout, not the author's choices:

- indentation: mappings by 2 spaces, list entries ``- `` by 2 under their key (content at 4);
- line ends LF, no whitespace at a line's end, exactly one newline at the end of the file;
- kept as written: key order, comments and blank lines, quoting, block texts (``|``, ``>``), flow lists
  and mappings (``[a, b]``, ``{…}``), dates, numbers; long texts are never re-wrapped.

Formatting never changes meaning: the new text is read back with rek's own loader and must give the same
data, else the file is left alone and reported. A file that does not parse is never touched.
"""

from __future__ import annotations

import difflib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .diagnostics import Diagnostics
from .layout import ACTION_FIELDS_DIR, CALLS_DIR, MEASURES_DIR, STRATEGY_FILE, YAML_SUFFIXES
from .yamlsource import parse_yaml_bytes, read_limited


def round_trip() -> YAML:
    """A YAML reader/writer that gives back rek's files byte for byte (tested on every shipped file)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long text
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def canonical(text: str) -> str:
    """The canonical text of one YAML document (raises ruamel's YAMLError when it does not parse)."""
    yaml = round_trip()
    doc = yaml.load(text.replace("\r\n", "\n"))
    out = io.StringIO()
    yaml.dump(doc, out)
    lines = [line.rstrip(" \t") for line in out.getvalue().split("\n")]
    return "\n".join(lines).rstrip("\n") + "\n"


def source_files(root: Path) -> list[Path]:
    """The project's YAML source files, in the order rek check reads them."""
    files = [root / STRATEGY_FILE] if (root / STRATEGY_FILE).is_file() else []
    for folder in (ACTION_FIELDS_DIR, MEASURES_DIR, CALLS_DIR):
        if (root / folder).is_dir():
            files += sorted(
                p
                for p in (root / folder).iterdir()
                if p.suffix in YAML_SUFFIXES and p.is_file() and not p.name.startswith(".")
            )
    return files


def is_source(root: Path, path: Path) -> bool:
    """Whether ``path`` (inside ``root``) is one of the files :func:`source_files` lists."""
    relative = path.relative_to(root)
    if path.suffix not in YAML_SUFFIXES or path.name.startswith("."):
        return False
    return relative == STRATEGY_FILE or relative.parent in (ACTION_FIELDS_DIR, MEASURES_DIR, CALLS_DIR)


@dataclass(frozen=True)
class Result:
    """One file that is not canonical: its path, shown name, old and new text."""

    path: Path
    display: str
    old: str
    new: str

    def diff(self, context: int = 1) -> str:
        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            f"a/{self.display}",
            f"b/{self.display}",
            n=context,
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def plan(root: Path, files: list[Path], diags: Diagnostics) -> list[Result]:
    """The files whose text changes; every file that does not parse (or whose meaning would change) as an
    error in ``diags``. Nothing is written."""
    results: list[Result] = []
    for path in files:
        display = path.relative_to(root).as_posix()
        raw = read_limited(path, display, diags, root=root)
        if raw is None:
            continue
        before = parse_yaml_bytes(raw, path, display, diags)
        if before is None:
            continue
        old = raw.decode("utf-8-sig")
        try:
            new = canonical(old)
        except YAMLError as exc:  # rek's loader read it, the round-trip writer cannot: leave it alone
            diags.add(
                display, 1, 1, f"kann nicht formatiert werden ({type(exc).__name__}); bleibt, wie sie ist"
            )
            continue
        if new == old:
            continue
        check = Diagnostics()
        after = parse_yaml_bytes(new.encode("utf-8"), path, display, check)
        if after is None or after.data != before.data:
            diags.add(
                display,
                1,
                1,
                "das Formatieren würde die Bedeutung ändern; die Datei bleibt, wie sie ist",
                hint="Bitte melden Sie das als Fehler in rek, mit der Datei.",
            )
            continue
        results.append(Result(path, display, old, new))
    return results


def write_atomically(texts: dict[Path, str]) -> None:
    """Each file's new text via a temporary file beside it and one rename: never half written."""
    for path, text in texts.items():
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
            os.chmod(temp, path.stat().st_mode & 0o777)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
