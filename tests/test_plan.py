"""The resolved plan: figures computed once, and every output shows the same figures to the cent."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import shutil
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import nodes as jinja_nodes

from conftest import FIXTURES, GRANT_LINE, ROOT, documented_names
from rek import formatting as fmt
from rek.money import allocate, whole_euros
from rek.plan import resolve
from rek.project import require_project
from workbooks import assert_cost_plan_recalculates

SRC = ROOT / "src" / "rek"


# --- allocation --------------------------------------------------------------------------------------
@given(
    total=st.decimals(min_value=0, max_value=10**9, places=2),
    weights=st.lists(st.decimals(min_value=0, max_value=100, places=3), min_size=1, max_size=8),
)
def test_allocation_adds_up_exactly_and_stays_close(total: Decimal, weights: list[Decimal]) -> None:
    parts = allocate(total, weights)
    assert sum(parts, Decimal(0)) == total
    weight_sum = sum(weights, Decimal(0))
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / weight_sum if weight_sum else total / len(weights)
        assert abs(part - exact) < Decimal("0.01")


def test_largest_remainder_gives_the_cent_to_the_largest_rest() -> None:
    assert allocate(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)]) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert whole_euros([Decimal("0.4"), Decimal("0.4"), Decimal("0.4")]) == [
        Decimal(1),
        Decimal(0),
        Decimal(0),
    ]


# --- no money is computed outside the plan ---------------------------------------------------------------
# (the rules are in the docstring of test_no_module_but_the_plan_adds_up_money)
MONEY_WORDS = frozenset(
    {"amount", "amounts", "cost", "costs", "eligible", "ineligible", "grant", "grants", "third", "own",
     "funds", "covered", "financing", "spent", "planned", "spending"}
)  # fmt: skip
RATIO_WORDS = frozenset({"fraction", "ratio", "share", "percent", "rate"})
MONEY_CONSTANTS = frozenset({"ZERO", "CENT", "EURO"})
MONEY_TYPES = ("Decimal", "Money", "SpendingRow", "CostLine")
LEAVE_MONEY = frozenset({"str", "len", "bool", "repr", "format", "isinstance", "range", "hash", "type"})
CARRY_MONEY = frozenset({"abs", "min", "max", "sum", "fsum", "round", "float", "int", "Decimal", "sorted",
                         "list", "tuple", "reversed", "next", "iter", "set", "frozenset", "dict"})  # fmt: skip
CARRY_METHODS = frozenset({"get", "values", "items", "copy", "setdefault", "pop", "quantize", "normalize",
                           "to_integral_value", "copy_abs"})  # fmt: skip
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
JINJA_ARITHMETIC = (jinja_nodes.Add, jinja_nodes.Sub, jinja_nodes.Mul, jinja_nodes.Div, jinja_nodes.FloorDiv,
                    jinja_nodes.Mod, jinja_nodes.Pow)  # fmt: skip
FORMS = ("Add", "Sub", "Mult", "Div", "FloorDiv", "Mod", "Pow", "augmented", "sum", "round", "quantize")


def _typed(annotation: ast.AST | None, types: Sequence[str]) -> bool:
    return annotation is not None and any(t in ast.unparse(annotation) for t in types)


def _ratio(name: str) -> bool:
    return name.lower().rsplit("_", 1)[-1] in RATIO_WORDS


@lru_cache(maxsize=1)
def money_fields() -> tuple[frozenset[str], frozenset[str]]:
    """(attributes, calls) that are money, read from the annotations of plan.py, model.py and call.py."""
    attrs: set[str] = set()
    calls: set[str] = set()
    sources = (
        ("plan.py", MONEY_TYPES),
        ("money.py", MONEY_TYPES),
        ("model.py", ("Money",)),
        ("call.py", ("Money",)),
    )
    for name, types in sources:
        for node in ast.walk(ast.parse((SRC / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if _typed(node.annotation, types) and not _ratio(node.target.id):
                    attrs.add(node.target.id)
            elif isinstance(node, ast.FunctionDef) and _typed(node.returns, types) and not _ratio(node.name):
                decorators = {ast.unparse(d) for d in node.decorator_list}
                (attrs if decorators & {"property", "cached_property"} else calls).add(node.name)
    return frozenset(attrs), frozenset(calls)


def _decimal_start(call: ast.Call) -> bool:
    """sum(…, Decimal(0)): a sum of Decimals is a sum of amounts."""
    start = call.args[1] if len(call.args) > 1 else None
    start = next((k.value for k in call.keywords if k.arg == "start"), start)
    return isinstance(start, ast.Call) and getattr(start.func, "id", None) == "Decimal"


def _money_name(name: str) -> bool:
    if name in MONEY_CONSTANTS:
        return True
    if name.isupper() or _ratio(name):
        return False
    return any(part in MONEY_WORDS for part in name.lower().split("_"))


class _Money:
    """Which expressions of one module are money; ``names`` are the money variables in scope."""

    def __init__(self) -> None:
        self.attrs, self.calls = money_fields()
        self.funcs: set[str] = set()  # the functions of the module in scope that return money

    def attr(self, name: str) -> bool:
        return name in self.attrs or _money_name(name)

    def number(self, e: ast.AST | None, names: set[str]) -> bool:
        """``e`` is an amount, or a name, field or call result that holds amounts."""
        if isinstance(e, ast.Name):
            return e.id in names or _money_name(e.id)
        if isinstance(e, ast.Attribute):
            return self.attr(e.attr)
        if isinstance(e, ast.Subscript | ast.Starred | ast.NamedExpr):
            return self.number(e.value, names)
        if isinstance(e, ast.UnaryOp):
            return self.number(e.operand, names)
        if isinstance(e, ast.BinOp):
            return self.number(e.left, names) or self.number(e.right, names)
        if isinstance(e, ast.BoolOp):
            return any(self.number(v, names) for v in e.values)
        if isinstance(e, ast.IfExp):
            return self.number(e.body, names) or self.number(e.orelse, names)
        if isinstance(e, ast.Call):
            f = e.func
            args = [*e.args, *(k.value for k in e.keywords)]
            if isinstance(f, ast.Name):
                if f.id in LEAVE_MONEY:
                    return False
                if f.id in CARRY_MONEY:
                    return any(self.holds(a, names) for a in args) or _decimal_start(e)
                return f.id in self.calls or f.id in self.funcs
            if isinstance(f, ast.Attribute):
                if f.attr == "fsum":
                    return any(self.holds(a, names) for a in args)
                if f.attr in CARRY_METHODS:
                    return self.holds(f.value, names) or any(self.holds(a, names) for a in args)
                return f.attr in self.calls
        return False

    def holds(self, e: ast.AST | None, names: set[str]) -> bool:
        """``e`` is money, or a literal collection or comprehension of money."""
        if isinstance(e, ast.List | ast.Tuple | ast.Set):
            return any(self.holds(x, names) for x in e.elts)
        if isinstance(e, ast.Dict):
            return any(self.holds(x, names) for x in e.values)
        if isinstance(e, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            inner = set(names)
            for gen in e.generators:
                inner |= self.targets(gen.target, gen.iter, inner)
            return self.holds(e.value if isinstance(e, ast.DictComp) else e.elt, inner)
        if isinstance(e, ast.BinOp):
            return self.holds(e.left, names) or self.holds(e.right, names)
        return self.number(e, names)

    def targets(self, target: ast.AST, value: ast.AST, names: set[str]) -> set[str]:
        """The names that become money when ``value`` is assigned to (or iterated into) ``target``."""
        if isinstance(target, ast.Tuple | ast.List):
            parts = target.elts
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.args:
                if value.func.id == "enumerate":  # (index, item)
                    return self.targets(parts[-1], value.args[0], names)
                if value.func.id == "zip" and len(value.args) == len(parts):
                    return set().union(
                        *(self.targets(t, v, names) for t, v in zip(parts, value.args, strict=True))
                    )
            method = (
                value.func.attr
                if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                else ""
            )
            if method == "items" and len(parts) == 2:  # (key, value)
                return self.targets(parts[1], value.func.value, names)  # type: ignore[attr-defined]
            literal = isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(parts)
            if literal and not any(isinstance(x, ast.Starred) for x in value.elts):  # type: ignore[attr-defined]
                return set().union(
                    *(self.targets(t, v, names) for t, v in zip(parts, value.elts, strict=True))  # type: ignore[attr-defined]
                )
            return (
                {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
                if self.holds(value, names)
                else set()
            )
        while isinstance(target, ast.Subscript | ast.Starred):
            target = target.value  # out[year] = money: out holds money
        return {target.id} if isinstance(target, ast.Name) and self.holds(value, names) else set()


JOINED = ast.List | ast.Tuple | ast.ListComp | ast.JoinedStr  # a list or text joined to another, no sum
_FUNCTION = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


def _scopes(tree: ast.AST) -> list[tuple[ast.AST, ast.AST | None, list[ast.AST]]]:
    """The module and each function: (scope, enclosing scope, the nodes of its own body)."""
    out: list[tuple[ast.AST, ast.AST | None, list[ast.AST]]] = []
    stack: list[tuple[ast.AST, ast.AST | None]] = [(tree, None)]
    while stack:
        scope, parent = stack.pop()
        own: list[ast.AST] = []
        todo = list(ast.iter_child_nodes(scope))
        while todo:
            node = todo.pop(0)
            if isinstance(node, _FUNCTION):
                stack.append((node, scope))
                if not isinstance(node, ast.Lambda):
                    continue
            own.append(node)
            todo.extend(ast.iter_child_nodes(node))
        out.append((scope, parent, own))
    return out


def _money_arithmetic(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, form) of every computation on money in a Python module."""
    scopes = _scopes(tree)
    parents = {scope: parent for scope, parent, _ in scopes}
    names: dict[ast.AST, set[str]] = {scope: set() for scope, _, _ in scopes}
    returning: dict[ast.AST, set[str]] = {scope: set() for scope, _, _ in scopes}  # money functions by scope

    def chain(scope: ast.AST | None, table: dict[ast.AST, set[str]]) -> set[str]:
        seen: set[str] = set()
        while scope is not None:
            seen |= table[scope]
            scope = parents[scope]
        return seen

    money = _Money()
    changed = True
    while changed:  # follow money through names and functions until nothing new turns up
        changed = False
        for scope, parent, own in scopes:
            money.funcs = chain(scope, returning)
            found = chain(scope, names)
            for node in own:
                if isinstance(node, ast.Assign):
                    for t in node.targets:
                        found |= money.targets(t, node.value, found)
                elif (
                    isinstance(node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr) and node.value is not None
                ):
                    found |= money.targets(node.target, node.value, found)
                elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
                    found |= money.targets(node.target, node.iter, found)
            returns = [r.value for r in own if isinstance(r, ast.Return)]
            new_function = isinstance(scope, ast.FunctionDef) and scope.name not in returning.get(
                parent, set()
            )
            if new_function and parent is not None and any(money.holds(r, found) for r in returns):
                returning[parent].add(scope.name)  # type: ignore[union-attr]
                changed = True
            new = found - chain(scope, names)
            if new:
                names[scope] |= new
                changed = True
    offences: list[tuple[int, str]] = []
    for scope, _, own in scopes:
        money.funcs = chain(scope, returning)
        known = chain(scope, names)
        for node in own:
            if isinstance(node, ast.BinOp) and isinstance(node.op, ARITHMETIC):
                if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant | ast.JoinedStr):
                    continue  # '%' formatting of a text
                if any(isinstance(side, JOINED) for side in (node.left, node.right)):
                    continue  # lists or texts joined
                if money.number(node.left, known) or money.number(node.right, known):
                    offences.append((node.lineno, type(node.op).__name__))
            elif isinstance(node, ast.AugAssign) and isinstance(node.op, ARITHMETIC):
                value = node.value
                counter = isinstance(value, ast.Constant | ast.Compare) or (
                    isinstance(value, ast.Call) and getattr(value.func, "id", None) == "len"
                )
                appended = isinstance(value, JOINED)
                if money.number(value, known) or (
                    money.number(node.target, known) and not (counter or appended)
                ):
                    offences.append((node.lineno, "augmented"))
            elif isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name in ("sum", "fsum") and money.number(node, known):
                    offences.append((node.lineno, "sum"))
                elif name == "round" and isinstance(f, ast.Name) and node.args:
                    if money.number(node.args[0], known):
                        offences.append((node.lineno, "round"))
                elif name == "quantize" and isinstance(f, ast.Attribute):
                    offences.append((node.lineno, "quantize"))
    return sorted(set(offences))


