"""Hardening: hostile input, faults and interrupts, injection into the website and the application.

1. Hostile input: every file an attacker or an accident could produce is answered by ``rek check`` with
   exit code 1 and precise ``path:line:col: error:`` lines; never a traceback, an internal error or a hang.
   Small inputs are fixtures (tests/fixtures/hostile/<name>/ + expected.txt, the format of
   tests/fixtures/broken/); big or generated ones (50 MB, 10,000 levels, special files) are made here.
2. Nothing lost: a failed or interrupted build leaves the last good output as it was; dangerous output
   folders are refused before anything is touched; ``rek new`` never overwrites; ``rek check`` never writes.
3. Injection: Jinja syntax, pipes and backslashes in text reach the website, DOCX and Markdown literally;
   no script or event handler from content reaches any page.

Every bug these tests found was fixed; docs/hardening.md lists them with the figures.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, INIT_TEMPLATE, overlay, with_call
from rek.diagnostics import RekError
from rek.project import load_project, require_project
from safety import scan_site

M01 = "measures/M01.yaml"
ERROR_LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+)$")
HOSTILE = sorted(p for p in (FIXTURES / "hostile").iterdir() if p.is_dir())


# --- helpers ----------------------------------------------------------------------------------------


class Hang(BaseException):
    """Raised by the alarm; a BaseException so that the CLI's 'internal error' handler can't swallow it."""


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def tree_digest(root: Path) -> dict[str, tuple[str, ...]]:
    """Every entry below root (links not followed): path -> kind and content hash / link target."""
    result: dict[str, tuple[str, ...]] = {}
    if not root.exists():
        return result
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                result[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                result[rel] = ("dir",)
            else:
                result[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return result


def source_state(root: Path) -> dict[str, tuple[str, ...]]:
    """tree_digest plus modification times: what 'not modified' means for source files."""
    state = tree_digest(root)
    for rel, entry in list(state.items()):
        if entry[0] == "file":
            state[rel] = (*entry, str((root / rel).stat().st_mtime_ns))
    return state


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".rek-tmp-"))


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} should occur once in the minimal measure"
    return text.replace(old, new)


def line_of(text: str, prefix: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(prefix))


def rek_command() -> list[str]:
    script = Path(sys.executable).parent / "rek"
    return [str(script)] if script.is_file() else [sys.executable, "-c", "from rek.cli import main; main()"]


def assert_clean_refusal(result, path: str | None = None) -> list[re.Match[str]]:
    """Exit 1, at least one error line, every error line precise, no traceback or internal error."""
    assert "Traceback" not in result.err, result.err
    assert "Interner Fehler" not in result.err, result.err
    assert result.code == 1, (result.code, result.err)
    matches = [ERROR_LINE.match(line) for line in result.error_lines]
    assert matches and all(matches), result.err
    if path is not None:
        assert all(m["path"] == path for m in matches), result.err
    return matches  # type: ignore[return-value]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def dangerous_markup(page: str) -> list[str]:
    """Event handler attributes and script/data URLs (after entity decoding, as a browser sees them)."""
    parser = _Tags()
    parser.feed(page)
    found = []
    for tag, attrs in parser.tags:
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "poster") and value:
                url = re.sub(r"[\x00-\x20]", "", value).lower()
                if url.startswith(("javascript:", "vbscript:", "data:text/html")):
                    found.append(f"<{tag} {name}={value!r}>")
    return found


def script_tags(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", page, flags=re.IGNORECASE)


# --- 1. hostile input: fixtures -------------------------------------------------------------------------


def inert(fixture: Path) -> bool:
    """An empty expected.txt: the input is hostile but inert (shown as text); check passes, build is safe."""
    return not (fixture / "expected.txt").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("fixture", HOSTILE, ids=[p.name for p in HOSTILE])
def test_hostile_fixture_reports_expected_errors(fixture: Path, minimal: Path, run, golden) -> None:
    overlay(fixture, minimal)
    with time_limit(30):
        result = run("check", cwd=minimal)
    if result.code != 0:
        assert_clean_refusal(result)
    golden.lines(fixture / "expected.txt", result.error_lines)
    if result.error_lines:
        assert result.err.rstrip().endswith("gefunden.")
    else:  # inert: hostile, but shown as text
        assert result.code == 0, result.err


INERT = [p for p in HOSTILE if inert(p)]


@pytest.mark.documents
@pytest.mark.parametrize("fixture", INERT, ids=[p.name for p in INERT])
def test_inert_hostile_fixture_builds_a_safe_site(fixture: Path, minimal: Path, run, tmp_path: Path) -> None:
    overlay(fixture, minimal)
    with time_limit(120):
        built = run("build", "--no-application", "--out", str(tmp_path / "out"), cwd=minimal)
    assert built.code == 0, built.err
    assert scan_site(tmp_path / "out" / "site") == []


def test_hostile_fixtures_do_not_duplicate_broken_ones() -> None:
    broken = {
        tuple(sorted((p.relative_to(d).as_posix(), p.read_bytes()) for p in d.rglob("*") if p.is_file()))
        for d in (FIXTURES / "broken").iterdir()
        if d.is_dir()
    }
    for fixture in HOSTILE:
        files = [p for p in fixture.rglob("*") if p.is_file()]
        assert (fixture / "expected.txt").is_file(), fixture.name
        assert len(files) >= 2, fixture.name
        key = tuple(sorted((p.relative_to(fixture).as_posix(), p.read_bytes()) for p in files))
        assert key not in broken, fixture.name
        assert not (FIXTURES / "broken" / fixture.name).exists(), fixture.name


# --- 1. hostile input: generated ---------------------------------------------------------------------

# name -> (make the file from the minimal measure text, expected (line, col, message pattern));
# line/col None: the expected position is computed in the test (see _expected_position)
Generated = tuple[Callable[[str], str | bytes], int | None, int | None, str]


def _nested_block_mapping(levels: int) -> str:
    return "".join(" " * i + "k:\n" for i in range(levels)) + " " * levels + "v\n"


def _many_nodes(base: str) -> str:
    return replace_once(
        base, "target_groups: [Bürgerinnen und Bürger]", "target_groups: [" + ", ".join(["a"] * 250_000) + "]"
    )


def _big_description(base: str) -> bytes:
    head = replace_once(base, "description: |\n", "description: |\n  " + "x" * 100 + "\n")
    filler = ("  " + "Bürgerbüro " * 9 + "\n").encode("utf-8")
    count = 50 * 1024 * 1024 // len(filler) + 1
    return head.encode("utf-8") + filler * count


TITLE_LINE = "title: Online-Terminvergabe im Bürgerbüro"
GENERATED: dict[str, Generated] = {
    "flow-sequence-10000-unclosed": (lambda b: "x: " + "[" * 10_000 + "\n", 1, None, "verschachtelt|nesting"),
    "flow-sequence-10000-closed": (
        lambda b: "x: " + "[" * 10_000 + "]" * 10_000 + "\n",
        1,
        None,
        "verschachtelt|nesting",
    ),
    "flow-mapping-10000": (
        lambda b: "x: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
        1,
        None,
        "verschachtelt|nesting",
    ),
    "flow-sequence-500": (
        lambda b: "x: " + "[" * 500 + "]" * 500 + "\n",
        1,
        43,
        r"Zu tief verschachtelt: mehr als 40 Ebenen",
    ),
    "block-sequence-10000": (lambda b: "- " * 10_000 + "x\n", 1, 81, r"Zu tief verschachtelt"),
    "block-mapping-2000": (lambda b: _nested_block_mapping(2000), 41, 41, r"Zu tief verschachtelt"),
    "block-mapping-10000-50mb": (lambda b: _nested_block_mapping(10_000), 1, 1, r"Datei ist zu groß"),
    "file-50mb": (_big_description, 1, 1, r"Datei ist zu groß: 52\.4\d\d\.\d\d\d Bytes"),
    "file-one-byte-over-limit": (
        lambda b: b + "#" * (2 * 1024 * 1024 + 1 - len(b.encode("utf-8"))),
        1,
        1,
        r"Datei ist zu groß: 2\.097\.153 Bytes",
    ),
    "250000-nodes": (_many_nodes, None, None, r"Zu viele Elemente in einer Datei"),
    "title-10000-chars": (
        lambda b: replace_once(b, TITLE_LINE, "title: " + "Bürgerbüro " * 909 + "x"),
        3,
        8,
        r"Feld 'title': Text zu lang: erlaubt sind höchstens 300 Zeichen, gefunden: 10000 Zeichen",
    ),
    "description-100000-chars": (
        lambda b: replace_once(b, "description: |\n", "description: |\n" + ("  " + "x" * 99 + "\n") * 1000),
        5,
        14,
        r"Feld 'description': Text zu lang: erlaubt sind höchstens 20000 Zeichen",
    ),
    "id-65-chars": (
        lambda b: replace_once(b, "id: M01\n", "id: M" + "1" * 64 + "\n"),
        2,
        5,
        r"Feld 'id': erwartet: eine Kennung",
    ),
    "integer-5000-digits": (
        lambda b: replace_once(b, "amount: 20000", "amount: " + "9" * 5000),
        None,
        13,
        r"Wert kann nicht gelesen werden",
    ),
    "nul-byte": (
        lambda b: replace_once(b, TITLE_LINE, "title: Online\x00Terminvergabe"),
        3,
        14,
        r"Datei enthält ein Null-Zeichen",
    ),
    "1000-unknown-keys": (
        lambda b: b + "".join(f"feld{i}: x\n" for i in range(1000)),
        None,
        1,
        r"Unbekanntes Feld 'feld\d+'",
    ),
}


def _expected_position(name: str, base: str, line: int | None) -> int | None:
    if name == "250000-nodes":
        return line_of(base, "target_groups:")
    if name == "integer-5000-digits":
        return line_of(base, "    amount:")
    return line


@pytest.mark.parametrize("name", list(GENERATED))
def test_generated_hostile_input_is_refused_precisely(name: str, minimal: Path, run) -> None:
    make, line, col, pattern = GENERATED[name]
    base = (minimal / M01).read_text(encoding="utf-8")
    content = make(base)
    path = minimal / M01
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    started = time.perf_counter()
    with time_limit(60):
        result = run("check", cwd=minimal)
    assert time.perf_counter() - started < 30
    matches = assert_clean_refusal(result, M01)
    line = _expected_position(name, base, line)
    if name == "1000-unknown-keys":  # every one reported, each at its own line
        first_line = len(base.splitlines()) + 1
        assert [int(m["line"]) for m in matches] == list(range(first_line, first_line + 1000))
    else:
        assert len(matches) == 1, result.err
    first = matches[0]
    assert re.search(pattern, first["message"]), first["message"]
    if line is not None:
        assert int(first["line"]) == line, first.group(0)
    if col is not None:
        assert int(first["col"]) == col, first.group(0)
    elif name.startswith("flow-"):
        # somewhere inside the run of brackets on line 1, not at a made-up 1:1
        assert 4 <= int(first["col"]) <= 1004, first.group(0)


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f"], ids=["x01", "x1b-escape", "x7f-delete"])
def test_raw_control_character_is_reported_at_its_position(char: str, minimal: Path, run) -> None:
    base = (minimal / M01).read_text(encoding="utf-8")
    (minimal / M01).write_text(
        replace_once(base, TITLE_LINE, f"title: Online-Termin{char}vergabe"), encoding="utf-8"
    )
    result = run("check", cwd=minimal)
    matches = assert_clean_refusal(result, M01)
    assert (int(matches[0]["line"]), int(matches[0]["col"])) == (3, 21), result.err


def test_escaped_control_character_is_refused_in_every_text_field(minimal: Path, run) -> None:
    base = (minimal / M01).read_text(encoding="utf-8")
    text = replace_once(
        base, "target_groups: [Bürgerinnen und Bürger]", 'target_groups: ["Bürger\\u0007innen"]'
    )
    (minimal / M01).write_text(text, encoding="utf-8")
    result = run("check", cwd=minimal)
    assert (
        assert_clean_refusal(result, M01)[0]
        .group(0)
        .startswith(
            f"{M01}:{line_of(base, 'target_groups')}:18: error: Feld 'target_groups[0]': Steuerzeichen"
        )
    )


TAGGED_COLLECTIONS = {
    "python-object-mapping": ("funding:\n", "funding: !!python/object:builtins.dict\n"),
    "python-apply-sequence": (
        "target_groups: [Bürgerinnen und Bürger]",
        "target_groups: !!python/object/apply:os.system ['rm -rf ~']",
    ),
    "omap-sequence": ("costs:\n", "costs: !!omap\n"),
}


@pytest.mark.parametrize("name", list(TAGGED_COLLECTIONS))
def test_tagged_collection_is_refused(name: str, minimal: Path, run) -> None:
    old, new = TAGGED_COLLECTIONS[name]
    base = (minimal / M01).read_text(encoding="utf-8")
    (minimal / M01).write_text(replace_once(base, old, new), encoding="utf-8")
    result = run("check", cwd=minimal)
    matches = assert_clean_refusal(result, M01)
    assert int(matches[0]["line"]) == line_of(base, old.split(":")[0] + ":")


def test_binary_tag_cannot_smuggle_html(minimal: Path, run, tmp_path: Path) -> None:
    import base64

    payload = base64.b64encode(b"Hallo <script>alert(1)</script>\n").decode()
    base = (minimal / M01).read_text(encoding="utf-8")
    text = re.sub(
        r"^description: \|\n(  .*\n)+", f"description: !!binary {payload}\n", base, count=1, flags=re.M
    )
    (minimal / M01).write_text(text, encoding="utf-8")
    result = run("check", cwd=minimal)
    if result.code == 1:
        matches = assert_clean_refusal(result, M01)
        assert int(matches[0]["line"]) == line_of(base, "description:")
        return
    from rek.build import build

    build(require_project(minimal), tmp_path / "out", application=False)
    assert "<script>alert" not in _page(tmp_path / "out", "massnahme/M01/index.html")


def test_merge_key_is_reported_once(minimal: Path, run) -> None:
    base = (minimal / M01).read_text(encoding="utf-8")
    (minimal / M01).write_text(base + "<<: {title: x}\n", encoding="utf-8")
    result = run("check", cwd=minimal)
    assert_clean_refusal(result, M01)
    assert result.error_lines == [
        f"{M01}:{len(base.splitlines()) + 1}:1: error: Zusammenführen mit '<<' wird nicht unterstützt"
    ]


def test_same_id_in_yaml_and_yml_file_is_refused(minimal: Path, run) -> None:
    shutil.copy(minimal / M01, minimal / "measures" / "M01.yml")
    result = run("check", cwd=minimal)
    matches = assert_clean_refusal(result)
    assert any(m["path"] in (M01, "measures/M01.yml") for m in matches)


@pytest.mark.parametrize("amount", ["1.0e+300", "9" * 40])
def test_huge_amount_is_refused_by_check_or_builds(amount: str, minimal: Path, run, tmp_path: Path) -> None:
    base = (minimal / M01).read_text(encoding="utf-8")
    (minimal / M01).write_text(replace_once(base, "amount: 20000", f"amount: {amount}"), encoding="utf-8")
    result = run("check", cwd=minimal)
    if result.code == 1:
        matches = assert_clean_refusal(result, M01)
        assert int(matches[0]["line"]) == line_of(base, "    amount:")
        return
    built = run("build", "--out", str(tmp_path / "out"), "--no-application", cwd=minimal)
    assert built.code == 0, built.err


# --- 1. hostile input: special files ------------------------------------------------------------------


def test_fifo_as_measure_does_not_hang(minimal: Path) -> None:
    os.mkfifo(minimal / "measures" / "M02.yaml")
    try:
        result = subprocess.run(
            [*rek_command(), "check"], cwd=minimal, capture_output=True, text=True, timeout=5
        )
    except subprocess.TimeoutExpired:
        pytest.fail("rek check hangs on a FIFO in measures/")
    assert result.returncode == 1, result.stderr
    assert "measures/M02.yaml:1:1: error: " in result.stderr


def test_endless_device_as_measure_is_refused(minimal: Path) -> None:
    os.symlink("/dev/zero", minimal / "measures" / "M02.yaml")

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    try:
        result = subprocess.run(
            [*rek_command(), "check"],
            cwd=minimal,
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("rek check does not stop reading /dev/zero")
    assert result.returncode == 1, result.stderr
    assert "measures/M02.yaml:1:1: error: " in result.stderr


def test_unreadable_measure_entries_are_refused(minimal: Path, run) -> None:
    (minimal / "measures" / "M02.yaml").mkdir()
    os.symlink("M03.yaml", minimal / "measures" / "M03.yaml")  # a symlink loop
    os.symlink("nowhere.yaml", minimal / "measures" / "M04.yaml")  # dangling
    result = run("check", cwd=minimal)
    assert_clean_refusal(result)
    assert [line.split(": error: ")[0] for line in result.error_lines] == [
        "measures/M02.yaml:1:1",
        "measures/M03.yaml:1:1",
        "measures/M04.yaml:1:1",
    ]


@pytest.mark.parametrize("kind", ["folder", "dangling-symlink"])
def test_unreadable_content_page_is_refused(kind: str, minimal: Path, run) -> None:
    page = minimal / "content" / "kaputt.md"
    if kind == "folder":
        page.mkdir()
    else:
        os.symlink("nowhere.md", page)
    result = run("check", cwd=minimal)
    assert_clean_refusal(result, "content/kaputt.md")


# --- 2. nothing lost: failing builds ---------------------------------------------------------------


@pytest.fixture
def built(minimal: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, tuple[str, ...]]]:
    """The minimal project with a good build in tmp_path/out: (project, out, digest of out)."""
    from rek.build import build

    out = tmp_path / "out"
    build(require_project(minimal), out, application=False)
    assert (out / ".rek-build").is_file() and (out / "site" / "index.html").is_file()
    return minimal, out, tree_digest(out)


def _fail_mkdocs(*args: object, **kwargs: object) -> list[str]:
    raise RekError("MkDocs konnte die Website nicht bauen: simuliert")


@pytest.mark.documents
def test_failed_mkdocs_keeps_previous_output(built, run, monkeypatch: pytest.MonkeyPatch) -> None:
    project, out, before = built
    monkeypatch.setattr("rek.build.run_mkdocs", _fail_mkdocs)
    result = run("build", "--out", str(out), "--no-application", cwd=project)
    assert result.code == 1 and "simuliert" in result.err and "Traceback" not in result.err
    assert tree_digest(out) == before
    assert leftovers(out.parent) == []


@pytest.mark.documents
def test_crash_while_generating_keeps_previous_output(built, run, monkeypatch: pytest.MonkeyPatch) -> None:
    project, out, before = built

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulierter Programmfehler")

    monkeypatch.setattr("rek.build.write_downloads", crash)
    result = run("build", "--out", str(out), "--no-application", cwd=project)
    assert result.code == 2 and "Interner Fehler" in result.err and "Traceback" not in result.err
    assert tree_digest(out) == before
    assert leftovers(out.parent) == []


@pytest.mark.documents
def test_interrupt_during_mkdocs_keeps_previous_output(built, run, monkeypatch: pytest.MonkeyPatch) -> None:
    project, out, before = built

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("rek.build.run_mkdocs", interrupt)
    result = run("build", "--out", str(out), "--no-application", cwd=project)
    assert result.code == 130 and "Abgebrochen" in result.err
    assert tree_digest(out) == before
    assert leftovers(out.parent) == []


def test_failed_first_build_leaves_nothing(minimal: Path, run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("rek.build.run_mkdocs", _fail_mkdocs)
    out = tmp_path / "neu" / "out"
    result = run("build", "--out", str(out), "--no-application", cwd=minimal)
    assert result.code == 1
    assert not out.exists()
    assert leftovers(out.parent) == []


@pytest.mark.documents
def test_failed_application_export_keeps_previous_output(
    minimal: Path, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rek.build import build

    project = with_call(minimal)
    out = tmp_path / "out"
    build(require_project(project), out)
    assert (out / "antrag" / "antrag.docx").is_file() and (out / "site" / "index.html").is_file()
    before = tree_digest(out)
    false = shutil.which("false")
    assert false
    monkeypatch.setattr("rek.application.export.pandoc_path", lambda: false)
    result = run("build", "--out", str(out), cwd=project)
    assert result.code == 1 and "Pandoc ist gescheitert" in result.err and "Traceback" not in result.err
    assert tree_digest(out) == before
    assert leftovers(out.parent) == []


def _rename_failing_for(prefix: str, error: BaseException, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Path.rename

    def rename(self: Path, target: str | Path) -> Path:
        if self.name.startswith(prefix):
            raise error
        return original(self, target)

    monkeypatch.setattr(Path, "rename", rename)


@pytest.mark.documents
def test_failed_swap_restores_previous_output(built, run, monkeypatch: pytest.MonkeyPatch) -> None:
    project, out, before = built
    _rename_failing_for(".rek-tmp-out-", PermissionError(13, "simuliert"), monkeypatch)
    result = run("build", "--out", str(out), "--no-application", cwd=project)
    assert result.code != 0 and "Traceback" not in result.err
    assert tree_digest(out) == before
    assert leftovers(out.parent) == []


@pytest.mark.documents
def test_interrupt_during_swap_restores_previous_output(built, run, monkeypatch: pytest.MonkeyPatch) -> None:
    project, out, before = built
    _rename_failing_for(".rek-tmp-out-", KeyboardInterrupt(), monkeypatch)
    result = run("build", "--out", str(out), "--no-application", cwd=project)
    assert result.code == 130
    assert tree_digest(out) == before
    assert leftovers(out.parent) == []


@pytest.mark.documents
def test_interrupt_while_removing_old_output_leaves_no_temporary_folder(
    built, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, out, _ = built
    original = shutil.rmtree

    def rmtree(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).name.startswith(".rek-tmp-old-"):
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl+C while the replaced build is deleted
        return original(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", rmtree)
    result = run("build", "--out", str(out), "--no-application", cwd=project)
    monkeypatch.undo()
    assert result.code == 130  # the interrupt is reported once the swap is complete
    assert (out / ".rek-build").is_file() and (out / "site" / "index.html").is_file()
    assert leftovers(out.parent) == []


@pytest.mark.documents
def test_symlink_in_old_output_does_not_lead_outside(built, run) -> None:
    project, out, _ = built
    os.symlink(project / "measures", out / "verweis")
    sources = source_state(project)
    result = run("build", "--out", str(out), "--no-application", cwd=project)
    assert result.code == 0, result.err
    assert source_state(project) == sources
    assert not (out / "verweis").exists()


# --- 2. nothing lost: dangerous output folders ----------------------------------------------------------


def _foreign(tmp_path: Path) -> Path:
    folder = tmp_path / "fremd"
    (folder / "unter").mkdir(parents=True)
    (folder / "notizen.txt").write_text("wichtig\n", encoding="utf-8")
    (folder / "unter" / "daten.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return folder


def _hidden_only(tmp_path: Path) -> Path:
    folder = tmp_path / "versteckt"
    folder.mkdir()
    (folder / ".keep").write_text("", encoding="utf-8")
    return folder


def _link(tmp_path: Path, target: Path, name: str) -> Path:
    os.symlink(target, tmp_path / name)
    return tmp_path / name


def _foreign_with_build_folder(tmp_path: Path) -> Path:
    folder = _foreign(tmp_path)
    (folder / "site").mkdir()
    return folder


OUTPUTS: dict[str, Callable[[Path, Path], Path]] = {
    "project-root": lambda p, t: p,
    "project-root-via-dotdot": lambda p, t: p / "measures" / "..",
    "measures": lambda p, t: p / "measures",
    "inside-measures": lambda p, t: p / "measures" / "out",
    "action-fields": lambda p, t: p / "strategy" / "action-fields",
    "content": lambda p, t: p / "content",
    "parent-of-project": lambda p, t: p.parent,
    "symlink-to-project": lambda p, t: _link(t, p, "verknuepfung"),
    "symlink-in-project-to-measures": lambda p, t: _link(p, p / "measures", "build"),
    "foreign-folder": lambda p, t: _foreign(t),
    "foreign-folder-with-site": lambda p, t: _foreign_with_build_folder(t),
    "folder-with-hidden-file": lambda p, t: _hidden_only(t),
}


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_dangerous_output_folder_is_refused_and_nothing_deleted(
    name: str, minimal: Path, run, tmp_path: Path
) -> None:
    out = OUTPUTS[name](minimal, tmp_path)
    before = source_state(tmp_path)
    result = run("build", "--out", str(out), "--no-application", cwd=minimal)
    assert result.code == 1, result.err
    assert "Ausgabeordner" in result.err and "Traceback" not in result.err
    assert source_state(tmp_path) == before
    assert not any(p.name.startswith(".rek-tmp-") for p in tmp_path.rglob("*"))


def test_output_that_is_a_file_is_refused(minimal: Path, run, tmp_path: Path) -> None:
    before = source_state(tmp_path)
    result = run("build", "--out", str(minimal / "mkdocs.yml"), "--no-application", cwd=minimal)
    # click refuses it as a usage error (exit 2, like every wrong option) before rek runs
    assert result.code in (1, 2) and "ist eine Datei" in result.err and "Traceback" not in result.err
    assert source_state(tmp_path) == before


def test_application_command_refuses_project_root(minimal: Path, run, tmp_path: Path) -> None:
    project = with_call(minimal)
    before = source_state(tmp_path)
    result = run("application", "--out", str(project), cwd=project)
    assert result.code == 1 and "Ausgabeordner" in result.err
    assert source_state(tmp_path) == before


def test_output_below_a_file_is_refused_cleanly(minimal: Path, run, tmp_path: Path) -> None:
    (tmp_path / "datei.txt").write_text("x\n", encoding="utf-8")
    before = source_state(tmp_path)
    result = run("build", "--out", str(tmp_path / "datei.txt" / "out"), "--no-application", cwd=minimal)
    assert source_state(tmp_path) == before
    assert result.code == 1 and "Interner Fehler" not in result.err, result.err


# --- 2. nothing lost: rek new, rek check --------------------------------------------------------------


def test_new_measure_never_overwrites(minimal: Path, run) -> None:
    before = source_state(minimal)
    result = run("new", "measure", "--id", "M01", "--title", "Überschreiben?", cwd=minimal)
    assert result.code == 1 and "gibt es schon" in result.err and "Traceback" not in result.err
    assert source_state(minimal) == before


@pytest.mark.parametrize("measure_id", ["../M09", "/tmp/M09", "M 09", "..", "a" * 65, "-rf"])
def test_new_measure_refuses_bad_ids(measure_id: str, minimal: Path, run, tmp_path: Path) -> None:
    before = source_state(tmp_path)
    result = run("new", "measure", f"--id={measure_id}", cwd=minimal)
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert source_state(tmp_path) == before


def test_new_measure_does_not_write_through_a_symlink(minimal: Path, run, tmp_path: Path) -> None:
    target = tmp_path / "ausserhalb.yaml"
    os.symlink(target, minimal / "measures" / "M02.yaml")
    result = run("new", "measure", "--id", "M02", cwd=minimal)
    assert result.code == 1 and "Traceback" not in result.err
    assert not target.exists()


@pytest.mark.parametrize("title", ["<b>Neu</b>", "Neu\x07"], ids=["html", "bell"])
def test_new_measure_with_hostile_title_keeps_project_valid(title: str, minimal: Path, run) -> None:
    result = run("new", "measure", "--title", title, cwd=minimal)
    if result.code == 1:
        assert not (minimal / "measures" / "M02.yaml").exists()
        return
    assert run("check", cwd=minimal).code == 0


def test_new_measure_with_special_characters_in_title_stays_valid(minimal: Path, run) -> None:
    title = "A | B \\ C {{ 7*7 }} \"zitiert\" 'einfach' #5: x"
    result = run("new", "measure", "--title", title, cwd=minimal)
    assert result.code == 0, result.err
    project = require_project(minimal)
    assert project.measures_by_id["M02"].title == title


def test_check_never_modifies_sources(minimal: Path, run, embedded: Path) -> None:
    for name, project in (("minimal", minimal), ("embedded", embedded)):
        before = source_state(project)
        result = run("check", cwd=project)
        assert result.code == 0, (name, result.err)
        assert source_state(project) == before, name
    for fixture in HOSTILE + sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir()):
        work = minimal.parent / f"fall-{fixture.parent.name}-{fixture.name}"
        shutil.copytree(INIT_TEMPLATE, work)
        overlay(fixture, work)
        before = source_state(work)
        result = run("check", cwd=work)
        assert result.code == (0 if inert(fixture) else 1), fixture.name
        assert source_state(work) == before, fixture.name
    project = with_call(minimal)
    before = source_state(project)
    result = run("check", "--call", "mpsc-2020", cwd=project)
    assert result.code in (0, 1) and "Traceback" not in result.err
    assert source_state(project) == before


# --- 3. injection ---------------------------------------------------------------------------------------

HOSTILE_TITLE = r"A | B \ C {{ 7*7 }} {% raw %} *x* [l](http://e.org) #5"
# one '*' only: two would make Markdown emphasis in the (Markdown) description, as they should
JINJA_LINE = (
    "Vorlage {{ 7*7 }} und {% for x in range(3) %}{{ x }}{% endfor %} bleibt Text, ebenso ${ 7 } und {# x #}."
)
FORMULA_TITLE = '=HYPERLINK("http://example.org","klick")'


def injection_measure(base: str) -> str:
    text = replace_once(base, TITLE_LINE, f"title: '{HOSTILE_TITLE}'")
    text = replace_once(
        text,
        "summary: Termine im Bürgerbüro lassen sich online buchen.",
        "summary: 'Kurz: {{ config.site_name }} | {% if true %}ja{% endif %} \\ Ende'",
    )
    description = (
        "description: |\n"
        f"  {JINJA_LINE}\n"
        "\n"
        "  | Spalte | Wert |\n"
        "  | --- | --- |\n"
        "  | a \\| b | {{ 7*7 }} |\n"
        "  | {% raw %} | c \\\\ d |\n"
    )
    text = re.sub(r"^description: \|\n(  .*\n)+", lambda _: description, text, count=1, flags=re.M)
    text = replace_once(
        text,
        "target_groups: [Bürgerinnen und Bürger]",
        "target_groups: ['Gruppe | mit Pipe \\ und {{ 7*7 }}']",
    )
    return text + (
        "milestones:\n"
        "  - date: 2027-06-30\n"
        "    title: 'Meilenstein {{ 7*7 }} | x'\n"
        "indicators:\n"
        "  - name: 'Quote | {{ 7*7 }}'\n"
        "    unit: '% \\ |'\n"
        "    target: 5\n"
        "    target_year: 2027\n"
        "sources:\n"
        "  - title: 'Quelle [x] | {{ 7*7 }}'\n"
        "    url: https://example.org/a_(b)\n"
    )


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A project with hostile-but-valid text, and its build; plus a build of the plain minimal project."""
    from rek.build import build

    work = tmp_path_factory.mktemp("injektion")
    plain = work / "plain"
    shutil.copytree(INIT_TEMPLATE, plain)
    build(require_project(plain), work / "plain-out", application=False)

    project = work / "region"
    shutil.copytree(INIT_TEMPLATE, project)
    base = (project / M01).read_text(encoding="utf-8")
    (project / M01).write_text(injection_measure(base), encoding="utf-8")
    m02 = replace_once(base, "id: M01\n", "id: M02\n")
    m02 = replace_once(m02, TITLE_LINE, "title: '" + FORMULA_TITLE.replace("'", "''") + "'")
    (project / "measures" / "M02.yaml").write_text(m02, encoding="utf-8")
    (project / "content" / "vorlage.md").write_text(
        "# Seite {{ 7*7 }}\n\n{% for x in y %}{{ x }}{% endfor %} und {# Kommentar #}\n", encoding="utf-8"
    )
    checked, diags = load_project(project)
    assert checked is not None, [d.format() for d in diags.items]  # Jinja, pipes, backslashes: accepted
    with_call(project)
    build(require_project(project), work / "out")
    return {"project": project, "out": work / "out", "plain": work / "plain-out"}


