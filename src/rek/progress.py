"""A progress display on stderr for work that takes longer than about two seconds: stages with counts.

The build calls ``stage(name, total)`` and ``Stage.advance()``; nothing is shown unless the command line
switched the display on (``enable``), and then only once the command has run for ``threshold`` seconds,
so quick commands stay silent. On a terminal one line is rewritten in place
("[3/5] Seiten schreiben 412/1.000"); otherwise (CI logs, pipes) each finished stage prints one line.
Stage boundaries are also the points where an interrupt swallowed by a finalizer is raised.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from . import interrupts
from .formatting import number


class Stage:
    def __init__(self, display: Display, name: str, total: int | None) -> None:
        self.display, self.name, self.total = display, name, total
        self.count = 0
        self.started = display.clock()

    def advance(self, n: int = 1) -> None:
        self.count += n
        self.display.update(self)

    def label(self) -> str:
        if self.total is not None:
            return f"{self.name} {number(self.count)}/{number(self.total)}"
        return f"{self.name} {number(self.count)}" if self.count else self.name


class Display:
    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        tty: bool = False,
        threshold: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream, self.tty, self.threshold, self.clock = stream, tty, threshold, clock
        self.started = clock()
        self.number = 0
        self.last_draw = 0.0
        self.line_open = False

    @property
    def enabled(self) -> bool:
        return self.stream is not None

    def _due(self) -> bool:
        return self.enabled and self.clock() - self.started >= self.threshold

    def update(self, stage: Stage, *, force: bool = False) -> None:
        if not self.tty or not self._due():
            return
        now = self.clock()
        if not force and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        assert self.stream is not None
        self.stream.write(f"\r\033[K[{self.number}] {stage.label()}")
        self.stream.flush()
        self.line_open = True

    def finish(self, stage: Stage) -> None:
        if not self._due():
            return
        assert self.stream is not None
        seconds = self.clock() - stage.started
        if self.tty:
            self.stream.write("\r\033[K")
            self.line_open = False
        duration = f"{seconds:.1f}".replace(".", ",")
        self.stream.write(f"[{self.number}] {stage.label()} ({duration} s)\n")
        self.stream.flush()

    def close(self) -> None:
        if self.line_open and self.stream is not None:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.line_open = False


_display = Display()


def enable(stream: TextIO, *, tty: bool, threshold: float = 2.0) -> None:
    global _display
    _display = Display(stream, tty=tty, threshold=threshold)


def disable() -> None:
    global _display
    _display.close()
    _display = Display()


@contextlib.contextmanager
def stage(name: str, total: int | None = None) -> Iterator[Stage]:
    """One stage of the work; shown (when enabled and due) with its count when it ends."""
    interrupts.checkpoint()
    display = _display
    display.number += 1
    current = Stage(display, name, total)
    display.update(current, force=True)
    try:
        yield current
    except BaseException:
        display.close()
        raise
    display.finish(current)
    interrupts.checkpoint()


class _MkDocsPages(logging.Handler):
    """Turns MkDocs' per-page debug messages ('Reading: …', 'Building page …') into counts."""

    def __init__(self, current: Stage) -> None:
        super().__init__(logging.DEBUG)
        self.current = current
        self.building = False

    def emit(self, record: logging.LogRecord) -> None:
        message = record.msg if isinstance(record.msg, str) else ""
        if message.startswith("Reading: "):
            self.current.advance()
        elif message.startswith("Building page "):
            if not self.building:  # the second half: the same pages again, now as HTML
                self.building = True
                self.current.name, self.current.count = "MkDocs: Seiten bauen", 0
            self.current.advance()


@contextlib.contextmanager
def mkdocs_pages(total: int) -> Iterator[None]:
    """MkDocs' work as one stage: 'MkDocs: Markdown lesen n/N', then 'MkDocs: Seiten bauen n/N'."""
    if not _display.enabled:
        yield
        return
    logger = logging.getLogger("mkdocs.commands.build")
    with stage("MkDocs: Markdown lesen", total) as current:
        handler = _MkDocsPages(current)
        previous = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(previous)
