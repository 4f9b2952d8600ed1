"""The typed model of a funding call profile (strategy/calls/<id>.yaml).

A call is data: its sections, limits, rates, phases and annexes, and for every rule the source it
comes from. The formal checks in ``application/checks.py`` read only this model.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StrictInt

from .model import (
    CostCategory,
    Date,
    EfreRegion,
    Id,
    Markdown,
    Money,
    PartnerKind,
    Percent,
    Source,
    Strategy,
    Strict,
    Submission,
    Text,
)


class Block(StrEnum):
    """Parts of the strategy a section of the application can be filled with."""

    summary = "summary"
    situation = "situation"
    vision = "vision"
    goals = "goals"
    partners = "partners"
    action_fields = "action_fields"
    measures = "measures"
    cooperation = "cooperation"
    participation = "participation"
    knowledge_transfer = "knowledge_transfer"
    workplan = "workplan"
    timeline = "timeline"
    cost_plan = "cost_plan"
    risks = "risks"
    annexes = "annexes"
    continuation = "continuation"
    organisation = "organisation"
    data_protection = "data_protection"
    evaluation = "evaluation"
    declarations = "declarations"
    requirements = "requirements"


class Section(Strict):
    id: Id
    title: Text
    required: bool = True
    blocks: list[Block] = Field(
        min_length=1, title="Inhalt", description="Teile der Strategie in diesem Abschnitt"
    )
    guidance: Markdown | None = Field(default=None, title="Was der Abschnitt enthalten muss")
    max_chars: Annotated[StrictInt, Field(gt=0)] | None = Field(default=None, title="Höchstzahl Zeichen")
    max_pages: Annotated[StrictInt, Field(gt=0)] | None = None
    criteria: list[Id] = Field(
        default_factory=list,
        title="Bewertungskriterien",
        description="Kennungen der Kriterien, die der Abschnitt beantwortet",
    )
    source: Source


class Criterion(Strict):
    """An evaluation criterion of the call (what the reviewers score)."""

    id: Id
    title: Text
    source: Source


class Rate(Strict):
    id: Id
    label: Text
    percent: Percent
    when: str = Field(default="default", pattern="^(default|budget_emergency)$")
    region: EfreRegion | None = Field(
        default=None,
        title="EFRE-Regionenkategorie",
        description="Der Satz gilt nur, wenn der Antragsteller in dieser Kategorie liegt ('efre_region' des "
        "Partners): SER oder ÜR",
    )
    source: Source


class GrantCap(Strict):
    amount: Money
    source: Source


class CallPhase(Strict):
    id: Id
    title: Text
    max_months: Annotated[StrictInt, Field(gt=0)] | None = Field(
        default=None, title="Höchstdauer der Phase (Monate)"
    )
    max_grant: Money | None = None
    max_implementation_grant: GrantCap | None = Field(
        default=None,
        title="Höchstbetrag für erste Umsetzungsmaßnahmen",
        description="Zuwendung der Maßnahmen dieser Phase mit 'kind: Umsetzung' (MPSC Phase A: 1 Mio. Euro)",
    )
    source: Source


class MonthsRule(Strict):
    months: Annotated[StrictInt, Field(gt=0)]
    source: Source


class DateRule(Strict):
    date: Date
    source: Source


class MeasureRules(Strict):
    """Rules for every measure of the application on its own (a call that funds projects, not a strategy)."""

    min_eligible: GrantCap | None = Field(
        default=None,
        title="Mindestgröße",
        description="Untergrenze der förderfähigen Kosten je Maßnahme (Euro)",
    )
    min_eligible_study: GrantCap | None = Field(
        default=None,
        title="Mindestgröße für Konzepte",
        description="Untergrenze für Maßnahmen mit 'kind: Konzept' (Gutachten, Machbarkeitsstudien, Konzepte)",
    )
    max_eligible: GrantCap | None = Field(
        default=None,
        title="Höchstgröße",
        description="Obergrenze der förderfähigen Kosten je Maßnahme (Euro)",
    )
    max_months: MonthsRule | None = Field(default=None, title="Höchstlaufzeit je Maßnahme (Monate)")
    end_by: DateRule | None = Field(
        default=None, title="Programmende", description="Spätestes Ende jeder Maßnahme"
    )
    start_from: DateRule | None = Field(
        default=None,
        title="Programmbeginn",
        description="Phasen der Strategie, die vorher beginnen, gehören zu keiner Phase des Aufrufs",
    )


class ResolutionPoint(Strict):
    """A statement the council resolution must make, as one point of the draft's resolution."""

    id: Id
    text: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        title="Beschlusspunkt",
        description="Satzende nach dem Namen der Kommune, z. B. 'ist bereit, den Eigenanteil zu finanzieren'",
    )
    source: Source


class RequiredAnnex(Strict):
    id: Id
    title: Text
    per_partner: bool = Field(default=False, title="Von jedem Partner")
    resolution: list[ResolutionPoint] = Field(
        default_factory=list,
        title="Beschlusspunkte",
        description="Was ein Rats- oder Kreistagsbeschluss nach dem Aufruf aussagen muss; jeder Punkt steht "
        "in der Beschlussvorlage",
    )
    source: Source


