"""The typed model of a strategy: what every YAML file must look like once validated.

Pydantic models with German titles and descriptions (they become the JSON Schema that editors show).
The model knows nothing of MkDocs, Pandoc or files; see ``project.py`` for how files become a model.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .invisible import is_placeholder
from .markup import MARKDOWN, is_email

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
ID_RE = re.compile(ID_PATTERN)


MAX_NUMBER = 10**15
# Money: at most 10^12 euro (1 Billion), for every amount and (crossref) every sum of a kind across the
# strategy. XLSX keeps numbers as IEEE doubles, which hold every decimal of up to 15 significant digits
# exactly; 999 999 999 999.99 has 15, so each amount and each total reads back to the cent. (Cents stay
# exact up to 2^53 cents, about 9 * 10^13 euro; the lower, rounder cap leaves room for sums.)
MAX_MONEY = 10**12
MAX_MONEY_TEXT = "1 Billion Euro (10^12)"


def _number(value: Any) -> Any:
    """Accept a YAML number only: not a string, not true/false, not NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PydanticCustomError("rek_number", "eine Zahl")
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise PydanticCustomError("rek_finite", "eine endliche Zahl (nicht NaN oder unendlich)")
    # mypy joins the abs() of int, float and Decimal to object: the cast names what abs() gives
    if cast("int | float | Decimal", abs(value)) > MAX_NUMBER:
        raise PydanticCustomError("rek_range", "eine Zahl bis 1 Billiarde (10^15)")
    return Decimal(str(value))


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise PydanticCustomError("rek_negative", "einen Betrag von mindestens 0")
    return value


def _cents(value: Decimal) -> Decimal:
    """Euro amounts have at most two decimals; three look like a German thousands separator."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        if exponent == -3 and abs(value) < 1000:
            whole = int(value * 1000)
            raise PydanticCustomError(
                "rek_thousands",
                "einen Betrag in Euro mit höchstens zwei Nachkommastellen; der Punkt wird hier als "
                "Dezimalzeichen gelesen (meinten Sie {whole}? Schreiben Sie Tausender ohne Punkt)",
                {"whole": whole},
            )
        raise PydanticCustomError("rek_cents", "einen Betrag in Euro mit höchstens zwei Nachkommastellen")
    return value


def _money_range(value: Decimal) -> Decimal:
    if value > MAX_MONEY:
        raise PydanticCustomError(
            "rek_money_range",
            f"einen Betrag bis {MAX_MONEY_TEXT}; größere Beträge halten die Tabellen (XLSX) nicht mehr auf "
            "den Cent genau",
        )
    return value


def _percent(value: Decimal) -> Decimal:
    if not 0 <= value <= 100:
        raise PydanticCustomError("rek_percent", "einen Prozentwert zwischen 0 und 100")
    return value


FIRST_DATE, LAST_DATE = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


def _parse_date(value: Any) -> Any:
    date: dt.date | None = None
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        with contextlib.suppress(ValueError):
            date = dt.date.fromisoformat(value)
    if date is None:
        raise PydanticCustomError("rek_date", "ein Datum im Format JJJJ-MM-TT")
    if not FIRST_DATE <= date <= LAST_DATE:
        raise PydanticCustomError("rek_date_range", "ein Datum zwischen 1990-01-01 und 2100-12-31")
    return date


def _date_or_year(value: Any) -> Any:
    """A day (JJJJ-MM-TT) or a whole year (JJJJ): measurements are often only known per year.

    A year may also come as text ("2024"): browser editors save what was typed in a text field so.
    """
    if isinstance(value, str) and re.fullmatch(r"\d{4}", value):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if 2000 <= value <= 2100:
            return value
        raise PydanticCustomError("rek_year", "ein Jahr zwischen 2000 und 2100 oder ein Datum (JJJJ-MM-TT)")
    try:
        return _parse_date(value)
    except PydanticCustomError:
        raise PydanticCustomError(
            "rek_date_or_year", "ein Datum im Format JJJJ-MM-TT oder ein Jahr (JJJJ)"
        ) from None


Number = Annotated[Decimal, BeforeValidator(_number), WithJsonSchema({"type": "number"}, mode="validation")]
"""A finite number written as a YAML number (not a string)."""
Money = Annotated[
    Decimal,
    AfterValidator(_cents),
    AfterValidator(_non_negative),
    AfterValidator(_money_range),
    BeforeValidator(_number),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": MAX_MONEY}, mode="validation"),
]
"""An amount in euro: a plain number (not a string), finite, 0 to 10^12, at most two decimals."""
Percent = Annotated[
    Decimal,
    AfterValidator(_percent),
    BeforeValidator(_number),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}, mode="validation"),
]
Date = Annotated[dt.date, BeforeValidator(_parse_date), Field(json_schema_extra={"format": "date"})]
DateOrYear = Annotated[
    dt.date | int,
    BeforeValidator(_date_or_year),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "integer", "minimum": 2000, "maximum": 2100},
            ]
        },
        mode="validation",
    ),
]
"""A day or a year (e.g. a measurement of a yearly statistic)."""
Id = Annotated[str, Field(pattern=ID_PATTERN, description="Kennung: Buchstaben, Ziffern, '-' und '_'")]


def _plain_text(value: str) -> str:
    if "<" in value or ">" in value:
        raise PydanticCustomError(
            "rek_angle", "Text ohne '<' und '>' (Titel und Namen stehen auch in Navigation und Seitentiteln)"
        )
    return value


Text = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_plain_text)]

EMAIL_RULE = (
    "eine E-Mail-Adresse wie 'poststelle@landkreis-muster.de' (vor dem einen '@' Buchstaben, Ziffern, '.', "
    "'_', '+' und '-', danach ein Domainname mit Punkt; kein '?', '&', '%', '=' und keine Leerzeichen) oder "
    "den Platzhalter 'bitte ergänzen'"
)
PHONE_RE = re.compile(r"(?=(?:\D*\d){3,20}\D*$)\+?[0-9(][0-9 ()/-]*[0-9)]")
PHONE_RULE = (
    "eine Telefonnummer wie '+49 5151 903-0' oder '05151 / 903-0' (Ziffern, Leerzeichen, '+' am Anfang, "
    "'/', '-' und Klammern) oder den Platzhalter 'bitte ergänzen'"
)


def _email(value: str) -> str:
    if not is_email(value) and not is_placeholder(value):
        raise PydanticCustomError("rek_email", EMAIL_RULE)
    return value


def _phone(value: str) -> str:
    if PHONE_RE.fullmatch(value) is None and not is_placeholder(value):
        raise PydanticCustomError("rek_phone", PHONE_RULE)
    return value


Email = Annotated[
    str,
    Field(min_length=1, max_length=254, description="E-Mail-Adresse oder 'bitte ergänzen'"),
    AfterValidator(_email),
]
Phone = Annotated[
    str,
    Field(
        min_length=1, max_length=80, description="Telefonnummer: Ziffern, Leerzeichen, +, /, - und Klammern"
    ),
    AfterValidator(_phone),
]
Markdown = Annotated[str, Field(max_length=20_000, description="Markdown ohne HTML"), MARKDOWN]
Year = Annotated[StrictInt, Field(ge=2000, le=2100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Status(StrEnum):
    idea = "idea"
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    paused = "paused"


STATUS_LABELS = {
    Status.idea: "Idee",
    Status.planned: "Geplant",
    Status.in_progress: "In Umsetzung",
    Status.done: "Abgeschlossen",
    Status.paused: "Pausiert",
}


class EfreRegion(StrEnum):
    """The EU region category of a partner's area (EFRE/ESF+ 2021–2027): it decides the rate of some calls."""

    more_developed = "SER"  # stärker entwickelte Region
    transition = "ÜR"  # Übergangsregion


