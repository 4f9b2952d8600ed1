"""Versions and the strategist's workflow, on throw-away git repositories with tags made here."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from pydantic import BaseModel

from conftest import GRANT_LINE, ROOT, fill_scaffold

REK = str(Path(sys.executable).parent / "rek")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(minimal: Path, git_identity: None) -> Path:
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", "-A")
    git(minimal, "commit", "-qm", "v0.1")
    git(minimal, "tag", "v0.1")
    measure = minimal / "measures" / "M01.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text.replace("Online-Terminvergabe im Bürgerbüro", "Online-Termine in allen Bürgerbüros")
                       .replace("amount: 20000", "amount: 30000").replace(GRANT_LINE, "  grant: 19500"), encoding="utf-8")  # fmt: skip
    second = text.replace("id: M01", "id: M02").replace(
        "Online-Terminvergabe im Bürgerbüro", "Digitale Bauakte"
    )
    (minimal / "measures" / "M02.yaml").write_text(second, encoding="utf-8")
    git(minimal, "add", "-A")
    git(minimal, "commit", "-qm", "v0.2")
    git(minimal, "tag", "v0.2")
    return minimal


def test_diff_between_tags_lists_added_and_changed_fields_and_budget(repo: Path, run) -> None:
    result = run("diff", "v0.1", "v0.2", cwd=repo)
    assert result.code == 0, result.err
    out = result.out
    assert "Änderungen von v0.1 zu v0.2" in out
    assert "+ Maßnahme M02 Digitale Bauakte (neu, 20.000\u00a0€)" in out
    assert "~ Maßnahme M01 Online-Termine in allen Bürgerbüros" in out
    assert "    Titel: Online-Terminvergabe im Bürgerbüro → Online-Termine in allen Bürgerbüros" in out
    assert "    Kosten 2027: 20.000\u00a0€ → 30.000\u00a0€" in out
    assert "    Finanzierung: Zuwendung: – → 19.500\u00a0€" in out  # left out (rate × cost), then written
    assert "    Verwaltung: 20.000\u00a0€ → 50.000\u00a0€ (+30.000\u00a0€)" in out
    assert "costs[" not in out and "amount" not in out


def test_diff_against_the_work_tree_and_as_markdown(repo: Path, run) -> None:
    (repo / "measures" / "M02.yaml").unlink()
    result = run("diff", "v0.2", "--markdown", cwd=repo)
    assert result.code == 0, result.err
    assert "## Entfallen" in result.out
    assert "- Maßnahme: M02 Digitale Bauakte (20.000\u00a0€)" in result.out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_diff_covers_every_file_in_german(repo: Path, run) -> None:
    """Strategy, goals, partners, action fields with indicators, measures, calls and pages, German values."""
    shutil.copytree(ROOT / "strategy" / "calls", repo / "strategy" / "calls")
    field = repo / "strategy" / "action-fields" / "verwaltung.yaml"
    _edit(
        field,
        "indicators: []",
        "indicators:\n  - name: Online-Dienste\n    unit: Dienste\n    target: 40\n    target_year: 2028",
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Indikator, Aufrufe")
    git(repo, "tag", "v0.3")
    strategy = repo / "strategy" / "strategy.yaml"
    _edit(
        strategy,
        "title: Verwaltungsleistungen sind online erreichbar",
        "title: Alle Verwaltungsleistungen sind online",
    )
    _edit(strategy, "kind: Landkreis", "kind: Zweckverband")
    _edit(field, "target: 40", "target: 25")
    measure = repo / "measures" / "M01.yaml"
    _edit(measure, "status: idea", "status: in_progress")
    _edit(measure, "priority: medium", "priority: high")
    _edit(measure, "end: 2027-12-31", "end: 2028-06-30")
    _edit(
        measure,
        "target_groups: [Bürgerinnen und Bürger]",
        "target_groups: [Bürgerinnen und Bürger, Unternehmen]",
    )
    _edit(
        measure,
        "own_shares: {lk: 100}",
        "own_shares: {lk: 100}\nmilestones:\n  - date: 2027-06-01\n    title: Start",
    )
    call = repo / "strategy" / "calls" / "mpsc-2021.yaml"
    _edit(call, "chars_per_page: ", "chars_per_page: 1")
    _edit(repo / "content" / "leichte-sprache.md", "\n", "\nEin neuer Satz.\n")
    result = run("diff", "v0.3", cwd=repo)
    assert result.code == 0, result.err
    out = result.out
    for line in [
        "~ Strategie",
        "    Partner „Landkreis Muster“: Art: Landkreis → Zweckverband",
        "    Ziel „Z1“: Titel: Verwaltungsleistungen sind online erreichbar → Alle Verwaltungsleistungen sind online",
        "~ Handlungsfeld Verwaltung",
        "    Indikator „Online-Dienste“: Zielwert: 40 → 25",
        "~ Maßnahme M01 Online-Termine in allen Bürgerbüros",
        "    Status: Idee → In Umsetzung",
        "    Priorität: Mittel → Hoch",
        "    Ende: 31.12.2027 → 30.06.2028",
        "    Zielgruppen: Bürgerinnen und Bürger → Bürgerinnen und Bürger, Unternehmen",
        "    Meilenstein „Start“: – → neu (01.06.2027)",
        "    Zeichen je Seite: ",
        "~ Seite Leichte Sprache",
        "    Text: überarbeitet",
    ]:
        assert line in out, (line, out)
    page = run("diff", "v0.3", "--markdown", cwd=repo).out
    assert "### Handlungsfelder" in page and "#### [Verwaltung](handlungsfelder/verwaltung.md)" in page
    assert "- Indikator „Online-Dienste“: Zielwert: 40 → 25" in page
    assert "- Status: Idee → In Umsetzung" in page
    # plain language for the public: no field paths, no English values, no commands
    for word in ("in_progress", "status:", "target", "costs", "[0]", "rek ", "git "):
        assert word not in page, word


def test_diff_of_costs_by_year_and_kind(repo: Path, run) -> None:
    measure = repo / "measures" / "M01.yaml"
    _edit(
        measure,
        "    amount: 30000\n",
        "    amount: 30000\n  - year: 2027\n    category: personnel\n    amount: 5000\n",
    )
    out = run("diff", "v0.2", cwd=repo).out
    assert "    Kosten 2027 (Personalausgaben): – → 5.000\u00a0€" in out


def test_diff_of_costs_names_each_kind_in_every_year() -> None:
    # two years with different kinds: every kind of every year is named (the loop over a year's kinds
    # once reused the name of the function that names the kinds; harmless, as it had run before)
    from rek.diff import model_changes
    from rek.model import Cost

    def costs(*lines: tuple[int, str, int]) -> list[Cost]:
        return [Cost(year=y, category=c, amount=a) for y, c, a in lines]

    class Costs(BaseModel):
        costs: list[Cost]

    old = Costs(costs=costs((2026, "personnel", 100), (2026, "travel", 10), (2027, "personnel", 200)))
    new = Costs(costs=costs((2026, "personnel", 100), (2026, "material", 20), (2027, "material", 300)))
    assert [c.line() for c in model_changes(old, new)] == [
        "Kosten 2026 (Reisekosten): 10\u00a0€ → –",
        "Kosten 2026 (Sachausgaben): – → 20\u00a0€",
        "Kosten 2027 (Personalausgaben): 200\u00a0€ → –",
        "Kosten 2027 (Sachausgaben): – → 300\u00a0€",
    ]


def test_diff_without_changes_says_so(repo: Path, run) -> None:
    assert run("diff", "v0.2", cwd=repo).out == "Änderungen von v0.2 zu Arbeitsstand: keine.\n"
    assert "Inhaltlich hat sich nichts geändert." in run("diff", "v0.2", "--markdown", cwd=repo).out


def test_diff_of_unknown_revision_is_a_plain_error(repo: Path, run) -> None:
    result = run("diff", "v9.9", cwd=repo)
    assert result.code == 1
    assert "Revision 'v9.9' gibt es in diesem Repository nicht" in result.err
    assert "Traceback" not in result.err


@pytest.mark.documents
def test_build_since_writes_the_changes_page(repo: Path, run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", "--since", "v0.1", "--no-application", "--out", str(out), cwd=repo)
    assert result.code == 0, result.err
    page = (out / "site" / "aenderungen" / "index.html").read_text(encoding="utf-8")
    assert "Neu" in page and "M02 Digitale Bauakte" in page
    assert 'href="../massnahme/M02/"' in page


def fill_placeholders(repo: Path) -> None:
    fill_scaffold(repo)
    for path in (repo / "strategy" / "strategy.yaml", repo / "content" / "leichte-sprache.md"):
        path.write_text(
            path.read_text(encoding="utf-8")
            .replace('email: "bitte ergänzen"', 'email: "poststelle@example.org"')  # addresses stay addresses
            .replace('phone: "bitte ergänzen"', 'phone: "+49 5151 903-0"')
            .replace('regional_key: "bitte ergänzen"', 'regional_key: "031234567890"')  # twelve digits
            .replace('log_retention_days: "bitte ergänzen"', "log_retention_days: 14")  # a number
            .replace('privacy_date: "bitte ergänzen"', "privacy_date: 2027-01-15")  # a date
            .replace("bitte ergänzen", "ausgefüllt"),
            encoding="utf-8",
        )


def adopt(repo: Path) -> None:
    strategy = repo / "strategy" / "strategy.yaml"
    strategy.write_text(
        strategy.read_text(encoding="utf-8").replace(
            "status: Entwurf", "status: beschlossen\nadopted: 2027-03-01"
        ),
        encoding="utf-8",
    )


def test_publish_refuses_an_adopted_version_with_placeholders(repo: Path, run) -> None:
    adopt(repo)
    git(repo, "commit", "-qam", "beschlossen")
    git(repo, "tag", "v1.0")
    result = run("publish", cwd=repo)
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if ": error: Platzhalter „bitte ergänzen“" in line]
    assert (
        lines[0]
        == "content/leichte-sprache.md:6:17: error: Platzhalter „bitte ergänzen“: diese Angabe fehlt noch"
    )
    strategy = (repo / "strategy" / "strategy.yaml").read_text(encoding="utf-8").splitlines()
    number, line = next((i, text) for i, text in enumerate(strategy, 1) if 'phone: "bitte ergänzen"' in text)
    column = line.index("bitte ergänzen") + 1
    assert (
        f"strategy/strategy.yaml:{number}:{column}: error: Platzhalter „bitte ergänzen“: diese Angabe fehlt noch"
        in lines
    )
    expected = sum(
        (repo / name).read_text(encoding="utf-8").count("bitte ergänzen")
        for name in ("strategy/strategy.yaml", "content/leichte-sprache.md")
    )
    assert len(lines) == expected
    with pytest.raises(subprocess.CalledProcessError):
        git(repo, "rev-parse", "--verify", "gh-pages")  # nothing was deployed


@pytest.mark.documents
def test_publish_deploys_versions_with_mike(repo: Path, run) -> None:
    git(repo, "checkout", "-q", "v0.1")
    first = run("publish", cwd=repo)  # a draft may still have placeholders
    assert first.code == 0, first.err
    assert "v0.1 (Entwurf)" in first.out
    git(repo, "checkout", "-q", "main")
    adopt(repo)
    fill_placeholders(repo)
    git(repo, "commit", "-qam", "beschlossen")
    git(repo, "tag", "v1.0")
    second = run("publish", cwd=repo)
    assert second.code == 0, second.err
    assert "v1.0 (beschlossen)" in second.out and "Änderungen seit v0.2" in second.out
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    by_version = {v["version"]: v for v in versions}
    assert by_version["v0.1"]["aliases"] == ["entwurf"]
    assert by_version["v1.0"]["aliases"] == ["latest"]
    assert by_version["v1.0"]["title"] == "v1.0 (beschlossen)"
    start = git(repo, "show", "gh-pages:v1.0/index.html")
    assert "Version 0.1 (beschlossen, beschlossen am 01.03.2027)" in start
    assert "latest" in git(repo, "show", "gh-pages:index.html")
    changes = git(repo, "show", "gh-pages:v1.0/aenderungen/index.html")
    assert "Status: Entwurf → beschlossen" in changes
    # Material's version selector is switched on in the page's app config (it then reads ../versions.json)
    app_config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', start, re.S)
    assert app_config, "no Material app config in the published page"
    assert json.loads(app_config[1]).get("version") == {"provider": "mike", "default": "latest"}
    # the source files were not touched by publishing
    assert git(repo, "status", "--porcelain") == ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(check, what: str, process: subprocess.Popen | None = None, seconds: float = 90) -> None:
    """Poll until check() is true (no fixed sleeps: the deadline only stops a hang)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        assert process is None or process.poll() is None, f"serve ended while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _serve(project: Path, log: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    process = subprocess.Popen(
        [REK, "serve", "--port", str(port)],
        cwd=project,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    return process, port


