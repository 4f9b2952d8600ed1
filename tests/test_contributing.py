"""The contributor documentation says what is there: the module map of CONTRIBUTING.md names exactly
the modules under src/rek/."""

from __future__ import annotations

from conftest import ROOT, documented_names

PACKAGE = ROOT / "src" / "rek"


def test_the_module_map_names_every_module_and_nothing_else() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    named = [n for n in documented_names(contributing, "## Where things are") if n.endswith(".py")]
    modules = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    assert sorted(modules - set(named)) == [], "modules missing from CONTRIBUTING.md's module map"
    assert sorted(set(named) - modules) == [], "CONTRIBUTING.md names modules that do not exist"
    assert len(named) == len(set(named)), "a module named twice in CONTRIBUTING.md"
