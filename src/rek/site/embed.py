"""An embeddable status card per measure: einbetten/<id>.html, a small page without navigation and without
script that a municipality can show on its own site in an iframe.

Written whole by rek (MkDocs copies it as it is): every text is HTML-escaped, the style is inline and
loads nothing, links open the measure's page on this site in a new tab.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .. import formatting as fmt
from .. import monitoring
from ..model import STATUS_LABELS, Measure

EMBED_DIR = "einbetten"

_STYLE = """
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff}
main{border:1px solid #767676;border-radius:6px;padding:12px 16px;max-width:36rem}
h1{font-size:1.1rem;margin:0 0 .4rem}
p,ul{margin:.3rem 0}
ul{padding-left:1.2rem}
.status{font-weight:700}
.late{color:#8a1c00}
a{color:#1f3fa8}
a:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 2px #fff}
small{color:#4d4d4d;font-size:.875rem}
""".strip()


def embed_path(measure_id: str) -> str:
    return f"{EMBED_DIR}/{measure_id}.html"


def _indicator_line(ind: Any, today: Any) -> str:
    series = ind.series
    state = monitoring.state(ind, today)
    if not series:
        return f"{escape(ind.name)}: noch keine Messwerte (Ziel {fmt.plain(ind.target)} {escape(ind.unit)})"
    last = series[-1]
    mark = " (Beispielwert)" if ind.example or last.example else ""
    return (
        f"{escape(ind.name)}: {fmt.plain(last.value)} {escape(ind.unit)} ({monitoring.when(last)}), "
        f"Ziel {fmt.plain(ind.target)} bis {ind.target_year}: {escape(state)}{mark}"
    )


def status_card(plan: Any, m: Measure, site_name: str) -> str:
    """The card of one measure as a complete HTML page."""
    p = plan.project
    today = plan.today
    lead = p.partners[m.lead]
    delays = monitoring.delay_reasons(m, today)
    as_of = m.as_of
    lines = [
        f'<p><span class="status">Status: {escape(STATUS_LABELS[m.status])}</span>'
        + (f" · Stand {fmt.date(as_of)}" if as_of else "")
        + "</p>",
        f"<p>Laufzeit {fmt.date(m.start)} bis {fmt.date(m.end)} · Federführung: {escape(lead.name)}</p>",
    ]
    if delays:
        lines.append(f'<p class="late"><strong>Im Verzug:</strong> {escape("; ".join(delays))}</p>')
    if m.timeline:
        newest = m.timeline[0]
        mark = " (Beispieleintrag)" if newest.example else ""
        lines.append(f"<p>Zuletzt ({fmt.date(newest.date)}): {escape(newest.text)}{mark}</p>")
    if m.indicators:
        items = "".join(f"<li>{_indicator_line(ind, today)}</li>" for ind in m.indicators)
        lines.append(f"<ul>{items}</ul>")
    example = "<p><small>Die Zahlen sind Beispielwerte.</small></p>" if m.example else ""
    title = f"{m.id} {m.title}"
    return (
        "<!doctype html>\n"
        '<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{escape(title)}: Stand der Umsetzung</title>\n"
        f"<style>\n{_STYLE}\n</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{escape(title)}</h1>\n"
        + "\n".join(lines)
        + "\n"
        + example
        + f'\n<p><a href="../massnahme/{escape(m.id)}/" target="_blank" rel="noopener">'
        f"Mehr zu dieser Maßnahme auf {escape(site_name)}</a></p>\n"
        "</main>\n</body>\n</html>\n"
    )


def iframe_snippet(url: str, title: str) -> str:
    """The HTML a municipality copies into its own page (shown as code on the measure page)."""
    return (
        f'<iframe src="{escape(url)}" title="{escape(title)}" width="100%" height="320" '
        'style="border:0" loading="lazy"></iframe>'
    )