JINJA_CARRY = frozenset({"sum", "round", "abs", "float", "int", "first", "last", "min", "max", "map", "list",
                         "sort", "reverse", "default", "d", "batch", "slice", "unique", "select", "reject",
                         "selectattr", "rejectattr", "dictsort", "groupby"})  # fmt: skip


def _template_money(template: jinja_nodes.Template) -> list[tuple[int, str]]:
    """(line, form) of every computation on money in a parsed Jinja template."""
    attrs, _ = money_fields()
    names: set[str] = set()

    def money(e: jinja_nodes.Node) -> bool:
        if isinstance(e, jinja_nodes.Name):
            return e.name in names or _money_name(e.name)
        if isinstance(e, jinja_nodes.Getattr):
            return e.attr in attrs or _money_name(e.attr)
        if isinstance(e, jinja_nodes.Getitem):
            key = e.arg.value if isinstance(e.arg, jinja_nodes.Const) else None
            return (isinstance(key, str) and (key in attrs or _money_name(key))) or money(e.node)
        if isinstance(e, jinja_nodes.Filter | jinja_nodes.Test):
            keys = [k.value.value for k in e.kwargs if isinstance(k.value, jinja_nodes.Const)]
            named = any(isinstance(k, str) and (k in attrs or _money_name(k)) for k in keys)
            return e.name in JINJA_CARRY and ((e.node is not None and money(e.node)) or named)
        if isinstance(e, jinja_nodes.Call):
            if isinstance(e.node, jinja_nodes.Getattr) and e.node.attr in CARRY_METHODS:
                return money(e.node.node)
            return (
                isinstance(e.node, jinja_nodes.Name)
                and e.node.name in ("sum", "round")
                and any(map(money, e.args))
            )
        if isinstance(e, jinja_nodes.BinExpr):
            return money(e.left) or money(e.right)
        if isinstance(e, jinja_nodes.UnaryExpr):
            return money(e.node)
        if isinstance(e, jinja_nodes.CondExpr):
            return money(e.expr1) or (e.expr2 is not None and money(e.expr2))
        if isinstance(e, jinja_nodes.List | jinja_nodes.Tuple):
            return any(map(money, e.items))
        return False

    def target_names(target: jinja_nodes.Node) -> set[str]:
        return {n.name for n in target.find_all(jinja_nodes.Name)} | (
            {target.name} if isinstance(target, jinja_nodes.Name) else set()
        )

    changed = True
    while changed:  # {% set %} and {% for %} carry money into names
        before = set(names)
        for node in template.find_all((jinja_nodes.Assign, jinja_nodes.For)):
            value = node.node if isinstance(node, jinja_nodes.Assign) else node.iter
            if money(value):
                names |= target_names(node.target)
        changed = names != before
    offences: list[tuple[int, str]] = []
    for node in template.find_all((jinja_nodes.BinExpr, jinja_nodes.Filter, jinja_nodes.Call)):
        if isinstance(node, JINJA_ARITHMETIC) and (money(node.left) or money(node.right)):
            offences.append((node.lineno, type(node).__name__))
        elif isinstance(node, jinja_nodes.Filter) and node.name in ("sum", "round") and money(node):
            offences.append((node.lineno, node.name))
        elif isinstance(node, jinja_nodes.Call) and isinstance(node.node, jinja_nodes.Name) and money(node):
            offences.append((node.lineno, node.node.name))  # sum(…) or round(…) of money
    return sorted(set(offences))