class MeasureKind(StrEnum):
    """What a measure produces: an implementation, or a study (Gutachten, Machbarkeitsstudie, Konzept,
    Strategie). Calls set lower minimum sizes for studies (ZRN) or cap first implementations (MPSC Phase A)."""

    implementation = "Umsetzung"
    study = "Konzept"


class Priority(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


PRIORITY_LABELS = {Priority.high: "Hoch", Priority.medium: "Mittel", Priority.low: "Niedrig"}


SDG_LABELS = {
    1: "Keine Armut",
    2: "Kein Hunger",
    3: "Gesundheit und Wohlergehen",
    4: "Hochwertige Bildung",
    5: "Geschlechtergleichheit",
    6: "Sauberes Wasser und Sanitäreinrichtungen",
    7: "Bezahlbare und saubere Energie",
    8: "Menschenwürdige Arbeit und Wirtschaftswachstum",
    9: "Industrie, Innovation und Infrastruktur",
    10: "Weniger Ungleichheiten",
    11: "Nachhaltige Städte und Gemeinden",
    12: "Nachhaltige/r Konsum und Produktion",
    13: "Maßnahmen zum Klimaschutz",
    14: "Leben unter Wasser",
    15: "Leben an Land",
    16: "Frieden, Gerechtigkeit und starke Institutionen",
    17: "Partnerschaften zur Erreichung der Ziele",
}


class StrategyStatus(StrEnum):
    draft = "Entwurf"
    adopted = "beschlossen"


class CostCategory(StrEnum):
    personnel = "personnel"
    material = "material"
    services = "services"
    investment = "investment"
    travel = "travel"
    other = "other"


COST_CATEGORY_LABELS = {
    CostCategory.personnel: "Personalausgaben",
    CostCategory.material: "Sachausgaben",
    CostCategory.services: "Aufträge an Dritte",
    CostCategory.investment: "Investitionen",
    CostCategory.travel: "Reisekosten",
    CostCategory.other: "Sonstige Ausgaben",
}


class PartnerKind(StrEnum):
    # the kind of a partner as written in strategy.yaml: terms of German municipal law and other actors
    # public administration
    district = "Landkreis"
    district_nrw = "Kreis"
    region = "Region"
    city = "Stadt"
    county_free_city = "Kreisfreie Stadt"
    municipality = "Gemeinde"
    joint_municipality = "Samtgemeinde"
    association_municipality = "Verbandsgemeinde"
    amt = "Amt"
    special_purpose_association = "Zweckverband"
    state = "Land"
    federal = "Bund"
    public_institution = "Anstalt öffentlichen Rechts"
    public_corporation = "Körperschaft öffentlichen Rechts"
    municipal_company = "Kommunales Unternehmen"
    chamber = "Kammer"
    # research and education
    university = "Hochschule"
    research = "Forschungseinrichtung"
    school = "Schule"
    # civil society and economy
    association = "Verein"
    foundation = "Stiftung"
    cooperative = "Genossenschaft"
    church = "Kirche"
    company = "Unternehmen"
    other = "Sonstige"


# Gebietskörperschaften: the kinds that can be a municipality "in Haushaltsnotlage"
MUNICIPAL_KINDS = frozenset(
    {
        PartnerKind.district,
        PartnerKind.district_nrw,
        PartnerKind.region,
        PartnerKind.city,
        PartnerKind.county_free_city,
        PartnerKind.municipality,
        PartnerKind.joint_municipality,
        PartnerKind.association_municipality,
        PartnerKind.amt,
    }
)


class Source(Strict):
    """A public source for a fact."""

    title: Text = Field(title="Titel der Quelle")
    url: Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$", max_length=500)] | None = Field(
        default=None, title="Adresse (URL)"
    )
    note: Text | None = Field(default=None, title="Anmerkung")


