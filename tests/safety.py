"""The whole-site safety scan: what no built site may contain, whatever the strategy text says.

Every HTML file is parsed (html.parser, entities decoded as a browser does) and these are findings:
an event-handler attribute (on…); a javascript:, data: or vbscript: URL in any attribute; a meta
refresh; a base, iframe, object, embed or frame element, or a form that sends somewhere; a script or stylesheet that is not one
of rek's own (assets/rek/) or the theme's (assets/javascripts/, assets/stylesheets/); an inline script
that is not one of the theme's known ones; any resource (script, stylesheet, image, icon, media,
CSS url()) from another host. Links (<a href>) may go to other hosts: they load nothing.

Every DOCX and XLSX package (the site's downloads, the application, the drafts, the report) is opened
too (scan_office): an external target other than a web link, an attachedTemplate, a field or formula
that fetches, macros, OLE objects, ActiveX or altChunk is a finding (rek.refdoc).
"""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

SCRIPT_DIRS = ("assets/javascripts/", "assets/rek/")
STYLE_DIRS = ("assets/stylesheets/", "assets/rek/")
FORBIDDEN_TAGS = {"base", "iframe", "object", "embed", "frame", "frameset", "applet", "portal"}
URL_ATTRS = {
    "href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "data", "background",
    "cite", "longdesc", "manifest", "ping", "lowsrc", "dynsrc", "icon", "codebase", "archive",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "livescript:", "mocha:", "file:")
# Material's own inline scripts, with the page-relative path in them replaced by '…'
THEME_INLINE = {
    '__md_scope=new URL("…",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),'
    '__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),'
    '__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}',
    "var target=document.getElementById(location.hash.slice(1));target&&target.name&&"
    '(target.checked=target.name.startsWith("__tabbed_"))',
}
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]+)", re.IGNORECASE)


def _plain(url: str) -> str:
    return re.sub(r"[\x00-\x20\x7f]", "", url).lower()


def _other_host(url: str) -> bool:
    plain = _plain(url)
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", plain)) or plain.startswith(("//", "\\\\", "/\\"))


class _Scan(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page  # path of the page below the site root, e.g. 'massnahme/M01/index.html'
        self.findings: list[str] = []
        self.script: list[str] | None = None
        self.script_attrs: dict[str, str | None] = {}
        self.style: list[str] | None = None

    def _local(self, url: str) -> str | None:
        """The site path a relative URL points to, or None if it leaves the site."""
        path = url.split("#", 1)[0].split("?", 1)[0]
        base = "" if path.startswith("/") else posixpath.dirname(self.page)  # '/x': from the site root
        joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        return None if joined.startswith("..") or joined.startswith("/") else joined

    def add(self, what: str) -> None:
        self.findings.append(f"{self.page}: {what}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs}
        shown = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"[:200]
        if tag in FORBIDDEN_TAGS or (tag == "form" and ("action" in values or "method" in values)):
            self.add(f"element {shown}")  # the theme's search form has neither: it sends nothing
        for name, value in attrs:
            if name.startswith("on"):
                self.add(f"event handler {shown}")
            if value is None:
                continue
            if name in URL_ATTRS or name.endswith(":href"):
                for url in value.split(",") if name == "srcset" else [value]:
                    if _plain(url.strip()).startswith(BAD_SCHEMES):
                        self.add(f"script or data URL {shown}")
            if name == "style":
                for url in _CSS_URL.findall(value):
                    if _other_host(url) or _plain(url).startswith(BAD_SCHEMES):
                        self.add(f"CSS url() to another host {shown}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.add(f"meta refresh {shown}")
        if tag == "script":
            src = values.get("src")
            if src is not None:
                local = None if _other_host(src) else self._local(src)
                if local is None or not local.startswith(SCRIPT_DIRS):
                    self.add(f"script not from rek or the theme {shown}")
            self.script = []
            self.script_attrs = values
        if tag == "style":
            self.style = []
        if tag == "link":
            href = values.get("href") or ""
            rel = (values.get("rel") or "").lower().split()
            if _other_host(href) and rel and not set(rel) <= {"canonical", "alternate"}:
                self.add(f"resource from another host {shown}")
            if "stylesheet" in rel:
                local = None if _other_host(href) else self._local(href)
                if local is None or not local.startswith(STYLE_DIRS):
                    self.add(f"stylesheet not from rek or the theme {shown}")
        if tag in ("img", "source", "video", "audio", "track", "input", "image", "use", "picture"):
            for name in ("src", "srcset", "poster", "href", "xlink:href"):
                value = values.get(name)
                if value and any(_other_host(u.strip().split(" ")[0]) for u in value.split(",")):
                    self.add(f"resource from another host {shown}")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script.append(data)
        if self.style is not None:
            self.style.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            body = "".join(self.script).strip()
            self.script = None
            if self.script_attrs.get("src") is not None:
                if body:
                    self.add("script with both src and inline code")
                return
            if (self.script_attrs.get("type") or "") in ("application/json", "application/ld+json"):
                try:
                    json.loads(body)
                except ValueError:
                    self.add(f"inline JSON that is not JSON: {body[:80]!r}")
                return
            normal = re.sub(r'new URL\("[^"]*",location\)', 'new URL("…",location)', body)
            if normal not in THEME_INLINE:
                self.add(f"inline script not from the theme: {body[:120]!r}")
        if tag == "style" and self.style is not None:
            css = "".join(self.style)
            self.style = None
            if "@import" in css.lower() or any(_other_host(u) for u in _CSS_URL.findall(css)):
                self.add("style element loading from another host")


def scan_page(page: str, html_text: str) -> list[str]:
    scan = _Scan(page)
    scan.feed(html_text)
    scan.close()
    return scan.findings


def scan_site(site: Path) -> list[str]:
    """Every finding in every HTML page below site (empty: the site is safe by these rules)."""
    pages = sorted(site.rglob("*.html"))
    assert pages, f"no HTML pages in {site}"
    findings: list[str] = []
    for path in pages:
        findings += scan_page(path.relative_to(site).as_posix(), path.read_text(encoding="utf-8"))
    return findings + scan_office(site)


def office_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".docx", ".xlsx") and p.is_file())


def scan_office(folder: Path) -> list[str]:
    """Every finding in every DOCX and XLSX below folder: what Word or Excel would fetch, run or embed."""
    from rek.refdoc import inspect_file

    findings: list[str] = []
    for path in office_files(folder):
        findings += [f"{path.relative_to(folder).as_posix()}: {f}" for f in inspect_file(path)]
    return findings
