"""Versions and the strategist's workflow, on throw-away git repositories with tags made here."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

REK = str(Path(sys.executable).parent / "rek")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }.items():
        monkeypatch.setenv(key, value)
    git(minimal, "init", "-q", "-b", "main")
    git(minimal, "add", "-A")
    git(minimal, "commit", "-qm", "v0.1")
    git(minimal, "tag", "v0.1")
    measure = minimal / "measures" / "M01.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text.replace("Online-Terminvergabe im Bürgerbüro", "Online-Termine in allen Bürgerbüros")
                       .replace("amount: 20000", "amount: 30000").replace("grant: 13000", "grant: 19500"), encoding="utf-8")  # fmt: skip
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
    assert "+ M02 Digitale Bauakte (neu, 20.000\u00a0€)" in out
    assert "~ M01 Online-Termine in allen Bürgerbüros" in out
    assert "    title: Online-Terminvergabe im Bürgerbüro → Online-Termine in allen Bürgerbüros" in out
    assert "    costs[0].amount: 20000 → 30000" in out
    assert "    Verwaltung: 20.000\u00a0€ → 50.000\u00a0€ (+30.000\u00a0€)" in out


def test_diff_against_the_work_tree_and_as_markdown(repo: Path, run) -> None:
    (repo / "measures" / "M02.yaml").unlink()
    result = run("diff", "v0.2", "--markdown", cwd=repo)
    assert result.code == 0, result.err
    assert "## Entfernte Maßnahmen" in result.out
    assert "- M02 Digitale Bauakte (20.000\u00a0€)" in result.out


def test_diff_of_unknown_revision_is_a_plain_error(repo: Path, run) -> None:
    result = run("diff", "v9.9", cwd=repo)
    assert result.code == 1
    assert "Revision 'v9.9' gibt es in diesem Repository nicht" in result.err
    assert "Traceback" not in result.err


def test_build_since_writes_the_changes_page(repo: Path, run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", "--since", "v0.1", "--no-application", "--out", str(out), cwd=repo)
    assert result.code == 0, result.err
    page = (out / "site" / "aenderungen" / "index.html").read_text(encoding="utf-8")
    assert "Neue Maßnahmen" in page and "M02 Digitale Bauakte" in page
    assert 'href="../massnahme/M02/"' in page


def fill_placeholders(repo: Path) -> None:
    for path in (repo / "strategy" / "strategy.yaml", repo / "content" / "leichte-sprache.md"):
        path.write_text(
            path.read_text(encoding="utf-8").replace("bitte ergänzen", "ausgefüllt"), encoding="utf-8"
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
    result = run("publish", cwd=repo)
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if ": error: " in line]
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
    assert "status" in changes and "beschlossen" in changes
    config = git(repo, "show", "gh-pages:v1.0/index.html")
    assert "versions.json" in config or "mike" in config or "version" in config
    # the source files were not touched by publishing
    assert git(repo, "status", "--porcelain") == ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def test_serve_shows_an_edit_and_survives_a_broken_file(minimal: Path, tmp_path: Path) -> None:
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [REK, "serve", "--port", str(port)], cwd=minimal, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/massnahme/M01/"
    try:
        deadline = time.time() + 60
        while True:
            try:
                assert "Online-Terminvergabe" in _get(url)
                break
            except (OSError, AssertionError):
                if time.time() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        measure = minimal / "measures" / "M01.yaml"
        good = measure.read_text(encoding="utf-8")
        measure.write_text(
            good.replace("Online-Terminvergabe im Bürgerbüro", "Terminbuchung rund um die Uhr"),
            encoding="utf-8",
        )
        started = time.time()
        while "Terminbuchung rund um die Uhr" not in _get(url):
            assert time.time() - started < 20, "edit did not show up"
            time.sleep(0.1)
        latency = time.time() - started
        print(f"serve: edit visible after {latency:.2f} s")
        measure.write_text(good.replace("status: idea", "status: geplant"), encoding="utf-8")
        time.sleep(2)
        assert process.poll() is None, "serve must keep running after a broken file"
        assert "Terminbuchung" in _get(url)  # the last good preview stays
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
    output = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "measures/M01.yaml:" in output and "erwartet: einer der Werte" in output
    assert "Traceback" not in output


def test_init_creates_a_valid_repository_and_never_overwrites(tmp_path: Path, run) -> None:
    target = tmp_path / "neu"
    result = run("init", str(target), cwd=tmp_path)
    assert result.code == 0, result.err
    for name in (".github/workflows/rek.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml", ".gitignore",
                 "strategy/calls/mpsc-2021.yaml", "schemas/measure.schema.json", "measures/M01.yaml"):  # fmt: skip
        assert (target / name).is_file(), name
    assert (target / ".git").is_dir()
    assert run("check", cwd=target).code == 0
    before = (target / "measures" / "M01.yaml").read_text(encoding="utf-8")
    again = run("init", str(target), cwd=tmp_path)
    assert again.code == 1 and "nicht leer" in again.err
    assert (target / "measures" / "M01.yaml").read_text(encoding="utf-8") == before


def test_pre_commit_hook_definition_runs_rek_check() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "rek-check" and hooks[0]["entry"] == "rek check"
    assert hooks[0]["pass_filenames"] is False


def test_ci_templates_check_and_publish_on_tags() -> None:
    import yaml

    init = ROOT / "src" / "rek" / "templates" / "init"
    gh = yaml.safe_load((init / ".github" / "workflows" / "rek.yml").read_text(encoding="utf-8"))
    assert gh[True]["push"]["tags"] == ["v*"]  # 'on' is read as true by YAML 1.1
    steps = [s.get("run", "") for s in gh["jobs"]["check"]["steps"]]
    assert "rek check" in steps and "rek build" in steps
    assert any("rek publish" in s.get("run", "") for s in gh["jobs"]["publish"]["steps"])
    gl = yaml.safe_load((init / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert "rek check" in gl["check"]["script"]
    assert any("rek publish" in line for line in gl["pages"]["script"])
    assert shutil.which("git")
    assert os.environ.get("CI") in (None, "", "true", "1") or True
