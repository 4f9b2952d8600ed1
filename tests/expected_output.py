"""The one mechanism for expected output kept in files (golden files).

Every comparison of an output with a file in the repository goes through the ``golden`` fixture
(``conftest.py``): the rendered Markdown in ``tests/golden/``, the CLI transcripts in
``tests/fixtures/transcripts/`` and the ``expected.txt`` of every fixture in ``tests/fixtures/broken/``,
``tests/fixtures/hostile/`` and ``tests/fixtures/monitoring/``. A test that asks for the fixture carries
the marker ``golden``.

After an intended change of the output, rewrite the files and read the diff before committing::

    make golden        # = pytest --update-golden -m golden (REK_UPDATE_GOLDEN=1 is the same switch)
    git diff tests/
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Golden:
    """Compare an output with its file; in update mode write the file instead (and note it)."""

    def __init__(self, update: bool) -> None:
        self.update = update
        self.rewritten: list[Path] = []

    def _write(self, path: Path, text: str) -> None:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.rewritten.append(path)

    def text(self, path: Path, actual: str) -> None:
        """The whole text, byte for byte (after decoding)."""
        if self.update:
            self._write(path, actual)
        assert path.is_file(), f"no expected output {_shown(path)}: run 'make golden'"
        assert actual == path.read_text(encoding="utf-8"), f"differs from {_shown(path)} ('make golden')"

    def lines(self, path: Path, actual: list[str]) -> None:
        """A list of lines, one per line of the file (an empty file: no line)."""
        if self.update:
            self._write(path, "".join(line + "\n" for line in actual))
        assert path.is_file(), f"no expected output {_shown(path)}: run 'make golden'"
        assert actual == path.read_text(encoding="utf-8").splitlines(), (
            f"differs from {_shown(path)} ('make golden')"
        )


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