class Partner(Strict):
    id: Id = Field(title="Kennung des Partners")
    name: Text = Field(title="Name")
    short_name: Text | None = Field(default=None, title="Kurzname")
    kind: PartnerKind = Field(title="Art", description="Landkreis, Stadt, Gemeinde, Hochschule, …")
    role: Text = Field(title="Rolle im Verbund")
    budget_emergency: bool = Field(
        default=False,
        title="Haushaltsnotlage",
        description="Kommune in Haushaltsnotlage nach Landesrecht (erhöhter Fördersatz, wenn sie den Antrag stellt)",
    )
    population: StrictInt | None = Field(default=None, ge=0, title="Einwohnerzahl")
    own_funds: Money | None = Field(
        default=None,
        title="Zugesagte Eigenmittel (Euro)",
        description="Eigenmittel, die der Partner für das Vorhaben zugesagt hat (z. B. per Kreistagsbeschluss)",
    )
    own_funds_example: bool = Field(default=False, title="Eigenmittel sind ein Beispielwert")
    efre_region: EfreRegion | None = Field(
        default=None,
        title="EFRE-Regionenkategorie",
        description="SER (stärker entwickelte Region) oder ÜR (Übergangsregion): bestimmt den Fördersatz von "
        "EFRE-Programmen wie „Zukunftsregionen in Niedersachsen“, wenn der Partner den Antrag stellt",
    )
    url: Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$")] | None = None
    legal: PartnerLegal | None = Field(
        default=None,
        title="Rechtliche Angaben",
        description="Regionalschlüssel, gesetzliche Vertretung, Anschrift, Ansprechstelle: Deckblatt des Antrags "
        "(beim Antragsteller) und Entwürfe",
    )
    sources: list[Source] = Field(default_factory=list)


class Goal(Strict):
    id: Id = Field(title="Kennung des Ziels")
    title: Text = Field(title="Strategisches Ziel")
    description: Markdown | None = Field(default=None, title="Beschreibung")


class Phase(Strict):
    id: Id
    title: Text
    start: Date
    end: Date
    call_phase: Id | None = Field(
        default=None,
        title="Phase des Förderaufrufs",
        description="z. B. 'A' (Strategie) oder 'B' (Umsetzung); leer lassen: aus den Daten der Phase und den "
        "Phasen des gewählten Aufrufs",
    )
    description: Markdown | None = None
    sources: list[Source] = Field(default_factory=list)


class Annex(Strict):
    id: Id = Field(title="Art der Anlage", description="Kennung aus dem Förderaufruf, z. B. 'ratsbeschluss'")
    title: Text
    partner: Id | None = Field(default=None, title="Partner, von dem die Anlage stammt")
    status: str = Field(default="vorhanden", pattern="^(vorhanden|in Vorbereitung)$")
    file: Annotated[str, Field(max_length=200)] | None = None


class Measurement(Strict):
    """Ein gemessener Wert eines Indikators zu einem Datum oder für ein Jahr."""

    date: DateOrYear = Field(title="Datum oder Jahr", description="JJJJ-MM-TT oder nur das Jahr (JJJJ)")
    value: Number = Field(title="Wert")
    source: Text | None = Field(default=None, title="Quelle", description="z. B. 'Statistik des Landkreises'")
    provisional: bool = Field(default=False, title="Vorläufig", description="Wert kann sich noch ändern")
    breakdown: dict[Annotated[str, Field(min_length=1, max_length=80)], Number] = Field(
        default_factory=dict,
        title="Aufschlüsselung",
        description="Teilwerte, z. B. je Landkreis: {Nordkreis: 12, Südkreis: 7}",
    )
    example: bool = Field(
        default=False, title="Beispielwert", description="Wert ist ein Beispiel, keine Quelle"
    )
    note: Text | None = Field(default=None, title="Anmerkung")

    @property
    def year(self) -> int:
        return self.date if isinstance(self.date, int) else self.date.year

    @property
    def day(self) -> dt.date:
        """The day the value stands for (a year: its last day)."""
        return dt.date(self.date, 12, 31) if isinstance(self.date, int) else self.date


class Indicator(Strict):
    id: Id | None = Field(
        default=None,
        title="Kennung des Indikators",
        description="Dieselbe Kennung an zwei Stellen (Handlungsfeld und Maßnahme) heißt: derselbe Indikator; "
        "'rek check' verlangt dann gleiche Einheit und gleiches Ziel und je Datum nur einen Wert",
    )
    name: Text = Field(title="Indikator")
    unit: Annotated[str, Field(min_length=1, max_length=60)] = Field(title="Einheit")
    baseline: Number | None = Field(default=None, title="Ausgangswert")
    baseline_year: Year | None = Field(default=None, title="Jahr des Ausgangswerts")
    target: Number = Field(title="Zielwert")
    target_year: Year = Field(title="Zieljahr")
    method: Text | None = Field(
        default=None,
        title="Erhebungsmethode",
        description="wie und von wem der Wert erhoben wird, z. B. 'Zählung im Fahrgastsystem, jährlich'",
    )
    example: bool = Field(
        default=False, title="Beispielwert", description="Wert ist ein Beispiel, keine Quelle"
    )
    measurements: list[Measurement] = Field(
        default_factory=list, title="Messwerte", description="Gemessene Werte im Zeitverlauf"
    )

    @property
    def series(self) -> list[Measurement]:
        """The measurements in time order."""
        return sorted(self.measurements, key=lambda x: x.day)


# --- places: where a measure happens ------------------------------------------------------------
REGIONWIDE = "regionweit"  # a measure's place that stands for the whole region

AGS_RULE = (
    "einen Amtlichen Gemeindeschlüssel aus Ziffern: 5 für einen Landkreis (Kreisschlüssel, z. B. '03255'), "
    "8 für eine Stadt oder Gemeinde (z. B. '03252006')"
)


