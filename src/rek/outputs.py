"""The output registry: what rek makes from a strategy, and what each output needs, shows and refuses.

Each output declares its template kind (``templates/<kind>/``, what a project may override), the type of
its template context, whether the formal check of the call stops it, how it becomes DOCX and PDF, and
its writer. ``cli``, ``build`` and the checks read this table; :func:`refusals` is the one refusal
policy. A new output (the council summary was one) is an entry here, a template, a writer and a test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .application.export import LONG, SHORT, DocumentOptions
from .checks import formal_findings, money_findings
from .diagnostics import Diagnostic
from .placeholders import for_application
from .plan import Plan


@dataclass(frozen=True)
class Output:
    name: str  # the registry key
    title: str  # German, for messages
    template_kind: str  # templates/<kind>/ (layout.TEMPLATE_KINDS)
    context: str  # the type or builder of the template context (documented in templates/README.md)
    needs_call: bool  # made only when a funding call is selected
    formal: bool  # a failed formal check of the call stops it (unless --draft)
    document: DocumentOptions | None  # how it becomes DOCX and PDF; None: not a document
    write: Callable[..., Any] | None  # writer(plan, folder, documents=…); None: written by build


def _write_application(plan: Plan, folder: Path, *, documents: bool = True, draft: bool = False) -> Any:
    from .application.build import write_application

    return write_application(plan, folder, documents=documents, draft=draft)


def _write_report(plan: Plan, folder: Path, *, year: int, documents: bool = True) -> Any:
    from .report import write_report

    return write_report(plan, year, folder, documents=documents)


def _write_summary(plan: Plan, folder: Path, *, documents: bool = True) -> Any:
    from .summary import write_summary

    return write_summary(plan, folder, documents=documents)


SITE = Output("site", "Website", "site", "site.pages.SitePages (je Seite)", False, False, None, None)
APPLICATION = Output(
    "application", "Antrag", "application", "application.document.build_context", True, True, LONG,
    _write_application,
)  # fmt: skip
DRAFTS = Output(
    "drafts", "Entwürfe", "application", "application.drafts.build_context", True, True, SHORT, None
)  # written with the application (entwuerfe/)
REPORT = Output("report", "Umsetzungsbericht", "report", "report.context", False, False, LONG, _write_report)
SUMMARY = Output(
    "summary", "Kurzfassung für den Rat", "summary", "summary.SummaryContext", False, False, SHORT,
    _write_summary,
)  # fmt: skip
OUTPUTS: dict[str, Output] = {o.name: o for o in (SITE, APPLICATION, DRAFTS, REPORT, SUMMARY)}


def refusals(plan: Plan, outputs: Iterable[Output], *, draft: bool = False) -> list[Diagnostic]:
    """What stops these outputs: money that does not add up always; a failed formal check of the call
    for an output that goes to the funding body (application, drafts), unless a draft is asked for."""
    chosen = [o for o in outputs if not o.needs_call or plan.call is not None]
    found = money_findings(plan)
    if not draft and plan.call is not None and any(o.formal for o in chosen):
        found += formal_findings(plan)
        # what goes to the funding body carries no 'bitte ergänzen' and no scaffold text (placeholders.py)
        found += for_application(plan.project.root)
    return [d for d in found if d.severity == "error"]