def _template_arithmetic(source: str) -> list[tuple[int, str]]:
    from rek.mdtext import environment

    return _template_money(environment().parse(source))


def test_no_module_but_the_plan_adds_up_money() -> None:
    """No module but plan.py computes with money; the guard tells money from other numbers (a chart's
    pixels, a row index, a count, an indicator value) like this:

    * Money fields, read from the source: every field and property that the records of ``plan.py``
      declare as ``Decimal``, ``Money``, ``SpendingRow`` or ``CostLine`` or collections of them (``cost``,
      ``grant``, ``by_year``, ``own_by_partner``, ``spent``, ``costs`` …) and every field of ``model.py``
      and ``call.py`` typed ``Money`` (``amount``, ``grant``, ``own_funds``, ``max_grant`` …). Money
      calls: the functions and methods of ``plan.py`` that return such a type (``own_of``,
      ``allocate``, ``total_of`` …). A name whose last part says it is a ratio (``fraction``,
      ``ratio``, ``share``, ``percent``, ``rate``) is not money: ``float(fraction(v, biggest)) * plot``
      is geometry.
    * Money names: a variable or attribute with a money word (MONEY_WORDS: ``cost``, ``grant``, ``own``,
      ``amount`` …) as one of its ``_`` parts, and the plan's constants ZERO, CENT and EURO. Other
      UPPER_CASE constants are limits, not money (``MAX_TOTAL_BYTES``).
    * Followed values: a name assigned from money (also ``out[key] = money`` makes ``out`` money), a
      loop variable over money (the value of ``.items()``, the item of ``enumerate()``, position by
      position for ``zip()`` and tuples), a subscript, ``.get()``, ``.values()``, ``abs``, ``min``,
      ``max``, ``float``, ``int`` and ``Decimal`` of money, a sum from a Decimal start, and a call of a
      function of the same module that returns money. ``str()``, ``len()``, f-strings, comparisons and
      every other call (``fmt.euro(…)``) give text, counts or truth values. A parameter's annotation
      alone does not make it money (an indicator value is a Decimal too).

    The forms flagged (FORMS, each shown by MONEY_ARITHMETIC): a binary ``+ - * / // % **`` with a money
    operand (not ``%`` on a text, not a list or text joined); an augmented assignment whose value is
    money, or whose target is money and whose value is no counter (an int literal, ``len()``, a
    comparison) and nothing appended; ``sum()`` and ``fsum()`` over money (generators, ``.values()``,
    lists, names) or from a Decimal start (``Decimal(0)``, ZERO); ``round()`` of money; every
    ``.quantize()`` (only a Decimal has it). Templates: see test_no_shipped_template_computes_money.
    """
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        if path.name in ("plan.py", "money.py"):  # the figures and their arithmetic primitives
            continue
        found = _money_arithmetic(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            offenders[str(path.relative_to(SRC))] = found
    assert offenders == {}, "money computed outside plan.py"


def test_no_shipped_template_computes_money() -> None:
    """Every template under src/rek/templates, parsed by rek's Jinja environment: no Add, Sub, Mul, Div,
    FloorDiv, Mod or Pow with a money operand (a money name, attribute or item, or a ``set`` or ``for``
    variable over money), no ``sum`` or ``round`` filter or call on money (``sum(attribute='cost')``
    counts). ``loop.index + 1`` and ``(x | length) - 1`` are counts."""
    templates = sorted((SRC / "templates").rglob("*.j2"))
    assert len(templates) > 20
    offenders = {}
    for path in templates:
        found = _template_arithmetic(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(SRC))] = found
    assert offenders == {}, "money computed in a template"