def _ags(value: str) -> str:
    if re.fullmatch(r"[0-9]{5}(?:[0-9]{3})?", value) is None:
        raise PydanticCustomError("rek_ags", AGS_RULE)
    return value


AGS = Annotated[
    str,
    Field(
        min_length=1,
        max_length=20,
        description="Kreisschlüssel (5 Ziffern) oder Gemeindeschlüssel (8 Ziffern)",
    ),
    AfterValidator(_ags),
]


class PlaceKind(StrEnum):
    district = "Landkreis"
    city = "Stadt"
    municipality = "Gemeinde"
    joint_municipality = "Samtgemeinde"
    market_town = "Flecken"


class Place(Strict):
    """Ein Ort der Region: ein Landkreis oder eine Stadt oder Gemeinde mit ihrem amtlichen Schlüssel."""

    id: Id = Field(title="Kennung des Orts", description="z. B. 'hameln'; 'regionweit' ist vergeben")
    name: Text = Field(title="Name", description="amtlicher Name, z. B. 'Nienburg/Weser'")
    kind: PlaceKind = Field(title="Art", description="Landkreis, Stadt, Gemeinde, Samtgemeinde oder Flecken")
    ags: AGS = Field(
        title="Amtlicher Gemeindeschlüssel (AGS)",
        description="Landkreis: Kreisschlüssel aus 5 Ziffern (z. B. 03255); Stadt oder Gemeinde: 8 Ziffern "
        "(z. B. 03252006), Quelle: Gemeindeverzeichnis GV-ISys des Statistischen Bundesamts",
    )
    sources: list[Source] = Field(default_factory=list)

    @property
    def label(self) -> str:
        """'Landkreis Holzminden', 'Stadt Hameln'."""
        return f"{self.kind.value} {self.name}"

    @property
    def short_label(self) -> str:
        """'LK Holzminden' for a Landkreis, else the name ('Hameln'): for narrow table cells."""
        return f"LK {self.name}" if self.kind is PlaceKind.district else self.name

    @property
    def district_key(self) -> str:
        """The Kreisschlüssel the place lies in (its own for a Landkreis)."""
        return self.ags[:5]


def reach(places: list[Place], chosen: list[str]) -> set[str]:
    """The ids of every listed place that a measure with the places ``chosen`` concerns.

    'regionweit' concerns every place; a Landkreis its towns and municipalities (by the Kreisschlüssel at
    the start of their key); a town or municipality its Landkreis. Unknown ids are left out (crossref
    reports them)."""
    if REGIONWIDE in chosen:
        return {p.id for p in places}
    by_id = {p.id: p for p in places}
    out: set[str] = set()
    for pid in chosen:
        place = by_id.get(pid)
        if place is None:
            continue
        out.add(pid)
        district = place.kind is PlaceKind.district
        for other in places:
            inside = district and other.district_key == place.ags  # a town in this Landkreis
            around = other.kind is PlaceKind.district and other.ags == place.district_key  # its Landkreis
            if inside or around:
                out.add(other.id)
    return out


class Region(Strict):
    name: Text
    state: Text = Field(title="Bundesland")
    description: Markdown
    area_km2: Money | None = Field(default=None, title="Fläche in km²")
    population: StrictInt | None = Field(default=None, ge=0)
    example: bool = False


class Strategy(Strict):
    """strategy/strategy.yaml"""

    title: Text = Field(title="Titel der Strategie")
    short_title: Text = Field(title="Kurztitel")
    version: Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,30}$")] = Field(title="Version")
    status: StrategyStatus = Field(title="Status", description="Entwurf oder beschlossen")
    adopted: Date | None = Field(default=None, title="Beschlossen am")
    call: Id | None = Field(
        default=None, title="Förderaufruf", description="Kennung eines Profils in strategy/calls/"
    )
    applicant: Id | None = Field(
        default=None,
        title="Antragsteller",
        description="Kennung des Partners, der den Antrag stellt (im Förderaufruf: die federführende "
        "Gebietskörperschaft)",
    )
    coordinator: Id | None = Field(
        default=None,
        title="Verbundkoordination",
        description="Kennung des Partners, der den Verbund koordiniert (z. B. eine Hochschule)",
    )
    region: Region
    summary: Markdown = Field(title="Kurzfassung")
    vision: Markdown = Field(title="Leitbild")
    situation: Markdown = Field(title="Ausgangslage")
    participation: Markdown = Field(title="Beteiligung")
    cooperation: Markdown = Field(title="Interkommunale Zusammenarbeit")
    knowledge_transfer: Markdown = Field(title="Wissenstransfer und Open Source")
    risks: list[Risk] = Field(default_factory=list, title="Risiken")
    partners: list[Partner] = Field(min_length=1)
    goals: list[Goal] = Field(min_length=1)
    phases: list[Phase] = Field(min_length=1)
    annexes: list[Annex] = Field(default_factory=list, title="Anlagen")
    sources: list[Source] = Field(default_factory=list)
    legal: Legal | None = Field(default=None, title="Rechtliche Angaben der Website")
    glossary: list[GlossaryTerm] = Field(
        default_factory=list,
        title="Begriffe",
        description="Begriffe der Strategie mit Erklärung: eine Seite „Begriffe“, verlinkt, wo sie vorkommen",
    )
    places: list[Place] = Field(
        default_factory=list,
        title="Orte",
        description="Landkreise, Städte und Gemeinden, in denen Maßnahmen stattfinden, mit ihrem amtlichen "
        "Schlüssel; Maßnahmen nennen sie unter 'places'",
    )
    submissions: list[Submission] = Field(
        default_factory=list,
        title="Einreichung je Förderaufruf",
        description="Das Datum des Antrags an einen Aufruf (Deckblatt, Entwürfe); ohne Eintrag der Stichtag",
    )
    continuation: Continuation | None = Field(default=None, title="Verstetigung und Folgekosten")
    organisation: Organisation | None = Field(default=None, title="Personal und Organisation")
    data_protection: Markdown | None = Field(
        default=None, title="Datenschutz, IT-Sicherheit und Open Source", description="Markdown ohne HTML"
    )
    evaluation: Evaluation | None = Field(default=None, title="Evaluation")


