"""Atom feeds (RFC 4287) of the measures' updates ("Sachstand"), written by rek: docs/feed.xml for the
whole strategy, and one per measure (feeds/massnahme/<id>.xml) and per action field
(feeds/handlungsfeld/<id>.xml) for readers who follow one of them ("Folgen").

Built from the model like every page; text is XML-escaped. Without a ``site_url`` the links are relative
to the feed (feed readers resolve them against the feed's address) and ids are stable UUID URNs.
"""

from __future__ import annotations

import uuid
from html import escape
from typing import Any

from ..model import STATUS_LABELS

FEED_PATH = "feed.xml"
FEEDS_DIR = "feeds"
LIMIT = 100  # newest entries


def measure_feed_path(measure_id: str) -> str:
    return f"{FEEDS_DIR}/massnahme/{measure_id}.xml"


def field_feed_path(field_id: str) -> str:
    return f"{FEEDS_DIR}/handlungsfeld/{field_id}.xml"


def _stamp(day: Any) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom(project: Any, site_url: str | None = None) -> str:
    """The feed of every measure's updates."""
    s = project.strategy
    return _atom(
        project,
        project.measures,
        site_url,
        path=FEED_PATH,
        title=f"{s.title}: Sachstand der Maßnahmen",
        subtitle=f"Neue Einträge im Sachstand der Maßnahmen ({s.short_title})",
        alternate="fortschritt/",
        key="rek-feed:",
    )


def measure_atom(project: Any, measure: Any, site_url: str | None = None) -> str:
    """The feed of one measure's updates (valid without entries: a reader can follow it before the first)."""
    return _atom(
        project,
        [measure],
        site_url,
        path=measure_feed_path(measure.id),
        title=f"{measure.id} {measure.title}: Sachstand",
        subtitle=f"Neue Einträge im Sachstand der Maßnahme {measure.id} ({project.strategy.short_title})",
        alternate=f"massnahme/{measure.id}/",
        key=f"rek-feed-massnahme:{measure.id}:",
    )


def field_atom(project: Any, field_id: str, site_url: str | None = None) -> str:
    """The feed of the updates of every measure in one action field (main or further field)."""
    f = project.fields[field_id]
    return _atom(
        project,
        project.measures_in_field(field_id),
        site_url,
        path=field_feed_path(field_id),
        title=f"{f.title}: Sachstand der Maßnahmen",
        subtitle=f"Neue Einträge im Sachstand der Maßnahmen im Handlungsfeld {f.title}",
        alternate=f"handlungsfelder/{field_id}/",
        key=f"rek-feed-handlungsfeld:{field_id}:",
    )


def _atom(
    project: Any,
    measures: list[Any],
    site_url: str | None,
    *,
    path: str,
    title: str,
    subtitle: str,
    alternate: str,
    key: str,
) -> str:
    s = project.strategy
    # links relative to the feed's own address when there is no site_url
    base = (site_url.rstrip("/") + "/") if site_url else "../" * path.count("/")
    entries = sorted(
        ((u, m, i) for m in measures for i, u in enumerate(m.updates)),
        key=lambda x: (x[0].date, x[1].id, x[2]),
        reverse=True,
    )[:LIMIT]
    author = s.legal.publisher.name if s.legal else s.title
    feed_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key + (site_url or s.title))}"
    updated = (
        _stamp(entries[0][0].date) if entries else _stamp(s.adopted) if s.adopted else "2000-01-01T00:00:00Z"
    )
    self_href = (base + path) if site_url else path.rsplit("/", 1)[-1]
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
        f"  <title>{escape(title)}</title>",
        f"  <subtitle>{escape(subtitle)}</subtitle>",
        f"  <id>{feed_id}</id>",
        f"  <updated>{updated}</updated>",
        f'  <link rel="self" type="application/atom+xml" href="{escape(self_href)}"/>',
        f'  <link rel="alternate" type="text/html" href="{escape(base + alternate)}"/>',
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