def test_the_guard_reads_the_money_fields_from_the_plan() -> None:
    attrs, calls = money_fields()
    assert {"cost", "eligible", "grant", "third_party", "own", "amount", "planned", "spent", "total"} <= attrs
    assert {"by_year", "own_by_partner", "own_by_partner_year", "costs", "own_funds"} <= attrs
    assert {"own_of", "allocate", "total_of", "measure_cost"} <= calls
    assert not {"rate_percent", "percent", "ratio", "share", "fraction"} & (attrs | calls)


# each form of money arithmetic, as the guard must see it (Python, then Jinja)
MONEY_ARITHMETIC = {
    "add-attributes": "x = m.grant + m.third_party",
    "sub-names": "own = cost - grant",
    "mult-followed-name": "a = mp.money.cost\nb = a * 2",
    "div-plan-call": "x = mp.own_of(p) / 3",
    "floordiv": "x = m.cost // 2",
    "mod": "x = budget.total.grant % 7",
    "pow": "x = amount ** 2",
    "binop-in-float": "w = float(value.cost) * plot",
    "augmented-add": "for c in m.costs:\n    s += c.amount",
    "augmented-sub-money-target": "spent -= refund",
    "augmented-subscript": "out[c.year] += c.amount",
    "augmented-loop-variable": "for v in budget.by_year.values():\n    t += v",
    "augmented-dict-items": "for key, v in mp.own_by_partner_year.items():\n    t += v",
    "sum-generator": "t = sum(c.amount for c in m.costs)",
    "sum-of-floats": "t = sum(float(c.amount) for c in m.costs)",
    "sum-values": "t = sum(budget.own_by_partner.values())",
    "sum-values-of-name": "ya = costs_by_year_and_kind(old, kind)[2024]\nt = sum(ya.values())",
    "sum-local-function": (
        "def f(old):\n"
        "    def table(costs):\n"
        "        out = {}\n"
        "        for c in costs:\n"
        "            out[c.year] = out.get(c.year, 0) + c.amount\n"
        "        return out\n"
        "    a = table(old)\n"
        "    return sum(a.values())\n"
    ),
    "sum-decimal-start": "t = sum(b.values, Decimal(0))",
    "div-by-a-decimal-sum": "biggest = max(sum(b.values, Decimal(0)) for b in bars)\nw = value / biggest",
    "sum-zero-start": "t = sum(values, ZERO)",
    "sum-list": "t = sum([m.cost, m.grant])",
    "sum-zip": "t = sum(a + b for a, b in zip(m.costs, n.costs))",
    "fsum": "t = math.fsum(c.amount for c in m.costs)",
    "round": "x = round(m.cost, 2)",
    "round-followed-name": "x = total_of(values)\ny = round(x)",
    "quantize": "x = value.quantize(CENT)",
    "quantize-of-anything": "x = Decimal(text).quantize(Decimal('0.01'))",
}
NOT_MONEY = {
    "row-index": "row += 1\nr = row + 1\nletter = xl_col_to_name(share_col0 + j)",
    "len-plus-one": "n = len(items) + 1",
    "chart-geometry": "w = float(fraction(value, biggest)) * plot\nx += w\ny = top + index * row\ncx = x + size / 2",
    "counter-named-like-money": "total += len(body)\nspent_days += 1",
    "counts": "done += sum(1 for ms in m.milestones if ms.done)\nn = sum(len(m.milestones) for m in measures)",
    "money-as-text": "label = fmt.euro(m.cost) + ' (*)'\nline = str(m.grant) + '€'",
    "list-of-money-appended": "rows += [[m.id, m.cost]]\nrows = rows + [m.grant]",
    "indicator-values": "expected = first_value + (ind.target - first_value) * share",
    "tick-rounding": "ticks.append(round(value, 6))",
    "percent-formatting": "text = '%d Maßnahmen' % count",
    "upper-case-limit": "limit = MAX_TOTAL_BYTES - size",
    "rate": "x = rate_percent / 100",
    "money-compared": "a = fa.cost if x else ZERO\nok = a != b and m.grant <= m.cost",
}
TEMPLATE_MONEY = {
    "jinja-sub": "{{ total.cost - total.grant }}",
    "jinja-mul": "{{ mp.money.own * 2 }}",
    "jinja-div": "{{ m.cost / 3 }}",
    "jinja-floordiv": "{{ total.grant // 2 }}",
    "jinja-mod": "{{ total.grant % 7 }}",
    "jinja-pow": "{{ grant ** 2 }}",
    "jinja-add-item": "{{ fin['own'] + 1 }}",
    "jinja-sum-attribute": "{{ measures | sum(attribute='cost') }}",
    "jinja-sum-mapped": "{{ mp.costs | map(attribute='amount') | sum }}",
    "jinja-round": "{{ total.grant | round(2) }}",
    "jinja-set": "{% set g = total.grant %}{{ g + 1 }}",
    "jinja-for-values": "{% for v in budget.by_year.values() %}{{ v * 2 }}{% endfor %}",
}
TEMPLATE_NOT_MONEY = {
    "jinja-loop-index": "{% for m in measures %}{{ loop.index + 1 }}{% endfor %}",
    "jinja-length": "{{ (measures | length) - 1 }}",
    "jinja-money-as-text": "{{ total.cost | euro_cents }} {{ n ~ ' €' }}",
    "jinja-count-sum": "{{ counts | sum }}",
}


