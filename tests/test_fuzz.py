"""Fuzzing the measure files: rek check answers anything with exit 0 or precise errors, never a traceback;
whatever passes check can be turned into the website tree and the application without an exception.

Three kinds of input, written to measures/M01.yaml of a copy of the minimal project:
- arbitrary text and bytes, and the minimal measure with random edits (parser and position paths);
- structured measures: every field of rek.model.Measure with a plausible value, a few replaced by values of
  random types, dumped with yaml.safe_dump (schema, cross-file and rendering paths).

Values include numbers far beyond any budget (up to 1e300) and bytes, which yaml.safe_dump writes as
!!binary; both must be refused with a precise error (see also test_hardening.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import INIT_TEMPLATE, ROOT
from rek.model import CostCategory, Priority, Status

M01 = "measures/M01.yaml"
MEASURE_ERROR = re.compile(r"^measures/[^:]+:(\d+):(\d+): error: ")
FUZZ = settings(
    # CI runs a fixed, repeatable set; locally REK_FUZZ_EXAMPLES=2000 explores more and at random
    max_examples=int(os.environ.get("REK_FUZZ_EXAMPLES", "150")),
    derandomize=os.environ.get("CI") == "true",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
LIMIT = 10**300  # far beyond rek's own bound of 10^15: check must refuse, not crash


@pytest.fixture
def project(minimal: Path) -> Path:
    """The minimal project plus the call profiles (not chosen, so that check runs no formal rules)."""
    shutil.copytree(ROOT / "strategy" / "calls", minimal / "strategy" / "calls")
    return minimal


def check_answers_cleanly(run, project: Path, content: str | bytes) -> bool:
    """Write the measure, run rek check; assert a clean answer; return whether the project is valid."""
    path = project / M01
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
    result = run("check", cwd=project)
    assert "Traceback" not in result.err, result.err
    assert "Interner Fehler" not in result.err, result.err
    assert result.code in (0, 1), (result.code, result.err)
    if result.code == 1:
        assert result.error_lines, result.err
        raw = content if isinstance(content, bytes) else content.encode("utf-8")
        text = raw.decode("utf-8", "replace")
        # only '\n' as line break: with CR, NEL or U+2028 editors and YAML count lines differently
        lines = None if re.search("[\r\x85\u2028\u2029]", text) else text.split("\n")
        for line in result.error_lines:
            match = MEASURE_ERROR.match(line)
            assert match, line
            if lines is not None:  # inside the file, just after a line's end, or at the end of the file
                number, col = int(match[1]), int(match[2])
                assert 1 <= number <= len(lines) + 1, (line, len(lines))
                end = len(lines[number - 1]) + 1 if number <= len(lines) else 1
                assert 1 <= col <= end, (line, lines[number - 1 : number])
        return False
    assert result.error_lines == []
    return True


def renders(project_dir: Path) -> None:
    """What a valid project must survive: the MkDocs tree (without MkDocs) and the application."""
    from rek.application.document import render
    from rek.build import write_tree
    from rek.plan import resolve
    from rek.project import require_project

    project = require_project(project_dir)
    with tempfile.TemporaryDirectory() as tmp:
        assert write_tree(project, Path(tmp) / "mkdocs") > 0
    app = render(resolve(project, project.calls["mpsc-2021"]))
    in_application = project.measures_by_id["M01"].phase == "phase-a"
    assert ("M01" in {mp.id for mp in app.measures}) == in_application
    assert "M01" in app.markdown  # in the application or listed as left out, with its reason


# --- arbitrary text and bytes -----------------------------------------------------------------------------

YAML_CHARS = ":-[]{}#&*!|>'\"%@`,?\\ \t\n\r\x00\x01\x7f\x85\u2028\ufeffaZ09äß€😀"


@FUZZ
@given(text=st.one_of(st.text(max_size=400), st.text(alphabet=YAML_CHARS, max_size=400)))
def test_check_answers_arbitrary_text(project: Path, run, text: str) -> None:
    if check_answers_cleanly(run, project, text):
        renders(project)


@FUZZ
@given(data=st.binary(max_size=400))
@example(data=b"\xe1\x80\x80\x80")  # found in CI: the column of a bad byte must count characters
def test_check_answers_arbitrary_bytes(project: Path, run, data: bytes) -> None:
    if check_answers_cleanly(run, project, data):
        renders(project)


VALID_MEASURE = (INIT_TEMPLATE / M01).read_text(encoding="utf-8")


@FUZZ
@given(data=st.data())
def test_check_answers_edited_measure(project: Path, run, data: st.DataObject) -> None:
    """The valid minimal measure with a few random insertions, deletions and replacements."""
    text = VALID_MEASURE
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        start = data.draw(st.integers(0, len(text)), label="at")
        end = data.draw(st.integers(start, min(len(text), start + 12)), label="to")
        insert = data.draw(st.text(alphabet=YAML_CHARS, max_size=6), label="insert")
        text = text[:start] + insert + text[end:]
    if check_answers_cleanly(run, project, text):
        renders(project)


# --- structured measures ----------------------------------------------------------------------------------


class NoAliasDumper(yaml.SafeDumper):
    """yaml.safe_dump, but an object used twice (e.g. the same date) is written out twice, not aliased."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(value: Any, flow: bool | None = None) -> str:
    return yaml.dump(
        value, Dumper=NoAliasDumper, allow_unicode=True, sort_keys=False, default_flow_style=flow, width=80
    )


