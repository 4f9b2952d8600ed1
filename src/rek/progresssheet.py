"""The progress sheet: one row per value, German column names, read from CSV or XLSX.

Offices that know a measure's figures but not git fill a table — a measured value of an indicator,
the spending of a year, a dated progress note — and ``rek import`` takes it in. This module holds the
table's layout and turns each row into the model's own record (``Measurement``, ``Spending``,
``Update``), validated by the same rules as hand-written YAML, every problem told at file, row and
column. It knows nothing of the YAML files the rows end up in (``progressimport.py``); the template it writes
holds what the model holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from . import clock
from .diagnostics import Diagnostics
from .layout import MAX_YAML_BYTES
from .model import STATUS_LABELS, Measurement, Spending, Status, Update
from .spreadsheet import plain_cell, safe_cell
from .validation import describe

if TYPE_CHECKING:
    from .project import Project

PROGRESS_TEMPLATE = "fortschritt-vorlage.xlsx"  # its name among the site's downloads
KINDS: dict[str, type[BaseModel]] = {"Messwert": Measurement, "Ausgabe": Spending, "Sachstand": Update}
# the columns in their order; what each holds (the template's second sheet says the same)
COLUMNS: dict[str, str] = {
    "Art": "Messwert, Ausgabe oder Sachstand",
    "Maßnahme": "Kennung der Maßnahme, z. B. M03",
    "Indikator": "Name des Indikators, genau wie im Steckbrief (nur bei Messwert)",
    "Datum": "Messwert: JJJJ-MM-TT oder das Jahr (JJJJ); Ausgabe: das Jahr (JJJJ); Sachstand: JJJJ-MM-TT",
    "Wert": "Messwert: die Zahl; Ausgabe: Euro (ohne Tausenderpunkt, Cent mit Punkt: 12500.50)",
    "Status": "nur bei Sachstand, freiwillig: " + ", ".join(STATUS_LABELS.values()),
    "Text": "Sachstand: der Text; Ausgabe: Anmerkung; Messwert: Anmerkung",
    "Quelle": "nur bei Messwert, freiwillig: woher der Wert stammt",
    "Beispiel": "ja, wenn der Wert ein Beispiel ist und keine Quelle hat; sonst leer",
}
REQUIRED = ("Art", "Maßnahme", "Datum")
ALLOWED = {
    "Messwert": {"Art", "Maßnahme", "Indikator", "Datum", "Wert", "Text", "Quelle", "Beispiel"},
    "Ausgabe": {"Art", "Maßnahme", "Datum", "Wert", "Text", "Beispiel"},
    "Sachstand": {"Art", "Maßnahme", "Datum", "Status", "Text", "Beispiel"},
}
MAX_ROWS = 20_000
MAX_SHEET_BYTES = 4 * MAX_YAML_BYTES  # 8 MB: far beyond a year of progress figures
_GERMAN_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_YES = {"ja", "j", "x", "yes", "wahr", "true", "1"}
_NO = {"", "nein", "n", "no", "falsch", "false", "0"}
_STATUS_BY_LABEL = {label.casefold(): status for status, label in STATUS_LABELS.items()}


@dataclass(frozen=True)
class Row:
    """One valid row: what kind of value, for which measure (and indicator), as the model's record."""

    line: int  # the row's number as the spreadsheet shows it (header = 1)
    kind: str  # Messwert, Ausgabe, Sachstand
    measure: str
    indicator: str | None
    record: BaseModel
    cols: dict[str, int]  # column name -> column number, for messages about this row

    @property
    def key(self) -> tuple[Any, ...]:
        """What makes two rows the same value (a second one is a duplicate)."""
        if isinstance(self.record, Measurement):
            return (self.kind, self.measure, self.indicator, self.record.date)
        if isinstance(self.record, Spending):
            return (self.kind, self.measure, self.record.year)
        assert isinstance(self.record, Update)
        return (self.kind, self.measure, self.record.date, self.record.text.strip())