@pytest.mark.parametrize("source", MONEY_ARITHMETIC.values(), ids=MONEY_ARITHMETIC.keys())
def test_the_guard_sees_each_form_of_money_arithmetic(source: str) -> None:
    assert _money_arithmetic(ast.parse(source)), source


@pytest.mark.parametrize("source", NOT_MONEY.values(), ids=NOT_MONEY.keys())
def test_the_guard_leaves_geometry_counts_and_text_alone(source: str) -> None:
    assert _money_arithmetic(ast.parse(source)) == [], source


@pytest.mark.parametrize("source", TEMPLATE_MONEY.values(), ids=TEMPLATE_MONEY.keys())
def test_the_guard_sees_money_arithmetic_in_templates(source: str) -> None:
    assert _template_arithmetic(source), source


@pytest.mark.parametrize("source", TEMPLATE_NOT_MONEY.values(), ids=TEMPLATE_NOT_MONEY.keys())
def test_the_guard_leaves_template_counts_alone(source: str) -> None:
    assert _template_arithmetic(source) == [], source


def test_the_guard_names_every_form() -> None:
    forms = {form for source in MONEY_ARITHMETIC.values() for _, form in _money_arithmetic(ast.parse(source))}
    assert forms == set(FORMS)
    jinja = {form for source in TEMPLATE_MONEY.values() for _, form in _template_arithmetic(source)}
    assert jinja == {"Add", "Sub", "Mul", "Div", "FloorDiv", "Mod", "Pow", "sum", "round"}


