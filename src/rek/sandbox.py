"""What a template may touch: plain values and rek's own data records, nothing that reaches a file.

Templates come from rek and from a project's ``templates/`` folder, and the latter is contributor input
like any text: a pull request can change it, and CI runs ``rek check`` and ``rek build`` on it. So every
Jinja environment of rek is a :class:`TemplateSandbox`, whose policy is an allow-list, not Jinja's
default deny-list of a few dangerous attributes:

- attributes only on *view types* — the data records of the model (``rek.model``, ``rek.call``: what was
  read from YAML), the resolved figures of the plan (``MeasurePlan``, ``Money``, ``Budget`` …) and the
  monitoring records — and there only their data fields and properties, never a method;
- on plain values (str, numbers, Decimal, dates, tuples, lists, dicts) only a few side-effect-free
  methods (``items``, ``get``, ``startswith`` …);
- calls only to the helpers the renderer registered (filters, ``table``, ``chart`` …), macros and
  Jinja's loop helpers;
- a value of any other type (``Path``, the project, the plan, a module, a function) is never handed out.

An attempt fails while rendering with a German message at ``templates/FILE:line``. The contexts rek
builds hold nothing else either (``tests/test_template_contexts.py`` walks every context of every shipped
template); the policy is what holds when an override asks for more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import types
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from jinja2.runtime import LoopContext, Macro, Undefined
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import Cycler, Joiner, Namespace
from pydantic import BaseModel

PLAIN = (str, int, float, bool, type(None), Decimal, dt.date)  # datetime is a date
CONTAINERS = (tuple, list, dict, types.MappingProxyType, frozenset, set)
# the side-effect-free methods a template may call on plain values
METHODS: dict[type, frozenset[str]] = {
    str: frozenset(
        [
            "capitalize",
            "casefold",
            "count",
            "endswith",
            "find",
            "isdigit",
            "isalpha",
            "isspace",
            "join",
            "lower",
            "lstrip",
            "partition",
            "removeprefix",
            "removesuffix",
            "replace",
            "rpartition",
            "rsplit",
            "rstrip",
            "split",
            "splitlines",
            "startswith",
            "strip",
            "title",
            "upper",
            "zfill",
        ]
    ),
    dict: frozenset({"items", "keys", "values", "get"}),
    types.MappingProxyType: frozenset({"items", "keys", "values", "get"}),
    list: frozenset({"count", "index"}),
    tuple: frozenset({"count", "index"}),
    dt.date: frozenset({"year", "month", "day", "isoformat", "weekday", "isoweekday"}),
}
_JINJA_RUNTIME = (LoopContext, Cycler, Joiner, Namespace)


def _rek_class(cls: type) -> bool:
    return cls.__module__ == "rek" or cls.__module__.startswith("rek.")


@functools.cache
def view_attributes(cls: type) -> frozenset[str] | None:
    """The attributes a template may read on an instance of ``cls``; None: not a view type.

    View types are rek's pydantic models and frozen dataclasses that hold data only (no ``Path``, no
    project or plan) — ``VIEW_EXCLUDED`` names the records that hold more — and rek's enums.
    """
    if not _rek_class(cls) or cls.__name__ in VIEW_EXCLUDED:
        return None
    if issubclass(cls, enum.Enum):
        return frozenset({"name", "value"})
    if issubclass(cls, BaseModel):
        names = set(cls.model_fields)
    elif dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        names = {f.name for f in dataclasses.fields(cls)}
    else:
        return None
    for klass in cls.__mro__:
        if _rek_class(klass):
            names |= {
                name
                for name, member in vars(klass).items()
                if isinstance(member, property | functools.cached_property) and not name.startswith("_")
            }
    return frozenset(names)


# records that reach the file system or the whole project: never a template's business
VIEW_EXCLUDED = frozenset({"Plan", "Project", "ContentPage", "SiteSettings", "Application", "Draft"})


def is_view(value: Any) -> bool:
    return view_attributes(type(value)) is not None  # type: ignore[arg-type]  # mypy takes a class for unhashable (python/mypy#20409)


def plain_value(value: Any) -> bool:
    """A value a template may hold: plain, a container, a view record (its items are checked on access)."""
    return isinstance(value, PLAIN + CONTAINERS) or is_view(value)


def _methods_of(owner: Any) -> frozenset[str]:
    for kind, names in METHODS.items():
        if isinstance(owner, kind):
            return names
    return frozenset()


class TemplateSandbox(SandboxedEnvironment):
    """Jinja's sandbox with rek's allow-list (see the module's docstring)."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_") or not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, _JINJA_RUNTIME):
            return True
        allowed = view_attributes(type(obj))  # type: ignore[arg-type]  # mypy takes a class for unhashable (python/mypy#20409)
        if allowed is not None:
            return attr in allowed and plain_value(value)
        if isinstance(obj, PLAIN + CONTAINERS):
            return attr in _methods_of(obj) and (plain_value(value) or callable(value))
        return False

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if isinstance(obj, Macro | LoopContext | Cycler | Joiner):
            return True
        if any(obj is helper for helper in self.globals.values()):
            return True  # what the renderer registered: table(), chart(), range(), namespace() …
        if isinstance(obj, types.MethodType | types.BuiltinMethodType):
            owner = getattr(obj, "__self__", None)
            if isinstance(owner, PLAIN + CONTAINERS):
                return obj.__name__ in _methods_of(owner)
            if isinstance(owner, Cycler | Joiner | LoopContext):
                return True
        return False

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if not __self.is_safe_callable(__obj):
            raise SecurityError(
                f"Aufruf von {_describe(__obj)} ist in Vorlagen nicht erlaubt; Vorlagen rufen nur die "
                "Hilfen von rek (Filter wie text, euro, date und table()) und ihre eigenen Makros auf."
            )
        return super().call(__context, __obj, *args, **kwargs)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        return self.undefined(
            f"Zugriff auf '{attribute}' von {_describe(obj)} ist in Vorlagen nicht erlaubt; Vorlagen "
            "sehen nur Daten: Texte, Zahlen, Beträge, Daten, Listen und die Felder der Datensätze von rek.",
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )

    def helper(self, name: str, function: Callable[..., Any]) -> None:
        """Register a function templates may call (it must return plain values)."""
        self.globals[name] = function


def _describe(obj: Any) -> str:
    kind = type(obj)
    if isinstance(obj, types.MethodType | types.BuiltinMethodType):
        return f"'{getattr(obj, '__name__', '?')}' (einer Methode)"
    return f"'{kind.__name__}'"
