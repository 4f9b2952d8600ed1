"""Interrupts (Ctrl+C, SIGTERM) end rek quietly in every phase: exit 130, no traceback, nothing half written.

Python raises ``KeyboardInterrupt`` wherever the main thread happens to be. Two places need care:

- SIGTERM ends a process without cleanup by default; ``handled()`` turns it into ``KeyboardInterrupt`` so
  the temporary build folder is removed like after Ctrl+C.
- An interrupt that lands while a finalizer runs (``__del__``, a generator being closed) cannot propagate;
  Python prints "Exception ignored … Traceback" and goes on. Libraries that write files through
  generators (such as openpyxl's write-only sheets, which rek no longer writes with) also complain from
  their finalizers once an interrupt cut them short. ``handled()`` installs an unraisable-exception hook that keeps such an interrupt as *pending*
  (raised at the next ``checkpoint()``) and stays silent about the follow-up errors of an interrupt.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
from collections.abc import Iterator
from typing import Any


class _State:
    interrupted = False  # an interrupt was seen: finalizer errors after it are its consequences
    pending = False  # an interrupt was swallowed by a finalizer and has not been raised yet


_state = _State()


def _hook(unraisable: Any) -> None:
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        _state.interrupted = _state.pending = True
        return
    if _state.interrupted:
        return
    sys.__unraisablehook__(unraisable)


def _on_terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def checkpoint() -> None:
    """Raise an interrupt that arrived while a finalizer ran (called between the stages of a build)."""
    if _state.pending:
        _state.pending = False
        raise KeyboardInterrupt


def note() -> None:
    """Record that the command ends by an interrupt (its finalizer noise is then suppressed)."""
    _state.interrupted = True


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """For the whole command: SIGTERM as interrupt, finalizer noise of an interrupt suppressed.

    The caller catches the interrupt inside this block and calls ``note()``; objects cut short by it are
    finalized when the exception is dropped, still inside the block, where the hook listens.
    """
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _hook
    try:
        previous_term = signal.signal(signal.SIGTERM, _on_terminate)
    except ValueError:  # not in the main thread
        previous_term = None
    _state.interrupted = _state.pending = False
    try:
        yield
    finally:
        if _state.interrupted:
            gc.collect()  # reference cycles among the objects cut short are finalized now
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
        sys.unraisablehook = previous_hook


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Defer SIGINT and SIGTERM for a moment that must not be cut in two; they take effect right after.

    Python runs signal handlers in the main thread whichever thread receives the signal, so deferring
    in the handler (not masking the thread) also holds when other threads exist.
    """
    received: list[int] = []

    def defer(signum: int, frame: object) -> None:
        received.append(signum)

    try:
        previous = {sig: signal.signal(sig, defer) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not in the main thread: nothing to defer here
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        raise KeyboardInterrupt
