"""The one guard for text that goes into a spreadsheet cell (CSV and XLSX alike)."""

from __future__ import annotations

import re
from typing import Any

# a formula start after any leading blanks or control characters, full-width variants included
_FORMULA_START = re.compile(
    r"^[\s\x00-\x1f\x7f\u00a0\u2000-\u200b\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]"
)


def safe_cell(value: Any) -> Any:
    """Keep spreadsheet programs from running text as a formula (CSV/formula injection)."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def plain_cell(value: Any) -> Any:
    """The text :func:`safe_cell` guarded, as it was: a sheet rek wrote reads back unchanged."""
    if isinstance(value, str) and value.startswith("'") and _FORMULA_START.match(value[1:]):
        return value[1:]
    return value