class FollowOnCost(Strict):
    """Laufende Kosten nach dem Ende der Förderung: wer sie trägt und ab wann."""

    item: Text = Field(title="Wofür", description="z. B. 'Betrieb der Beteiligungsplattform'")
    partner: Id = Field(title="Träger", description="Kennung des Partners, der die Kosten trägt")
    amount_per_year: Money = Field(title="Betrag je Jahr (Euro)")
    from_year: Year = Field(title="Ab Jahr")
    example: bool = Field(default=False, title="Beispielwert", description="Betrag ist ein Beispiel")


class Continuation(Strict):
    """Verstetigung: wie Ergebnisse nach der Förderung weitergeführt und bezahlt werden."""

    text: Markdown = Field(title="Verstetigung", description="Markdown ohne HTML")
    follow_on_costs: list[FollowOnCost] = Field(default_factory=list, title="Folgekosten")
    example: bool = Field(default=False, title="Beispielangaben")


class Role(Strict):
    """Eine Stelle oder Funktion im Vorhaben (keine Person)."""

    title: Text = Field(title="Funktion", description="z. B. 'Leitung der Geschäftsstelle'")
    partner: Id = Field(title="Partner", description="Kennung des Partners, bei dem die Stelle liegt")
    fte: Number = Field(ge=0, le=100, title="Vollzeitäquivalente", description="z. B. 1 oder 0.5")
    funded: bool = Field(default=True, title="Aus dem Vorhaben finanziert")
    tasks: Text | None = Field(default=None, title="Aufgaben")
    example: bool = Field(default=False, title="Beispielangabe")


class Organisation(Strict):
    """Personal und Organisation: Stellen, Umfang und Steuerung des Vorhabens."""

    text: Markdown = Field(title="Steuerung und Organisation", description="Markdown ohne HTML")
    roles: list[Role] = Field(default_factory=list, title="Stellen und Funktionen")
    example: bool = Field(default=False, title="Beispielangaben")


class Evaluation(Strict):
    """Evaluation: wie Wirkung und Fortschritt gemessen werden (die Indikatoren stehen bei den Maßnahmen)."""

    text: Markdown = Field(title="Evaluationskonzept", description="Markdown ohne HTML")
    example: bool = Field(default=False, title="Beispielangaben")


class GlossaryTerm(Strict):
    """Ein Begriff der Strategie mit einer Erklärung in einfachen Worten (Seite „Begriffe“)."""

    term: Text = Field(title="Begriff")
    explanation: Annotated[str, Field(min_length=1, max_length=1000)] = Field(
        title="Erklärung", description="Einfache Sätze, ohne Markdown"
    )
    synonyms: list[Text] = Field(
        default_factory=list, title="Andere Schreibweisen", description="z. B. Mehrzahl oder Abkürzung"
    )


class Risk(Strict):
    title: Text
    likelihood: Priority = Field(title="Eintrittswahrscheinlichkeit")
    impact: Priority = Field(title="Auswirkung")
    mitigation: Markdown = Field(title="Gegenmaßnahme")


class ActionField(Strict):
    """strategy/action-fields/<id>.yaml"""

    id: Id
    title: Text
    order: StrictInt = Field(default=100, ge=0, le=1000, title="Reihenfolge")
    icon: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}$")] | None = None
    summary: Annotated[str, Field(min_length=1, max_length=500)]
    easy_summary: Annotated[str, Field(min_length=1, max_length=1500)] | None = Field(
        default=None,
        title="Zusammenfassung in Leichter Sprache",
        description="Kurze Sätze, ein Satz je Zeile; steht auf der Seite „Leichte Sprache“",
    )
    description: Markdown
    goals: list[Id] = Field(default_factory=list, title="Strategische Ziele")
    indicators: list[Indicator] = Field(default_factory=list)


class Update(Strict):
    """Ein Eintrag im Sachstand einer Maßnahme: was zu einem Datum erreicht ist."""

    date: Date = Field(title="Datum")
    status: Status | None = Field(default=None, title="Status zu diesem Datum")
    text: Annotated[str, Field(min_length=1, max_length=5000)] = Field(
        title="Sachstand", description="Markdown ohne HTML"
    )
    example: bool = Field(default=False, title="Beispieleintrag", description="Eintrag ist ein Beispiel")


class Spending(Strict):
    """Tatsächliche Ausgaben eines Jahres (Ist), neben den geplanten Kosten (Soll)."""

    year: Year = Field(title="Jahr")
    amount: Money = Field(title="Ausgegeben (Euro)")
    category: CostCategory | None = Field(
        default=None, title="Kostenart", description="Kostenart der Ausgaben (für den Verwendungsnachweis)"
    )
    eligible: bool = Field(
        default=True, title="Förderfähig", description="false: nicht förderfähige Ausgaben"
    )
    note: Text | None = Field(default=None, title="Anmerkung")
    example: bool = Field(default=False, title="Beispielwert")


