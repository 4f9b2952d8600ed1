"""The portal's "Projekttexte": one plain-text block per form question, with its character count.

Funding portals take the texts of an application in form fields with a character limit. This file has
one block per section of the call, ready to paste, each headed by "N von M Zeichen" where N is the
length of exactly the text below it (as the plan counts it for the formal check).
"""

from __future__ import annotations

from pathlib import Path

from .. import formatting as fmt
from ..plan import Plan, SectionPlan

RULE = "=" * 72


def count_line(sp: SectionPlan, chars_per_page: int) -> str:
    limit = sp.limit(chars_per_page)
    if limit is None:
        return f"{fmt.number(sp.chars)} Zeichen (keine Grenze im Aufruf)"
    over = " – zu lang" if sp.chars > limit else ""
    return f"{fmt.number(sp.chars)} von {fmt.number(limit)} Zeichen{over}"


def form_texts(plan: Plan) -> str:
    call = plan.call
    assert call is not None
    out = [
        f"Projekttexte für das Bewerbungsformular: {plan.project.strategy.title}",
        f"Förderaufruf: {call.name}",
        "Jeder Block enthält den Text eines Formularfelds; die Zählung gilt für genau den Text darunter "
        "(Zeichen mit Leerzeichen, jeder Zeilenumbruch zählt als ein Zeichen).",
        "",
    ]
    for number, sp in enumerate(plan.sections, start=1):
        out += [RULE, f"{number}. {sp.section.title}", count_line(sp, call.chars_per_page), RULE]
        out.append(
            sp.text if sp.texts else "(Dieser Abschnitt besteht aus Tabellen des Antrags; kein Formulartext.)"
        )
        out.append("")
    return "\n".join(out)


def write_form_texts(plan: Plan, path: Path) -> None:
    path.write_text(form_texts(plan), encoding="utf-8")
