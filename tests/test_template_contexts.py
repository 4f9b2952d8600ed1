"""Templates see plain data: every context of every shipped template, and what an override may reach.

A template from a project's templates/ folder is contributor input. The contexts rek builds hold only
plain values (str, numbers, Decimal, dates, containers) and rek's data records (``sandbox.is_view``) —
no project, no plan, no Path — and the sandbox refuses everything else when an override asks for it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from rek import sandbox
from rek.application.document import render
from rek.application.drafts import render_drafts
from rek.layout import TEMPLATE_KINDS
from rek.plan import resolve
from rek.project import require_project
from rek.report import render as render_report
from rek.site.pages import SitePages
from rek.summary import render as render_summary

TEMPLATES = ROOT / "src" / "rek" / "templates"
SHIPPED = sorted(
    p.relative_to(TEMPLATES).as_posix() for kind in TEMPLATE_KINDS for p in (TEMPLATES / kind).rglob("*.j2")
)


def walk(value: Any, path: str, seen: set[int], helpers: set[int]) -> Iterator[str]:
    """Every place in a context that holds something other than plain data (as 'path: type')."""
    if isinstance(value, sandbox.PLAIN):
        return
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, dict | type(Path.__dict__)):
        for key, item in value.items():
            yield from walk(key, f"{path}[key]", seen, helpers)
            yield from walk(item, f"{path}[{key!r}]", seen, helpers)
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]", seen, helpers)
    elif sandbox.is_view(value):
        for name in sorted(sandbox.view_attributes(type(value)) or ()):
            yield from walk(getattr(value, name), f"{path}.{name}", seen, helpers)
    elif id(value) not in helpers:
        yield f"{path}: {type(value).__module__}.{type(value).__qualname__}"


def render_everything(project_dir: Path) -> None:
    plan = resolve(require_project(project_dir))
    list(SitePages(plan).files())
    if plan.call is not None:
        render(plan)
        render_drafts(plan)
    render_report(plan, 2025)
    render_summary(plan)


def test_every_context_of_every_shipped_template_holds_plain_data_only(captured, embedded: Path) -> None:
    render_everything(embedded)
    problems = []
    for name, contexts in captured.items():
        for context, helpers in contexts:
            seen: set[int] = set()
            for key, value in context.items():
                problems.extend(f"{name}: {p}" for p in walk(value, key, seen, helpers))
    assert problems == []
    shipped = {name.split("/", 1)[1] for name in SHIPPED}
    rendered = set(captured)
    assert shipped - rendered == set(), "every shipped template was rendered and walked"


def test_the_view_types_hold_no_path_and_no_project() -> None:
    """What a view record's fields and properties are typed as: never a path, a project or a plan."""
    from rek import call, model, monitoring, plan

    views = [
        cls
        for module in (model, call, plan, monitoring)
        for cls in vars(module).values()
        if isinstance(cls, type) and sandbox.view_attributes(cls) is not None
    ]
    assert len(views) > 30
    for cls in views:
        hints = str(getattr(cls, "__annotations__", {}))
        assert "Path" not in hints and "Project" not in hints and "'Plan'" not in hints, cls
    assert sandbox.view_attributes(plan.Plan) is None
    assert sandbox.view_attributes(Path) is None


# --- an override that asks for more -----------------------------------------------------------
ATTEMPTS = {
    # what reached the file system through plan.project.root in round 3
    "plan-project-root": "{{ plan.project.root.read_text() }}",
    "measure-to-project": "{{ measures[0].m.__class__.__init__.__globals__ }}",
    "budget-to-measures": "{% for mp in fin_measures %}{{ mp.own_of('hm') }}{% endfor %}",
    "partner-method": "{{ applicant.model_dump() }}",
    "enum-class": "{{ s.status.__class__ }}",
    "str-format-map": "{{ 'x'.format_map(s) }}",
    "measure-mro": "{{ measures[0].__class__.__mro__ }}",
    "model-method": "{{ s.model_dump_json() }}",
    "model-parse-file": "{{ s.parse_file('/etc/hostname') }}",
    "model-copy": "{{ s.model_copy(update={'title': 'x'}) }}",
    "format-attribute": "{{ '{0.__class__}'.format(s) }}",
    "filter-attr": "{{ s | attr('model_dump') }}",
    "map-attribute": "{{ measures | map(attribute='m.model_config') | first }}",
    "helper-internals": "{{ table.__globals__ }}",
    "loop-internals": "{% for x in [1] %}{{ loop._iterable }}{% endfor %}",
    "range-huge": "{{ range(10**9) | list | length }}",
    "date-replace": "{{ today.replace(year=1) }}",
    "dict-pop": "{{ {'a': 1}.pop('a') }}",
}


@pytest.fixture
def override_project(tmp_path: Path) -> Path:
    target = tmp_path / "weserbergland"
    target.mkdir()
    for name in ("strategy", "measures", "content"):
        shutil.copytree(ROOT / name, target / name)
    return target


@pytest.mark.parametrize("name", list(ATTEMPTS))
def test_an_override_that_reaches_for_more_than_data_fails_with_a_message(
    name: str, override_project: Path, run
) -> None:
    cover = override_project / "templates" / "application" / "cover.md.j2"
    cover.parent.mkdir(parents=True)
    shipped = (TEMPLATES / "application" / "cover.md.j2").read_text(encoding="utf-8")
    cover.write_text(shipped + "\n" + ATTEMPTS[name] + "\n", encoding="utf-8")
    line = shipped.count("\n") + 2
    result = run("check", cwd=override_project)
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.err
    assert (
        f"templates/application/cover.md.j2:{line}:1: error: Fehler beim Anwenden der Vorlage:" in result.err
    ), result.err
    assert any(
        word in result.err for word in ("nicht erlaubt", "gibt es in dieser Vorlage nicht", "begrenzt")
    ), result.err
    built = run("build", "--out", str(override_project / "out"), cwd=override_project)
    assert built.code == 1 and "templates/application/cover.md.j2" in built.err
    assert not (override_project / "out").exists()


def test_every_name_a_shipped_template_uses_is_in_its_context(captured, embedded: Path) -> None:
    """A name a template reads but no renderer gives would fail only when that branch runs: caught here."""
    import jinja2.meta

    from rek.mdtext import environment

    render_everything(embedded)
    env = environment()
    missing = []
    for name in SHIPPED:
        kind, relative = name.split("/", 1)
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        used = jinja2.meta.find_undeclared_variables(env.parse(source))
        contexts = captured[relative]
        given = set().union(*(set(context) for context, _ in contexts))
        helpers = _globals_of(kind)
        missing += [f"{name}: {n}" for n in sorted(used - given - helpers - {"loop"})]
    assert missing == []


def _globals_of(kind: str) -> set[str]:
    """The helpers a kind's environment registers (table, chart, contact_text …) and Jinja's own."""
    from rek.application.document import template_environment
    from rek.mdtext import environment
    from rek.plan import resolve
    from rek.project import require_project
    from rek.site.pages import SitePages

    if kind == "site":
        return set(SitePages(resolve(require_project(ROOT))).env.globals)
    if kind == "application":
        return set(template_environment().globals)
    return set(environment().globals)