class Receipt(Strict):
    """Ein Beleg (Rechnung, Gehaltsabrechnung …) für den Verwendungsnachweis.

    Hat ein Jahr Belege, ergeben sie die Ausgaben (Ist) dieses Jahres; steht für dasselbe Jahr auch ein
    Eintrag unter 'spending', müssen beide dieselbe Summe ergeben."""

    date: Date = Field(title="Datum der Zahlung")
    amount: Money = Field(title="Betrag (Euro)")
    category: CostCategory = Field(title="Kostenart")
    eligible: bool = Field(default=True, title="Förderfähig")
    number: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        default=None, title="Belegnummer"
    )
    note: Text | None = Field(
        default=None, title="Anmerkung", description="z. B. 'Rechnung Moderation Workshop 3'"
    )
    example: bool = Field(default=False, title="Beispielbeleg", description="Beleg ist ein Beispiel")


class PaymentKind(StrEnum):
    grant = "grant"
    own_share = "own_share"
    third_party = "third_party"


PAYMENT_KIND_LABELS = {
    PaymentKind.grant: "Zuwendung",
    PaymentKind.third_party: "Drittmittel",
    PaymentKind.own_share: "Eigenanteil",
}


class Payment(Strict):
    """Eingegangene Mittel (Finanzierung Ist): ausgezahlte Zuwendung, gezahlte Eigenanteile, Drittmittel."""

    date: Date = Field(title="Datum des Zahlungseingangs")
    kind: PaymentKind = Field(
        title="Art", description="grant (Zuwendung), own_share (Eigenanteil) oder third_party (Drittmittel)"
    )
    amount: Money = Field(title="Betrag (Euro)")
    partner: Id | None = Field(
        default=None, title="Partner", description="bei einem Eigenanteil: der Partner, der ihn gezahlt hat"
    )
    source: Text | None = Field(
        default=None, title="Geldgeber", description="bei Drittmitteln: wer sie gezahlt hat"
    )
    note: Text | None = Field(default=None, title="Anmerkung", description="z. B. 'Mittelabruf 2/2024'")
    example: bool = Field(default=False, title="Beispielwert")


class MeasureContact(Strict):
    """Ansprechstelle einer Maßnahme: eine Funktion und eine Dienststelle, keine Person."""

    role: Text = Field(title="Funktion", description="z. B. 'Projektleitung Digitalisierung'")
    office: Text = Field(
        title="Dienststelle", description="z. B. 'Landkreis Holzminden, Stabsstelle Digitalisierung'"
    )
    address: list[Text] = Field(default_factory=list, title="Anschrift", description="eine Zeile je Eintrag")
    email: Email | None = Field(default=None, title="E-Mail (Funktionspostfach)")
    phone: Phone | None = Field(default=None, title="Telefon (Zentrale)")
    url: Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$", max_length=500)] | None = Field(
        default=None, title="Website"
    )
    example: bool = Field(
        default=False, title="Beispielangabe", description="Stelle und Anschrift sind Beispiele"
    )


class Milestone(Strict):
    date: Date
    title: Text
    done: bool = False


class Cost(Strict):
    year: Year = Field(title="Jahr")
    category: CostCategory = Field(title="Kostenart")
    amount: Money = Field(title="Betrag in Euro")
    eligible: bool = Field(default=True, title="Förderfähig")
    note: Text | None = Field(default=None, title="Anmerkung")


class ThirdPartyStatus(StrEnum):
    """How firm third-party funds are: promised in writing, applied for, or only assumed."""

    zugesagt = "zugesagt"
    beantragt = "beantragt"
    angenommen = "angenommen"


class ThirdParty(Strict):
    name: Text = Field(title="Geldgeber", description="wer die Mittel gibt, z. B. 'Verkehrsverbund Muster'")
    amount: Money = Field(title="Betrag in Euro")
    status: ThirdPartyStatus = Field(
        default=ThirdPartyStatus.angenommen,
        title="Stand",
        description="zugesagt (schriftlich), beantragt oder angenommen (Planungsannahme)",
    )
    source: Source | None = Field(
        default=None, title="Beleg", description="Zusage, Antrag oder Grundlage der Annahme"
    )


class Funding(Strict):
    grant: Money | None = Field(
        default=None,
        title="Zuwendung (Euro)",
        description="Beantragte Förderung in Euro; leer lassen: Fördersatz des Aufrufs × förderfähige Kosten",
    )
    third_parties: list[ThirdParty] = Field(default_factory=list, title="Drittmittel")
    own_shares: dict[Id, Percent] = Field(
        default_factory=dict,
        title="Eigenanteile",
        description="Aufteilung des Eigenanteils auf Partner in Prozent (Summe 100)",
    )


class Origin(Strict):
    phase: Id | None = Field(default=None, title="Herkunftsphase", description="z. B. 'phase-0'")
    note: Text = Field(title="Herkunft", description="z. B. 'Reallabor Bildung aus Phase 0'")


class References(Strict):
    leika: list[Annotated[str, Field(pattern=r"^\d{14}$")]] = Field(
        default_factory=list, title="LeiKa-Schlüssel"
    )
    ozg: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        default_factory=list, title="OZG-Leistungen"
    )
    charta: list[Text] = Field(default_factory=list, title="Smart City Charta")
    sdg: list[Annotated[StrictInt, Field(ge=1, le=17)]] = Field(default_factory=list, title="SDGs")