class RequirementKind(StrEnum):
    """What kind of part of a complete submission a requirement asks for."""

    chapter = "chapter"
    annex = "annex"
    resolution = "resolution"
    declaration = "declaration"
    signature = "signature"


REQUIREMENT_KIND_LABELS = {
    RequirementKind.chapter: "Kapitel",
    RequirementKind.annex: "Anlage",
    RequirementKind.resolution: "Ratsbeschluss",
    RequirementKind.declaration: "Erklärung",
    RequirementKind.signature: "Unterschrift",
}


class Requirement(Strict):
    """One part of a complete submission, and where the application answers it."""

    id: Id
    kind: RequirementKind = Field(
        title="Art", description="chapter, annex, resolution, declaration, signature"
    )
    title: Text = Field(title="Was verlangt ist")
    answer: Id = Field(
        title="Wo der Antrag es beantwortet",
        description="chapter: ein Baustein (z. B. continuation); annex: Kennung einer Anlage des Aufrufs; "
        "resolution: Kennung eines Beschlusspunkts; declaration, signature: declarations",
    )
    text: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(
        default=None, title="Wortlaut", description="der Wortlaut einer Erklärung, wie er im Antrag steht"
    )
    before_start: bool = Field(
        default=False,
        title="Vor Beginn des Vorhabens",
        description="die Erklärung sagt, dass mit dem Vorhaben noch nicht begonnen wurde: keine Maßnahme des "
        "Antrags darf vor dem Datum des Antrags beginnen",
    )
    source: Source


class MinimumRule(Strict):
    value: Annotated[StrictInt, Field(ge=0)]
    source: Source


class CategoryRule(Strict):
    categories: list[CostCategory] = Field(min_length=1)
    source: Source


class ApplicantRule(Strict):
    kinds: list[PartnerKind] = Field(
        min_length=1,
        title="Wer antragsberechtigt ist",
        description="Arten von Partnern, die den Antrag stellen dürfen",
    )
    source: Source


class Call(Strict):
    id: Id
    name: Text
    programme: Text
    funder: Text
    year: Annotated[StrictInt, Field(ge=2000, le=2100)]
    deadline: Date | None = None
    published: bool = Field(default=True, title="Veröffentlicht", description="false für ein Beispielprofil")
    summary: Markdown
    chars_per_page: Annotated[StrictInt, Field(gt=0)] = 3000
    applicant: ApplicantRule | None = Field(default=None, title="Antragsberechtigung")
    rates: list[Rate] = Field(min_length=1)
    phases: list[CallPhase] = Field(default_factory=list)
    max_total_grant: GrantCap | None = None
    projects: MeasureRules | None = Field(default=None, title="Regeln je Maßnahme")
    eligible_cost_categories: CategoryRule
    min_action_fields: MinimumRule | None = None
    min_partners: MinimumRule | None = None
    sections: list[Section] = Field(min_length=1)
    criteria: list[Criterion] = Field(default_factory=list, title="Bewertungskriterien")
    annexes: list[RequiredAnnex] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    requirements: list[Requirement] = Field(
        default_factory=list,
        title="Anforderungen",
        description="Was eine vollständige Einreichung enthält (Kapitel, Anlagen, Beschlusspunkte, Erklärungen, "
        "Unterschrift), je mit Quelle und dem Ort, an dem der Antrag es beantwortet",
    )

    def rate_for(self, budget_emergency: bool, region: EfreRegion | None = None) -> Rate:
        """The rate for the applicant's situation (budget emergency, EFRE region category), else the
        default rate, else the first one. Without a region, a rate for a region counts as the applicant's
        when no other fits (``region_rates`` tells a check to ask for the region)."""
        wanted = "budget_emergency" if budget_emergency else "default"
        fitting = [r for r in self.rates if region is None or r.region in (None, region)] or self.rates
        for when in (wanted, "default"):
            for rate in fitting:
                if rate.when == when:
                    return rate
        return fitting[0]

    @property
    def region_rates(self) -> list[Rate]:
        """The rates that depend on the applicant's EFRE region category."""
        return [r for r in self.rates if r.region is not None]

    @property
    def phase_start(self) -> dt.date | None:
        """The day from which a strategy's phases can belong to this call: the programme's start, else
        the day after the deadline (what began before was not applied for)."""
        if self.projects and self.projects.start_from:
            return self.projects.start_from.date
        return self.deadline + dt.timedelta(days=1) if self.deadline else None

    @property
    def resolution_points(self) -> list[ResolutionPoint]:
        """What a council resolution must state, over every annex of the call, in profile order."""
        return [point for annex in self.annexes for point in annex.resolution]


def submission(strategy: Strategy, call: Call | None) -> tuple[int, Submission] | None:
    """The strategy's submission to this call (its index in 'submissions'), if it names one."""
    if call is None:
        return None
    return next(((i, sub) for i, sub in enumerate(strategy.submissions) if sub.call == call.id), None)


def document_date(strategy: Strategy, call: Call | None, today: dt.date) -> dt.date:
    """The date of the application and its drafts: the submission date given for the call, else the
    reference day (Stichtag)."""
    found = submission(strategy, call)
    return found[1].date if found else today
