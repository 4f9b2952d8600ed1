from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

pytest.register_assert_rewrite("expected_output")

from expected_output import Golden  # noqa: E402
from rek.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
INIT_TEMPLATE = ROOT / "src" / "rek" / "templates" / "init"
# the init template leaves the grant and the call phase out (rate × eligible cost; phase from the dates):
# tests that need them written put them where these comment lines stand (no line moves)
GRANT_LINE = (
    "  # grant: ohne Angabe Fördersatz des Aufrufs × förderfähige Kosten (hier 65 % von 20.000 € = 13.000 €)"
)
CALL_PHASE_LINE = "    # call_phase: ohne Angabe folgt die Phase des Aufrufs aus den Daten (hier Phase A)"
# The reference day (Stichtag) of every test: late measures, missed targets, deadlines and document dates
# are computed from it, never from the machine's clock (tests/test_clock.py runs them at other dates).
REFERENCE_DAY = "2026-11-25"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the expected output files (tests/golden, transcripts, expected.txt) instead of comparing",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that compares with a file of expected output is a golden test (make golden runs them all)."""
    for item in items:
        if "golden" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.golden)


GOLDEN = pytest.StashKey[Golden]()


@pytest.fixture(scope="session")
def golden(pytestconfig: pytest.Config) -> Golden:
    """Compare output with its expected file (tests/expected_output.py); --update-golden rewrites them."""
    update = pytestconfig.getoption("--update-golden") or os.environ.get("REK_UPDATE_GOLDEN") == "1"
    pytestconfig.stash[GOLDEN] = Golden(update)
    return pytestconfig.stash[GOLDEN]


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    rewritten = config.stash[GOLDEN].rewritten if GOLDEN in config.stash else []
    if rewritten:
        terminalreporter.section("expected output rewritten (review with git diff)")
        for path in rewritten:
            terminalreporter.line(path.relative_to(ROOT).as_posix())


# Fixtures that build the embedded strategy's site and application (or drafts) once for many tests.
DOCUMENT_FIXTURES = {"built_embedded", "drafts", "injected", "built"}


@pytest.fixture(autouse=True)
def documents_only_where_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the fast lane honest: a test that builds documents in this process must be marked so.

    Pandoc, Typst and MkDocs refuse to run in a test without the marker ``documents`` (or ``browser``);
    tests that build in a child process (rek serve, mike, interrupts) carry the marker by hand.
    """
    node = request.node
    if node.get_closest_marker("documents") or node.get_closest_marker("browser"):
        return
    message = f"{node.nodeid} builds documents: mark it @pytest.mark.documents (CONTRIBUTING.md, Tests)"
    assert not DOCUMENT_FIXTURES & set(request.fixturenames), message

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(message)

    monkeypatch.setattr("rek.build.run_mkdocs", refuse)
    monkeypatch.setattr("rek.application.export._pandoc", refuse)
    monkeypatch.setattr("rek.application.export.typst_compile", refuse)


@pytest.fixture(scope="session", autouse=True)
def reference_day() -> Iterator[str]:
    """Pin the reference day for the whole session (in-process and for every rek subprocess)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REK_TODAY", REFERENCE_DAY)
        yield REFERENCE_DAY


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple[dict[str, Any], set[int]]]]:
    """Template name -> the contexts it was rendered with (and the ids of its environment's helpers)."""
    seen: dict[str, list[tuple[dict[str, Any], set[int]]]] = {}
    original = jinja2.Template.new_context

    def new_context(self: jinja2.Template, vars: Any = None, shared: bool = False, locals: Any = None):  # noqa: A002
        context = original(self, vars, shared, locals)
        helpers = {id(v) for v in self.environment.globals.values()}
        own = {k: v for k, v in context.get_all().items() if k not in self.environment.globals}
        seen.setdefault(self.name or "?", []).append((own, helpers))
        return context

    monkeypatch.setattr(jinja2.Template, "new_context", new_context)
    return seen


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if ": error: " in line]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run the rek CLI in-process in a folder; return exit code, stdout, stderr."""

    def _run(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


# what an application folder holds: the deliverables, no Typst source, chart file or staging folder
APPLICATION_DELIVERABLES = [
    "LIESMICH.txt",
    "antrag.docx",
    "antrag.md",
    "antrag.pdf",
    "entwuerfe",
    "kosten-und-finanzierungsplan.xlsx",
    "projekttexte.txt",
]

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


@pytest.fixture
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits in a test repository need an author, whatever the machine's git configuration says."""
    for key, value in GIT_IDENTITY.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A fresh copy of the minimal valid project (the 'rek init' template)."""
    target = tmp_path / "region"
    shutil.copytree(INIT_TEMPLATE, target)
    return target


@pytest.fixture
def embedded(tmp_path: Path) -> Path:
    """A copy of the embedded Weserbergland strategy."""
    target = tmp_path / "weserbergland"
    target.mkdir()
    for name in ("strategy", "measures", "content", "templates"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return target


@pytest.fixture(scope="session")
def built_embedded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded strategy built once per test session (site + application): returns the output folder."""
    from rek.build import build
    from rek.project import require_project

    work = tmp_path_factory.mktemp("embedded")
    project_dir = work / "weserbergland"
    project_dir.mkdir()
    for name in ("strategy", "measures", "content"):
        shutil.copytree(ROOT / name, project_dir / name)
    shutil.copy(ROOT / "mkdocs.yml", project_dir / "mkdocs.yml")
    project = require_project(project_dir)
    out = work / "out"
    build(project, out)
    return out


