"""Interrupts at defined points of every phase: exit 130, no traceback, the last good output kept.

Each test runs rek in a child process in which one stage function is wrapped so that it sends the real
signal (SIGINT or SIGTERM) to its own process from inside, on its n-th call. Nothing waits or sleeps, so
the tests do not depend on the speed of the machine: the signal arrives in the same place every run.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INIT_TEMPLATE, ROOT, with_call
from rek.project import require_project
from test_hardening import leftovers, tree_digest

# Wraps MODULE:ATTR (ATTR may be Class.method) so that its n-th call sends the signal, then runs rek.
INJECTOR = """
import importlib, os, signal, sys
target, signame, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
module_name, _, attr = target.partition(":")
owner = importlib.import_module(module_name)
*path, name = attr.split(".")
for part in path:
    owner = getattr(owner, part)
original = getattr(owner, name)
calls = [0]
def wrapper(*args, **kwargs):
    calls[0] += 1
    if calls[0] == nth:
        os.kill(os.getpid(), getattr(signal, signame))
    return original(*args, **kwargs)
setattr(owner, name, wrapper)
from rek.cli import main
main(sys.argv[4:])
"""

SITE_PHASES = {
    "load": ("rek.project:_load_many", 1),
    "pages": ("rek.site.pages:SitePages.files", 1),
    "xlsx-download": ("xlsxwriter.worksheet:Worksheet.write_row", 3),  # the open data's third row
    "json-download": ("rek.site.opendata:as_json", 1),
    "mkdocs-config": ("mkdocs.config:load_config", 1),
    "mkdocs-pages": ("mkdocs.commands.build:_build_page", 2),
    "swap": ("rek.build:swap_in", 1),
}
APPLICATION_PHASES = {
    "application-render": ("rek.application.build:render", 1),
    "costplan-xlsx": ("xlsxwriter.workbook:Workbook._store_workbook", 1),
    "docx": ("rek.application.export:to_docx", 1),
    "pdf": ("rek.application.export:to_pdf", 1),
}


def _interrupted(project: Path, out: Path, target: str, nth: int, sig: str, *args: str):
    return subprocess.run(
        [sys.executable, "-c", INJECTOR, target, sig, str(nth), "-C", str(project), "build", "--out", str(out),
         *args],
        cwd=out.parent,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "HOME": str(out.parent)},
    )  # fmt: skip


def _assert_quiet_interrupt(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 130, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert "Exception ignored" not in result.stderr, result.stderr
    assert "Abgebrochen" in result.stderr


@pytest.fixture(scope="module")
def site_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The minimal project and a good site build of it: (project, build)."""
    from rek.build import build

    work = tmp_path_factory.mktemp("unterbrochen")
    project = work / "region"
    shutil.copytree(INIT_TEMPLATE, project)
    good = work / "gut"
    build(require_project(project), good, application=False)
    return project, good


@pytest.mark.documents
@pytest.mark.parametrize("previous", [True, False], ids=["over-good-build", "fresh"])
@pytest.mark.parametrize(
    ("phase", "sig"),
    [(phase, "SIGINT") for phase in SITE_PHASES]
    + [(p, "SIGTERM") for p in ("pages", "xlsx-download", "swap")],
)
def test_interrupted_site_build_keeps_previous_output(
    phase: str, sig: str, previous: bool, site_project: tuple[Path, Path], tmp_path: Path
) -> None:
    project, good = site_project
    out = tmp_path / "out"
    if previous:
        shutil.copytree(good, out, symlinks=True)
    before = tree_digest(out)
    target, nth = SITE_PHASES[phase]
    result = _interrupted(project, out, target, nth, sig, "--no-application")
    _assert_quiet_interrupt(result)
    assert leftovers(tmp_path) == []
    if previous:
        assert tree_digest(out) == before
    else:
        assert not out.exists()


@pytest.fixture(scope="module")
def application_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("antrag") / "region"
    shutil.copytree(INIT_TEMPLATE, project)
    return with_call(project)


@pytest.mark.documents
@pytest.mark.slow
@pytest.mark.parametrize("phase", list(APPLICATION_PHASES))
def test_interrupted_application_leaves_nothing(
    phase: str, application_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    target, nth = APPLICATION_PHASES[phase]
    result = _interrupted(application_project, out, target, nth, "SIGINT", "--no-site")
    _assert_quiet_interrupt(result)
    assert leftovers(tmp_path) == []
    assert not out.exists()


def test_sigterm_during_check_is_quiet(tmp_path: Path) -> None:
    project = tmp_path / "region"
    shutil.copytree(INIT_TEMPLATE, project)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            INJECTOR,
            "rek.project:_load_many",
            "SIGTERM",
            "1",
            "-C",
            str(project),
            "check",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    _assert_quiet_interrupt(result)


@pytest.mark.documents
def test_interrupt_swallowed_by_a_finalizer_is_raised_later() -> None:
    """Ctrl+C during a __del__ is not lost: rek stops at the next checkpoint (here: the end of the command)."""
    import os

    class Finalized:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # the handler runs here, inside the finalizer
                pass

    from rek import interrupts

    def swallow() -> None:
        Finalized()

    with interrupts.handled():
        swallow()
        with pytest.raises(KeyboardInterrupt):
            interrupts.checkpoint()
