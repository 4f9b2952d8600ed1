"""`rek check` findings where a merge request's reviewer sees them: GitHub annotations, GitLab Code Quality."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from conftest import INIT_TEMPLATE, ROOT, overlay

BROKEN = ROOT / "tests" / "fixtures" / "broken"


def test_github_annotations_name_file_line_and_column(minimal: Path, run) -> None:
    overlay(BROKEN / "unknown-goal", minimal)
    result = run("check", "--github-annotations", cwd=minimal)
    assert result.code == 1
    assert (
        "::error file=measures/M01.yaml,line=8,col=9,title=rek check::Feld 'goals[0]': unbekanntes Ziel 'Z9'%0AHinweis: Bekannt sind: Z1"
        in (result.out.splitlines())
    )


def test_annotation_text_cannot_start_a_second_command(minimal: Path, run) -> None:
    from rek.cireport import github_commands
    from rek.diagnostics import Diagnostic

    text = github_commands([Diagnostic("a,b:c.yaml", 3, 4, "Zeile\n::error::falsch 100%", hint="x\ry")])
    assert (
        text
        == "::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=rek check::Zeile%0A::error::falsch 100%25%0AHinweis: x%0Dy"
    )
    assert len(text.splitlines()) == 1


def test_codequality_report_for_gitlab(minimal: Path, run, tmp_path: Path) -> None:
    overlay(BROKEN / "unknown-goal", minimal)
    report = tmp_path / "gl-code-quality-report.json"
    result = run("check", "--codequality", str(report), cwd=minimal)
    assert result.code == 1
    issues = json.loads(report.read_text(encoding="utf-8"))
    error = next(i for i in issues if i["severity"] == "major")
    assert error["description"] == "Feld 'goals[0]': unbekanntes Ziel 'Z9' – Hinweis: Bekannt sind: Z1"
    assert error["location"] == {"path": "measures/M01.yaml", "lines": {"begin": 8}}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # a valid project writes a report too (warnings only, or empty), so the artifact always exists
    fresh = tmp_path / "ok.json"
    assert run("check", "--codequality", str(fresh), cwd=ROOT).code == 0
    assert all(i["severity"] == "minor" for i in json.loads(fresh.read_text(encoding="utf-8")))


def test_init_workflows_put_findings_into_the_merge_request() -> None:
    github = yaml.safe_load((INIT_TEMPLATE / ".github" / "workflows" / "rek.yml").read_text(encoding="utf-8"))
    steps = github["jobs"]["check"]["steps"]
    check = next(s for s in steps if s.get("name") == "rek check")
    assert "--github-annotations" in check["run"] and '--since "origin/$BASE_REF"' in check["run"]
    assert check["env"] == {"BASE_REF": "${{ github.base_ref }}"}  # no expression inside the script
    gitlab = yaml.safe_load((INIT_TEMPLATE / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["check"]["artifacts"]["reports"] == {"codequality": "gl-code-quality-report.json"}
    assert gitlab["check"]["artifacts"]["when"] == "always"
    assert "--since FETCH_HEAD" in gitlab["check"]["script"][0]
