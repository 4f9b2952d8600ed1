"""Golden files for rendered Markdown: a diff of these files explains a change in the output.

Rewrite them after an intended change with 'make golden' (tests/expected_output.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from rek.application.document import render
from rek.plan import resolve
from rek.project import require_project
from rek.site.pages import SitePages

GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture
def project(minimal: Path):
    (minimal / "strategy" / "calls").mkdir()
    shutil.copy(FIXTURES / "calls" / "test-call.yaml", minimal / "strategy" / "calls")
    strategy = minimal / "strategy" / "strategy.yaml"
    strategy.write_text(
        strategy.read_text(encoding="utf-8").replace("# call: mpsc-2021", "call: test-call"), encoding="utf-8"
    )
    return require_project(minimal)


def test_site_pages_of_the_minimal_project(project, golden) -> None:
    pages = dict(SitePages(project).files())
    golden.text(GOLDEN / "minimal-index.md", pages["index.md"])
    golden.text(GOLDEN / "minimal-massnahme-M01.md", pages["massnahme/M01.md"])
    golden.text(GOLDEN / "minimal-massnahmen.md", pages["massnahmen/index.md"])


def test_application_of_the_minimal_project(project, golden) -> None:
    markdown = render(resolve(project)).markdown
    golden.text(GOLDEN / "minimal-antrag.md", markdown)