MARKDOWN_CHARS = "abc XYZ äöüß 0123 |\\{}%#*_[]()&!`~^$-+.:=\"'<>/\n"
printable = st.characters(blacklist_categories=("Cc", "Cs"))
plain_text = st.one_of(
    st.text(printable, min_size=1, max_size=60),
    st.text(alphabet=MARKDOWN_CHARS.replace("\n", ""), min_size=1, max_size=60),
)
markdown_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x7f"), max_size=200),
    st.text(alphabet=MARKDOWN_CHARS, max_size=300),
)
finite = st.one_of(
    st.integers(-LIMIT, LIMIT), st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False)
)
numbers = st.one_of(finite, st.sampled_from([float("nan"), float("inf"), float("-inf")]))
amounts = st.one_of(st.integers(0, 10**9), st.floats(0, 1e9, allow_nan=False, allow_infinity=False))
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    st.text(max_size=20),
    st.sampled_from(["M01", "M02", "Z1", "Z9", "lk", "verwaltung", "phase-a", "../M01", "M 01", ""]),
    st.dates(),
    st.datetimes(),
    st.binary(max_size=20),
)
junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _corrupt(draw: st.DrawFn, mapping: dict[str, Any], extra: str) -> None:
    """Replace a few entries (sometimes none) by a value of a random type, or drop them."""
    for name in draw(st.sets(st.sampled_from(sorted(mapping) + [extra]), max_size=2)):
        if draw(st.booleans()):
            mapping[name] = draw(junk)
        else:
            mapping.pop(name, None)


