"""Word and Excel packages as data: what a reference.docx may give, and what no package rek writes may hold.

A project's ``templates/application/reference.docx`` (and ``reference-short.docx``) is a contributor
file, so untrusted. Pandoc copies much of a reference document into every DOCX it writes: settings
with their relationships (an ``attachedTemplate`` on a server Word fetches on opening), headers and
footers with their relationships (linked images, fields such as ``INCLUDEPICTURE "http://…"``),
``docProps/app.xml`` (a ``HyperlinkBase``). So rek never hands Pandoc the project's file: it checks it
(:func:`check_reference`, refusing what Word would fetch or run) and rebuilds a fresh package from an
allow-list of parts (:func:`clean_reference`): styles, numbering, fonts, theme, settings without
references, page setup (the ``sectPr``), and headers and footers with their text, embedded PNG/JPEG
images and web links.

:func:`package_findings` is the same inspection for any OOXML package (DOCX, XLSX): external targets
other than web links, ``attachedTemplate``, fields and formulas that fetch, macros, OLE, ActiveX,
``altChunk``. The tests run it on every package rek writes.

XML is parsed with the standard library after refusing any ``<!DOCTYPE`` (no DTDs, no entities);
the ZIP is bounded in members and unpacked size before anything is read.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from xml.dom import minidom
from xml.etree import ElementTree as ET

from .diagnostics import Diagnostics

MAX_MEMBERS = 300
MAX_MEMBER_BYTES = 20 * 1024**2
MAX_TOTAL_BYTES = 64 * 1024**2
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the time stamp of every part of a rebuilt package

R_NS = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."

# field instructions that make Word read a file, a URL or another program
FETCH_FIELDS = {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO", "DATABASE"}
# spreadsheet functions that fetch or run something; DDE as app|topic!item
FETCH_FORMULA = re.compile(
    r"\b(WEBSERVICE|FILTERXML|RTD|CALL|REGISTER(?:\.ID)?|EXEC)\s*\(|[A-Za-z0-9_.]+\|'?[^!|]*'?!", re.I
)
LINK_SCHEMES = ("http://", "https://", "mailto:")
# elements by local name (any namespace): what Word or Excel would run or embed
ACTIVE_ELEMENTS = {
    "object": "OLE-Objekt",
    "OLEObject": "OLE-Objekt",
    "oleObject": "OLE-Objekt",
    "oleLink": "OLE-Verknüpfung",
    "ddeLink": "DDE-Verknüpfung",
    "externalBook": "Verknüpfung mit einer anderen Arbeitsmappe",
    "control": "ActiveX-Steuerelement",
    "ocx": "ActiveX-Steuerelement",
    "altChunk": "altChunk (eingebettetes Fremddokument)",
    "subDoc": "Filialdokument (subDoc)",
    "attachedTemplate": "angehängte Dokumentvorlage (attachedTemplate)",
}
# relationship types (last segment) that are hostile even inside the package
ACTIVE_RELATIONS = {
    "vbaProject": "Makros",
    "oleObject": "OLE-Objekt",
    "package": "eingebettetes Paket (OLE)",
    "control": "ActiveX-Steuerelement",
    "activeXControl": "ActiveX-Steuerelement",
    "activeXControlBinary": "ActiveX-Steuerelement",
    "aFChunk": "altChunk (eingebettetes Fremddokument)",
    "attachedTemplate": "angehängte Dokumentvorlage (attachedTemplate)",
    "subDocument": "Filialdokument (subDoc)",
    "externalLink": "Verknüpfung mit einer anderen Arbeitsmappe",
    "externalLinkPath": "Verknüpfung mit einer anderen Arbeitsmappe",
    "frame": "Frame mit fremdem Inhalt",
    "mailMergeSource": "Seriendruck-Datenquelle",
    "mailMergeHeaderSource": "Seriendruck-Datenquelle",
    "transform": "XSLT-Transformation",
}


class PackageError(Exception):
    """The file is not a package rek reads (message in German, without the file name)."""


@dataclass(frozen=True)
class Finding:
    part: str
    what: str

    def __str__(self) -> str:
        return f"{self.what} ({self.part})"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


# --- reading, bounded ------------------------------------------------------------------------------


def read_package(data: bytes) -> dict[str, bytes]:
    """Every part of the ZIP package (name -> bytes), bounded in count and unpacked size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PackageError(f"ist kein gültiges ZIP-Paket ({exc})") from None
    files = [i for i in infos if not i.is_dir()]
    if len(infos) > MAX_MEMBERS:
        raise PackageError(f"enthält {len(infos)} Teile, höchstens {MAX_MEMBERS} sind erlaubt")
    parts: dict[str, bytes] = {}
    seen: set[str] = set()
    total = 0
    for info in files:
        name = info.filename
        if name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or "\x00" in name:
            raise PackageError(f"enthält einen ungültigen Teilnamen {name!r}")
        if name.lower() in seen:
            raise PackageError(f"enthält den Teil {name!r} mehrfach")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise PackageError(f"enthält einen verschlüsselten Teil ({name})")
        limit = min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - total)
        if info.file_size <= limit:
            try:
                with archive.open(info) as handle:  # the header's size may lie: read at most the limit
                    body = handle.read(limit + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
                raise PackageError(f"Teil {name} kann nicht entpackt werden ({exc})") from None
        if info.file_size > limit or len(body) > limit:
            if limit < MAX_MEMBER_BYTES:
                raise PackageError(f"ist entpackt größer als {MAX_TOTAL_BYTES // 1024**2} MB (ZIP-Bombe?)")
            raise PackageError(
                f"enthält den Teil {name}, entpackt größer als {MAX_MEMBER_BYTES // 1024**2} MB (ZIP-Bombe?)"
            )
        total += len(body)
        parts[name] = body
    return parts


def _xml_text(part: str, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PackageError("XML nicht in UTF-8") from None
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.I):
        raise PackageError("DTD (<!DOCTYPE): rek liest keine DTDs und Entitäten")
    return text


def parse_xml(part: str, raw: bytes) -> ET.Element:
    """The part's XML root: UTF-8 only, no DTD (so no entities), else a PackageError."""
    text = _xml_text(part, raw)
    try:
        return ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise PackageError(f"ungültiges XML ({exc})") from None


# --- inspecting ------------------------------------------------------------------------------------


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml"))


def _relationships(part: str, root: ET.Element) -> list[tuple[str, str, str, bool]]:
    """(id, type's last segment, target, external) of every relationship of a .rels part."""
    rels = []
    for rel in root:
        if _local(rel.tag) != "Relationship":
            continue
        kind = (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
        external = (rel.get("TargetMode") or "").lower() == "external"
        rels.append((rel.get("Id") or "", kind, rel.get("Target") or "", external))
    return rels


def _url_like(value: str) -> bool:
    plain = re.sub(r"[\x00-\x20]", "", value).lower()
    return bool(re.match(r"^[a-z][a-z0-9+.-]+:", plain)) or plain.startswith(("//", "\\\\", "/\\", "\\/"))


def _fields(root: ET.Element) -> list[str]:
    """The instruction of every field: simple fields and complex ones (instrText between fldChars)."""
    found: list[str] = []
    stack: list[list[str] | None] = []
    for element in root.iter():
        name = _local(element.tag)
        if name == "fldSimple":
            found.append(next((v for k, v in element.attrib.items() if _local(k) == "instr"), ""))
        elif name == "fldChar":
            kind = next((v for k, v in element.attrib.items() if _local(k) == "fldCharType"), "")
            if kind == "begin":
                stack.append([])
            elif kind in ("separate", "end") and stack:
                if stack[-1] is not None:
                    found.append("".join(stack[-1]))
                    stack[-1] = None
                if kind == "end":
                    stack.pop()
        elif name in ("instrText", "delInstrText"):
            if stack and stack[-1] is not None:
                stack[-1].append(element.text or "")
            else:
                found.append(element.text or "")  # an instruction outside fldChars: judge it alone
    found += ["".join(rest) for rest in stack if rest]
    return found


def _field_name(instruction: str) -> str:
    words = instruction.strip().lstrip("\\").split()
    return words[0].upper().strip('"') if words else ""


def part_findings(name: str, root: ET.Element) -> list[Finding]:
    """What Word or Excel would fetch, run or embed, in one XML part."""
    findings: list[Finding] = []
    if name.endswith(".rels"):
        for _id, kind, target, external in _relationships(name, root):
            if external:
                if kind == "hyperlink" and target.strip().lower().startswith(LINK_SCHEMES):
                    continue  # a web link: Word opens it when clicked, loads nothing
                findings.append(Finding(name, f"externer Verweis {kind} → {target[:200]}"))
            elif kind in ACTIVE_RELATIONS:
                findings.append(Finding(name, f"{ACTIVE_RELATIONS[kind]} (Verweis {kind})"))
        return findings
    if _local(root.tag) == "Types":
        for element in root:
            content_type = (element.get("ContentType") or "").lower()
            if "macroenabled" in content_type or "vba" in content_type:
                findings.append(Finding(name, f"Makros ({element.get('ContentType')})"))
            elif "oleobject" in content_type or "activex" in content_type:
                findings.append(Finding(name, f"OLE-Objekt oder ActiveX ({element.get('ContentType')})"))
        return findings
    for element in root.iter():
        local = _local(element.tag)
        if local in ACTIVE_ELEMENTS:
            findings.append(Finding(name, ACTIVE_ELEMENTS[local]))
        if local == "HyperlinkBase" and (base := (element.text or "").strip()):
            findings.append(Finding(name, f"Basisadresse für Links (HyperlinkBase) {base[:200]}"))
        if local == "f" and element.text and FETCH_FORMULA.search(element.text):
            findings.append(Finding(name, f"Formel, die Daten nachlädt oder ausführt: {element.text[:200]}"))
        for key, value in element.attrib.items():
            attr = _local(key)
            if _ns(key) in R_NS and attr == "link":
                findings.append(Finding(name, "verknüpftes Bild (r:link)"))
            elif attr in ("href", "src") and _url_like(value):
                findings.append(Finding(name, f"verknüpfte Adresse {value[:200]}"))
    for instruction in _fields(root):
        field = _field_name(instruction)
        if field in FETCH_FIELDS:
            findings.append(Finding(name, f"Feldfunktion {field}, die Inhalte nachlädt"))
    return findings


def package_findings(parts: dict[str, bytes]) -> list[Finding]:
    """Everything in a package that Word or Excel would fetch from elsewhere, run or embed."""
    findings: list[Finding] = []
    for name, raw in parts.items():
        lower = name.lower()
        if lower.endswith("vbaproject.bin") or lower.endswith("vbadata.xml") or "/vba" in lower:
            findings.append(Finding(name, "Makros"))
            continue
        if "/embeddings/" in lower or lower.endswith(".bin"):
            findings.append(Finding(name, "eingebettetes Objekt (OLE)"))
            continue
        if "/activex/" in lower:
            findings.append(Finding(name, "ActiveX-Steuerelement"))
            continue
        if not _is_xml(lower):
            continue
        try:
            root = parse_xml(name, raw)
        except PackageError as exc:
            findings.append(Finding(name, str(exc)))
            continue
        findings += part_findings(name, root)
    unique: list[Finding] = []
    for finding in findings:
        if finding not in unique:
            unique.append(finding)
    return unique


def inspect_file(path: Path) -> list[str]:
    """The findings of a DOCX/XLSX file rek wrote, as text (empty: nothing fetches, runs or embeds)."""
    try:
        parts = read_package(path.read_bytes())
    except PackageError as exc:
        return [str(exc)]
    return [str(finding) for finding in package_findings(parts)]


# --- the reference document -------------------------------------------------------------------------

REFUSAL = "Word-Vorlage enthält, was Word beim Öffnen nachladen oder ausführen würde: "
HINT = (
    "rek übernimmt aus der Vorlage nur Formatvorlagen, Nummerierung, Schriften, Farbschema, Seitenränder "
    "sowie Kopf- und Fußzeilen mit Text, eingebetteten PNG-/JPEG-Bildern und Weblinks. Speichern Sie eine "
    "Vorlage ohne diese Teile, am besten ausgehend von rek's eigener reference.docx."
)
SHOWN = 8


def reference_problems(data: bytes) -> list[str]:
    """Why rek refuses this reference document (empty: it may be used, cleaned)."""
    try:
        parts = read_package(data)
    except PackageError as exc:
        return [f"Word-Vorlage {exc}"]
    if "word/document.xml" not in parts or "word/styles.xml" not in parts:
        return ["Ist keine Word-Datei (DOCX): word/document.xml oder word/styles.xml fehlt"]
    findings = package_findings(parts)
    if not findings:
        return []
    listed = "; ".join(str(f) for f in findings[:SHOWN])
    more = f"; … und {len(findings) - SHOWN} weitere" if len(findings) > SHOWN else ""
    return [REFUSAL + listed + more]


def check_reference(data: bytes, display: str, diags: Diagnostics) -> bool:
    """Add an error at ``display`` if the reference document is refused; True if it may be used."""
    problems = reference_problems(data)
    for problem in problems:
        diags.add(display, 1, 1, problem, hint=HINT if problem.startswith(REFUSAL) else None)
    return not problems


# parts Pandoc needs from a reference document (taken from rek's own when the project's lacks them)
REQUIRED = ("word/webSettings.xml", "word/fontTable.xml", "word/theme/theme1.xml", "word/settings.xml")
COPIED = {  # part -> (relationship type of word/document.xml, content type)
    "word/styles.xml": ("styles", CT + "styles+xml"),
    "word/numbering.xml": ("numbering", CT + "numbering+xml"),
    "word/settings.xml": ("settings", CT + "settings+xml"),
    "word/webSettings.xml": ("webSettings", CT + "webSettings+xml"),
    "word/fontTable.xml": ("fontTable", CT + "fontTable+xml"),
    "word/theme/theme1.xml": ("theme", "application/vnd.openxmlformats-officedocument.theme+xml"),
}
# settings that point elsewhere or make Word update the document from another file
SETTINGS_DROPPED = {
    "attachedTemplate", "mailMerge", "saveThroughXslt", "attachedSchema", "linkStyles", "docVars",
    "alwaysMergeEmptyNamespace", "saveXmlDataOnly", "useXSLTWhenSaving", "showXMLTags",
}  # fmt: skip
IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>rek</Application><DocSecurity>0</DocSecurity></Properties>"
)


def _dom(part: str, raw: bytes) -> minidom.Document:
    """A DOM of the part that keeps prefixes and namespace declarations as written (Word needs them)."""
    text = _xml_text(part, raw)
    try:
        return minidom.parseString(text.encode("utf-8"))
    except Exception as exc:  # expat errors
        raise PackageError(f"ungültiges XML ({exc})") from None


def _r_attributes(element: minidom.Element) -> list[str]:
    return [attribute.value for attribute in element.attributes.values() if attribute.namespaceURI in R_NS]


def _prune(
    part: str, raw: bytes, *, keep_ids: AbstractSet[str] = frozenset(), drop: AbstractSet[str] = frozenset()
) -> bytes:
    """The part without elements that refer to relationships not kept, or whose local name is in drop.

    Unchanged parts keep their bytes, so rek's own reference documents pass through as they are.
    """
    document = _dom(part, raw)
    doomed = []
    for element in document.getElementsByTagName("*"):
        local = element.localName or element.tagName.rsplit(":", 1)[-1]
        if local in drop or any(value not in keep_ids for value in _r_attributes(element)):
            doomed.append(element)
    if not doomed:
        return raw
    for element in doomed:
        if element.parentNode is not None:
            element.parentNode.removeChild(element)
    return document.toxml(encoding="UTF-8")


def _document_xml(raw: bytes, keep_ids: set[str]) -> bytes:
    """word/document.xml with an empty body but the reference's page setup (its last sectPr)."""
    document = _dom("word/document.xml", raw)
    root = document.documentElement
    assert root is not None  # a parsed document has its root element (else minidom raised)
    body = next((n for n in root.childNodes if getattr(n, "localName", None) == "body"), None)
    if body is None:
        raise PackageError("word/document.xml hat keinen Textkörper (w:body)")
    elements = [n for n in body.childNodes if isinstance(n, minidom.Element)]
    section = elements[-1] if elements and elements[-1].localName == "sectPr" else None
    for node in list(root.childNodes):
        root.removeChild(node)
    prefix = body.prefix + ":" if body.prefix else ""
    new_body = document.createElementNS(body.namespaceURI, prefix + "body")
    root.appendChild(new_body)
    if section is not None:
        for element in list(section.getElementsByTagName("*")):
            if any(value not in keep_ids for value in _r_attributes(element)) and element.parentNode:
                element.parentNode.removeChild(element)
        new_body.appendChild(section)
    return document.toxml(encoding="UTF-8")


def _rels(relations: list[tuple[str, str, str, bool]]) -> bytes:
    rows = "".join(
        f'<Relationship Id="{_attr(rid)}" Type="{REL}{kind}" Target="{_attr(target)}"'
        + (' TargetMode="External"' if external else "")
        + "/>"
        for rid, kind, target, external in relations
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_RELS}">{rows}'
        "</Relationships>"
    ).encode()


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _resolve(folder: str, target: str) -> str | None:
    """The part a relationship target of a part in ``folder`` points to, or None if it leaves word/."""
    joined = posixpath.normpath(
        target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    )
    return joined if joined.startswith("word/") else None


