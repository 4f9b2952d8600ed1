"""The guide (content/leitfaden.md) covers the path from `rek init` to the first published version,
and every rek command it shows exists with the options it uses."""

from __future__ import annotations

import re
import shlex

import click
import pytest

from conftest import ROOT
from rek.cli import cli

GUIDE = (ROOT / "content" / "leitfaden.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "topic",
    ["rek init", ".rek/", "rek upgrade", "site_name", "phases", "call_phase", "pre-commit install",
     "REK_PUSH_TOKEN", "Protected tags", "Settings → Pages", "gh-pages", "git tag v0.1", "rek publish --push",
     "git push origin gh-pages", "--force", "rek application --call", "tests/test_afternoon.py"],
)  # fmt: skip
def test_guide_covers_the_first_version(topic: str) -> None:
    section = GUIDE.split("## Von `rek init` zur ersten veröffentlichten Version", 1)[1].split("\n## ", 1)[0]
    assert topic in section


def _commands() -> list[list[str]]:
    found = []
    for snippet in re.findall(r"`(rek [^`]+)`", GUIDE):
        words = shlex.split(snippet.replace("…", "x"))[1:]
        found.append(words)
    return found


@pytest.mark.parametrize("words", _commands(), ids=lambda w: " ".join(w))
def test_every_command_in_the_guide_exists(words: list[str]) -> None:
    command: click.Command = cli
    rest = list(words)
    while isinstance(command, click.Group) and rest and rest[0] in command.commands:
        command = command.commands[rest.pop(0)]
    assert command is not cli, words
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    for word in rest:
        if word.startswith("-"):
            assert word.split("=")[0] in known, (words, word)


def test_every_guide_section_a_message_names_exists() -> None:
    """The CI's messages and rek's own point to sections of the guide by name: each one is a heading."""
    sources = [ROOT / "src" / "rek" / "templates" / "ci" / "install.sh",
               ROOT / "src" / "rek" / "templates" / "init" / ".gitlab-ci.yml",
               *(ROOT / "src" / "rek").glob("*.py")]  # fmt: skip
    from rek.cisource import GUIDE_SECTION

    pattern = re.compile(r"Abschnitt '([^'{}]+)'")  # f-string fields left out; GUIDE_SECTION added below
    found = {m for path in sources for m in pattern.findall(path.read_text(encoding="utf-8"))}
    assert "Automatisch prüfen und veröffentlichen" in found
    named = found | {GUIDE_SECTION}
    headings = set(re.findall(r"^## (.+)$", GUIDE, re.M))
    assert named <= headings


@pytest.mark.parametrize(
    "topic",
    ["bash .rek/install.sh", "--require-hashes", "rek upgrade", "REK_PACKAGE", "--hash=sha256:",
     "Protected tags: v*", "REK_PUSH_TOKEN", "ubuntu-24.04", "python:3.12-bookworm"],
)  # fmt: skip
def test_guide_explains_how_the_ci_installs_and_publishes(topic: str) -> None:
    section = GUIDE.split("## Automatisch prüfen und veröffentlichen", 1)[1].split("\n## ", 1)[0]
    assert topic in section