def with_call(project: Path) -> Path:
    """Choose the call mpsc-2021 in a copy of the minimal project (profiles from the embedded strategy)."""
    shutil.copytree(ROOT / "strategy" / "calls", project / "strategy" / "calls")
    strategy = project / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    text = re.sub(r"^# call: mpsc-2021.*$", "call: mpsc-2021", text, count=1, flags=re.M)
    assert "\ncall: mpsc-2021\n" in text
    # what the call asks for besides: committed own funds and the annexes (so the build may write it)
    text = text.replace("    role: Antragsteller\n", "    role: Antragsteller\n    own_funds: 1000000\n", 1)
    text += (
        "annexes:\n  - {id: ratsbeschluss, title: Ratsbeschluss, partner: lk}\n"
        "  - {id: absichtserklaerung, title: Absichtserklärung, partner: lk}\n"
        "  - {id: kosten-und-finanzierungsplan, title: Kosten- und Finanzierungsplan}\n"
        # the application is dated before the call's deadline (the reference day of the tests is after it)
        "submissions:\n  - {call: mpsc-2021, date: 2021-03-12}\n"
    )
    strategy.write_text(text, encoding="utf-8")
    fill_applicant(project)
    return project


def fill_applicant(project: Path) -> None:
    """What a non-draft application may not carry (rek.placeholders.for_application): the template's
    scaffold text and names, and the applicant's 'bitte ergänzen' (the website's legal block may keep its)."""
    fill_scaffold(project)
    strategy = project / "strategy" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    for old, new in (
        ('regional_key: "bitte ergänzen"', 'regional_key: "031234567890"'),
        ('representative: "bitte ergänzen (z. B. Landrätin oder Landrat des Landkreises Muster)"',
         'representative: "Landrätin des Landkreises Testheim"'),
        ('"bitte ergänzen (Straße und Hausnummer)"', '"Hauptstraße 1"'),
        ('"bitte ergänzen (Postleitzahl und Ort)"', '"12345 Testheim"'),
    ):  # fmt: skip
        text = text.replace(old, new, 1 if "Straße" in old or "Postleitzahl" in old else -1)
    text = text.replace("bitte ergänzen: ", "Ausgefüllt: ")  # the chapters the calls ask for
    strategy.write_text(text, encoding="utf-8")


def fill_scaffold(project: Path) -> None:
    """Replace every scaffold text and template name (rek.placeholders.scaffold_texts) as a region would."""
    from rek.placeholders import scaffold_texts

    texts, names = scaffold_texts()
    for path in [
        *project.glob("strategy/**/*.yaml"),
        *project.glob("measures/*.yaml"),
        project / "mkdocs.yml",
    ]:
        text = path.read_text(encoding="utf-8")
        for old in texts:
            text = text.replace(old, "Eigener Text der Region.")
        for old in names:
            text = text.replace(old, "Landkreis Testheim" if old.startswith("Landkreis") else "Testregion")
        path.write_text(text, encoding="utf-8")


def overlay(fixture: Path, project: Path) -> None:
    """Copy a fixture's files (all but expected.txt) over a project."""
    for item in fixture.rglob("*"):
        if item.is_file() and item.name != "expected.txt":
            target = project / item.relative_to(fixture)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(item, target)


def documented_names(markdown: str, heading: str) -> list[str]:
    """The backticked names in the first column of the tables under a heading (up to the next heading).

    Header rows (the row above ``| --- |``) are left out; prose, and other columns, do not count.
    """
    section = markdown.split(f"\n{heading}\n", 1)[1]
    section = re.split(r"\n#{1,6} ", section, maxsplit=1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    names: list[str] = []
    for index, row in enumerate(rows):
        if re.fullmatch(r"[|\s:-]+", row):
            continue
        if index + 1 < len(rows) and re.fullmatch(r"[|\s:-]+", rows[index + 1]):
            continue  # a header row
        first = row.strip("|").split("|", 1)[0]
        names += re.findall(r"`([^`]+)`", first)
    return names
