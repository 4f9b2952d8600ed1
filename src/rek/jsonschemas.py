"""JSON Schemas of the YAML files for editors (``rek schema``) and for the open-data package."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from .call import Call
from .model import ActionField, Measure, Strategy

SCHEMAS: dict[str, type[BaseModel]] = {
    "strategy": Strategy,
    "action-field": ActionField,
    "measure": Measure,
    "call": Call,
}


# what may follow a backslash in an ECMAScript regular expression with the unicode flag ('u'), which
# JSON Schema tools use (check-jsonschema, ajv in yaml-language-server): syntax characters and escapes
_ECMA_ESCAPES = set("^$\\.*+?()[]{}|/-") | set("dDwWsSbBnrtfv0123456789cxukpP")


def ecma_pattern(pattern: str) -> str:
    """A Python regex as valid ECMAScript (unicode mode): drop escapes that only Python allows (e.g. \\")."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            following = pattern[i + 1]
            out.append(following if following not in _ECMA_ESCAPES else char + following)
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _ecma_patterns(node: object) -> None:
    if isinstance(node, dict):
        _closed_keys(node)
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                node[key] = ecma_pattern(value)
            else:
                _ecma_patterns(value)
    elif isinstance(node, list):
        for item in node:
            _ecma_patterns(item)


def _closed_keys(node: dict[str, object]) -> None:
    """Keys of a mapping with an id pattern (own_shares) must match it, as 'rek check' demands.

    Pydantic writes the pattern as patternProperties only, which lets any other key through; the
    same pattern as propertyNames makes editors reject 'lk x' or '../lk' as 'rek check' does.
    """
    patterns = node.get("patternProperties")
    names = node.get("propertyNames")
    if (
        isinstance(patterns, dict)
        and len(patterns) == 1
        and isinstance(names, dict)
        and "pattern" not in names
    ):
        names["pattern"] = next(iter(patterns))


def schema_json(kind: str) -> str:
    model = SCHEMAS[kind]
    schema = model.model_json_schema()
    _ecma_patterns(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{kind}.schema.json"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SCHEMAS:
        path = folder / f"{kind}.schema.json"
        text = schema_json(kind)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
