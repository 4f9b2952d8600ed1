"""Command-line conventions: --version, -q, -v, colours only on a terminal and never with NO_COLOR,
and a progress display (stages with counts) for work that takes longer than about two seconds."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from rek import progress


def test_version(run) -> None:
    result = run("--version")
    assert result.code == 0 and result.out == "rek, Version 0.1.0\n"


@pytest.mark.documents
def test_quiet_prints_only_problems(run, minimal: Path, tmp_path: Path) -> None:
    def problems_only(text: str) -> bool:  # warnings (here: placeholders) with their hints, nothing else
        return all(": warning: " in line or line.startswith("    Hinweis: ") for line in text.splitlines())

    checked = run("-q", "check", cwd=minimal)
    assert checked.code == 0 and problems_only(checked.out + checked.err)
    built = run("-q", "build", "--no-application", "--out", str(tmp_path / "out"), cwd=minimal)
    assert built.code == 0 and built.out == "" and problems_only(built.err)
    assert "Gebaut" in run("build", "--no-application", "--out", str(tmp_path / "out"), cwd=minimal).out
    measure = minimal / "measures" / "M01.yaml"
    measure.write_text(measure.read_text("utf-8").replace("status: idea", "status: geplant"), "utf-8")
    broken = run("-q", "check", cwd=minimal)
    assert broken.code == 1 and "measures/M01.yaml:11:9: error:" in broken.err


@pytest.mark.documents
def test_verbose_shows_every_stage_with_counts_and_timings(run, minimal: Path, tmp_path: Path) -> None:
    result = run("-v", "build", "--no-application", "--out", str(tmp_path / "out"), cwd=minimal)
    assert result.code == 0, result.err
    stages = [line for line in result.err.splitlines() if line.startswith("[")]
    pattern = [
        r"\[1\] Dateien prüfen 3 \(\d+,\d s\)",
        r"\[2\] Seiten schreiben \d+ \(\d+,\d s\)",
        r"\[3\] Offene Daten schreiben 1/1 \(\d+,\d s\)",
        r"\[4\] MkDocs: Seiten bauen (\d+)/\1 \(\d+,\d s\)",
        r"\[5\] Steckbriefe \(PDF\) 1/1 \(\d+,\d s\)",  # one profile for the template's one measure
    ]
    assert len(stages) == len(pattern), result.err
    for line, expected in zip(stages, pattern, strict=True):
        assert re.fullmatch(expected, line), (line, expected)
    assert "(Seiten " in result.out and "MkDocs " in result.out  # timings only with -v
    plain = run("build", "--no-application", "--out", str(tmp_path / "out"), cwd=minimal)
    assert not any(line.startswith("[") for line in plain.err.splitlines())  # not a terminal: no progress
    assert "MkDocs " not in plain.out


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_on_a_terminal_appears_only_after_two_seconds() -> None:
    clock = Clock()
    stream = io.StringIO()
    progress._display = progress.Display(stream, tty=True, threshold=2.0, clock=clock)
    try:
        with progress.stage("Dateien prüfen") as stage:
            stage.advance(10)
            clock.now = 1.0
        assert stream.getvalue() == ""  # quick work stays silent
        with progress.stage("Seiten schreiben", 1000) as stage:
            clock.now = 2.5
            stage.advance(412)
            assert stream.getvalue().endswith("\r\x1b[K[2] Seiten schreiben 412/1.000")
            clock.now = 3.0
            stage.advance(588)
        assert stream.getvalue().endswith("\r\x1b[K[2] Seiten schreiben 1.000/1.000 (2,0 s)\n")
    finally:
        progress.disable()


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run rek with stdout and stderr on a pseudo terminal; return what it wrote."""
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "rek.cli", *args], cwd=cwd, stdout=child, stderr=child, env=env
    )
    os.close(child)
    output = b""
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=60)
    os.close(main)
    return output.decode("utf-8", "replace")


def test_colours_on_a_terminal_unless_no_color(minimal: Path) -> None:
    measure = minimal / "measures" / "M01.yaml"
    measure.write_text(measure.read_text("utf-8").replace("status: idea", "status: geplant"), "utf-8")
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "TERM": "xterm"}
    coloured = _on_a_terminal(["check"], minimal, env)
    assert "\x1b[31m\x1b[1merror\x1b[0m" in coloured, coloured
    plain = _on_a_terminal(["check"], minimal, env | {"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "measures/M01.yaml:11:9: error: Feld 'status'" in plain