class Measure(Strict):
    """measures/<id>.yaml: ein Maßnahmensteckbrief"""

    id: Id = Field(title="Kennung", description="Gleich dem Dateinamen ohne .yaml")
    title: Text = Field(title="Titel")
    summary: Annotated[str, Field(min_length=1, max_length=600)] = Field(title="Kurzbeschreibung")
    description: Markdown = Field(title="Beschreibung (Markdown)")
    action_field: Id = Field(title="Haupt-Handlungsfeld")
    further_action_fields: list[Id] = Field(default_factory=list, title="Weitere Handlungsfelder")
    goals: list[Id] = Field(default_factory=list, title="Strategische Ziele")
    lead: Id = Field(title="Federführender Partner")
    partners: list[Id] = Field(default_factory=list, title="Beteiligte Partner")
    target_groups: list[Text] = Field(default_factory=list, title="Zielgruppen")
    status: Status = Field(title="Status")
    priority: Priority = Field(title="Priorität")
    phase: Id | None = Field(
        default=None,
        title="Phase der Strategie",
        description="Kennung einer Phase aus strategy.yaml; leer lassen: die Phase, in die der Beginn fällt",
    )
    kind: MeasureKind = Field(
        default=MeasureKind.implementation,
        title="Art des Vorhabens",
        description="Umsetzung, oder Konzept für Gutachten, Machbarkeitsstudien, Konzepte und Strategien",
    )
    application: bool = Field(
        default=True,
        title="Teil des Antrags",
        description="false: Maßnahme bewusst nicht im Förderantrag (Grund in 'application_note')",
    )
    application_note: Text | None = Field(
        default=None,
        title="Grund, warum die Maßnahme nicht im Antrag steht",
        description="z. B. 'aus Landesmitteln gefördert'",
    )
    start: Date = Field(title="Beginn")
    end: Date = Field(title="Ende")
    milestones: list[Milestone] = Field(default_factory=list, title="Meilensteine")
    costs: list[Cost] = Field(default_factory=list, title="Kosten")
    funding: Funding = Field(default_factory=Funding, title="Finanzierung")
    indicators: list[Indicator] = Field(default_factory=list, title="Indikatoren")
    dependencies: list[Id] = Field(default_factory=list, title="Abhängig von Maßnahmen")
    updates: list[Update] = Field(
        default_factory=list, title="Sachstand", description="Datierte Einträge zum Stand der Umsetzung"
    )
    spending: list[Spending] = Field(
        default_factory=list, title="Ausgaben (Ist)", description="Tatsächliche Ausgaben je Jahr"
    )
    receipts: list[Receipt] = Field(
        default_factory=list,
        title="Belege",
        description="Einzelne Ausgaben mit Datum, Betrag und Kostenart (Belegliste des Verwendungsnachweises)",
    )
    payments: list[Payment] = Field(
        default_factory=list,
        title="Mittelzuflüsse (Ist)",
        description="Ausgezahlte Zuwendung, gezahlte Eigenanteile und eingegangene Drittmittel",
    )
    contact: MeasureContact | None = Field(default=None, title="Ansprechstelle")
    places: list[Id] = Field(
        default_factory=list,
        title="Orte",
        description="Kennungen aus 'places' in strategy.yaml (Landkreis, Stadt, Gemeinde) oder 'regionweit'",
    )
    origin: Origin | None = Field(default=None, title="Herkunft")
    references: References = Field(default_factory=References, title="Bezüge")
    criteria: list[Id] = Field(
        default_factory=list,
        title="Bewertungskriterien",
        description="Kennungen der Kriterien des Förderaufrufs, die die Maßnahme beantwortet",
    )
    example: bool = Field(
        default=False,
        title="Beispielzahlen",
        description="Kosten und Kennzahlen sind Beispiele, die keine öffentliche Quelle belegt",
    )
    example_note: Text | None = Field(default=None, title="Hinweis zu Beispielzahlen")
    sources: list[Source] = Field(default_factory=list)

    @property
    def all_partners(self) -> list[str]:
        return [self.lead, *[p for p in self.partners if p != self.lead]]

    @property
    def action_fields(self) -> list[str]:
        return [self.action_field, *[f for f in self.further_action_fields if f != self.action_field]]

    @property
    def timeline(self) -> list[Update]:
        """The updates, newest first."""
        return sorted(self.updates, key=lambda u: u.date, reverse=True)

    @property
    def as_of(self) -> dt.date | None:
        """The date of the newest update ('Stand')."""
        return max((u.date for u in self.updates), default=None)


# --- legal pages of the website (Impressum, Datenschutz, Barrierefreiheit) -------------------------
# Free text throughout, so that a value not yet known can be written as "bitte ergänzen": 'rek check'
# warns on every such placeholder, and 'rek publish' refuses an adopted version while one is left.

WebAddress = Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$", max_length=500)]


class Contact(Strict):
    """Eine Stelle oder Person mit Anschrift und Kontaktwegen."""

    name: Text = Field(title="Name der Stelle oder Person")
    role: Text | None = Field(default=None, title="Funktion", description="z. B. 'Verbundkoordination'")
    address: list[Text] = Field(default_factory=list, title="Anschrift", description="eine Zeile je Eintrag")
    email: Email | None = Field(default=None, title="E-Mail")
    phone: Phone | None = Field(default=None, title="Telefon")
    url: WebAddress | None = Field(default=None, title="Website")


class Enforcement(Contact):
    """Die Stelle, an die man sich wenden kann, wenn eine Rückmeldung zur Barrierefreiheit ohne Erfolg blieb."""

    law: Text = Field(title="Rechtsgrundlage", description="z. B. '§ 9d NBGG'")


class Licence(Strict):
    name: Text = Field(title="Kurzname", description="z. B. 'CC BY 4.0'")
    title: Text = Field(title="Voller Name")
    url: WebAddress = Field(title="Lizenztext (URL)")


class Accessibility(Strict):
    status: Text = Field(
        title="Stand der Vereinbarkeit", description="'vollständig', 'teilweise' oder 'nicht' vereinbar"
    )
    standard: Text = Field(default="WCAG 2.1, Stufe AA (EN 301 549)", title="Maßstab")
    law: Text = Field(
        title="Rechtsgrundlage",
        description="z. B. 'Niedersächsisches Behindertengleichstellungsgesetz (NBGG)'",
    )
    issues: list[Text] = Field(default_factory=list, title="Nicht barrierefreie Inhalte")
    method: Text = Field(title="Grundlage der Bewertung", description="z. B. 'Selbstbewertung'")
    date: Text = Field(title="Erstellt am")