def read_sheet(path: Path, display: str, diags: Diagnostics) -> list[dict[str, tuple[int, Any]]] | None:
    """The rows of a CSV or XLSX file as {column: (column number, cell value)}; the header row named."""
    try:
        size = path.stat().st_size
    except OSError as error:
        diags.add(display, 1, 1, f"Datei nicht lesbar: {error.strerror or 'unbekannter Fehler'}")
        return None
    if size > MAX_SHEET_BYTES:
        diags.add(
            display,
            1,
            1,
            f"Datei ist {size // 1024} KB groß; erlaubt sind höchstens {MAX_SHEET_BYTES // 1024} KB",
        )
        return None
    suffix = path.suffix.lower()
    table: list[list[Any]] | None
    if suffix == ".csv":
        table = _csv_rows(path)
    elif suffix == ".xlsx":
        table = _xlsx_rows(path, display, diags)
        if table is None:
            return None
    else:
        diags.add(
            display,
            1,
            1,
            f"Dateityp '{path.suffix or '(ohne Endung)'}': erwartet wird eine Tabelle als .xlsx oder .csv",
        )
        return None
    if not table:
        diags.add(display, 1, 1, "Die Tabelle ist leer: erwartet wird eine Kopfzeile mit den Spaltennamen")
        return None
    header = [str(cell).strip() if cell is not None else "" for cell in table[0]]
    columns: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if not name:
            continue
        if name not in COLUMNS:
            diags.add(
                display, 1, number,
                f"Spalte '{name}' gibt es nicht; erwartet: {', '.join(COLUMNS)}",
                hint="Die Vorlage mit allen Spalten schreibt 'rek import --template vorlage.xlsx'.",
            )  # fmt: skip
            continue
        if name in columns:
            diags.add(
                display,
                1,
                number,
                f"Spalte '{name}' steht zweimal in der Kopfzeile (zuerst in Spalte {columns[name]})",
            )
            continue
        columns[name] = number
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        diags.add(display, 1, 1, f"In der Kopfzeile fehlt: {', '.join(missing)}")
    if len(table) - 1 > MAX_ROWS:
        diags.add(display, MAX_ROWS + 2, 1, f"Mehr als {MAX_ROWS} Zeilen: teilen Sie die Tabelle auf")
        return None
    if missing:
        return None
    rows = []
    for values in table[1:]:
        cells = {
            name: (number, values[number - 1] if number - 1 < len(values) else None)
            for name, number in columns.items()
        }
        rows.append(cells)
    return rows


