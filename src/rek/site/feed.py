"""An Atom feed (RFC 4287) of the measures' updates ("Sachstand"), written by rek as docs/feed.xml.

Built from the model like every page; text is XML-escaped. Without a ``site_url`` the links are relative
to the feed (feed readers resolve them against the feed's address) and ids are stable UUID URNs.
"""

from __future__ import annotations

import uuid
from html import escape
from typing import Any

from ..model import STATUS_LABELS

FEED_PATH = "feed.xml"
LIMIT = 100  # newest entries


def _stamp(day: Any) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom(project: Any, site_url: str | None = None) -> str:
    s = project.strategy
    base = (site_url.rstrip("/") + "/") if site_url else ""
    entries = sorted(
        ((u, m, i) for m in project.measures for i, u in enumerate(m.updates)),
        key=lambda x: (x[0].date, x[1].id, x[2]),
        reverse=True,
    )[:LIMIT]
    author = s.legal.publisher.name if s.legal else s.title
    feed_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'rek-feed:' + (site_url or s.title))}"
    updated = (
        _stamp(entries[0][0].date) if entries else _stamp(s.adopted) if s.adopted else "2000-01-01T00:00:00Z"
    )
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
        f"  <title>{escape(s.title)}: Sachstand der Maßnahmen</title>",
        f"  <subtitle>Neue Einträge im Sachstand der Maßnahmen ({escape(s.short_title)})</subtitle>",
        f"  <id>{feed_id}</id>",
        f"  <updated>{updated}</updated>",
        f'  <link rel="self" type="application/atom+xml" href="{escape(base + FEED_PATH)}"/>',
        f'  <link rel="alternate" type="text/html" href="{escape(base + "fortschritt/")}"/>',
        f"  <author><name>{escape(author)}</name></author>",
        "  <generator>rek</generator>",
    ]
    for u, m, i in entries:
        status = f" – {STATUS_LABELS[u.status]}" if u.status else ""
        entry_id = uuid.uuid5(uuid.NAMESPACE_URL, f"rek-update:{site_url or s.title}:{m.id}:{u.date}:{i}")
        mark = " (Beispieleintrag)" if u.example else ""
        out += [
            "  <entry>",
            f"    <title>{escape(f'{m.id} {m.title}{status}')}</title>",
            f"    <id>urn:uuid:{entry_id}</id>",
            f"    <updated>{_stamp(u.date)}</updated>",
            f'    <link rel="alternate" type="text/html" href="{escape(base + f"massnahme/{m.id}/")}"/>',
            f'    <content type="text">{escape(u.text + mark)}</content>',
            "  </entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"
