"""Safe by construction: one parser defines what a text is; every built site passes the safety scan.

- The safety scan itself (tests/safety.py) finds what it must find.
- Every built site is scanned: embedded, minimal, and each hostile fixture that builds (test_hardening).
- Property tests generate texts from a grammar of Markdown constructs, hostile ones included: either
  ``rek check`` refuses with path:line:col, or the re-emitted Markdown is accepted by the check itself,
  reads back to the same Markdown (what the engines read is what the check saw), renders in MkDocs'
  Markdown to HTML that passes the scan, and a whole ``rek build`` passes it too.

REK_FUZZ_EXAMPLES=2000 explores more locally (CI runs a fixed, modest set).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import INIT_TEMPLATE
from rek import markup
from rek.project import load_project
from safety import scan_office, scan_page, scan_site

EXAMPLES = int(os.environ.get("REK_FUZZ_EXAMPLES", "150"))
FAST = settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("CI") == "true",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SLOW = settings(
    max_examples=max(4, EXAMPLES // 30),
    derandomize=os.environ.get("CI") == "true",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# --- the scan finds what it must ----------------------------------------------------------------------

BAD_HTML = {
    "onerror": '<img src="x.png" onerror="alert(1)">',
    "onclick-upper": '<a href="#" ONCLICK="x()">a</a>',
    "javascript-href": '<a href="javascript:alert(1)">a</a>',
    "javascript-entity": '<a href="jav&#x09;ascript:alert(1)">a</a>',
    "data-src": '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    "vbscript": '<a href="vbscript:msgbox(1)">a</a>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "foreign-script": '<script src="https://evil.example/x.js"></script>',
    "protocol-relative-script": '<script src="//evil.example/x.js"></script>',
    "script-outside-assets": '<script src="../downloads/x.js"></script>',
    "inline-script": "<script>alert(1)</script>",
    "foreign-stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "foreign-image": '<img src="https://evil.example/pixel.gif" alt="">',
    "iframe": '<iframe src="../x.html"></iframe>',
    "base": '<base href="https://evil.example/">',
    "form-post": '<form action="https://evil.example" method="post"></form>',
    "css-url": '<p style="background:url(https://evil.example/x.png)">x</p>',
    "style-import": "<style>@import 'https://evil.example/x.css';</style>",
}


@pytest.mark.parametrize("name", list(BAD_HTML))
def test_safety_scan_finds_hostile_markup(name: str) -> None:
    assert scan_page("massnahme/M01/index.html", BAD_HTML[name]) != []


def test_safety_scan_accepts_theme_and_rek_assets() -> None:
    page = (
        '<link rel="stylesheet" href="../../assets/stylesheets/main.css">'
        '<link rel="stylesheet" href="../../assets/rek/rek.css">'
        '<script src="../../assets/javascripts/bundle.js"></script>'
        '<a href="https://example.org/">extern</a><img src="../../assets/charts/x.svg" alt="">'
        '<form class="md-search__form" name="search"></form>'
    )
    assert scan_page("massnahme/M01/index.html", page) == []


@pytest.mark.documents
def test_embedded_site_passes_the_safety_scan(built_embedded: Path) -> None:
    assert scan_site(built_embedded / "site") == []
    assert scan_office(built_embedded) == []  # the application, its drafts and the cost plan too


@pytest.mark.documents
def test_minimal_site_passes_the_safety_scan(minimal: Path, tmp_path: Path) -> None:
    from rek.build import build

    project, diags = load_project(minimal)
    assert project is not None, [d.format() for d in diags.items]
    build(project, tmp_path / "out", application=False)
    assert scan_site(tmp_path / "out" / "site") == []


# --- a grammar of Markdown, hostile constructs included ----------------------------------------------

URLS = [
    "https://example.org/a_(b)?x=1&y=2#z",
    "http://example.org",
    "mailto:info@example.org",
    "../massnahme/M01.md",
    "#anker",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java&#115;cript:alert(1)",
    "java%73cript:alert(1)",
    "&#106;avascript:alert(1)",
    "&amp;#106;avascript:alert(1)",
    " javascript:alert(1)",
    "<javascript:alert(1)>",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "file:///etc/passwd",
    "assets/bild.png",
    "/dev/zero",
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/){:onclick=alert(1)}",
    "<https://example.org/a b>",
]
WORDS = [
    "Text", "Bürger", "z. B.", "1.", "a)", "A.", "iv.", "-", "+", "#", "*", "_", "`", "``", "\\", "|", "<",
    ">", "&", "&lt;", "&amp;", "&#60;script&#62;", "!", "[", "]", "(", ")", "{", "}", ":", "::: warnung",
    "@zitat", "%", "$x$", "~", "^", "=", '"', "'", "{{ 7*7 }}", "{% raw %}", "\\(x\\)", "---", "***",
    "!!! note", "[TOC]", "\u00a0", "e.org", "<b>", "</b>",
]  # fmt: skip
RAW = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "< script >",
    "<!-- x -->",
    "<a href='javascript:x'>a</a>",
    "`<b>`{=html}",
    '{: onclick="alert(1)" }',
    "{ onerror=alert(1) }",
    "[x]{.klasse onclick=y}",
    "^[Fußnote]",
    "[@zitat]",
    "<div markdown>x</div>",
    "<svg/onload=alert(1)>",
]

word = st.sampled_from(WORDS) | st.text(alphabet="abcäß XYZ09.,;", min_size=1, max_size=8)
url = st.sampled_from(URLS)


@st.composite
def inline(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 9))
        text = " ".join(draw(st.lists(word, min_size=1, max_size=3)))
        if kind == 0:
            parts.append(f"*{text}*")
        elif kind == 1:
            parts.append(f"**{text}**")
        elif kind == 2:
            parts.append(f"`{text}`")
        elif kind == 3:
            parts.append(f"[{text}]({draw(url)})")
        elif kind == 4:
            parts.append(f"![{text}]({draw(url)})")
        elif kind == 5:
            parts.append(f"<{draw(url)}>")
        elif kind == 6:
            parts.append(draw(st.sampled_from(RAW)))
        else:
            parts.append(text)
    return draw(st.sampled_from([" ", "", "\n", "  \n"])).join(parts)


@st.composite
def block(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 12))
    line = draw(inline())
    if kind == 0:
        return "#" * draw(st.integers(1, 7)) + " " + line
    if kind == 1:
        return "\n".join(f"- {draw(inline())}" for _ in range(draw(st.integers(1, 3))))
    if kind == 2:
        return "\n".join(f"{i + 1}. {draw(inline())}" for i in range(draw(st.integers(1, 3))))
    if kind == 3:
        return "> " + line
    if kind == 4:
        cells = [draw(inline()).replace("\n", " ") for _ in range(2)]
        return f"| a | b |\n| --- | ---: |\n| {cells[0]} | {cells[1]} |"
    if kind == 5:
        return f"```{draw(st.sampled_from(['', 'python', '{=html}', '{=typst}']))}\n{line}\n```"
    if kind == 6:
        return "    " + line
    if kind == 7:
        return f"[ziel]: {draw(url)}\n\n[Link][ziel]"
    if kind == 8:
        return f"- Liste\n\n  > [ref]: {draw(url)}"
    if kind == 9:
        return "---\ntitle: x\nheader-includes: '#eval(\"1\")'\n---"
    if kind == 10:
        return f"{line}\n===="
    if kind == 11:
        return draw(st.sampled_from(RAW))
    return line


texts = st.lists(block(), min_size=1, max_size=4).map("\n\n".join)

MKDOCS_EXTENSIONS = ["tables", "admonition", "md_in_html", "toc", "pymdownx.escapeall"]
MKDOCS_CONFIG = {"pymdownx.escapeall": {"hardbreak": False, "nbsp": False}, "toc": {"permalink": False}}


def mkdocs_html(text: str) -> str:
    return markdown.markdown(text, extensions=MKDOCS_EXTENSIONS, extension_configs=MKDOCS_CONFIG)


@FAST
@given(texts)
@example("[x](java&#115;cript:alert(1))")
@example("Siehe [hier][ziel].\n\n> [ziel]: javascript:alert(1)")
@example("- a\n\n  [ziel]: <java\nscript:x>")
@example("\\<img src=x onerror=alert(1)\\>")
@example("# Titel \\<script\\>")
@example("z. B. etwas\n\n1) x\n\na) y\n\n(@) z\n\n% Titel\n\n::: div")
def test_texts_are_refused_precisely_or_re_emitted_safely(text: str) -> None:
    problems = markup.problems(text)
    assert problems == markup.full_problems(text)  # the shortcut for plain texts never hides a problem
    lines = text.split("\n")
    if problems:
        for problem in problems:
            assert 0 <= problem.line < len(lines), problem
            assert problem.message
        return
    emitted = markup.render(text, 1)
    assert markup.problems(emitted) == [], emitted  # the check accepts what the engines get
    assert markup.render(emitted, 0) == emitted  # and it reads back to itself: nothing hidden
    assert scan_page("massnahme/M01/index.html", mkdocs_html(emitted)) == [], emitted
    assert "<script" not in mkdocs_html(emitted).lower()


def _with_description(project: Path, text: str) -> int:
    """Put text into M01's description; return the line of 'description:'."""
    path = project / "measures" / "M01.yaml"
    base = path.read_text(encoding="utf-8")
    indented = "\n".join(("  " + ln) if ln else "" for ln in text.split("\n"))
    new = re.sub(
        r"^description: \|\n(  .*\n)+", lambda _: f"description: |\n{indented}\n", base, count=1, flags=re.M
    )
    path.write_text(new, encoding="utf-8")
    return new[: new.index("description: |")].count("\n") + 1


@pytest.mark.documents
@SLOW
@given(text=texts)
@example(text="[hier](java&#115;cript:alert(1)) und *ok*")
@example(text="Text mit \\<b\\> und [Link](https://example.org/a_(b)) | Pipe")
def test_check_refuses_or_build_is_safe(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    from rek.build import build

    work = tmp_path_factory.mktemp("fuzz")
    project = work / "region"
    shutil.copytree(INIT_TEMPLATE, project)
    first = _with_description(project, text)
    (project / "content" / "seite.md").write_text("# Seite\n\n" + text + "\n", encoding="utf-8")
    loaded, diags = load_project(project)
    if loaded is None:
        assert diags.errors
        for d in diags.errors:
            if d.path.endswith("M01.yaml"):
                assert d.line >= first, d.format()
            else:
                assert d.path.endswith("seite.md") and d.line >= 3, d.format()
        return
    build(loaded, work / "out", application=False)
    assert scan_site(work / "out" / "site") == []
