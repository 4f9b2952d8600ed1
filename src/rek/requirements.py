"""What a complete submission contains, and where the application answers each part.

A call profile lists its requirements (``requirements:``: chapters, annexes, what the council resolution
must state, declarations, signature), each with its source and the place that answers it. This module
judges each one against the resolved plan: met or not, where the application answers it, and, when it is
not met, the file and field where it should be answered. The application prints the judgement as its
checklist ("Anforderungen und wo sie erfüllt sind"); ``checks.py`` turns the unmet ones into findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import formatting as fmt
from .call import REQUIREMENT_KIND_LABELS, Block, Requirement, RequirementKind, document_date
from .plan import Plan

# chapter blocks whose data is one field of strategy.yaml: (field path, what to write there)
CHAPTER_FIELDS: dict[Block, tuple[tuple[str, ...], str]] = {
    Block.continuation: (("continuation",), "continuation: {text: …, follow_on_costs: […]}"),
    Block.organisation: (("organisation",), "organisation: {text: …, roles: […]}"),
    Block.data_protection: (("data_protection",), "data_protection: |"),
    Block.evaluation: (("evaluation",), "evaluation: {text: …}"),
    Block.participation: (("participation",), "participation: |"),
    Block.knowledge_transfer: (("knowledge_transfer",), "knowledge_transfer: |"),
    Block.cooperation: (("cooperation",), "cooperation: |"),
    Block.situation: (("situation",), "situation: |"),
    Block.vision: (("vision",), "vision: |"),
    Block.summary: (("summary",), "summary: |"),
    Block.risks: (("risks",), "risks: […]"),
    Block.goals: (("goals",), "goals: […]"),
    Block.partners: (("partners",), "partners: […]"),
}
DECLARATION_BLOCK = Block.declarations


@dataclass(frozen=True)
class RequirementStatus:
    """One requirement of the call, judged against the plan."""

    requirement: Requirement
    index: int  # position in the call's requirements list
    where: str  # where the application answers it, in German ("–" when nowhere)
    problem: str | None  # why it is not met, in German; None: met
    hint: str | None  # what to write where
    at: tuple[str, str, tuple[Any, ...]]  # (kind, ident, loc) where it should be answered
    legal_missing: bool = False  # the applicant has no legal data at all (its own rule warns about that)

    @property
    def met(self) -> bool:
        return self.problem is None

    @property
    def kind_label(self) -> str:
        return REQUIREMENT_KIND_LABELS[self.requirement.kind]


def _section_with(plan: Plan, block: Block) -> Any:
    call = plan.call
    assert call is not None
    return next((sec for sec in call.sections if block in sec.blocks), None)


def _chapter(plan: Plan, req: Requirement, index: int) -> RequirementStatus:
    call = plan.call
    assert call is not None
    here = ("call", call.id, ("requirements", index, "answer"))
    try:
        block = Block(req.answer)
    except ValueError:
        known = ", ".join(b.value for b in Block)
        return RequirementStatus(
            req, index, "–", f"'{req.answer}' ist kein Baustein des Antrags", f"Erlaubt: {known}.", here
        )
    section = _section_with(plan, block)
    if section is None:
        return RequirementStatus(
            req,
            index,
            "–",
            f"kein Abschnitt des Aufrufs enthält den Baustein '{block.value}'",
            f"Nehmen Sie '{block.value}' in die 'blocks' eines Abschnitts unter 'sections' auf.",
            here,
        )
    where = f"Kapitel „{section.title}“"
    filled = next((sp.filled for sp in plan.sections if sp.section is section), False)
    if block in CHAPTER_FIELDS:
        loc, example = CHAPTER_FIELDS[block]
        value: Any = plan.project.strategy
        for name in loc:
            value = getattr(value, name, None)
        filled = bool(value) and filled
        if not filled:
            return RequirementStatus(
                req,
                index,
                where,
                f"'{'.'.join(loc)}' fehlt oder ist leer",
                f"Tragen Sie in strategy.yaml auf oberster Ebene ein: {example}",
                ("strategy", "", loc),
            )
    elif not filled:
        return RequirementStatus(
            req, index, where, f"der Baustein '{block.value}' ist leer", None, ("strategy", "", ())
        )
    return RequirementStatus(req, index, where, None, None, ("strategy", "", ()))


def _annex(plan: Plan, req: Requirement, index: int) -> RequirementStatus:
    call = plan.call
    assert call is not None
    required = next((a for a in call.annexes if a.id == req.answer), None)
    if required is None:
        return RequirementStatus(
            req,
            index,
            "–",
            f"der Aufruf nennt keine Anlage '{req.answer}'",
            "Nennen Sie unter 'answer' die Kennung einer Anlage aus 'annexes'.",
            ("call", call.id, ("requirements", index, "answer")),
        )
    states = [st for st in plan.annexes if st.required is required]
    where = f"Anlagenliste: „{required.title}“"
    missing = [st for st in states if st.annex is None]
    if missing:
        who = ", ".join(st.partner.name for st in missing if st.partner) or "Antragsteller"
        loc: tuple[Any, ...] = ("annexes",) if plan.project.strategy.annexes else ()
        return RequirementStatus(
            req,
            index,
            where,
            f"die Anlage fehlt in 'annexes' ({who})",
            f"Tragen Sie unter 'annexes' ein: {{id: {required.id}, title: …, status: in Vorbereitung}}",
            ("strategy", "", loc),
        )
    return RequirementStatus(req, index, where, None, None, ("strategy", "", ("annexes",)))


def _resolution(plan: Plan, req: Requirement, index: int) -> RequirementStatus:
    call = plan.call
    assert call is not None
    points = call.resolution_points
    number = next((i for i, p in enumerate(points, start=1) if p.id == req.answer), None)
    if number is None:
        return RequirementStatus(
            req,
            index,
            "–",
            f"der Aufruf nennt keinen Beschlusspunkt '{req.answer}'",
            "Nennen Sie unter 'answer' die Kennung eines Punkts unter 'annexes: … resolution:'.",
            ("call", call.id, ("requirements", index, "answer")),
        )
    return RequirementStatus(
        req, index, f"Beschlussvorlage, Beschlusspunkt {number}", None, None, ("call", call.id, ())
    )


def _declaration(plan: Plan, req: Requirement, index: int) -> RequirementStatus:
    call = plan.call
    assert call is not None
    section = _section_with(plan, DECLARATION_BLOCK)
    if section is None:
        return RequirementStatus(
            req,
            index,
            "–",
            "kein Abschnitt des Aufrufs enthält den Baustein 'declarations'",
            "Nehmen Sie 'declarations' in die 'blocks' eines Abschnitts unter 'sections' auf.",
            ("call", call.id, ("requirements", index, "answer")),
        )
    where = f"Kapitel „{section.title}“"
    s = plan.project.strategy
    if req.kind is RequirementKind.signature:
        applicant = plan.applicant
        if applicant is None:
            return RequirementStatus(
                req,
                index,
                where,
                "kein Antragsteller gewählt",
                "Tragen Sie 'applicant:' ein.",
                ("strategy", "", ()),
            )
        pos = s.partners.index(applicant)
        legal = applicant.legal
        if legal is None or not legal.address:
            return RequirementStatus(
                req,
                index,
                where,
                f"beim Antragsteller '{applicant.id}' fehlen gesetzliche Vertretung oder Anschrift (Ort der "
                "Unterschrift)",
                "Tragen Sie beim Partner 'legal: {representative: …, address: [Straße, PLZ Ort]}' ein.",
                ("strategy", "", ("partners", pos, "legal")),
                legal is None,
            )
    if req.before_start:
        day = document_date(s, call, plan.today)
        early = [mp for mp in plan.application.measures if mp.m.start < day]
        if early:
            mp = early[0]
            more = f" (und {len(early) - 1} weitere)" if len(early) > 1 else ""
            return RequirementStatus(
                req,
                index,
                where,
                f"Maßnahme {mp.id}{more} beginnt vor dem Datum des Antrags ({fmt.date(day)}); die Erklärung "
                f"„{req.text or req.title}“ wäre falsch",
                "Legen Sie den Beginn nach das Datum des Antrags oder nehmen Sie die Maßnahme aus dem Antrag.",
                ("measure", mp.id, ("start",)),
            )
    return RequirementStatus(req, index, where, None, None, ("strategy", "", ()))


def judge(plan: Plan) -> tuple[RequirementStatus, ...]:
    """Every requirement of the selected call, judged (none without a call)."""
    call = plan.call
    if call is None:
        return ()
    out: list[RequirementStatus] = []
    for index, req in enumerate(call.requirements):
        if req.kind is RequirementKind.chapter:
            out.append(_chapter(plan, req, index))
        elif req.kind is RequirementKind.annex:
            out.append(_annex(plan, req, index))
        elif req.kind is RequirementKind.resolution:
            out.append(_resolution(plan, req, index))
        else:
            out.append(_declaration(plan, req, index))
    return tuple(out)


def reported_elsewhere(st: RequirementStatus) -> bool:
    """An unmet requirement whose fault another rule of ``rek check`` already names at the same place: a
    missing annex (the annex rule) or an empty chapter without a field of its own (the section rule)."""
    req = st.requirement
    if req.kind is RequirementKind.signature:
        return st.legal_missing
    if req.kind is RequirementKind.annex:
        return st.at[0] == "strategy"
    if req.kind is RequirementKind.chapter:
        return st.at[0] == "strategy" and not st.at[2]
    return False


def chapter_blocks_reported(plan: Plan) -> set[Block]:
    """The chapter blocks whose missing field a requirement reports (the section rule then stays quiet)."""
    out: set[Block] = set()
    for st in judge(plan):
        if (
            not st.met
            and st.requirement.kind is RequirementKind.chapter
            and st.at[0] == "strategy"
            and st.at[2]
        ):
            out.add(Block(st.requirement.answer))
    return out


def place_of_signature(plan: Plan) -> str:
    """The applicant's town, from the last line of its address ('31785 Hameln' -> 'Hameln')."""
    legal = plan.applicant.legal if plan.applicant else None
    if legal is None or not legal.address:
        return ""
    last = legal.address[-1].strip()
    head, _, rest = last.partition(" ")
    return rest if head.isdigit() and rest else last