@pytest.mark.documents
def test_serve_shows_an_edit_and_errors_in_the_browser(minimal: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    process, port = _serve(minimal, log)
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/massnahme/M01/"
    try:
        _wait_for(lambda: "Online-Terminvergabe" in _get(url), "the first page", process)
        assert "assets/rek/vorschau.js" in _get(url)  # the error banner's script is on every page
        measure = minimal / "measures" / "M01.yaml"
        good = measure.read_text(encoding="utf-8")
        measure.write_text(
            good.replace("Online-Terminvergabe im Bürgerbüro", "Terminbuchung rund um die Uhr"),
            encoding="utf-8",
        )
        _wait_for(lambda: "Terminbuchung rund um die Uhr" in _get(url), "the edit", process)
        measure.write_text(good.replace("status: idea", "status: geplant"), encoding="utf-8")

        def banner() -> dict:
            return json.loads(_get(f"{base}/assets/rek/vorschau.json"))

        _wait_for(lambda: banner()["errors"], "the error banner", process)
        status = banner()
        assert (
            status["title"] == "1 Fehler in 1 Datei gefunden. Die Vorschau zeigt den letzten gültigen Stand."
        )
        assert status["errors"][0].startswith(
            "measures/M01.yaml:11:9: Feld 'status': erwartet: einer der Werte"
        )
        assert "Terminbuchung" in _get(url)  # the last good preview stays
        measure.write_text(good, encoding="utf-8")
        _wait_for(lambda: banner()["errors"] == [], "the banner to go", process)
    finally:
        process.terminate()
        process.wait(timeout=60)
    output = log.read_text(encoding="utf-8")
    assert "measures/M01.yaml:" in output and "erwartet: einer der Werte" in output
    assert "Traceback" not in output, output


@pytest.mark.documents
def test_serve_of_an_invalid_strategy_shows_its_errors(minimal: Path, tmp_path: Path) -> None:
    measure = minimal / "measures" / "M01.yaml"
    measure.write_text(measure.read_text("utf-8").replace("status: idea", "status: geplant"), "utf-8")
    process, port = _serve(minimal, tmp_path / "serve.log")
    try:
        _wait_for(
            lambda: "Die Strategie hat Fehler" in _get(f"http://127.0.0.1:{port}/"), "the error page", process
        )
        page = _get(f"http://127.0.0.1:{port}/")
        assert "measures/M01.yaml:11:9: error: Feld" in page
    finally:
        process.terminate()
        process.wait(timeout=60)


@pytest.mark.documents
def test_serve_removes_its_temporary_folders_on_sigterm(minimal: Path, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp))
    process, port = _serve(minimal, tmp_path / "serve.log", env)
    try:
        _wait_for(
            lambda: "Online-Terminvergabe" in _get(f"http://127.0.0.1:{port}/massnahme/M01/"),
            "serve",
            process,
        )
        assert [p.name for p in temp.iterdir() if p.name.startswith("rek-serve-")]
    finally:
        process.terminate()  # SIGTERM
        code = process.wait(timeout=60)
    assert code == 0
    assert list(temp.iterdir()) == []
    assert "Traceback" not in (tmp_path / "serve.log").read_text(encoding="utf-8")


