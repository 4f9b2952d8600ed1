"""A DCAT-AP.de catalogue of the open data (downloads/dcat.jsonld), next to the Frictionless data package.

JSON-LD with its context inline (a harvester needs nothing else): one dcat:Catalog with one dcat:Dataset
(the strategy's open data), one dcat:Distribution per download. Licences are mapped to the dcat-ap.de
licence vocabulary where it has them, formats to the EU file-type table. Without a ``site_url`` the
addresses are relative to the file (JSON-LD resolves them against its own address). Validated in the
tests with rdflib and pyshacl against the DCAT-AP 3.0 and DCAT-AP.de 3.0 shapes. The schema.org
``Dataset`` of the downloads page is built from the same description (``schema_org``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..markup import is_email
from ..plan import Plan
from .datapackage import _FILES, _MEDIA, _TABLES

DCAT_PATH = "dcat.jsonld"  # below downloads/

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "dcatap": "http://data.europa.eu/r5r/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_FILE_TYPES = {"csv": "CSV", "json": "JSON", "xlsx": "XLSX", "pdf": "PDF", "docx": "DOCX"}
_EU = "http://publications.europa.eu/resource/authority/"
# creativecommons.org / govdata.de licence addresses -> the dcat-ap.de licence vocabulary
_LICENCES = [
    (r"creativecommons\.org/licenses/by/4\.0", "cc-by/4.0"),
    (r"creativecommons\.org/licenses/by-sa/4\.0", "cc-by-sa/4.0"),
    (r"creativecommons\.org/licenses/by-nd/4\.0", "cc-by-nd/4.0"),
    (r"creativecommons\.org/publicdomain/zero/1\.0", "cc-zero"),
    (r"govdata\.de/dl-de/by-2-0", "dl-by-de/2.0"),
    (r"govdata\.de/dl-de/zero-2-0", "dl-zero-de/2.0"),
]


def licence_iri(url: str) -> str:
    for pattern, key in _LICENCES:
        if re.search(pattern, url):
            return f"http://dcat-ap.de/def/licenses/{key}"
    return url


def _ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


def _de(value: str) -> dict[str, str]:
    return {"@value": value, "@language": "de"}


def files(plan: Plan, application_files: list[dict[str, str]]) -> list[tuple[str, str, str, str]]:
    """(file name, title, format key, media type) of every download the data package describes."""
    out = [(path, title, "csv", "text/csv") for path, (title, _fields) in _TABLES.items()]
    out += [(path, title, fmt, media) for path, title, fmt, media in _FILES]
    for item in application_files:
        kind = item["name"].rsplit(".", 1)[-1].lower()
        out.append((item["name"], item["label"], kind, _MEDIA.get(kind, "application/octet-stream")))
    return out


def catalogue(plan: Plan, application_files: list[dict[str, str]]) -> dict[str, Any]:
    p = plan.project
    s = p.strategy
    site_url = p.site.site_url
    base = (site_url.rstrip("/") + "/downloads/") if site_url else ""
    publisher_name = s.legal.publisher.name if s.legal else s.title
    publisher = {"@id": f"{base}{DCAT_PATH}#herausgeber", "@type": "foaf:Agent", "foaf:name": publisher_name}
    lic = _ref(licence_iri(s.legal.licence.url)) if s.legal else None
    distributions = []
    for name, title, kind, media in files(plan, application_files):
        dist: dict[str, Any] = {
            "@id": f"{base}{DCAT_PATH}#{name}",
            "@type": "dcat:Distribution",
            "dct:title": _de(title),
            "dcat:accessURL": _ref(base + name),
            "dcat:downloadURL": _ref(base + name),
            "dcat:mediaType": _ref(f"https://www.iana.org/assignments/media-types/{media}"),
        }
        if kind in _FILE_TYPES:
            dist["dct:format"] = _ref(f"{_EU}file-type/{_FILE_TYPES[kind]}")
        if lic:
            dist["dct:license"] = lic
        distributions.append(dist)
    start = min(ph.start for ph in s.phases)
    end = max(ph.end for ph in s.phases)
    dataset: dict[str, Any] = {
        "@id": f"{base}{DCAT_PATH}#daten",
        "@type": "dcat:Dataset",
        "dct:title": _de(f"{s.title}: offene Daten"),
        "dct:description": _de(
            f"Maßnahmen, Kosten, Finanzierung, Indikatoren und Sachstand der Strategie „{s.title}“ "
            f"({s.region.name}, {s.region.state}), Version {s.version}, als CSV, JSON und Excel."
        ),
        "dct:publisher": _ref(publisher["@id"]),
        "dct:identifier": f"{base}{DCAT_PATH}#daten" if base else f"rek:{s.short_title}:{s.version}",
        "dct:modified": {"@value": plan.today.isoformat(), "@type": "xsd:date"},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": start.isoformat(), "@type": "xsd:date"},
            "dcat:endDate": {"@value": end.isoformat(), "@type": "xsd:date"},
        },
        "dct:language": _ref(f"{_EU}language/DEU"),
        "dcat:theme": [_ref(f"{_EU}data-theme/GOVE"), _ref(f"{_EU}data-theme/REGI")],
        "dcat:keyword": [_de(k) for k in ("Smart City", "Digitalisierung", "Strategie", s.region.name)],
        "dcat:distribution": distributions,
    }
    if site_url:
        dataset["dcat:landingPage"] = _ref(site_url.rstrip("/") + "/downloads/")
    if lic:
        dataset["dct:license"] = lic
    if s.legal and s.legal.publisher.email and is_email(s.legal.publisher.email):
        dataset["dcat:contactPoint"] = {
            "@type": "vcard:Kind",
            "vcard:fn": publisher_name,
            "vcard:hasEmail": _ref(f"mailto:{s.legal.publisher.email}"),
        }
    return {
        "@context": CONTEXT,
        "@graph": [
            {
                "@id": f"{base}{DCAT_PATH}#katalog",
                "@type": "dcat:Catalog",
                "dct:title": _de(f"{s.title}: Datenkatalog"),
                "dct:description": _de(
                    f"Die offenen Daten der Strategie „{s.title}“, beschrieben nach DCAT-AP.de."
                ),
                "dct:publisher": _ref(publisher["@id"]),
                "dcat:dataset": _ref(dataset["@id"]),
                **({"foaf:homepage": _ref(site_url)} if site_url else {}),
            },
            dataset,
            publisher,
        ],
    }


def dcat_jsonld(plan: Plan, application_files: list[dict[str, str]]) -> str:
    return json.dumps(catalogue(plan, application_files), ensure_ascii=False, indent=2) + "\n"


def schema_org(plan: Plan, application_files: list[dict[str, str]]) -> dict[str, Any]:
    """The schema.org Dataset of the downloads page (JSON-LD), from the same description."""
    p = plan.project
    s = p.strategy
    site_url = p.site.site_url
    base = (site_url.rstrip("/") + "/downloads/") if site_url else ""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{s.title}: offene Daten",
        "description": (
            f"Maßnahmen, Kosten, Finanzierung, Indikatoren und Sachstand der Strategie „{s.title}“ "
            f"({s.region.name}, {s.region.state}), Version {s.version}."
        ),
        "inLanguage": "de",
        "version": s.version,
        "dateModified": plan.today.isoformat(),
        "spatialCoverage": f"{s.region.name}, {s.region.state}",
        "creator": {"@type": "Organization", "name": s.legal.publisher.name if s.legal else s.title},
        "distribution": [
            {"@type": "DataDownload", "name": title, "encodingFormat": media, "contentUrl": base + name}
            for name, title, _kind, media in files(plan, application_files)
        ],
    }
    if s.legal:
        data["license"] = s.legal.licence.url
    if site_url:
        data["url"] = site_url.rstrip("/") + "/downloads/"
    return data


def json_ld_script(data: dict[str, Any]) -> str:
    """A <script type="application/ld+json"> element: data, not code. '<', '>' and '&' are written as
    JSON escapes, so no text of the strategy can close the element or open another one."""
    body = json.dumps(data, ensure_ascii=False, indent=None)
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{body}</script>'
