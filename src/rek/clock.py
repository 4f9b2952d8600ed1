"""The reference day ("Stichtag"): the only place in rek that reads the machine's clock.

Every check, page, chart, document, draft and report computes "late", "missed", "today" and document
dates from the one day the plan carries (``Plan.today``), which comes from here: the command line
(``--stichtag``), else the environment variable ``REK_TODAY``, else the machine's date. The same sources
and the same day give the same outputs, on any day the build runs.
"""

from __future__ import annotations

import datetime as dt
import os

from .diagnostics import RekError

ENV = "REK_TODAY"


def parse_day(value: str, origin: str) -> dt.date:
    """A day written JJJJ-MM-TT; a German error naming where it came from otherwise."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise RekError(
            f"Ungültiger Stichtag {origin}: '{value}'; erwartet wird ein Datum JJJJ-MM-TT, z. B. 2026-12-31."
        ) from None


def reference_day(stichtag: str | None = None) -> dt.date:
    """The reference day: ``stichtag`` (from --stichtag), else REK_TODAY, else the machine's date."""
    if stichtag:
        return parse_day(stichtag, "(--stichtag)")
    value = os.environ.get(ENV, "").strip()
    if value:
        return parse_day(value, f"(Umgebungsvariable {ENV})")
    return dt.date.today()


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): the time stamp written into DOCX, XLSX and PDF files.

    Pandoc reads it itself; rek passes it to XlsxWriter and Typst. Unset or invalid: None (the
    libraries then stamp the time of writing).
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def source_datetime() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time (for the document properties of workbooks)."""
    epoch = source_date_epoch()
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)