REGIONAL_KEY_RULE = "einen Amtlichen Regionalschlüssel aus 12 Ziffern wie '032520000000' oder den Platzhalter 'bitte ergänzen'"


def _regional_key(value: str) -> str:
    if re.fullmatch(r"[0-9]{12}", value) is None and not is_placeholder(value):
        raise PydanticCustomError("rek_regional_key", REGIONAL_KEY_RULE)
    return value


RegionalKey = Annotated[
    str,
    Field(min_length=1, max_length=120, description="12 Ziffern, z. B. 032520000000, oder 'bitte ergänzen'"),
    AfterValidator(_regional_key),
]


PLACEHOLDER_SCHEMA = {"type": "string", "pattern": "^\\s*[Bb]itte ergänzen"}


def _days_or_placeholder(value: Any) -> Any:
    """A whole number of days (1 to 3650) or the placeholder „bitte ergänzen“ while it is not known."""
    if isinstance(value, str) and is_placeholder(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 3650:
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value() and 1 <= value <= 3650:
        return int(value)
    raise PydanticCustomError(
        "rek_days", "eine Zahl von Tagen zwischen 1 und 3650 (z. B. 14) oder den Platzhalter 'bitte ergänzen'"
    )


def _date_or_placeholder(value: Any) -> Any:
    """A day (JJJJ-MM-TT) or the placeholder „bitte ergänzen“ while it is not known."""
    if isinstance(value, str) and is_placeholder(value):
        return value
    try:
        return _parse_date(value)
    except PydanticCustomError:
        raise PydanticCustomError(
            "rek_date_or_placeholder", "ein Datum im Format JJJJ-MM-TT oder den Platzhalter 'bitte ergänzen'"
        ) from None


DaysOrPlaceholder = Annotated[
    int | str,
    BeforeValidator(_days_or_placeholder),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1, "maximum": 3650}, PLACEHOLDER_SCHEMA]}),
]
"""A number of days, or „bitte ergänzen“ (a warning of ``rek check``, refused by ``rek publish``)."""
DateOrPlaceholder = Annotated[
    dt.date | str,
    BeforeValidator(_date_or_placeholder),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, PLACEHOLDER_SCHEMA]}),
]
"""A day, or „bitte ergänzen“ (a warning of ``rek check``, refused by ``rek publish``)."""


class PartnerLegal(Strict):
    """Rechtliche Angaben eines Partners: was Deckblatt und Entwürfe über ihn sagen (Funktionen, keine Personen).

    Beim Antragsteller füllen sie das Deckblatt des Antrags; so gehören Regionalschlüssel und Vertretung
    immer zu dem Partner, der den Antrag stellt."""

    regional_key: RegionalKey | None = Field(
        default=None,
        title="Amtlicher Regionalschlüssel (ARS)",
        description="12 Ziffern, z. B. 032520000000 (nur Gebietskörperschaften)",
    )
    representative: Text = Field(
        title="Gesetzliche Vertretung", description="Funktion, z. B. 'Landrat des Landkreises Muster'"
    )
    address: list[Text] = Field(default_factory=list, title="Anschrift", description="eine Zeile je Eintrag")
    contact: Contact | None = Field(
        default=None, title="Ansprechstelle", description="Dienststelle und Funktion, keine Person"
    )
    deputy: Contact | None = Field(default=None, title="Vertretung der Ansprechstelle")
    example: bool = Field(
        default=False, title="Beispielangaben", description="Ansprechstelle und Vertretung sind Beispiele"
    )
    sources: list[Source] = Field(default_factory=list)


class Submission(Strict):
    """Die Einreichung des Antrags an einen Förderaufruf: das Datum, das Antrag und Entwürfe tragen."""

    call: Id = Field(title="Förderaufruf", description="Kennung eines Profils in strategy/calls/")
    date: Date = Field(
        title="Datum des Antrags", description="muss spätestens am Tag der Bewerbungsfrist liegen"
    )
    example: bool = Field(default=False, title="Beispielangabe", description="Datum ist ein Beispiel")
    note: Text | None = Field(default=None, title="Anmerkung")


class Legal(Strict):
    """Angaben für Impressum, Datenschutzerklärung und Erklärung zur Barrierefreiheit."""

    publisher: Contact = Field(title="Anbieter der Website (§ 5 DDG)")
    represented_by: Text = Field(title="Vertreten durch")
    legal_form: Text | None = Field(default=None, title="Rechtsform, Register und Nummer")
    responsible: Contact = Field(title="Verantwortlich für den Inhalt (§ 18 Abs. 2 MStV)")
    data_protection_officer: Contact = Field(title="Datenschutzbeauftragte oder Datenschutzbeauftragter")
    supervisory_authority: Contact = Field(title="Datenschutz-Aufsichtsbehörde")
    hosting: Text = Field(title="Hosting: Anbieter und Standort")
    log_retention_days: DaysOrPlaceholder = Field(
        title="Speicherdauer der Server-Protokolle in Tagen",
        description="eine Zahl, z. B. 14, oder 'bitte ergänzen'",
    )
    privacy_date: DateOrPlaceholder = Field(
        title="Stand der Datenschutzerklärung", description="Datum JJJJ-MM-TT oder 'bitte ergänzen'"
    )
    accessibility: Accessibility = Field(title="Erklärung zur Barrierefreiheit")
    accessibility_contact: Contact = Field(title="Kontakt für Rückmeldungen zur Barrierefreiheit")
    enforcement: Enforcement = Field(title="Schlichtungsstelle")
    licence: Licence = Field(title="Lizenz der Texte und Daten")


Partner.model_rebuild()
Strategy.model_rebuild()
