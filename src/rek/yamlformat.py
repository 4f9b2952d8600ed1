"""The canonical text of a strategy YAML file, and what `rek fmt` needs to write it.

One round-trip YAML reader/writer (ruamel.yaml) for every tool that rewrites a source file (``rek import``,
``rek fmt``). The canonical form:

- the keys of every mapping in the model's field order (the order of the editor's form and of the JSON
  Schema, so a Decap CMS save already has it at the top level); keys the model does not know follow, as
  written; free-named maps (``own_shares``, ``breakdown``) keep their order;
- indentation: mappings by 2 spaces, list entries ``- `` by 2 under their key (content at 4);
- line ends LF, no whitespace at a line's end (except inside block texts), one newline at the end;
- kept as written: comments and blank lines (comment lines above a key move with it), quoting, block texts
  (``|``, ``>``), flow lists and mappings (``[a, b]``, ``{…}``), dates, numbers; long texts are never
  re-wrapped (a text folded over several lines without ``|``/``>`` becomes one line).

Formatting never changes meaning: the new text is read back with rek's own loader and must give the same
data, else the file is left alone and reported. A file that does not parse is never touched.
"""

from __future__ import annotations

import difflib
import functools
import io
import os
import re
import tempfile
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

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


def canonical(text: str, model: type[BaseModel] | None = None) -> str:
    """The canonical text of one YAML document (raises ruamel's YAMLError when it does not parse); with
    the model of the file, the keys of every mapping in the model's field order."""
    yaml = round_trip()
    doc = yaml.load(text.replace("\r\n", "\n"))
    if model is not None:
        _order(doc, ("model", model))
    out = io.StringIO()
    yaml.dump(doc, out)
    return _strip_trailing(out.getvalue()).rstrip("\n") + "\n"


# a line that opens a block text: 'key: |', '- >-', 'key: |2  # comment'
_BLOCK_START = re.compile(r"(?:^|:|-)\s+[|>][0-9+-]*\s*(?:#.*)?$|^\s*[|>][0-9+-]*$")


def _strip_trailing(text: str) -> str:
    """No whitespace at a line's end, except inside block texts (there it is content: in Markdown two
    spaces at the end are a line break)."""
    lines: list[str] = []
    block: int | None = None  # the indentation of the line that opened the block text we are in
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        if block is not None and (not line.strip() or indent > block):
            lines.append(line)
            continue
        block = None
        line = line.rstrip(" \t")
        if _BLOCK_START.search(line):
            block = indent
        lines.append(line)
    return "\n".join(lines)


# --- key order -----------------------------------------------------------------------------------------

Shape = tuple[str, Any]  # ("model", M), ("list", Shape) or ("dict", Shape): where a model's mappings stand


