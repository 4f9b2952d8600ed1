"""'Meinten Sie …?' only when the suggestion is plausible, and never the item itself.

A plausible suggestion is the same word in other spelling (case, '-', '_', spaces, leading zeros), a
German label for a fixed English value (``geplant`` → ``planned``), or, for words without digits, a close
spelling (a typo). Identifiers with numbers differ by their number: ``M01`` is never a typo of ``M07``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

_SEPARATORS = re.compile(r"[\s_\-./]+")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")


def normal(text: str) -> str:
    return _LEADING_ZEROS.sub("", _SEPARATORS.sub("", text.casefold()))


def plausible(
    value: str,
    known: Iterable[str],
    *,
    exclude: Iterable[str] = (),
    labels: Mapping[str, str] | None = None,
    cutoff: float = 0.75,
) -> str | None:
    """The one known value the user most likely meant, or None."""
    skip = set(exclude) | {value}
    candidates = [k for k in dict.fromkeys(known) if k not in skip]
    if not candidates or not value:
        return None
    wanted = normal(value)
    same = [k for k in candidates if normal(k) == wanted]
    if same:
        return same[0]
    if labels:
        by_label = [k for k in candidates if k in labels and normal(labels[k]) == wanted]
        if by_label:
            return by_label[0]
    if any(ch.isdigit() for ch in value):
        return None
    words = {k.casefold(): k for k in candidates if not any(ch.isdigit() for ch in k)}
    close = difflib.get_close_matches(value.casefold(), list(words), n=1, cutoff=cutoff)
    return words[close[0]] if close else None


def hint(value: str, known: Iterable[str], *, exclude: Iterable[str] = (), **kwargs: object) -> str | None:
    """'Meinten Sie …?' when plausible, otherwise the list of what is known (without the item itself)."""
    excluded = set(exclude)
    known = sorted(k for k in dict.fromkeys(known) if k not in excluded)
    best = plausible(value, known, **kwargs)  # type: ignore[arg-type]
    if best:
        return f"Meinten Sie '{best}'?"
    if known:
        shown = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
        return f"Bekannt sind: {shown}"
    return None