def _csv_rows(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # what Excel writes as "CSV (Trennzeichen-getrennt)"
    first = text.splitlines()[0] if text else ""
    delimiter = max(";,\t", key=first.count) if first else ";"
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(path: Path, display: str, diags: Diagnostics) -> list[list[Any]] | None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > 16 * MAX_SHEET_BYTES:
            diags.add(display, 1, 1, "Die Tabelle ist entpackt zu groß (mehr als 128 MB)")
            return None
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        diags.add(display, 1, 1, "Datei ist keine lesbare Excel-Tabelle (.xlsx)")
        return None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 2:
                rows.append([None])
                break
            rows.append(list(values))
        return rows
    finally:
        book.close()


def parse_rows(rows: list[dict[str, tuple[int, Any]]], display: str, diags: Diagnostics) -> list[Row]:
    """Every row as a typed record; every problem of every row at its cell, all at once."""
    parsed: list[Row] = []
    seen: dict[tuple[Any, ...], int] = {}
    for offset, cells in enumerate(rows):
        line = offset + 2
        values = {name: _clean(value) for name, (_, value) in cells.items()}
        if all(value in (None, "") for value in values.values()):
            continue
        cols = {name: number for name, (number, _) in cells.items()}
        row = _parse_row(line, values, cols, display, diags)
        if row is None:
            continue
        if row.key in seen:
            diags.add(
                display, line, cols["Art"],
                f"Zeile {line} wiederholt Zeile {seen[row.key]} ({_what(row)}): jeder Wert darf nur einmal vorkommen",
                hint="Löschen Sie eine der beiden Zeilen.",
            )  # fmt: skip
            continue
        seen[row.key] = line
        parsed.append(row)
    return parsed


def _what(row: Row) -> str:
    if isinstance(row.record, Measurement):
        return f"{row.measure}, Indikator '{row.indicator}', {row.record.date}"
    if isinstance(row.record, Spending):
        return f"{row.measure}, Ausgabe {row.record.year}"
    assert isinstance(row.record, Update)
    return f"{row.measure}, Sachstand {row.record.date.isoformat()}"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = plain_cell(value).strip()
        return value or None
    return value


def _parse_row(
    line: int, values: dict[str, Any], cols: dict[str, int], display: str, diags: Diagnostics
) -> Row | None:
    def problem(column: str, message: str, hint: str | None = None) -> None:
        diags.add(display, line, cols.get(column, 1), f"Spalte '{column}': {message}", hint=hint)

    before = len(diags.errors)
    kind = values.get("Art")
    if kind not in KINDS:
        labels = {k.casefold(): k for k in KINDS}
        guess = labels.get(str(kind).casefold()) if kind is not None else None
        problem(
            "Art",
            f"erwartet: Messwert, Ausgabe oder Sachstand; gefunden: {_found(kind)}",
            hint=f"Meinten Sie '{guess}'?" if guess else None,
        )
        return None
    measure = values.get("Maßnahme")
    if not isinstance(measure, str):
        problem("Maßnahme", f"erwartet: die Kennung einer Maßnahme, z. B. M03; gefunden: {_found(measure)}")
    indicator = values.get("Indikator")
    if kind == "Messwert" and not isinstance(indicator, str):
        problem("Indikator", f"erwartet: der Name des Indikators; gefunden: {_found(indicator)}")
    data: dict[str, Any] = {}
    example = values.get("Beispiel")
    if example is not None:
        flag = str(example).casefold()
        if flag in _YES:
            data["example"] = True
        elif flag not in _NO:
            problem("Beispiel", f"erwartet: ja oder leer; gefunden: {_found(example)}")
    date = values.get("Datum")
    number = _number(values.get("Wert"), "Wert", problem) if kind != "Sachstand" else None
    text = values.get("Text")
    if kind == "Messwert":
        data |= {"date": _date_or_year(date), "value": number}
        if values.get("Quelle") is not None:
            data["source"] = str(values["Quelle"])
        if text is not None:
            data["note"] = str(text)
    elif kind == "Ausgabe":
        data |= {"year": _date_or_year(date), "amount": number}
        if text is not None:
            data["note"] = str(text)
    else:
        data |= {"date": _date_or_year(date), "text": text}
        status = values.get("Status")
        if status is not None:
            found = _STATUS_BY_LABEL.get(str(status).casefold())
            if found is None and str(status) in {s.value for s in Status}:
                found = Status(str(status))
            if found is None:
                problem(
                    "Status",
                    f"erwartet: {', '.join(STATUS_LABELS.values())} oder leer; gefunden: {_found(status)}",
                )
            else:
                data["status"] = found
    for column, value in values.items():
        if value is not None and column not in ALLOWED[kind]:
            problem(column, f"bleibt bei {kind} leer; gefunden: {_found(value)}")
    model = KINDS[kind]
    columns = {"date": "Datum", "year": "Datum", "value": "Wert", "amount": "Wert", "text": "Text",
               "note": "Text", "source": "Quelle", "status": "Status", "example": "Beispiel"}  # fmt: skip
    record = None
    if number is not None or kind == "Sachstand":
        try:
            record = model.model_validate(data)
        except ValidationError as error:
            for item in error.errors():
                column = columns.get(str(item["loc"][0]), "Art") if item["loc"] else "Art"
                value = values.get(column)
                expected = item["msg"] if item["type"].startswith("rek_") else _expected(item["type"], column)
                problem(column, f"erwartet: {expected}; gefunden: {_found(value)}")
    if len(diags.errors) > before or record is None:
        return None
    return Row(line, kind, str(measure), str(indicator) if kind == "Messwert" else None, record, cols)


def _expected(error_type: str, column: str) -> str:
    if column == "Text":
        return "ein Text (bei Sachstand Pflicht)"
    if column == "Datum":
        return "ein Datum (JJJJ-MM-TT) oder ein Jahr (JJJJ)"
    if error_type == "missing":
        return "ein Wert"
    return "ein gültiger Wert"


def _found(value: Any) -> str:
    if value is None:
        return "nichts (leer)"
    if isinstance(value, dt.datetime):
        return f"Datum {value.date().isoformat()}"
    if isinstance(value, dt.date):
        return f"Datum {value.isoformat()}"
    if isinstance(value, float) and value.is_integer():
        return f"Zahl {int(value)}"
    return describe(value)


def _date_or_year(value: Any) -> Any:
    """Cells give dates as dates, years as numbers (1990.0 from some sheets) or text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}", value):
        return int(value)
    return value


def _number(value: Any, column: str, problem: Any) -> Decimal | None:
    if value is None:
        problem(column, "erwartet: eine Zahl; gefunden: nichts (leer)")
        return None
    if isinstance(value, bool):
        problem(column, f"erwartet: eine Zahl; gefunden: {_found(value)}")
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer():
            return Decimal(int(value))
        return Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = str(value).replace("\u00a0", "").replace(" ", "")
    if _PLAIN_NUMBER.match(text):
        try:
            return Decimal(text)
        except InvalidOperation:
            pass
    if _GERMAN_NUMBER.match(text):
        plain = text.replace(".", "").replace(",", ".")
        problem(
            column,
            f"erwartet: eine Zahl ohne Tausenderpunkt, Dezimalstellen mit Punkt; gefunden: Text '{value}'",
            hint=f"Meinten Sie {plain}?",
        )
        return None
    problem(column, f"erwartet: eine Zahl; gefunden: {_found(value)}")
    return None


# --- the template -----------------------------------------------------------------------------------


def template_rows(project: Project) -> list[list[Any]]:
    """What the measure files hold now, one row per value, in the sheet's column order."""
    rows: list[list[Any]] = []
    for measure in project.measures:
        for indicator in measure.indicators:
            for m in indicator.series:
                rows.append(
                    [
                        "Messwert",
                        measure.id,
                        indicator.name,
                        m.date,
                        m.value,
                        None,
                        m.note,
                        m.source,
                        m.example,
                    ]
                )
        for s in sorted(measure.spending, key=lambda s: s.year):
            rows.append(["Ausgabe", measure.id, None, s.year, s.amount, None, s.note, None, s.example])
        for u in sorted(measure.updates, key=lambda u: u.date):
            status = STATUS_LABELS[u.status] if u.status else None
            rows.append(["Sachstand", measure.id, None, u.date, None, status, u.text, None, u.example])
    return rows


def write_template(project: Project, target: Path) -> int:
    """The sheet with every value the project holds (XLSX or CSV by the file name); the row count.
    Written by `rek import --template` and, as the site's download, by the build."""
    rows = template_rows(project)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(list(COLUMNS))
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
        target.write_text(out.getvalue(), encoding="utf-8-sig")
        return len(rows)
    _write_xlsx(target, rows, sorted(project.measures_by_id))
    return len(rows)


def _csv_cell(value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "ja"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(safe_cell(value))


def _write_xlsx(target: Path, rows: list[list[Any]], measure_ids: list[str]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target), {"strings_to_formulas": False, "strings_to_urls": False})
    stamp = clock.source_datetime()  # the same file from the same commit
    if stamp is not None:
        book.set_properties({"created": stamp})
    try:
        bold = book.add_format({"bold": True})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet = book.add_worksheet("Fortschritt")
        for col, name in enumerate(COLUMNS):
            sheet.write_string(0, col, name, bold)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None or value is False:
                    continue
                if value is True:
                    sheet.write_string(r, c, "ja")
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
                elif isinstance(value, Decimal | int):
                    sheet.write_number(r, c, float(value) if isinstance(value, Decimal) else value)
                else:
                    sheet.write_string(r, c, str(safe_cell(value)))
        last = max(len(rows) + 500, 1000)
        sheet.data_validation(
            1, 0, last, 0, {"validate": "list", "source": ["Messwert", "Ausgabe", "Sachstand"]}
        )
        sheet.data_validation(1, 5, last, 5, {"validate": "list", "source": list(STATUS_LABELS.values())})
        sheet.data_validation(1, 8, last, 8, {"validate": "list", "source": ["ja"]})
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
        for col, width in enumerate((11, 10, 40, 12, 14, 14, 60, 30, 10)):
            sheet.set_column(col, col, width)
        help_sheet = book.add_worksheet("Erläuterung")
        help_sheet.write_string(0, 0, "Spalte", bold)
        help_sheet.write_string(0, 1, "Inhalt", bold)
        for r, (name, what) in enumerate(COLUMNS.items(), start=1):
            help_sheet.write_string(r, 0, name)
            help_sheet.write_string(r, 1, what)
        note = len(COLUMNS) + 2
        help_sheet.write_string(note, 0, "Einlesen:", bold)
        help_sheet.write_string(
            note, 1,
            "rek import DATEI.xlsx --dry-run zeigt, was sich ändern würde; ohne --dry-run schreibt rek die "
            "Steckbriefe, aber nur, wenn jede Zeile gültig ist. Eine Zeile je Wert; vorhandene Werte stehen "
            "schon in der Tabelle, neue Zeilen unten anfügen.",
        )  # fmt: skip
        help_sheet.write_string(note + 1, 0, "Maßnahmen:", bold)
        help_sheet.write_string(note + 1, 1, ", ".join(measure_ids))
        help_sheet.set_column(0, 0, 14)
        help_sheet.set_column(1, 1, 100)
    finally:
        book.close()
