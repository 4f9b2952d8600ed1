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
    ["rek init", "--rek-source", "site_name", "phases", "call_phase", "pre-commit install", "REK_PACKAGE",
     "REK_PUSH_TOKEN", "Settings → Pages", "gh-pages", "git tag v0.1", "rek publish --push", "--force"],
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