def test_hostile_but_valid_text_is_accepted_by_check(tmp_path: Path, run) -> None:
    project = tmp_path / "region"
    shutil.copytree(INIT_TEMPLATE, project)
    (project / M01).write_text(
        injection_measure((project / M01).read_text(encoding="utf-8")), encoding="utf-8"
    )
    result = run("check", cwd=project)
    assert result.code == 0, result.err


def _page(out: Path, relative: str) -> str:
    return (out / "site" / relative).read_text(encoding="utf-8")


def _text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _article(page: str) -> str:
    match = re.search(r"<article\b.*?</article>", page, flags=re.S)
    assert match
    return match.group(0)


@pytest.mark.documents
def test_measure_page_shows_text_literally(injected: dict[str, Path]) -> None:
    page = _page(injected["out"], "massnahme/M01/index.html")
    article = _article(page)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", article, flags=re.S)
    assert heading and _text_of(heading.group(1)).strip() == f"M01 {HOSTILE_TITLE}"
    text = _text_of(article)
    assert JINJA_LINE in text
    assert "Kurz: {{ config.site_name }} | {% if true %}ja{% endif %} \\ Ende" in text
    assert "Meilenstein {{ 7*7 }} | x" in text
    assert not re.search(r"\b49\b", text)
    # every table keeps its columns: pipes in text never open a new cell
    for table in re.findall(r"<table>.*?</table>", article, flags=re.S):
        widths = {len(re.findall(r"<t[hd]\b", row)) for row in re.findall(r"<tr>.*?</tr>", table, flags=re.S)}
        assert len(widths) == 1, table
    description_table = next(
        t for t in re.findall(r"<table>.*?</table>", article, flags=re.S) if "Spalte" in t
    )
    cells = [_text_of(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", description_table, flags=re.S)]
    assert cells == ["a | b", "{{ 7*7 }}", "{% raw %}", "c \\ d"]


@pytest.mark.documents
def test_catalogue_row_has_exactly_its_cells(injected: dict[str, Path]) -> None:
    page = _page(injected["out"], "massnahmen/index.html")
    table = re.search(r"<table\b[^>]*>.*?</table>", page, flags=re.S)
    assert table
    headers = re.findall(r"<th\b", table.group(0))
    rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", table.group(0), flags=re.S)
    m01 = next(r for r in rows if ">M01<" in r)
    cells = [_text_of(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", m01, flags=re.S)]
    assert len(cells) == len(headers) == 10
    assert cells[0] == "M01" and cells[1] == f"M01 {HOSTILE_TITLE}"


@pytest.mark.documents
def test_content_page_with_jinja_is_literal(injected: dict[str, Path]) -> None:
    text = _text_of(_article(_page(injected["out"], "vorlage/index.html")))
    assert "Seite {{ 7*7 }}" in text and "{% for x in y %}{{ x }}{% endfor %} und {# Kommentar #}" in text


@pytest.mark.documents
def test_no_script_or_handler_from_content_in_any_page(injected: dict[str, Path]) -> None:
    site, plain = injected["out"] / "site", injected["plain"] / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert dangerous_markup(page) == [], path
        baseline = plain / path.relative_to(site)
        if baseline.is_file():
            assert script_tags(page) == script_tags(baseline.read_text(encoding="utf-8")), path
        else:
            assert path.relative_to(site).parts[0] in ("massnahme", "vorlage", "einbetten"), path  # its card
    for path in (plain).rglob("*.html"):
        assert dangerous_markup(path.read_text(encoding="utf-8")) == [], path


@pytest.mark.documents
def test_application_markdown_and_docx_show_title_literally(injected: dict[str, Path]) -> None:
    from docx import Document

    from rek import markup
    from rek.mdtext import text as escape

    antrag = injected["out"] / "antrag"
    markdown = (antrag / "antrag.md").read_text(encoding="utf-8")
    assert escape(HOSTILE_TITLE) in markdown  # plain text escaped for Markdown, not run as a template
    assert markup.escape(JINJA_LINE) in markdown  # a Markdown field re-emitted from its tokens
    document = Document(str(antrag / "antrag.docx"))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    assert any(f"M01 {HOSTILE_TITLE}" in t for t in texts), [t for t in texts if "M01" in t]
    assert any(JINJA_LINE in t for t in texts)
    assert not any(re.search(r"\b49\b", t) for t in texts)


@pytest.mark.documents
def test_pdf_shows_jinja_literally(injected: dict[str, Path]) -> None:
    from pypdf import PdfReader

    text = "\n".join(
        page.extract_text() or "" for page in PdfReader(injected["out"] / "antrag" / "antrag.pdf").pages
    )
    assert "{{ 7*7 }}" in text
    assert not re.search(r"\b49\b", text)


@pytest.mark.documents
def test_spreadsheets_never_hold_formulas_from_text(injected: dict[str, Path]) -> None:
    """The open data holds no formula; the cost plan exactly the formulas its table (costplan.RULES)
    gives for the plan, so no title or name ever became one."""
    from openpyxl import load_workbook

    from rek.application.costplan import formula_cells
    from rek.plan import resolve
    from workbooks import formulas_in

    out = injected["out"]
    download = out / "site" / "downloads" / "strategie.xlsx"
    cost_plan = out / "antrag" / "kosten-und-finanzierungsplan.xlsx"
    assert formulas_in(download) == {}
    plan = resolve(require_project(injected["project"]))
    assert formulas_in(cost_plan) == {(c.sheet, c.cell): c.formula for c in formula_cells(plan)}
    for path in (download, cost_plan):
        titles = [
            cell.value
            for sheet in load_workbook(path).worksheets
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and "HYPERLINK" in cell.value
        ]
        assert titles and all(not t.startswith("=") for t in titles), (path.name, titles)
    import csv

    with (out / "site" / "downloads" / "massnahmen.csv").open(encoding="utf-8", newline="") as handle:
        fields = [field for row in csv.reader(handle) for field in row]
    assert any("HYPERLINK" in f for f in fields)
    assert not any(f[:1] in ("=", "+", "@") for f in fields)


XSS = {
    "reference-link-javascript": (
        M01,
        "  Siehe [hier][ziel].\n\n  [ziel]: javascript:alert(1)\n",
    ),
    "entity-encoded-javascript": (M01, "  Siehe [hier](java&#115;cript:alert(1)).\n"),
    "attr-list-onclick-on-link": (M01, '  Siehe [hier](https://example.org){: onclick="alert(1)" }.\n'),
    "attr-list-onerror-on-image": (M01, "  Bild ![x](https://example.org/a.png){ onerror=alert(1) }\n"),
}


@pytest.mark.documents
@pytest.mark.parametrize("name", list(XSS))
def test_script_constructs_in_markdown_are_refused_or_inert(name: str, minimal: Path, tmp_path: Path) -> None:
    from rek.build import build

    path, snippet = XSS[name]
    base = (minimal / path).read_text(encoding="utf-8")
    (minimal / path).write_text(
        replace_once(base, "description: |\n", "description: |\n" + snippet), encoding="utf-8"
    )
    project, diags = load_project(minimal)
    if project is None:
        assert any(d.path.endswith(path) and d.line >= 5 for d in diags.errors)
        return
    build(project, tmp_path / "out", application=False)
    assert dangerous_markup(_page(tmp_path / "out", "massnahme/M01/index.html")) == []


URLS = {
    "source-url-attr-list": ("measure", "https://example.org/){:onclick=alert(1)}"),
    "source-url-angle": ("measure", "https://example.org/>{:onclick=alert(1)}"),
    "source-url-quote": ("measure", "https://example.org/x'onmouseover='alert(1)'"),
    "partner-url-attr-list": ("partner", "https://example.org/>{:onclick=alert(1)}"),
    "partner-url-braces": ("partner", "https://example.org/{:onclick=alert(1)}"),
}


@pytest.mark.documents
@pytest.mark.parametrize("name", list(URLS))
def test_urls_cannot_add_attributes(name: str, minimal: Path, tmp_path: Path) -> None:
    from rek.build import build

    where, url = URLS[name]
    quoted = '"' + url.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if where == "measure":
        with (minimal / M01).open("a", encoding="utf-8") as handle:
            handle.write(f"sources:\n  - title: Quelle\n    url: {quoted}\n")
    else:
        strategy = minimal / "strategy" / "strategy.yaml"
        text = strategy.read_text(encoding="utf-8")
        strategy.write_text(
            replace_once(text, "    role: Antragsteller\n", f"    role: Antragsteller\n    url: {quoted}\n"),
            encoding="utf-8",
        )
    project, diags = load_project(minimal)
    if project is None:
        assert diags.errors and all(d.line > 1 for d in diags.errors)
        return
    build(project, tmp_path / "out", application=False)
    for page in ("massnahme/M01/index.html", "partner/lk/index.html"):
        assert dangerous_markup(_page(tmp_path / "out", page)) == [], page


def test_site_settings_cannot_inject_html(minimal: Path, tmp_path: Path, run) -> None:
    (minimal / "mkdocs.yml").write_text(
        'site_name: "Region <script>alert(1)</script>"\ncopyright: "<img src=x onerror=alert(2)>"\n',
        encoding="utf-8",
    )
    result = run("check", cwd=minimal)
    if result.code == 1:
        assert_clean_refusal(result, "mkdocs.yml")
        return
    from rek.build import build

    build(require_project(minimal), tmp_path / "out", application=False)
    page = _page(tmp_path / "out", "index.html")
    assert "<script>alert" not in page and dangerous_markup(page) == []
