"""`rek cms`: the browser editor's configuration comes from the model, and the editor works on the files.

The first tests read the generated configuration; the browser test runs the admin page in Chromium against
a local git repository through Decap's own local backend (decap-server), edits a measure as an office
would, and hands the result to rek.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT
from rek.cmsconfig import NOT_IN_EDITOR, config, fields_by_path
from rek.model import ActionField, Measure, Strategy
from rek.yamlformat import canonical
from served import serving


def schema_paths(schema: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> set[str]:
    """Every property path of a JSON Schema (through $ref, lists and optional values)."""
    found: set[str] = set()
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    for option in schema.get("anyOf", []):
        found |= schema_paths(option, defs, prefix)
    if schema.get("type") == "array":
        found |= schema_paths(schema.get("items", {}), defs, prefix)
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        found.add(path)
        found |= schema_paths(prop, defs, path)
    return found


def collection_fields(settings: dict[str, Any], name: str) -> list[dict[str, Any]]:
    collection = next(c for c in settings["collections"] if c["name"] == name)
    return collection["fields"] if "fields" in collection else collection["files"][0]["fields"]


@pytest.mark.parametrize(
    ("model", "collection"),
    [(Measure, "massnahmen"), (ActionField, "handlungsfelder"), (Strategy, "strategie")],
)
def test_every_model_field_has_an_editor_field(model: Any, collection: str) -> None:
    schema = model.model_json_schema()
    wanted = schema_paths(schema, schema.get("$defs", {}))
    shown = fields_by_path(collection_fields(config(backend={"name": "gitlab"}), collection))
    skipped = {p for p in wanted if any(p == n or p.startswith(n + ".") for n in NOT_IN_EDITOR)}
    assert wanted - skipped - shown == set()
    assert shown <= wanted  # and no editor field the model does not know


def walk(fields: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in fields:
        yield item
        yield from walk(item.get("fields", []))
        if "field" in item:
            yield from walk([item["field"]])


def test_editor_fields_speak_german_and_check_what_rek_checks() -> None:
    settings = config(backend={"name": "gitlab"})
    measure = {f["name"]: f for f in collection_fields(settings, "massnahmen")}
    cost = {f["name"]: f for f in measure["costs"]["fields"]}
    # labels from the model's German titles, never pydantic's English ones
    english = {"Date", "Title", "Done", "Note", "Url", "Sources", "Example", "Id", "Kind", "Role"}
    every = [
        f
        for c in ("massnahmen", "handlungsfelder", "strategie")
        for f in walk(collection_fields(settings, c))
    ]
    assert not [f["label"] for f in every if f["label"] in english]
    assert measure["title"]["label"] == "Titel" and "required" not in measure["title"]
    assert measure["status"]["widget"] == "select"
    assert {o["label"] for o in measure["status"]["options"]} >= {"Geplant", "In Umsetzung", "Abgeschlossen"}
    assert measure["start"] | {"name": "", "label": ""} == {
        "name": "", "label": "", "widget": "datetime", "format": "YYYY-MM-DD", "date_format": "DD.MM.YYYY",
        "time_format": False, "picker_utc": True,
    }  # fmt: skip
    assert measure["id"]["pattern"][0] == "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
    assert measure["lead"]["widget"] == "relation" and measure["lead"]["value_field"] == "partners.*.id"
    assert measure["goals"]["multiple"] is True
    assert measure["action_field"]["collection"] == "handlungsfelder"
    assert cost["amount"]["widget"] == "number" and cost["amount"]["min"] == 0
    # relations point at collections (and files) that exist
    names = {c["name"]: c for c in settings["collections"]}
    for item in every:
        if item.get("widget") == "relation":
            assert item["collection"] in names
            if "file" in item:
                assert item["file"] in {f["name"] for f in names[item["collection"]]["files"]}


def test_backends_gitlab_with_pkce_and_github_through_a_proxy(run, embedded: Path) -> None:
    from rek.cms import backend_settings

    assert backend_settings("gitlab", "kreis/strategie", "main", "abc123", "https://gitlab.kreis.de/") == {
        "name": "gitlab", "repo": "kreis/strategie", "branch": "main", "auth_type": "pkce", "app_id": "abc123",
        "base_url": "https://gitlab.kreis.de", "auth_endpoint": "oauth/authorize",
        "api_root": "https://gitlab.kreis.de/api/v4",
    }  # fmt: skip
    assert backend_settings("github", "kreis/strategie", "main", None, "https://oauth.kreis.de") == {
        "name": "github", "repo": "kreis/strategie", "branch": "main", "base_url": "https://oauth.kreis.de",
    }  # fmt: skip
    refused = run("cms", "--repo", "kreis/strategie", cwd=embedded)
    assert refused.code == 1
    assert "Angabe fehlt: --app-id" in refused.err


# --- the editor in the browser ------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DECAP_SERVER = ROOT / ".cache" / "node" / "node_modules" / "decap-server" / "dist" / "index.js"
CACHE = ROOT / ".cache"


def _editor_tools_missing() -> str | None:
    from rek.cms import PACKAGE

    for what, path in (
        ("Chromium", Path(CHROMIUM)),
        ("decap-server", DECAP_SERVER),
        ("Decap CMS", CACHE / "rek" / PACKAGE),
    ):
        if not path.exists():
            return f"{what} fehlt ({path}; make test installiert es)"
    if shutil.which("node") is None:
        return "node fehlt"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def decap_server(repo: Path, port: int) -> Iterator[None]:
    env = {
        **os.environ,
        "MODE": "git",
        "GIT_REPO_DIRECTORY": str(repo),
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
    }
    process = subprocess.Popen(
        ["node", str(DECAP_SERVER)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def _editor_for(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int, list[str]]:
    """The repository committed and its editor written for decap-server on a free port: the admin folder,
    the port and the names written (skipped, or failed under REK_REQUIRE_BROWSER, without the tools)."""
    missing = _editor_tools_missing()
    if missing:
        if os.environ.get("REK_REQUIRE_BROWSER") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    from rek.cms import write_admin
    from rek.project import require_project

    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Strategie")
    monkeypatch.setenv("XDG_CACHE_HOME", str(CACHE))
    port = free_port()
    admin = tmp_path / "redaktion"
    names = write_admin(require_project(repo), admin, {"name": "git-gateway", "branch": "main"}, local=port)
    return admin, port, names


@pytest.mark.browser
@pytest.mark.slow
def test_an_office_edits_a_measure_in_the_browser_and_rek_reads_the_result(
    embedded: Path, tmp_path: Path, run, git_identity: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import sync_playwright

    admin, port, names = _editor_for(embedded, tmp_path, monkeypatch)
    assert {"index.html", "config.yml", "decap-cms.js", "decap-cms.js.LICENSE.txt", "LIESMICH.txt"} <= set(
        names
    )
    assert 'src="decap-cms.js"' in (admin / "index.html").read_text(encoding="utf-8")

    outside: list[str] = []
    problems: list[str] = []
    with decap_server(embedded, port), serving(admin) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.on(
            "pageerror",
            lambda error: problems.append(
                f"{error.name}: {error.message} {str(error.stack)[:400]} @ {page.url}"
            ),
        )
        page.on(
            "request",
            lambda r: None if r.url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")) else outside.append(r.url),
        )  # fmt: skip
        page.goto(f"{url}/index.html")
        page.get_by_role("button", name="Login").click()
        page.get_by_text("M01 – ").wait_for()
        assert page.get_by_text("Handlungsfelder", exact=True).first.is_visible()
        page.goto(f"{url}/index.html#/collections/massnahmen/entries/M01")
        title = page.get_by_label("Titel", exact=True).first
        title.wait_for()

        def empty(label: str) -> Any:
            found = [
                x
                for x in page.get_by_label(label, exact=True).filter(visible=True).all()
                if x.input_value() == ""
            ]
            assert len(found) == 1, (label, len(found))
            return found[0]

        # first an edit the editor itself stops: the title is required
        assert problems == []
        title.fill("")
        page.get_by_role("button", name="Speichern").click()
        page.get_by_text("erforderliche Felder").first.wait_for()
        # Decap ends a save its validation stopped with a promise rejected without a value
        blocked = [p for p in problems if p.startswith(": undefined")]
        problems[:] = [p for p in problems if p not in blocked]
        assert "cms/massnahmen/M01" not in git(embedded, "branch", "--list")

        title.fill("Reallabore (im Browser geändert)")
        page.get_by_role("button", name="kostenposition hinzufügen").click()
        empty("Jahr").fill("2019")
        empty("Betrag in Euro").fill("4500")
        page.get_by_label("Kostenart", exact=True).filter(visible=True).last.click()
        page.get_by_text("Sachausgaben", exact=True).filter(visible=True).last.click()
        page.get_by_role("button", name="messwert hinzufügen").filter(visible=True).first.click()
        empty("Datum oder Jahr").fill("2019")
        empty("Wert").fill("4")
        page.screenshot(path=str(tmp_path / "redaktion-1366.png"))
        page.get_by_role("button", name="Speichern").click()
        deadline = time.monotonic() + 30
        while "cms/massnahmen/M01" not in git(embedded, "branch", "--list") and time.monotonic() < deadline:
            time.sleep(0.3)
        browser.close()
    assert outside == []
    assert problems == []

    # the editorial workflow: the change waits on its own branch, as a merge request would
    saved = yaml.safe_load(git(embedded, "show", "cms/massnahmen/M01:measures/M01.yaml"))
    assert saved["title"] == "Reallabore (im Browser geändert)"
    assert {"year": 2019, "category": "material", "amount": 4500} in [
        {k: c[k] for k in ("year", "category", "amount")} for c in saved["costs"]
    ]
    assert [(str(m["date"]), m["value"]) for m in saved["indicators"][0]["measurements"]] == [("2019", 4)]
    assert git(embedded, "status", "--porcelain") == ""

    # merged like a reviewed merge request: rek reads it like hand-written YAML
    git(embedded, "merge", "-q", "--no-edit", "cms/massnahmen/M01")
    checked = run("check", cwd=embedded)
    assert checked.code == 0, checked.err
    built = run("build", "--no-application", "--out", str(tmp_path / "site"), cwd=embedded)
    assert built.code == 0, built.err
    page_html = next((tmp_path / "site" / "site").rglob("M01/index.html")).read_text(encoding="utf-8")
    assert "Reallabore (im Browser geändert)" in page_html

    # an edit the editor lets through and rek refuses, with the field named
    text = (embedded / "measures" / "M01.yaml").read_text(encoding="utf-8")
    (embedded / "measures" / "M01.yaml").write_text(
        text.replace("year: 2019\n    amount: 4500", "year: 2031\n    amount: 4500"), encoding="utf-8"
    )
    refused = run("check", cwd=embedded)
    assert refused.code == 1
    assert "measures/M01.yaml" in refused.err and "costs[1].year" in refused.err

    # the save in the canonical form: Decap writes its own key order and styles and drops the comments;
    # rek fmt --check names only the saved file, and rek fmt makes it canonical with the same values
    (embedded / "measures" / "M01.yaml").write_text(text, encoding="utf-8")
    form = run("fmt", "--check", cwd=embedded)
    if form.code != 0:
        named = [line for line in form.out.splitlines() if "nicht im kanonischen Format" in line]
        assert named == ["measures/M01.yaml: nicht im kanonischen Format (rek fmt schreibt es)"], form.out
        assert run("fmt", cwd=embedded).code == 0
        assert run("fmt", "--check", cwd=embedded).code == 0
    formatted = (embedded / "measures" / "M01.yaml").read_text(encoding="utf-8")
    assert formatted == canonical(text, Measure)
    assert yaml.safe_load(formatted) == yaml.safe_load(text)
    assert run("check", cwd=embedded).code == 0


def test_check_names_who_answers_for_each_changed_measure(embedded: Path, run, git_identity: None) -> None:
    git(embedded, "init", "-q", "-b", "main")
    git(embedded, "add", "-A")
    git(embedded, "commit", "-q", "-m", "Strategie")
    m07 = embedded / "measures" / "M07.yaml"
    m07.write_text(
        m07.read_text(encoding="utf-8").replace("status: ", "status: ", 1) + "\n", encoding="utf-8"
    )
    new = embedded / "measures" / "M25.yaml"
    new.write_text(
        (embedded / "measures" / "M01.yaml").read_text(encoding="utf-8").replace("id: M01", "id: M25"),
        encoding="utf-8",
    )
    (embedded / "measures" / "M24.yaml").unlink()
    result = run("check", "--since", "main", cwd=embedded)
    lines = result.out.splitlines()
    start = lines.index("Geändert seit main: 3 Maßnahmen")
    assert lines[start + 1].startswith("  M07 „") and "(geändert) – federführend: " in lines[start + 1]
    assert lines[start + 2] == "  M24 (gelöscht)"
    assert lines[start + 3].startswith("  M25 „")
    assert "(neu) – federführend: Hochschule Weserbergland; Ansprechstelle: " in lines[start + 3]
    unknown = run("check", "--since", "v9.9", cwd=embedded)
    assert unknown.code == 1
    assert "Revision 'v9.9' gibt es in diesem Repository nicht" in unknown.err


@pytest.mark.browser
@pytest.mark.slow
def test_the_editor_loads_for_a_new_county_repository(
    minimal: Path, tmp_path: Path, git_identity: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The configuration of an `rek init` repository is one Decap CMS loads: every collection lists its
    entries and the forms of a measure, an action field and the strategy file open without an error."""
    from playwright.sync_api import sync_playwright

    admin, port, _ = _editor_for(minimal, tmp_path, monkeypatch)
    problems: list[str] = []
    with decap_server(minimal, port), serving(admin) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.on("pageerror", lambda error: problems.append(f"{error.name}: {error.message}"))
        # Decap's own probes of the local backend answer 404 ("Failed to load resource"): not errors here
        page.on(
            "console",
            lambda m: (
                problems.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.goto(f"{url}/index.html")
        page.get_by_role("button", name="Login").click()
        page.get_by_text("M01 – Online-Terminvergabe im Bürgerbüro").wait_for()
        for address, label in (
            ("collections/massnahmen/entries/M01", "Titel"),
            ("collections/handlungsfelder/entries/verwaltung", "Titel"),
            ("collections/strategie/entries/strategie", "Kurztitel"),
        ):
            page.goto(f"{url}/index.html#/{address}")
            page.get_by_label(label, exact=True).first.wait_for()
        assert page.get_by_text("Konfiguration", exact=False).count() == 0  # no configuration error shown
        browser.close()

    assert problems == [], "\n".join(problems)
