"""Settings of Python's cyclic garbage collector for commands that load a whole strategy at once.

Loading a strategy creates hundreds of thousands of objects (YAML nodes, converted data, validated
models) and no garbage cycles worth collecting; the collector would still walk the whole loaded data
again and again while MkDocs builds the site, the more often the larger the strategy. Measured on
1,000 measures with 10 measurements per indicator: 0.91 s of collection per build, 0.36 s with these
settings (scripts/bench.py; docs/benchmark.md).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_load() -> Iterator[None]:
    """No cyclic collection while a strategy is read (reference counting still frees what is dropped)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle() -> None:
    """Leave everything loaded so far out of later collections: a one-shot command keeps it until it
    exits. Not for `rek serve`, which loads the strategy again on every edit."""
    gc.freeze()


@contextmanager
def settled_until_done() -> Iterator[None]:
    """Around a whole command: what settle() left out is handed back to the collector at the end (for
    callers that run several commands in one process, such as the tests)."""
    try:
        yield
    finally:
        gc.unfreeze()
