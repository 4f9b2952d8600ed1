"""Scale: many milestones stay linear. The roadmap summarises them per measure instead of listing
200,000 rows; YAML scalars take a fast path with the same results as PyYAML's constructor; a strategy
of 1,000 measures with 200 milestones each builds within 2 GB (its time is in docs/benchmark.md)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from conftest import INIT_TEMPLATE, ROOT
from rek.diagnostics import Diagnostics
from rek.yamlsource import parse_yaml_bytes


def _many(target: Path, measures: int, milestones: int) -> Path:
    shutil.copytree(INIT_TEMPLATE, target)
    base = (target / "measures" / "M01.yaml").read_text(encoding="utf-8")
    (target / "measures" / "M01.yaml").unlink()
    rows = "".join(
        f"  - date: 2027-{1 + k % 12:02d}-{1 + k % 28:02d}\n    title: Meilenstein {k}\n"
        for k in range(milestones)
    )
    for number in range(1, measures + 1):
        mid = f"M{number:04d}"
        text = base.replace("id: M01", f"id: {mid}") + "milestones:\n" + rows
        (target / "measures" / f"{mid}.yaml").write_text(text, encoding="utf-8")
    return target


def test_roadmap_summarises_many_milestones(tmp_path: Path) -> None:
    from rek.project import require_project
    from rek.site.pages import SitePages

    project = require_project(_many(tmp_path / "region", 30, 20))
    roadmap = SitePages(project).roadmap()
    assert "Die 600 Meilensteine stehen auf den Seiten der Maßnahmen und in den offenen Daten" in roadmap
    milestones = roadmap.split("## Meilensteine", 1)[1]
    assert len(re.findall(r"\(massnahme/M\d{4}\.md\)", milestones)) == 30  # one row per measure
    assert milestones.count("01.01.2027: Meilenstein 0") == 30  # its first milestone
    assert "Meilenstein 1<" not in milestones and "Meilenstein 1 " not in milestones
    few = SitePages(require_project(_many(tmp_path / "klein", 3, 20))).roadmap()
    listed = few.split("## Meilensteine", 1)[1]
    assert len(re.findall(r"\(massnahme/M\d{4}\.md\)", listed)) == 60  # 60: every milestone listed


@pytest.mark.parametrize(
    "value",
    ["Text", "12", "-5", "0", "010", "0o17", "1_000", "0x1f", "12.5", "true", "Nein", "~", "", "2024-01-05",
     "2024-1-5", "2024-01-05T10:00:00", "99999999999999999999", "-0", "+3", "1e3"],
)  # fmt: skip
def test_yaml_scalars_read_as_pyyaml_reads_them(value: str, tmp_path: Path) -> None:
    text = f"a: {value}\n"
    doc = parse_yaml_bytes(text.encode(), tmp_path / "x.yaml", "x.yaml", Diagnostics())
    assert doc is not None
    expected = yaml.safe_load(text)["a"]
    if isinstance(expected, float):  # rek reads decimals exactly (Decimal), not as binary floats
        assert float(doc.data["a"]) == expected
    else:
        assert doc.data["a"] == expected and type(doc.data["a"]) is type(expected)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-02-30", "diesen Tag gibt es in dem Monat nicht"),
        ("2024-13-01", "den Monat gibt es nicht (1 bis 12)"),
    ],
)
def test_impossible_dates_are_named(value: str, message: str, tmp_path: Path) -> None:
    diags = Diagnostics()
    assert parse_yaml_bytes(f"a: {value}\n".encode(), tmp_path / "x.yaml", "x.yaml", diags) is None
    assert [d.format() for d in diags.items] == [f"x.yaml:1:4: error: Ungültiges Datum '{value}': {message}"]


@pytest.mark.documents
@pytest.mark.slow
def test_thousand_measures_with_200_milestones_build_within_2_gb(tmp_path: Path) -> None:
    project = _many(tmp_path / "gross", 1000, 200)
    with (tmp_path / "stderr.txt").open("w+b") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-c", "from rek.cli import main; main()", "-q", "build", "--no-application",
             "--out", str(tmp_path / "out")],
            cwd=project, stdout=subprocess.DEVNULL, stderr=stderr,
            env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        deadline = threading.Timer(900, child.kill)
        deadline.start()
        try:
            # the resources of this one child (and what it waited for), not the largest child of the session
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            deadline.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        assert child.returncode == 0, stderr.read().decode("utf-8", "replace")
    peak_kib = usage.ru_maxrss
    # a build that loaded 200,000 milestones, not an interpreter that stopped early
    assert peak_kib > 200 * 1024, f"peak {peak_kib / 1024:.0f} MiB"
    assert peak_kib < 2 * 1024 * 1024, f"peak {peak_kib / 1024:.0f} MiB"
    roadmap = (tmp_path / "out" / "site" / "roadmap" / "index.html").stat().st_size
    assert roadmap < 2_000_000  # a row per measure, not per milestone