@st.composite
def measures(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(dates)
    end = draw(st.one_of(st.just(start + dt.timedelta(days=364)), dates))
    years = list(range(start.year, max(start.year, end.year) + 1))
    costs = []
    for _ in range(draw(st.integers(0, 4))):
        cost = {
            "year": draw(st.sampled_from(years)),
            "category": draw(st.sampled_from([c.value for c in CostCategory])),
            "amount": draw(amounts),
        }
        if draw(st.booleans()):
            cost["eligible"] = draw(st.booleans())
        if draw(st.booleans()):
            cost["note"] = draw(plain_text)
        if draw(st.integers(0, 9)) == 0:
            _corrupt(draw, cost, "unbekannt")
        costs.append(cost)
    eligible = sum(
        (c["amount"] for c in costs if c.get("eligible", True) is True and isinstance(c.get("amount"), int)),
        0,
    )
    total = sum((c["amount"] for c in costs if isinstance(c.get("amount"), int | float)), 0)
    funding: dict[str, Any] = {"grant": draw(st.integers(0, max(0, eligible)))}
    if draw(st.booleans()):
        funding["third_parties"] = [{"name": draw(plain_text), "amount": 0}]
    if total or draw(st.booleans()):
        funding["own_shares"] = draw(st.sampled_from([{"lk": 100}, {"lk": 100.0}, {"lk": 50}]))
    measure: dict[str, Any] = {
        "id": "M01",
        "title": draw(plain_text),
        "summary": draw(plain_text),
        "description": draw(markdown_text),
        "action_field": "verwaltung",
        "lead": "lk",
        "status": draw(st.sampled_from([s.value for s in Status])),
        "priority": draw(st.sampled_from([p.value for p in Priority])),
        "start": start,
        "end": end,
        "costs": costs,
        "funding": funding,
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "further_action_fields": st.just([]),
        "goals": st.sampled_from([[], ["Z1"]]),
        "partners": st.sampled_from([[], ["lk"]]),
        "target_groups": st.lists(plain_text, max_size=3),
        "phase": st.sampled_from(["phase-a", None]),
        "milestones": st.lists(
            st.fixed_dictionaries(
                {"date": st.sampled_from([start, end]), "title": plain_text}, optional={"done": st.booleans()}
            ),
            max_size=3,
        ),
        "indicators": st.lists(
            st.fixed_dictionaries(
                {
                    "name": plain_text,
                    "unit": st.text(printable, min_size=1, max_size=20),
                    "target": finite,
                    "target_year": st.integers(2000, 2100),
                },
                optional={"baseline": st.one_of(st.none(), finite), "example": st.booleans()},
            ),
            max_size=2,
        ),
        "dependencies": st.just([]),
        "origin": st.one_of(
            st.none(), st.fixed_dictionaries({"note": plain_text}, optional={"phase": st.just("phase-a")})
        ),
        "references": st.fixed_dictionaries(
            {},
            optional={
                "leika": st.lists(st.from_regex(r"\A\d{14}\Z"), max_size=2),
                "ozg": st.lists(st.text(printable, min_size=1, max_size=80), max_size=2),
                "charta": st.lists(plain_text, max_size=2),
                "sdg": st.lists(st.integers(1, 17), max_size=3),
            },
        ),
        "example": st.booleans(),
        "example_note": plain_text,
        "sources": st.lists(
            st.fixed_dictionaries(
                {"title": plain_text},
                optional={
                    "url": st.from_regex(r"\Ahttps://example\.org/[A-Za-z0-9_()/{}:=.'-]{0,20}\Z"),
                    "note": plain_text,
                },
            ),
            max_size=2,
        ),
    }
    for name in draw(st.sets(st.sampled_from(sorted(optional)))):
        measure[name] = draw(optional[name])
    if draw(st.booleans()):
        _corrupt(draw, measure, "unbekanntes_feld")
    return measure


@FUZZ
@given(measure=measures(), flow=st.sampled_from([None, True, False]))
def test_check_answers_structured_measures(
    project: Path, run, measure: dict[str, Any], flow: bool | None
) -> None:
    if check_answers_cleanly(run, project, dump(measure, flow)):
        renders(project)


@FUZZ
@given(measure=measures())
def test_check_answers_structured_measures_top_level_junk(
    project: Path, run, measure: dict[str, Any]
) -> None:
    """The same measures inside a random container: a list, a scalar, a nested mapping."""
    wrapped = [measure] if measure.get("example") else {"measure": measure}
    check_answers_cleanly(run, project, yaml.safe_dump(wrapped, allow_unicode=True))


@pytest.mark.slow
def test_structured_strategy_reaches_valid_measures(project: Path, run) -> None:
    """The generator is useful only if a good share of its measures pass check and get rendered."""
    from hypothesis import find

    def valid(measure: dict[str, Any]) -> bool:
        (project / M01).write_text(dump(measure), encoding="utf-8")
        return run("check", cwd=project).code == 0 and len(measure.get("costs", [])) >= 2

    found = find(measures(), valid, settings=settings(max_examples=500, database=None, deadline=None))
    assert found["id"] == "M01"