def test_preview_rewrites_only_what_changed(minimal: Path, tmp_path: Path) -> None:
    from rek.serve import Preview

    messages: list[str] = []
    preview = Preview(minimal, tmp_path / "tree", messages.append)
    (tmp_path / "tree").mkdir()
    assert preview.regenerate()
    docs = tmp_path / "tree" / "docs"

    def pages() -> dict[str, int]:
        return {str(p.relative_to(docs)): p.stat().st_mtime_ns for p in docs.rglob("*.md")}

    before = pages()
    measure = minimal / "measures" / "M01.yaml"
    measure.write_text(
        measure.read_text("utf-8").replace("Die Bürgerbüros bieten", "Alle Bürgerbüros bieten"), "utf-8"
    )
    time.sleep(0.01)  # a later modification time than the first write, on coarse file systems
    assert preview.regenerate()
    after = pages()
    assert {k for k in after if after[k] != before[k]} == {"massnahme/M01.md"}
    assert "Alle Bürgerbüros bieten" in (docs / "massnahme" / "M01.md").read_text("utf-8")
    (minimal / "measures" / "M02.yaml").write_text(
        measure.read_text("utf-8").replace("id: M01", "id: M02"), encoding="utf-8"
    )
    assert preview.regenerate() and (docs / "massnahme" / "M02.md").is_file()
    (minimal / "measures" / "M02.yaml").unlink()
    assert preview.regenerate() and not (docs / "massnahme" / "M02.md").exists()  # removed pages go


