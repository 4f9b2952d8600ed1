"""Golden files for rendered Markdown: a diff of these files explains a change in the output.

Update after an intended change with: REK_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from rek.application.document import render
from rek.plan import resolve
from rek.project import require_project
from rek.site.pages import SitePages

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("REK_UPDATE_GOLDEN") == "1"


def compare(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {name}: run with REK_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def project(minimal: Path):
    (minimal / "strategy" / "calls").mkdir()
    shutil.copy(FIXTURES / "calls" / "test-call.yaml", minimal / "strategy" / "calls")
    strategy = minimal / "strategy" / "strategy.yaml"
    strategy.write_text(
        strategy.read_text(encoding="utf-8").replace("# call: mpsc-2021", "call: test-call"), encoding="utf-8"
    )
    return require_project(minimal)


def test_site_pages_of_the_minimal_project(project) -> None:
    pages = dict(SitePages(project).files())
    compare("minimal-index.md", pages["index.md"])
    compare("minimal-massnahme-M01.md", pages["massnahme/M01.md"])
    compare("minimal-massnahmen.md", pages["massnahmen/index.md"])


def test_application_of_the_minimal_project(project) -> None:
    markdown = render(resolve(project)).markdown
    compare("minimal-antrag.md", markdown)
