"""The status at a glance (monitoring.judge_measure, judge_indicator): each state with its reason in words,
judged on a pinned reference day; and the places a measure concerns (model.reach)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rek import monitoring as mon
from rek.model import Indicator, Measure, Place, reach

DAY = dt.date(2025, 6, 30)  # the reference day of these cases, pinned


def measure(**extra: Any) -> Measure:
    data = {
        "id": "M1",
        "title": "Rufbus",
        "summary": "Kurz.",
        "description": "Lang.",
        "action_field": "mobil",
        "lead": "lk",
        "status": "in_progress",
        "priority": "medium",
        "start": "2024-01-01",
        "end": "2026-12-31",
    }
    return Measure.model_validate({**data, **extra})


def indicator(*values: tuple[int, float], **extra: Any) -> Indicator:
    data = {"name": "Fahrgäste", "unit": "Fahrten", "baseline": 0, "baseline_year": 2022, "target": 100}
    measurements = [{"date": year, "value": value} for year, value in values]
    return Indicator.model_validate({**data, "target_year": 2026, "measurements": measurements, **extra})


@pytest.mark.parametrize(
    ("extra", "state", "reason"),
    [
        (
            {"status": "done", "updates": [{"date": "2025-03-01", "status": "done", "text": "Fertig."}]},
            mon.DONE,
            "Als abgeschlossen gemeldet am 01.03.2025.",
        ),
        (
            {"milestones": [{"date": "2025-05-01", "title": "Plattform online"}]},
            mon.LATE,
            "Meilenstein „Plattform online“ (01.05.2025) überfällig.",
        ),
        (
            {"status": "planned"},
            mon.LATE,
            "Beginn war für den 01.01.2024 geplant, gemeldet ist „Geplant“.",
        ),
        (
            {"status": "in_progress", "start": "2024-01-01", "end": "2025-01-31"},
            mon.LATE,
            "Laufzeit endete am 31.01.2025, Status „In Umsetzung“.",
        ),
        ({"status": "paused"}, mon.AT_RISK, "Die Maßnahme ist pausiert."),
        (
            {"status": "planned", "start": "2025-09-01"},
            mon.NOT_STARTED,
            "Beginn laut Plan am 01.09.2025.",
        ),
        (
            {
                "milestones": [
                    {"date": "2025-05-01", "title": "Plattform online", "done": True},
                    {"date": "2025-12-01", "title": "Evaluation"},
                ]
            },
            mon.ON_PLAN,
            "Laufzeit 01.01.2024 bis 31.12.2026; 1 von 1 fälligen Meilensteinen erreicht.",
        ),
    ],
)
def test_a_measure_gets_one_state_with_its_reason(extra: dict[str, Any], state: str, reason: str) -> None:
    judged = mon.judge_measure(measure(**extra), DAY)
    assert (judged.state, judged.reason) == (state, reason)
    assert judged.icon == mon.ICONS[state] and judged.icon  # an icon beside the word, for every state


def test_a_measure_with_an_indicator_behind_its_line_is_at_risk() -> None:
    behind = {"name": "Fahrgäste", "unit": "Fahrten", "baseline": 0, "baseline_year": 2022, "target": 100}
    behind |= {"target_year": 2026, "measurements": [{"date": 2024, "value": 10}]}
    judged = mon.judge_measure(measure(indicators=[behind]), DAY)
    assert judged.state == mon.AT_RISK
    assert judged.reason == "Indikator „Fahrgäste“ liegt hinter dem Plan."


def test_lateness_wins_over_risk_and_a_paused_measure_has_no_overdue_milestone() -> None:
    late = measure(milestones=[{"date": "2025-05-01", "title": "Start"}], indicators=[])
    assert mon.judge_measure(late, DAY).state == mon.LATE
    paused = measure(status="paused", milestones=[{"date": "2025-05-01", "title": "Start"}])
    assert mon.judge_measure(paused, DAY).state == mon.AT_RISK


@pytest.mark.parametrize(
    ("values", "state", "reason"),
    [
        ((), mon.NOT_STARTED, "Noch keine Messwerte; Ziel: 100 Fahrten bis 2026."),
        (((2024, 100),), mon.DONE, "Ziel 100 Fahrten bis 2026 erreicht: 100 Fahrten (2024)."),
        (
            ((2024, 60),),
            mon.ON_PLAN,
            "60 Fahrten (2024) liegt im Plan (Plan zu diesem Zeitpunkt: 50); Ziel 100 Fahrten bis 2026.",
        ),
        (
            ((2024, 40),),
            mon.AT_RISK,
            "40 Fahrten (2024) liegt hinter dem Plan (Plan zu diesem Zeitpunkt: 50); Ziel 100 Fahrten bis 2026.",
        ),
    ],
)
def test_an_indicator_gets_one_state_with_its_reason(values: Any, state: str, reason: str) -> None:
    judged = mon.judge_indicator(indicator(*values), DAY)
    assert (judged.state, judged.reason) == (state, reason)


def test_an_indicator_whose_target_year_passed_is_late() -> None:
    judged = mon.judge_indicator(indicator((2026, 70)), dt.date(2027, 2, 1))
    assert judged.state == mon.LATE
    assert (
        judged.reason
        == "Das Zieljahr 2026 ist vorbei; Ziel 100 Fahrten bis 2026 nicht erreicht: 70 Fahrten (2026)."
    )


def test_the_counts_keep_the_order_of_the_states_and_leave_zeros_out() -> None:
    states = [mon.Judgement(s, "") for s in (mon.DONE, mon.ON_PLAN, mon.DONE, mon.LATE)]
    assert mon.progress_counts(states) == [(mon.ON_PLAN, 1), (mon.LATE, 1), (mon.DONE, 2)]


PLACES = [
    Place.model_validate({"id": "lk-a", "name": "A", "kind": "Landkreis", "ags": "03255"}),
    Place.model_validate({"id": "stadt-a", "name": "A-Stadt", "kind": "Stadt", "ags": "03255022"}),
    Place.model_validate({"id": "lk-b", "name": "B", "kind": "Landkreis", "ags": "03257"}),
]


@pytest.mark.parametrize(
    ("chosen", "reached"),
    [
        (["regionweit"], {"lk-a", "stadt-a", "lk-b"}),
        (["lk-a"], {"lk-a", "stadt-a"}),  # a Landkreis concerns its towns
        (["stadt-a"], {"stadt-a", "lk-a"}),  # a town concerns its Landkreis
        (["lk-b"], {"lk-b"}),
        ([], set()),
    ],
)
def test_a_measure_concerns_the_places_it_names_their_towns_or_landkreis(
    chosen: list[str], reached: set[str]
) -> None:
    assert reach(PLACES, chosen) == reached


@pytest.mark.parametrize("ags", ["0325", "032550", "03255022x", "3255"])
def test_a_key_that_is_neither_kreis_nor_gemeinde_is_refused(ags: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="Amtlichen Gemeindeschlüssel"):
        Place.model_validate({"id": "x", "name": "X", "kind": "Gemeinde", "ags": ags})


def test_feedback_goes_to_the_office_with_a_subject_or_to_the_regions_own_form() -> None:
    from rek.site.pages import feedback_href

    contact = {"role": "Projektleitung", "office": "Landkreis Muster", "email": "digital@lk-muster.de"}
    m = measure(contact=contact)
    assert feedback_href(m, None, None) == (
        "mailto:digital@lk-muster.de?subject=R%C3%BCckmeldung%20zu%20M1%20Rufbus"
    )
    assert feedback_href(m, None, "https://beteiligung.example/form") == (
        "https://beteiligung.example/form?massnahme=M1"
    )
    # no mailbox of the office: the site's publisher; a placeholder is no address
    assert feedback_href(measure(), "info@region.example", None) == (
        "mailto:info@region.example?subject=R%C3%BCckmeldung%20zu%20M1%20Rufbus"
    )
    assert feedback_href(measure(), "bitte ergänzen", None) is None
