"""The DCAT-AP.de catalogue of the open data (downloads/dcat.jsonld) and the schema.org Dataset markup.

The catalogue is parsed with rdflib and validated with pyshacl against the DCAT-AP 3.0 shapes and the
DCAT-AP.de 3.0 shapes (tests/fixtures/dcat-ap-de/, copied from SEMIC and GovData). The shapes' controlled
vocabularies (EU authority tables, dcat-ap.de licences) are imported from the network by the official
validator; here the membership of exactly the concepts rek uses is stated in VOCABULARY instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

pytest.importorskip("rdflib")
pytest.importorskip("pyshacl")

import pyshacl  # noqa: E402
import rdflib  # noqa: E402

from rek.plan import resolve  # noqa: E402
from rek.project import require_project  # noqa: E402
from rek.site.dcat import dcat_jsonld, files, json_ld_script, schema_org  # noqa: E402

SHAPES = FIXTURES / "dcat-ap-de"
EU = "http://publications.europa.eu/resource/authority/"
VOCABULARY = {
    f"{EU}file-type": ["CSV", "JSON", "XLSX", "PDF", "DOCX"],
    f"{EU}data-theme": ["GOVE", "REGI"],
    f"{EU}language": ["DEU"],
}
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
ADDRESS = "https://region.example/downloads/dcat.jsonld"


def _vocabulary() -> rdflib.Graph:
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    g = rdflib.Graph()
    for scheme, codes in VOCABULARY.items():
        for code in codes:
            g.add((rdflib.URIRef(f"{scheme}/{code}"), skos.inScheme, rdflib.URIRef(scheme)))
    for key in ("cc-by/4.0", "cc-by-sa/4.0", "cc-zero", "dl-by-de/2.0", "dl-zero-de/2.0"):
        g.add((rdflib.URIRef(f"http://dcat-ap.de/def/licenses/{key}"), skos.inScheme,
               rdflib.URIRef("http://dcat-ap.de/def/licenses")))  # fmt: skip
    return g


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted(SHAPES.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def _graph(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format="json-ld", publicID=ADDRESS)


def _findings(data: rdflib.Graph, shapes: rdflib.Graph) -> list[str]:
    conforms, report, _text = pyshacl.validate(data + _vocabulary(), shacl_graph=shapes)
    found = [
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: {report.value(r, SH.resultMessage)}"
        for r in report.subjects(rdflib.RDF.type, SH.ValidationResult)
    ]
    assert conforms == (not found)
    return found


def test_catalogue_describes_every_download_and_meets_the_dcat_ap_de_shapes(shapes: rdflib.Graph) -> None:
    plan = resolve(require_project(ROOT))
    app = [{"name": "antrag.pdf", "label": "Antrag (PDF)", "format": "PDF", "path": "x"}]
    g = _graph(dcat_jsonld(plan, app))
    catalogs = list(g.subjects(rdflib.RDF.type, DCAT.Catalog))
    datasets = list(g.subjects(rdflib.RDF.type, DCAT.Dataset))
    assert len(catalogs) == 1 and len(datasets) == 1
    assert (catalogs[0], DCAT.dataset, datasets[0]) in g
    urls = sorted(str(u) for u in g.objects(None, DCAT.downloadURL))
    expected = sorted(f"https://region.example/downloads/{name}" for name, *_ in files(plan, app))
    assert urls == expected and "https://region.example/downloads/antrag.pdf" in urls
    assert "https://region.example/downloads/indikatoren.csv" in urls
    # the licence of the embedded example (CC BY 4.0) in the dcat-ap.de vocabulary, on every distribution
    licences = {str(x) for d in g.objects(datasets[0], DCAT.distribution) for x in g.objects(d, DCT.license)}
    assert licences == {"http://dcat-ap.de/def/licenses/cc-by/4.0"}
    assert _findings(g, shapes) == []


def test_shapes_do_find_a_catalogue_that_breaks_them(shapes: rdflib.Graph) -> None:
    """The validation can fail: a distribution without an address and without a licence is refused."""
    plan = resolve(require_project(ROOT))
    data = json.loads(dcat_jsonld(plan, []))
    dataset = next(x for x in data["@graph"] if x["@type"] == "dcat:Dataset")
    broken = dataset["dcat:distribution"][0]
    del broken["dcat:accessURL"], broken["dct:license"]
    found = _findings(_graph(json.dumps(data)), shapes)
    assert any("accessURL" in f for f in found), found
    assert any("license" in f for f in found), found


def test_catalogue_uses_absolute_addresses_with_a_site_url(embedded: Path) -> None:
    settings = embedded / "mkdocs.yml"
    text = settings.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^site_url:.*\n", "", text) + "site_url: https://smart.example.de/strategie/\n"
    settings.write_text(text, encoding="utf-8")
    plan = resolve(require_project(embedded))
    g = rdflib.Graph().parse(data=dcat_jsonld(plan, []), format="json-ld")
    urls = {str(u) for u in g.objects(None, DCAT.accessURL)}
    assert "https://smart.example.de/strategie/downloads/massnahmen.csv" in urls
    assert all(u.startswith("https://smart.example.de/strategie/downloads/") for u in urls)


def test_schema_org_markup_cannot_close_its_script_element() -> None:
    hostile = {"name": "</script><script>alert(1)</script>", "description": "a & b <!-- c"}
    element = json_ld_script(hostile)
    body = element.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == hostile


def test_schema_org_dataset_lists_the_downloads() -> None:
    plan = resolve(require_project(ROOT))
    data = schema_org(plan, [])
    assert data["@type"] == "Dataset" and data["inLanguage"] == "de"
    names = [d["contentUrl"] for d in data["distribution"]]
    assert "massnahmen.csv" in names and "dcat.jsonld" not in names
    assert data["license"].startswith("https://creativecommons.org/licenses/by/4.0")