# --- cases of the issue, each with its exact message ---------------------------------------------------
def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_german_thousands_separator_is_an_error(minimal: Path, run) -> None:
    edit(minimal / "measures/M01.yaml", "amount: 20000", "amount: 20.000")
    edit(minimal / "measures/M01.yaml", GRANT_LINE, "  grant: 13.000")
    result = run("check", cwd=minimal)
    assert result.code == 1
    assert (
        "measures/M01.yaml:19:13: error: Feld 'costs[0].amount': erwartet: einen Betrag in Euro mit höchstens zwei "
        "Nachkommastellen; der Punkt wird hier als Dezimalzeichen gelesen (meinten Sie 20000? Schreiben Sie "
        "Tausender ohne Punkt)" in result.err
    )
    assert (
        "measures/M01.yaml:21:10: error: Feld 'funding.grant'" in result.err
        and "meinten Sie 13000?" in result.err
    )


def test_two_decimals_are_fine_three_are_not(minimal: Path, run) -> None:
    edit(minimal / "measures/M01.yaml", "amount: 20000", "amount: 20000.50")
    edit(minimal / "measures/M01.yaml", GRANT_LINE, "  grant: 13000.33")
    assert run("check", cwd=minimal).code == 0
    edit(minimal / "measures/M01.yaml", "amount: 20000.50", "amount: 20000.505")
    result = run("check", cwd=minimal)
    assert (
        "Feld 'costs[0].amount': erwartet: einen Betrag in Euro mit höchstens zwei Nachkommastellen; "
        "gefunden: Zahl 20000.505" in result.err
    )


def test_budget_emergency_of_a_university_is_an_error(minimal: Path, run) -> None:
    text = (minimal / "strategy/strategy.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "goals:\n",
        "  - id: hs\n    name: Hochschule Muster\n    kind: Hochschule\n    role: Koordination\n"
        "    budget_emergency: true\ngoals:\n",
        1,
    )
    (minimal / "strategy/strategy.yaml").write_text(text, encoding="utf-8")
    result = run("check", cwd=minimal)
    assert result.code == 1
    assert (
        "strategy/strategy.yaml:42:23: error: Feld 'partners[1].budget_emergency': eine Haushaltsnotlage nach "
        "Landesrecht gibt es nur für Kommunen (Gebietskörperschaften); gefunden: Hochschule" in result.err
    )


def test_excluded_measure_needs_a_reason_and_is_listed(minimal: Path, run, tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "calls", minimal / "strategy" / "calls")
    edit(minimal / "strategy/strategy.yaml", "# call: mpsc-2021", "call: test-call")
    edit(
        minimal / "strategy/strategy.yaml",
        "    role: Antragsteller\n",
        "    role: Antragsteller\n    own_funds: 9000\n",
    )
    m02 = (minimal / "measures/M01.yaml").read_text(encoding="utf-8").replace("id: M01", "id: M02")
    m02 = m02.replace("phase: phase-a\n", "application: false\ndependencies: []\n")
    (minimal / "measures/M02.yaml").write_text(m02, encoding="utf-8")
    result = run("check", cwd=minimal)
    assert (
        "measures/M02.yaml:13:14: error: Feld 'application_note': der Grund fehlt, warum die Maßnahme nicht im "
        "Antrag steht" in result.err
    )
    edit(
        minimal / "measures/M02.yaml",
        "application: false\n",
        "application: false\napplication_note: aus Landesmitteln gefördert\n",
    )
    project = require_project(minimal)
    plan = resolve(project)
    assert [mp.id for mp in plan.application.measures] == ["M01"]
    assert plan.by_id["M02"].exclusion == "aus Landesmitteln gefördert"
    from rek.application.document import render

    markdown = render(plan).markdown
    assert "| M02 Online-Terminvergabe im Bürgerbüro | aus Landesmitteln gefördert |" in markdown