@functools.cache
def _shape(annotation: Any) -> Shape | None:
    """Where an annotation holds models (a model, a list or a name map of them, optional), else None."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _shape(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        shapes = [_shape(arm) for arm in get_args(annotation) if arm is not type(None)]
        return next((shape for shape in shapes if shape is not None), None)
    if origin is list:
        inner = _shape(get_args(annotation)[0])
        return ("list", inner) if inner else None
    if origin is dict:
        inner = _shape(get_args(annotation)[1])
        return ("dict", inner) if inner else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ("model", annotation)
    return None


def _order(node: Any, shape: Shape | None) -> None:
    """Put the keys of every mapping the model knows in its field order (unknown keys after, as written)."""
    if shape is None:
        return
    kind, inner = shape
    if kind == "list" and isinstance(node, list):
        for item in node:
            _order(item, inner)
    elif kind == "dict" and isinstance(node, dict):
        for item in node.values():
            _order(item, inner)
    elif kind == "model" and isinstance(node, CommentedMap):
        fields = inner.model_fields
        for key, value in node.items():
            if key in fields:
                _order(value, _shape(fields[key].annotation))
        rank = {name: i for i, name in enumerate(fields)}
        keys = list(node)
        known = sorted((k for k in keys if k in rank), key=rank.__getitem__)
        wanted = known + [k for k in keys if k not in rank]
        if wanted != keys:
            _move(node, keys, wanted)


def _move(node: CommentedMap, keys: list[Any], wanted: list[Any]) -> None:
    """Reorder a mapping; the comment lines above a key move with it, those at its end stay at the end.

    ruamel keeps the lines after a value (its end-of-line comment, then whole comment lines and blank
    lines up to the next key) in one token of the value's last scalar, however deep: the lines after the
    first belong to the next key and are moved to stand before it."""
    above: dict[Any, str] = {}
    for previous, key in zip(keys, [*keys[1:], None], strict=True):
        rest = _split_tail(node, previous)
        if rest:
            above[key] = rest
    for key in wanted:
        node.move_to_end(key)
    for key, text in above.items():
        if key is None:  # the lines after the last entry stay after the new last entry
            _append_tail(node, wanted[-1], text)
            continue
        entry = node.ca.items.setdefault(key, [None, None, None, None])
        entry[1] = [CommentToken(text, CommentMark(0)), *(entry[1] or [])]


def _path(container: Any, key: Any) -> list[tuple[Any, Any]]:
    """The containers and keys (or indexes) from entry ``key`` down to the last scalar it ends with."""
    steps = [(container, key)]
    value = container[key]
    while isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        inner = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        steps.append((value, inner))
        value = value[inner]
    return steps


def _slot(container: Any) -> int:
    return 0 if isinstance(container, CommentedSeq) else 2  # where ruamel keeps the comment after a value


def _token(container: Any, key: Any) -> CommentToken | None:
    entry = container.ca.items.get(key)
    slot = _slot(container)
    token = entry[slot] if entry and len(entry) > slot else None
    return token if isinstance(token, CommentToken) else None


def _ends(steps: list[tuple[Any, Any]]) -> list[CommentToken] | None:
    """The comments ruamel keeps at the end of a block list or mapping (after a flow item), deepest first."""
    for container, _ in reversed(steps[1:]):
        if getattr(container.ca, "end", None):
            return container.ca.end
    return None


def _line(container: Any, key: Any) -> int | None:
    """The line (0-based) where a value starts, as ruamel read it."""
    try:
        return int(
            container.lc.item(key)[0] if isinstance(container, CommentedSeq) else container.lc.value(key)[0]
        )
    except (KeyError, IndexError, TypeError):
        return None


def _split_tail(node: CommentedMap, key: Any) -> str:
    """Take the whole lines after entry ``key`` out of the token that holds them; return them."""
    steps = _path(node, key)
    container, inner = steps[-1]
    token = _token(container, inner)
    if token is None:
        ends = _ends(steps)
        if not ends:
            return ""
        keep = 1 if ends[0].start_mark.line == _line(container, inner) else 0  # an end-of-line comment
        rest = "".join(t.value for t in ends[keep:])
        del ends[keep:]
        return rest
    if isinstance(container[inner], LiteralScalarString | FoldedScalarString):
        rest = token.value  # a block text ends its own line: all its token's lines are whole lines
        container.ca.items[inner][_slot(container)] = None
        return rest
    first, _, rest = token.value.partition("\n")
    token.value = first + "\n"
    if not first:
        container.ca.items[inner][_slot(container)] = None
    return rest


def _append_tail(node: CommentedMap, key: Any, text: str) -> None:
    steps = _path(node, key)
    container, inner = steps[-1]
    token = _token(container, inner)
    ends = _ends(steps)
    if token is None and ends:
        ends.append(CommentToken(text, CommentMark(0)))
    elif token is not None:
        token.value += text
    else:
        block = isinstance(container[inner], LiteralScalarString | FoldedScalarString)
        entry = container.ca.items.setdefault(inner, [None, None, None, None])
        entry[_slot(container)] = CommentToken(text if block else "\n" + text, CommentMark(0))


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


def model_of(root: Path, path: Path) -> type[BaseModel]:
    """The model a source file holds (by its folder)."""
    from .call import Call
    from .model import ActionField, Measure, Strategy

    folder = path.relative_to(root).parent
    if folder == ACTION_FIELDS_DIR:
        return ActionField
    if folder == MEASURES_DIR:
        return Measure
    if folder == CALLS_DIR:
        return Call
    return Strategy


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
            new = canonical(old, model_of(root, path))
        except YAMLError as exc:  # rek's loader read it, the round-trip writer cannot: leave it alone
            mark = getattr(exc, "problem_mark", None)
            line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            diags.add(
                display,
                line,
                col,
                "rek fmt kann die Datei an dieser Stelle nicht lesen, obwohl rek check sie liest; "
                "sie bleibt, wie sie ist",
                hint="Oft ein Tabulator nach einem Wert: ersetzen Sie ihn durch Leerzeichen.",
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