def clean_reference(data: bytes, fallback: bytes | None = None) -> bytes:
    """A fresh reference document with only what styles a document (refused packages raise PackageError)."""
    problems = reference_problems(data)
    if problems:
        raise PackageError("; ".join(problems))
    parts = read_package(data)
    spare = read_package(fallback) if fallback is not None else {}
    out: dict[str, bytes] = {}
    content_types: dict[str, str] = {}
    relations: list[tuple[str, str, str, bool]] = []
    for number, (part, (kind, content_type)) in enumerate(COPIED.items(), start=1):
        raw = parts.get(part)
        if raw is None and part in REQUIRED:
            raw = spare.get(part)
        if raw is None:
            continue
        drop = SETTINGS_DROPPED if part == "word/settings.xml" else set()
        out[part] = _prune(part, raw, drop=drop)
        content_types[part] = content_type
        relations.append((f"rId{number}", kind, part.removeprefix("word/"), False))
    # headers and footers of the page setup, with their embedded images and web links only
    document_rels = parse_xml(
        "word/_rels/document.xml.rels", parts.get("word/_rels/document.xml.rels", b"<r/>")
    )
    kept: set[str] = set()
    media = 0
    for rid, kind, target, external in _relationships("document.xml.rels", document_rels):
        if kind not in ("header", "footer") or external:
            continue
        resolved = _resolve("word", target)
        if resolved is None or resolved not in parts or resolved in out:
            continue
        part = resolved
        rels_name = f"word/_rels/{part.removeprefix('word/')}.rels"
        own: list[tuple[str, str, str, bool]] = []
        if rels_name in parts:
            for sub_id, sub_kind, sub_target, sub_external in _relationships(
                rels_name, parse_xml(rels_name, parts[rels_name])
            ):
                if sub_kind == "hyperlink" and sub_external:
                    own.append((sub_id, sub_kind, sub_target, True))
                    continue
                image = (
                    _resolve(posixpath.dirname(part), sub_target)
                    if sub_kind == "image" and not sub_external
                    else None
                )
                body = parts.get(image) if image else None
                extension = next(
                    (ext for magic, ext in IMAGE_MAGIC.items() if body and body.startswith(magic)), None
                )
                if body is not None and extension is not None:
                    media += 1
                    name = f"media/rek-kopf-{media}.{extension}"
                    out[f"word/{name}"] = body
                    own.append((sub_id, sub_kind, name, False))
        out[part] = _prune(part, parts[part], keep_ids={r[0] for r in own})
        if own:
            out[rels_name] = _rels(own)
        content_types[part] = CT + ("header+xml" if kind == "header" else "footer+xml")
        relations.append((rid, kind, part.removeprefix("word/"), False))
        kept.add(rid)
    out["word/document.xml"] = _document_xml(parts["word/document.xml"], kept)
    content_types["word/document.xml"] = CT + "document.main+xml"
    out["word/_rels/document.xml.rels"] = _rels(relations)
    out["docProps/app.xml"] = APP_XML.encode()
    content_types["docProps/app.xml"] = (
        "application/vnd.openxmlformats-officedocument.extended-properties+xml"
    )
    out["_rels/.rels"] = _rels(
        [
            ("rId1", "officeDocument", "word/document.xml", False),
            ("rId2", "extended-properties", "docProps/app.xml", False),
        ]
    )
    overrides = "".join(
        f'<Override PartName="/{_attr(part)}" ContentType="{content_type}"/>'
        for part, content_type in content_types.items()
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/>'
        f"{overrides}</Types>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        # a fixed time stamp on every part (not the time of writing): Pandoc keeps the parts' times, and
        # the same sources must give the same DOCX
        files: dict[str, str | bytes] = {"[Content_Types].xml": types, **out}
        for part, content in files.items():
            package.writestr(zipfile.ZipInfo(part, date_time=ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