@pytest.mark.documents
def test_build_refuses_a_failing_application_and_draft_marks_every_page(
    minimal: Path, run, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    shutil.copytree(FIXTURES / "calls", minimal / "strategy" / "calls")
    edit(minimal / "strategy/strategy.yaml", "# call: mpsc-2021", "call: test-call")
    out = tmp_path / "out"
    result = run("build", "--out", str(out), cwd=minimal)
    assert result.code == 1 and not out.exists()
    assert "error: Regel 'Eigenanteil gedeckt'" in result.err
    app = run("application", "--out", str(tmp_path / "a"), cwd=minimal)
    assert app.code == 1 and "Kein Antrag geschrieben" in app.err and not (tmp_path / "a").exists()
    draft = run("application", "--draft", "--out", str(tmp_path / "a"), cwd=minimal)
    assert draft.code == 0, draft.err
    assert "Entwurf geschrieben" in draft.out
    reader = PdfReader(str(tmp_path / "a" / "antrag.pdf"))
    for page in reader.pages:
        assert "Entwurf – formale Prüfung nicht bestanden" in page.extract_text()
    assert (
        (tmp_path / "a" / "antrag.md")
        .read_text(encoding="utf-8")
        .startswith("> **Entwurf – formale Prüfung nicht bestanden.**")
    )


def test_embedded_applicant_and_coordinator() -> None:
    plan = resolve(require_project(ROOT))
    assert plan.applicant is not None and plan.applicant.name == "Landkreis Hameln-Pyrmont"
    assert plan.coordinator is not None and plan.coordinator.name == "Hochschule Weserbergland"
    assert plan.rate_percent == 65
    excluded = {mp.id: mp.exclusion for mp in plan.excluded}
    assert set(excluded) == {"M01", "M02"} and all("vor dem Förderzeitraum" in r for r in excluded.values())


# --- every output equals the plan, to the cent -------------------------------------------------------------
def _cents(text: str) -> Decimal:
    return Decimal(text.replace("\u00a0€", "").replace(".", "").replace(",", "."))


def _assert_outputs_match(project_dir: Path, tmp_path: Path) -> None:
    from rek.application.build import write_application
    from rek.site.opendata import write_downloads
    from rek.site.pages import SitePages

    plan = resolve(require_project(project_dir))
    budget, everything = plan.application, plan.strategy
    # site: the finance page's sum rows
    pages = dict(SitePages(plan).files())
    finance_page = pages["finanzen.md"]
    assert f"| Gesamtkosten | {fmt.euro(everything.total.cost)} |" in finance_page
    sum_rows: list[list[str]] = []  # the cells after "Summe", of Markdown tables and of HTML tables
    for line in finance_page.splitlines():
        if line.startswith("| Summe |") and "Betrag" not in line:
            sum_rows.append([c.strip() for c in line.strip("|").split("|")][1:])
        elif line.startswith("<tr"):
            cells = re.findall(r"<td[^>]*>([^<]*)</td>", line)
            if cells and cells[0] == "Summe":
                sum_rows.append(cells[1:])
    assert len(sum_rows) >= 4, "the sums by year, action field and partner and the total"
    rounded = {
        getattr(everything.total, a).quantize(Decimal(1), "ROUND_HALF_UP")
        for a in ("cost", "grant", "third_party", "own")
    }
    for cells in sum_rows:
        assert cells and all(_cents(c) in rounded for c in cells), cells
    # downloads: CSV and JSON
    downloads = tmp_path / "downloads"
    write_downloads(plan, downloads)
    rows = list(csv.DictReader(io.StringIO((downloads / "massnahmen.csv").read_text(encoding="utf-8"))))
    for column, attr in (("kosten_eur", "cost"), ("zuwendung_eur", "grant"), ("eigenanteil_eur", "own")):
        assert sum((Decimal(r[column]) for r in rows), Decimal(0)) == getattr(everything.total, attr)
    data = json.loads((downloads / "massnahmen.json").read_text(encoding="utf-8"))
    assert Decimal(data["summen"]["zuwendung_eur"]) == everything.total.grant
    # application: Markdown, XLSX (formulas evaluated, cached values), and, once, DOCX/PDF
    if plan.call is None:
        return
    folder = tmp_path / "antrag"
    files = write_application(plan, folder, documents=False)
    markdown = files.markdown.read_text(encoding="utf-8")
    for label, attr in (
        ("Zuwendung (beantragt)", "grant"),
        ("Drittmittel", "third_party"),
        ("Eigenanteile der Partner", "own"),
    ):
        assert f"| {label} | {fmt.euro(getattr(budget.total, attr), True)} |" in markdown
    # every formula recomputed by a spreadsheet engine: equal to its cached value and the plan's figure
    values = assert_cost_plan_recalculates(files.xlsx, plan)
    sheet = {ref: v for (name, ref), v in values.items() if name == "Maßnahmen"}
    total_row = next(k[1:] for k, v in sheet.items() if k.startswith("A") and v == "Summe")
    for col, attr in (("D", "cost"), ("F", "grant"), ("G", "third_party"), ("H", "own")):
        assert Decimal(repr(float(sheet[f"{col}{total_row}"]))).quantize(Decimal("0.01")) == getattr(
            budget.total, attr
        ), col
    from rek.application.costplan import formula_cells

    checks = [c for c in formula_cells(plan) if c.rule == "check"]
    assert {c.sheet for c in checks} == {"Kostenplan", "Finanzierung"}
    assert all(abs(float(values[(c.sheet, c.cell)])) < 0.005 for c in checks)


AMOUNTS = st.integers(min_value=0, max_value=2_000_000).map(lambda c: Decimal(c) / 100)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    costs=st.lists(st.tuples(st.sampled_from([2027]), AMOUNTS, st.booleans()), min_size=1, max_size=4),
    third=AMOUNTS,
    shares=st.sampled_from([(100,), (50, 50), (33.33, 33.33, 33.34), (70, 20, 10)]),
)
def test_random_projects_show_the_plan_everywhere(tmp_path_factory, costs, third, shares) -> None:
    from conftest import INIT_TEMPLATE

    minimal = tmp_path_factory.mktemp("random") / "region"
    shutil.copytree(INIT_TEMPLATE, minimal)
    shutil.copytree(FIXTURES / "calls", minimal / "strategy" / "calls")
    strategy = (minimal / "strategy/strategy.yaml").read_text(encoding="utf-8")
    strategy = strategy.replace("# call: mpsc-2021", "call: test-call").replace(
        "    role: Antragsteller\n", "    role: Antragsteller\n    own_funds: 100000000\n"
    )
    extra = "".join(
        f"  - id: p{i}\n    name: Gemeinde {i}\n    kind: Gemeinde\n    role: Partner\n    own_funds: 100000000\n"
        for i in range(1, len(shares))
    )
    strategy = strategy.replace("goals:\n", extra + "goals:\n", 1)
    strategy += (
        "risks:\n  - title: Verzug\n    likelihood: low\n    impact: medium\n    mitigation: Puffer.\n"
        "annexes:\n  - id: ratsbeschluss\n    title: Beschluss\n"
        + "".join(
            f"  - id: absichtserklaerung\n    title: LoI\n    partner: {p}\n"
            for p in ["lk", *[f"p{i}" for i in range(1, len(shares))]]
        )
    )
    (minimal / "strategy/strategy.yaml").write_text(strategy, encoding="utf-8")
    eligible = sum((a for _, a, e in costs if e), Decimal(0))
    total = sum((a for _, a, _ in costs), Decimal(0))
    grant = (eligible * Decimal("0.65")).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    third = min(third, total - grant)
    partner_ids = ["lk", *[f"p{i}" for i in range(1, len(shares))]]
    measure = (minimal / "measures/M01.yaml").read_text(encoding="utf-8")
    head = measure.split("costs:")[0].replace(
        "lead: lk\n", "lead: lk\npartners: [" + ", ".join(partner_ids[1:]) + "]\n"
    )
    body = "costs:\n" + "".join(
        f"  - year: {y}\n    category: services\n    amount: {a}\n    eligible: {str(e).lower()}\n"
        for y, a, e in costs
    )
    body += (
        f"funding:\n  grant: {grant}\n  third_parties: [{{name: Land, amount: {third}}}]\n  own_shares: {{"
    )
    body += ", ".join(f"{p}: {s}" for p, s in zip(partner_ids, shares, strict=True)) + "}\n"
    (minimal / "measures/M01.yaml").write_text(head + body, encoding="utf-8")
    project = require_project(minimal)
    plan = resolve(project)
    assert plan.call is not None
    assert sum((e for _, _, e in plan.by_id["M01"].own_shares), Decimal(0)) == plan.by_id["M01"].money.own
    _assert_outputs_match(minimal, tmp_path_factory.mktemp("out"))