def test_init_creates_a_valid_repository_and_never_overwrites(tmp_path: Path, run) -> None:
    target = tmp_path / "neu"
    result = run("init", str(target), "--offline", cwd=tmp_path)
    assert result.code == 0, result.err
    for name in (".github/workflows/rek.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml", ".gitignore",
                 "strategy/calls/mpsc-2021.yaml", "schemas/measure.schema.json", "measures/M01.yaml"):  # fmt: skip
        assert (target / name).is_file(), name
    assert (target / ".git").is_dir()
    assert run("check", cwd=target).code == 0
    before = (target / "measures" / "M01.yaml").read_text(encoding="utf-8")
    again = run("init", str(target), "--offline", cwd=tmp_path)
    assert again.code == 1 and "nicht leer" in again.err
    assert (target / "measures" / "M01.yaml").read_text(encoding="utf-8") == before


def test_pre_commit_hook_definition_runs_rek_check() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "rek-check" and hooks[0]["entry"] == "rek check"
    assert hooks[0]["pass_filenames"] is False


def _ci_files(target: Path) -> tuple[dict, dict]:
    import yaml

    gh = yaml.safe_load((target / ".github" / "workflows" / "rek.yml").read_text(encoding="utf-8"))
    gl = yaml.safe_load((target / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    return gh, gl


def test_ci_templates_follow_the_default_branch_with_least_privilege(tmp_path: Path, run) -> None:
    target = tmp_path / "neu"
    assert run("init", str(target), "--offline", cwd=tmp_path).code == 0
    gh, gl = _ci_files(target)
    text = (target / ".github" / "workflows" / "rek.yml").read_text(encoding="utf-8")
    assert "main" not in text and "master" not in text
    on = gh[True]  # 'on' is read as true by YAML 1.1
    assert on["push"] is None and "pull_request" in on  # every push; the job filters
    check, publish = gh["jobs"]["check"], gh["jobs"]["publish"]
    assert "github.ref_name == github.event.repository.default_branch" in check["if"]
    assert gh["permissions"] == {}
    assert check["permissions"] == {"contents": "read"}
    assert publish["permissions"] == {"contents": "write"}
    assert publish["concurrency"] == {"group": "rek-publish", "cancel-in-progress": False}
    assert "refs/tags/v" in publish["if"]
    for job in (check, publish):
        # the runner and Python are pinned: the lock's hashes are those of their wheels
        assert job["runs-on"] == "ubuntu-24.04"
        python = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python"))
        assert python["with"] == {"python-version": "3.12", "cache": "pip", "cache-dependency-path": ".rek/*"}
        install = next(s for s in job["steps"] if s.get("name") == "rek installieren")
        assert install["run"] == "bash .rek/install.sh"
    steps = [s.get("run", "") for s in check["steps"]]
    assert any(s.startswith(("rek check", "if ")) and "rek check --github-annotations" in s for s in steps)
    assert "rek build" in steps
    assert steps.index("rek fmt --check") < steps.index("rek build")  # the canonical form, before the build
    assert any("rek publish --push" in s.get("run", "") for s in publish["steps"])
    assert gh["env"]["REK_PACKAGE"] == "${{ vars.REK_PACKAGE }}"

    rules = [r["if"] for r in gl["workflow"]["rules"]]
    assert "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in rules
    assert gl["image"] == "python:3.12-bookworm"
    assert gl["before_script"] == ["bash .rek/install.sh"]
    assert "REK_PACKAGE" not in gl["variables"]  # a CI/CD variable of the project overrides, if set
    assert gl["cache"]["key"]["files"] == [".rek/requirements.txt"]
    assert gl["cache"]["paths"] == [".cache/pip"] and gl["variables"]["PIP_CACHE_DIR"].endswith(".cache/pip")
    assert gl["pages"]["resource_group"] == "pages"
    assert any(
        "rek check --codequality gl-code-quality-report.json" in line for line in gl["check"]["script"]
    )
    assert any("rek publish" in line for line in gl["pages"]["script"])
    assert gl["check"]["script"].index("rek fmt --check") < gl["check"]["script"].index("rek build")
    ignored = (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".cache/" in ignored and not any(line.startswith(".rek") for line in ignored)


FAKE_HASH = "ab" * 32


def _fake_python(tmp_path: Path) -> Path:
    """A stand-in 'python' that prints its arguments and the requirements file it was given."""
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "python").write_text(
        '#!/bin/sh\necho "python $*"\nfor last; do :; done\ncat "$last"\n', encoding="utf-8"
    )
    (fake / "python").chmod(0o755)
    return fake


def _install(target: Path, package: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the repository's install step as both CI templates run it, with the stand-in python."""
    path = f"{_fake_python(tmp_path)}:/usr/bin:/bin"
    return subprocess.run(
        ["bash", ".rek/install.sh"], cwd=target, capture_output=True, text=True,
        env={"PATH": path, "REK_PACKAGE": package, **env},
    )  # fmt: skip


@pytest.fixture
def fake_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[str, str]]:
    """pip download replaced: every pinned wheel gets a made-up hash; the calls are recorded."""
    from rek import cisource

    calls: list[tuple[str, str]] = []

    def download(wanted, python, glibc):
        calls.append((python, f"{glibc[0]}.{glibc[1]}"))
        return {p.name: {FAKE_HASH} for p in wanted}

    monkeypatch.setattr(cisource, "_download_hashes", download)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return calls


def test_init_bundles_this_rek_and_a_hashed_lock(tmp_path: Path, run, fake_index) -> None:
    import hashlib
    import zipfile

    from rek import cisource

    target = tmp_path / "neu"
    result = run("init", str(target), "--no-git", cwd=tmp_path)
    assert result.code == 0, result.err
    wheels = sorted((target / ".rek").glob("*.whl"))
    assert [w.name for w in wheels] == [cisource.wheel_name()]
    assert f"Die CI installiert genau dieses rek (0.1.0) aus .rek/{wheels[0].name}" in result.out
    # the targets: the CI's Python on both CI systems, and the Python here
    assert {python for python, _ in fake_index} == set(cisource.target_pythons())
    assert {glibc for _, glibc in fake_index} == {"2.39", "2.36"}
    lock = (target / ".rek" / "requirements.txt").read_text(encoding="utf-8")
    digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest()
    assert f"./.rek/{wheels[0].name} --hash=sha256:{digest}\n" in lock
    assert "--only-binary=:all:" in lock.splitlines()
    pinned = re.findall(r"^([a-z0-9-]+)==(\S+) \\\n    --hash=sha256:" + FAKE_HASH + "$", lock, re.M)
    names = {name for name, _ in pinned}
    assert {"pydantic", "pydantic-core", "mkdocs-material", "mike", "jinja2", "markupsafe"} <= names
    assert "pytest" not in names and "rek" not in names  # no test extras, not itself
    requirement_lines = [line for line in lock.splitlines() if line and not line.startswith(("#", " ", "--"))]
    assert len(requirement_lines) == len(pinned) + 1  # every line pinned and hashed, and the wheel
    assert (target / ".rek" / "leitfaden.md").read_text(encoding="utf-8") == (
        ROOT / "content" / "leitfaden.md"
    ).read_text(encoding="utf-8")
    assert os.access(target / ".rek" / "install.sh", os.X_OK)
    with zipfile.ZipFile(wheels[0]) as archive:
        names_in_wheel = archive.namelist()
        assert "rek/cli.py" in names_in_wheel and "rek/templates/ci/install.sh" in names_in_wheel
        assert "rek/default/strategy/strategy.yaml" in names_in_wheel
        assert not any("__pycache__" in n or n.endswith(".pyc") for n in names_in_wheel)
        info = next(n.split("/")[0] for n in names_in_wheel if n.endswith(".dist-info/METADATA"))
        assert archive.read(f"{info}/entry_points.txt").decode().count("rek = rek.cli:main") == 1
        record = archive.read(f"{info}/RECORD").decode().splitlines()
        assert len(record) == len(names_in_wheel)
        import base64

        for line in record:
            name, digest_text, size = line.rsplit(",", 2)
            if name.endswith("RECORD"):
                continue
            data = archive.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest_text == f"sha256={expected}" and int(size) == len(data), name
    # ran again (a second repository): the same bytes, and the index is not asked again (cache)
    calls = len(fake_index)
    again = tmp_path / "zwei"
    assert run("init", str(again), "--no-git", cwd=tmp_path).code == 0
    assert len(fake_index) == calls
    assert (again / ".rek" / wheels[0].name).read_bytes() == wheels[0].read_bytes()
    assert (again / ".rek" / "requirements.txt").read_text(encoding="utf-8") == lock


def test_install_step_installs_the_bundled_lock_with_hashes(tmp_path: Path, run, fake_index) -> None:
    target = tmp_path / "neu"
    assert run("init", str(target), "--no-git", cwd=tmp_path).code == 0
    done = _install(target, "", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "python -m pip install --require-hashes -r .rek/requirements.txt"


@pytest.mark.parametrize(
    ("package", "message"),
    [
        ("rek-smart-region==0.2.0", "REK_PACKAGE='rek-smart-region==0.2.0' hat keine Prüfsumme"),
        (f"rek-smart-region --hash=sha256:{FAKE_HASH}", "ist keine feste Version"),
        (f"rek-smart-region>=0.2 --hash=sha256:{FAKE_HASH}", "ist keine feste Version"),
        (f"rek-smart-region==0.2,<1 --hash=sha256:{FAKE_HASH}", "nur '==' mit einer genauen Version"),
        (f"git+https://git.example.org/rek.git@v0.2.0 --hash=sha256:{FAKE_HASH}", "ist keine feste Version"),
    ],
)
def test_install_step_refuses_an_override_without_pin_or_hash(
    package: str, message: str, tmp_path: Path, run, fake_index
) -> None:
    target = tmp_path / "neu"
    assert run("init", str(target), "--no-git", cwd=tmp_path).code == 0
    for env, prefix in (({}, "FEHLER: "), ({"GITHUB_ACTIONS": "true"}, "::error::")):
        done = _install(target, package, tmp_path, **env)
        assert done.returncode == 1
        assert done.stdout.startswith(prefix) and message in done.stdout, done.stdout
        assert "Abschnitt 'Automatisch prüfen und veröffentlichen'" in done.stdout
        assert "python" not in done.stdout.split("\n", 1)[-1]  # pip was never called


@pytest.mark.parametrize(
    "package",
    [
        f"rek-smart-region==0.2.0 --hash=sha256:{FAKE_HASH}",
        f"https://pkg.example.org/rek_smart_region-0.2.0-py3-none-any.whl --hash=sha256:{FAKE_HASH}",
    ],
)
def test_install_step_takes_a_pinned_and_hashed_override(
    package: str, tmp_path: Path, run, fake_index
) -> None:
    target = tmp_path / "neu"
    assert run("init", str(target), "--no-git", cwd=tmp_path).code == 0
    done = _install(target, package, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("python -m pip install --require-hashes -r /")
    assert lines[-1] == package  # the override instead of the bundled wheel, with the same dependencies
    assert not any(line.startswith("./.rek/") for line in lines)
    assert f"pydantic=={__import__('pydantic').VERSION} \\" in lines


def test_offline_init_leaves_the_lock_to_upgrade_and_the_ci_says_so(tmp_path: Path, run, fake_index) -> None:
    target = tmp_path / "neu"
    result = run("init", str(target), "--offline", cwd=tmp_path)
    assert result.code == 0
    assert (
        "Hinweis: Die Abhängigkeiten der CI sind nicht festgelegt (ohne Paketindex angelegt (--offline))"
        in result.err
    )
    assert not fake_index and not (target / ".rek" / "requirements.txt").exists()
    done = _install(target, "", tmp_path)
    assert done.returncode == 1
    assert done.stdout.startswith("FEHLER: Die Datei .rek/requirements.txt fehlt")
    assert "im Repository 'rek upgrade' ausführen, dann .rek/ committen und pushen" in done.stdout
    upgraded = run("upgrade", cwd=target)
    assert upgraded.code == 0, upgraded.err
    wheel = next((target / ".rek").glob("*.whl")).name
    assert f"CI-Installation: {wheel} → {wheel}." in upgraded.out
    assert "Weiter mit: git add .rek && git commit" in upgraded.out
    assert (target / ".rek" / "requirements.txt").is_file()
    assert _install(target, "", tmp_path).returncode == 0


def test_upgrade_replaces_an_older_wheel_and_refuses_outside_a_repository(
    tmp_path: Path, run, fake_index
) -> None:
    target = tmp_path / "neu"
    assert run("init", str(target), "--offline", cwd=tmp_path).code == 0
    old = target / ".rek" / "rek_smart_region-0.0.9-py3-none-any.whl"
    old.write_bytes(b"alt")
    upgraded = run("upgrade", cwd=target)
    assert upgraded.code == 0, upgraded.err
    wheels = list((target / ".rek").glob("*.whl"))
    assert not old.exists() and len(wheels) == 1
    line = next(line for line in upgraded.out.splitlines() if line.startswith("CI-Installation: "))
    assert "rek_smart_region-0.0.9-py3-none-any.whl" in line and line.endswith(f" → {wheels[0].name}.")
    outside = run("upgrade", cwd=tmp_path)
    assert outside.code == 1 and "Kein Strategie-Repository im aktuellen Ordner" in outside.err


def test_init_makes_a_git_repository_on_main(tmp_path: Path, run) -> None:
    target = tmp_path / "neu"
    assert run("init", str(target), "--offline", cwd=tmp_path).code == 0
    assert git(target, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    wheel = next((target / ".rek").glob("*.whl")).relative_to(target).as_posix()
    ignored = subprocess.run(["git", "-C", str(target), "check-ignore", ".rek/install.sh", wheel],
                             capture_output=True, text=True)  # fmt: skip
    assert ignored.returncode == 1 and ignored.stdout == ""  # .rek/ is committed with the repository


def test_publish_refuses_a_dirty_tree_and_names_the_files(repo: Path, run) -> None:
    measure = repo / "measures" / "M01.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text.replace("Online-Termine", "Ungespeicherte Termine"), encoding="utf-8")
    (repo / "measures" / "M03.yaml").write_text(text.replace("id: M01", "id: M03"), encoding="utf-8")
    result = run("publish", cwd=repo)
    assert result.code == 1
    assert "Nicht veröffentlicht:" in result.err
    assert (
        "Nicht gespeicherte Änderungen im Arbeitsverzeichnis (measures/M01.yaml, measures/M03.yaml)"
        in result.err
    )
    assert subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "-q", "gh-pages"],
                          capture_output=True).returncode != 0  # fmt: skip


@pytest.mark.documents
def test_publish_never_overwrites_a_version_without_force(repo: Path, run) -> None:
    assert run("publish", cwd=repo).code == 0
    before = git(repo, "rev-parse", "gh-pages")
    again = run("publish", cwd=repo)
    assert again.code == 1
    assert (
        "Die Version 'v0.2' ist im Zweig 'gh-pages' schon veröffentlicht und wird nicht überschrieben."
        in again.err
    )
    assert git(repo, "rev-parse", "gh-pages") == before
    forced = run("publish", "--force", cwd=repo)
    assert forced.code == 0, forced.err
    assert git(repo, "rev-parse", "gh-pages") != before


@pytest.mark.documents
def test_publish_of_an_adopted_version_needs_a_tag(repo: Path, run) -> None:
    adopt(repo)
    fill_placeholders(repo)
    git(repo, "commit", "-qam", "beschlossen, noch ohne Tag")
    result = run("publish", cwd=repo)
    assert result.code == 1
    assert "Eine beschlossene Fassung wird nur von einem Git-Tag veröffentlicht" in result.err
    git(repo, "tag", "v1.0")
    mismatch = run("publish", "--version", "v1.1", cwd=repo)
    assert mismatch.code == 1 and "passt nicht zum Git-Tag 'v1.0'" in mismatch.err
    published = run("publish", cwd=repo)
    assert published.code == 0, published.err


@pytest.mark.documents
def test_a_first_draft_serves_a_root_page_and_says_it_stayed_local(repo: Path, run) -> None:
    git(repo, "checkout", "-q", "v0.1")
    first = run("publish", cwd=repo)
    assert first.code == 0, first.err
    assert first.out.splitlines() == [
        "Veröffentlicht, nur lokal: v0.1 (Entwurf) im Zweig 'gh-pages' (Alias: entwurf).",
        "Die Startseite der Website führt zu 'entwurf/'.",
        "Weiter: Noch nichts hat diesen Rechner verlassen. Server eintragen: git remote add origin URL, dann "
        "git push origin gh-pages v0.1 main",
    ]
    names = git(repo, "ls-tree", "--name-only", "gh-pages").split()
    assert "index.html" in names and "versions.json" in names
    assert 'window.location.replace(\n      "entwurf/"' in git(repo, "show", "gh-pages:index.html")


@pytest.mark.documents
def test_a_repeated_draft_is_told_to_raise_its_version(repo: Path, run) -> None:
    _edit(repo / "measures" / "M02.yaml", "Digitale Bauakte", "Digitale Bauakte für alle")
    git(repo, "commit", "-qam", "ohne Tag")
    assert run("publish", cwd=repo).code == 0  # version: "0.1" -> v0.1
    _edit(repo / "measures" / "M02.yaml", "für alle", "für alle Gemeinden")
    git(repo, "commit", "-qam", "noch ohne Tag")
    again = run("publish", cwd=repo)
    assert again.code == 1
    assert (
        "- Die Version 'v0.1' ist im Zweig 'gh-pages' schon veröffentlicht und wird nicht überschrieben. "
        "Neue Version: in strategy/strategy.yaml 'version: \"0.2\"' eintragen und committen, dann rek publish; "
        "bewusst ersetzen: rek publish --force."
    ) in again.err


@pytest.mark.documents
def test_publish_push_sends_gh_pages_and_offers_tag_and_main(repo: Path, run, tmp_path: Path) -> None:
    refused = run("publish", "--push", cwd=repo)
    assert refused.code == 1
    assert (
        "Es ist kein Server 'origin' eingetragen, wohin übertragen werden soll: git remote add origin"
        in refused.err
    )
    server = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", str(server)], check=True)
    git(repo, "remote", "add", "origin", str(server))
    local = run("publish", cwd=repo)
    assert local.code == 0, local.err
    assert "Weiter: Nur lokal veröffentlicht: der Zweig 'gh-pages' hat diesen Rechner noch nicht verlassen. " \
           "Übertragen mit: git push origin gh-pages" in local.out  # fmt: skip
    again = run("publish", cwd=repo)
    assert again.code == 1
    assert "Die Version 'v0.2' ist schon veröffentlicht, aber nur lokal im Zweig 'gh-pages'. Übertragen: " \
           "rek publish --push (oder git push origin gh-pages)" in again.err  # fmt: skip
    pushed = run("publish", "--push", cwd=repo)
    assert pushed.code == 0, pushed.err
    assert pushed.out.splitlines() == [
        "Zum Server 'origin' übertragen (war schon lokal veröffentlicht): v0.2 (Entwurf) im Zweig 'gh-pages' "
        "(Alias: entwurf); Änderungen seit v0.1.",
        "Die Startseite der Website führt zu 'entwurf/'.",
        "Weiter: Der Tag 'v0.2' ist noch nicht auf dem Server: git push origin v0.2",
        "Weiter: Der Zweig 'main' ist auf dem Server nicht auf diesem Stand: git push origin main",
    ]
    assert git(server, "rev-parse", "gh-pages") == git(repo, "rev-parse", "gh-pages")
    git(repo, "push", "-q", "origin", "main", "v0.2")
    once_more = run("publish", "--push", cwd=repo)
    assert once_more.code == 1
    assert "Die Version 'v0.2' ist auf dem Server 'origin' schon veröffentlicht" in once_more.err


def test_publish_names_every_reason_at_once(repo: Path, run) -> None:
    adopt(repo)
    git(repo, "commit", "-qam", "beschlossen, ohne Tag und mit Platzhaltern")
    result = run("publish", cwd=repo)
    assert result.code == 1
    assert "Eine beschlossene Fassung wird nur von einem Git-Tag veröffentlicht" in result.err
    assert "content/leichte-sprache.md:6:17: error: Platzhalter „bitte ergänzen“" in result.err


def test_diff_names_measurements_updates_and_spending_by_their_date(repo: Path, run) -> None:
    measure = repo / "measures" / "M01.yaml"
    _edit(
        measure,
        "example: true\n",
        "indicators:\n  - name: Online gebuchte Termine\n    unit: Termine\n    target: 500\n    target_year: 2027\n"
        "    measurements:\n      - {date: 2027-03-31, value: 120}\n"
        "updates:\n  - {date: 2027-04-01, status: in_progress, text: Die ersten Termine sind gebucht.}\n"
        "spending:\n  - {year: 2027, amount: 4000}\n"
        "example: true\n",
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Messwert")
    git(repo, "tag", "v0.3")
    _edit(
        measure,
        "{date: 2027-03-31, value: 120}",
        "{date: 2027-03-31, value: 140}\n      - {date: 2027-06-30, value: 260, provisional: true}",
    )
    _edit(measure, "text: Die ersten Termine sind gebucht.", "text: Die ersten 140 Termine sind gebucht.")
    _edit(measure, "amount: 4000}", "amount: 4500}")
    out = run("diff", "v0.3", cwd=repo).out
    assert "    Indikator „Online gebuchte Termine“: Messwert „31.03.2027“: Wert: 120 → 140" in out
    assert "    Indikator „Online gebuchte Termine“: Messwert „30.06.2027“: – → neu (260, vorläufig)" in out
    assert (
        "    Sachstand „01.04.2027“: Sachstand: Die ersten Termine sind gebucht. → Die ersten 140 Termine sind gebucht."
        in out
    )
    assert "    Ausgaben „2027“: Ausgegeben: 4.000\u00a0€ → 4.500\u00a0€" in out


@pytest.mark.slow
def test_the_rebuilt_wheel_holds_what_the_build_backend_puts_in_it(tmp_path: Path) -> None:
    """cisource.build_wheel (from rek's own files, no network) against hatchling's wheel of the same tree."""
    import zipfile

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    from rek import cisource

    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(ROOT), "--wheel-dir", str(tmp_path / "h")],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    ours = cisource.build_wheel(tmp_path / "r")
    with zipfile.ZipFile(next((tmp_path / "h").glob("*.whl"))) as theirs, zipfile.ZipFile(ours) as mine:
        files = {n: theirs.read(n) for n in theirs.namelist() if ".dist-info/" not in n}
        rebuilt = {n: mine.read(n) for n in mine.namelist() if ".dist-info/" not in n}
        assert sorted(rebuilt) == sorted(files)
        assert [n for n in files if files[n] != rebuilt[n]] == []
        metadata = next(n for n in theirs.namelist() if n.endswith(".dist-info/METADATA"))
        assert metadata.startswith("rek_smart_region-")  # the distribution's name (pyproject.toml)
        assert ours.name.startswith("rek_smart_region-")  # from pyproject.toml, not a stale editable install

        def fields(text: str) -> tuple[set[str], set[Requirement]]:
            head = text.split("\n\n")[0].splitlines()
            plain = {
                line for line in head if line.startswith(("Version:", "Provides-Extra:", "Requires-Python:"))
            }
            names = {
                canonicalize_name(line.removeprefix("Name: ")) for line in head if line.startswith("Name:")
            }
            required = {
                Requirement(line.removeprefix("Requires-Dist: "))
                for line in head
                if line.startswith("Requires-Dist:")
            }
            return plain | names, required

        mine_metadata = next(n for n in mine.namelist() if n.endswith(".dist-info/METADATA"))
        assert fields(mine.read(mine_metadata).decode()) == fields(theirs.read(metadata).decode())


def test_gitlab_pages_fails_loudly_without_the_push_token(tmp_path: Path, run) -> None:
    target = tmp_path / "neu"
    assert run("init", str(target), "--offline", "--no-git", cwd=tmp_path).code == 0
    _, gl = _ci_files(target)
    guard = gl["pages"]["script"][0]
    assert gl["pages"]["script"].index(guard) < next(
        i for i, line in enumerate(gl["pages"]["script"]) if "rek publish" in line
    )  # checked before anything is built
    env = {"PATH": "/usr/bin:/bin", "CI_COMMIT_TAG": "v1.0"}
    missing = subprocess.run(["bash", "-c", guard], capture_output=True, text=True, env=env)
    assert missing.returncode == 1
    assert missing.stdout.startswith(
        "FEHLER: Die Variable REK_PUSH_TOKEN ist in der Pipeline des Tags v1.0 leer"
    )
    for setting in ("Settings > Repository > Protected tags: v* schützen (Allowed to create: Maintainers)",
                    "Settings > CI/CD > Variables: REK_PUSH_TOKEN", "write_repository", "Masked und Protected"):  # fmt: skip
        assert setting in missing.stdout, setting
    given = subprocess.run(
        ["bash", "-c", guard], capture_output=True, text=True, env={**env, "REK_PUSH_TOKEN": "x"}
    )
    assert given.returncode == 0 and given.stdout == ""
    assert gl["pages"]["script"][-1].startswith('git push "https://oauth2:${REK_PUSH_TOKEN}@')