def test_embedded_outputs_show_the_plan(tmp_path: Path) -> None:
    _assert_outputs_match(ROOT, tmp_path)


@pytest.mark.documents
@pytest.mark.slow
def test_embedded_docx_and_pdf_totals_equal_the_plan(built_embedded: Path) -> None:
    from docx import Document
    from pypdf import PdfReader

    budget = resolve(require_project(ROOT)).application
    doc = Document(str(built_embedded / "antrag" / "antrag.docx"))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    funding = next(t for t in tables if t[0][0] == "Finanzierungsquelle")
    assert funding[1][1] == fmt.euro(budget.total.grant, True)
    assert funding[-1][1] == fmt.euro(budget.total.cost, True)
    text = " ".join(p.extract_text() for p in PdfReader(str(built_embedded / "antrag" / "antrag.pdf")).pages)
    assert fmt.euro(budget.total.grant, True).replace("\u00a0", " ") in text.replace("\u00a0", " ")


# --- the template contract ---------------------------------------------------------------------------------
def test_template_context_is_documented_and_every_shipped_template_renders() -> None:
    from rek.application.document import TEMPLATES, build_context, template_environment

    plan = resolve(require_project(ROOT))
    context = build_context(plan, "zeitplan.svg")
    readme = (ROOT / "templates" / "README.md").read_text(encoding="utf-8")
    documented = set(documented_names(readme, "## Was die Vorlagen des Antrags bekommen"))
    env = template_environment()
    assert set(context) - documented == set(), "undocumented template names"
    # a documented name is in the context or one of rek's helpers (contact_text)
    assert documented - set(context) - set(env.globals) == set(), "documented names no template gets"
    shipped = sorted(
        p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.md.j2") if "drafts" not in p.parts
    )
    assert "cover.md.j2" in shipped and "blocks/cost_plan.md.j2" in shipped
    for name in shipped:
        if name == "section.md.j2":
            out = env.get_template(name).render(context, section=plan.call.sections[0])
        else:
            out = env.get_template(name).render(context)
        assert out.strip(), name
