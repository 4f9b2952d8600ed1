"""A county's first afternoon, end to end (issue 21): from `rek init` to a published site served from its
root, the CI's install step run as written in a fresh virtual environment, and the application of both
calls, with nothing of the embedded Weserbergland strategy and no scaffold text in any output.

The guide (content/leitfaden.md, "Von `rek init` zur ersten veröffentlichten Version") walks the same
steps. Nothing here needs a server: the "server" is a bare repository in the test folder. The package
index is asked twice, as a county's machine and its CI would: by `rek init` for the hashes of rek's
dependencies (once per machine, then cached) and by the install step for the dependencies themselves;
rek itself comes from the wheel in the repository's `.rek/`, which the test proves from pip's record.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from served import serving

pytestmark = [pytest.mark.slow, pytest.mark.documents]

FOREIGN = ("Weserbergland", "Hameln", "HSW")
# every text 'rek init' and 'rek new' write for a person to replace (the scaffold)
SCAFFOLD = (
    "Kurzbeschreibung in ein bis zwei Sätzen.",
    "Was die Maßnahme erreichen will, wie sie umgesetzt wird und wer davon profitiert.",
    "Worum es in diesem Handlungsfeld geht, in einem Satz.",
    "Was die Region in diesem Handlungsfeld erreichen will.",
    "Kurze Beschreibung der Region: Lage, Einwohnerinnen und Einwohner, Besonderheiten.",
    "Die Kurzfassung der Strategie in wenigen Sätzen.",
    "Das Leitbild: wie die Region in zehn Jahren digital arbeitet und lebt.",
    "Die Ausgangslage: was es schon gibt, wo es hakt.",
    "Wie Bürgerinnen, Bürger und Verwaltung beteiligt werden.",
    "Wie die Partner zusammenarbeiten.",
    "Wie Ergebnisse und Software geteilt werden (Open Source).",
    "Musterregion",
    "Landkreis Muster",
    "bitte ergänzen",
)

MEASURES = [  # title, action field, lead, cost (euro)
    ("Online-Terminvergabe in allen Bürgerbüros", "verwaltung", "lk", 40000),
    ("Digitale Bauakte", "verwaltung", "lk-sh", 90000),
    ("Offenes WLAN in Schulen", "bildung", "lk-sh", 60000),
    ("Lernplattform für die Volkshochschulen", "bildung", "lk", 30000),
    ("Rufbus mit App-Buchung", "mobilitaet", "lk", 120000),
    ("Pendlerportal für beide Landkreise", "mobilitaet", "lk-sh", 25000),
]


ANNEXES = """annexes:
  - {id: ratsbeschluss, title: "Kreistagsbeschlüsse zur Bewerbung und zum Eigenanteil", status: in Vorbereitung}
  - {id: kosten-und-finanzierungsplan, title: "Kosten- und Finanzierungsplan", status: in Vorbereitung}
  - {id: absichtserklaerung, partner: lk, title: "Absichtserklärung Landkreis Nordmoor", status: in Vorbereitung}
  - {id: absichtserklaerung, partner: lk-sh, title: "Absichtserklärung Landkreis Südheide", status: in Vorbereitung}
"""


def _replace(path: Path, pairs: list[tuple[str, str]]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, (path.name, old)
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _fill_strategy(region: Path) -> None:
    _replace(region / "strategy" / "strategy.yaml", [
        ("Digitale Strategie Musterregion", "Digitale Strategie Moor und Heide"),
        ("short_title: Musterregion", "short_title: Moor und Heide"),
        ("# call: mpsc-2021   #", "call: mpsc-2021   #"),
        ("name: Musterregion", "name: Moor und Heide"),
        ("Kurze Beschreibung der Region: Lage, Einwohnerinnen und Einwohner, Besonderheiten.",
         "Zwei ländliche Landkreise zwischen Moor und Heide mit zusammen 310.000 Menschen."),
        ("Die Kurzfassung der Strategie in wenigen Sätzen.",
         "Beide Landkreise bringen Verwaltung, Bildung und Mobilität gemeinsam ins Netz."),
        ("Das Leitbild: wie die Region in zehn Jahren digital arbeitet und lebt.",
         "In zehn Jahren erledigen alle Menschen der Region ihre Anliegen digital oder vor Ort, wie sie wollen."),
        ("Die Ausgangslage: was es schon gibt, wo es hakt.",
         "Es gibt erste Online-Dienste, aber wenig Breitband in den Dörfern und kaum gemeinsame Systeme."),
        ("Wie Bürgerinnen, Bürger und Verwaltung beteiligt werden.",
         "Bürgerwerkstätten in beiden Kreisstädten und eine Online-Beteiligung begleiten jede Phase."),
        ("Wie die Partner zusammenarbeiten.", "Ein gemeinsames Projektbüro steuert alle Maßnahmen."),
        ("Wie Ergebnisse und Software geteilt werden (Open Source).",
         "Software entsteht unter offener Lizenz und wird auf OpenCoDE geteilt."),
        ("name: Landkreis Muster\n    kind: Landkreis", "name: Landkreis Nordmoor\n    kind: Landkreis"),
        ("des Landkreises Muster", "des Landkreises Nordmoor"),
        ("  publisher:\n    name: Landkreis Muster", "  publisher:\n    name: Landkreis Nordmoor"),
        ("  accessibility_contact:\n    name: Landkreis Muster",
         "  accessibility_contact:\n    name: Landkreis Nordmoor, Projektbüro Digitalstrategie"),
        ('regional_key: "bitte ergänzen"', 'regional_key: "031230000000"'),
        ('email: "bitte ergänzen"', 'email: "digital@nordmoor.example"'),
        ('phone: "bitte ergänzen"', 'phone: "+49 4000 1234-0"'),
        ('log_retention_days: "bitte ergänzen"', 'log_retention_days: 7'),
        ('privacy_date: "bitte ergänzen"', 'privacy_date: 2027-01-15'),
        ('    date: "bitte ergänzen"', '    date: "2027-01-15"'),
        ("    role: Antragsteller", "    role: Antragsteller\n    own_funds: 80000\n    own_funds_example: true"),
        ("# submissions:\n#   - {call: mpsc-2021, date: 2021-03-12}",
         "submissions:\n  - {call: mpsc-2021, date: 2021-03-12}"),
    ])  # fmt: skip

    for path in (region / "strategy" / "strategy.yaml", region / "content" / "leichte-sprache.md"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"bitte ergänzen( \([^)\n]*\))?", "Angabe des Landkreises Nordmoor", text)
        path.write_text(text, encoding="utf-8")
    _replace(region / "mkdocs.yml", [
        ("Digitale Strategie Musterregion", "Digitale Strategie Moor und Heide"),
        ("der Musterregion", "der Region Moor und Heide"),
        ("copyright: Landkreis Muster", "copyright: Landkreise Nordmoor und Südheide"),
    ])  # fmt: skip


def _fill_measure(path: Path, title: str, cost: int, lead: str, goal: str) -> None:
    other = "lk-sh" if lead == "lk" else "lk"
    text = path.read_text(encoding="utf-8")
    # the grant is left out: the plan computes it from the call's rate (so both calls agree)
    path.write_text(re.sub(r"\n  grant: 0\n", "\n", text), encoding="utf-8")
    _replace(path, [
        ('summary: "Kurzbeschreibung in ein bis zwei Sätzen."', f'summary: "{title}: gemeinsam für beide Landkreise."'),
        ("  Was die Maßnahme erreichen will, wie sie umgesetzt wird und wer davon profitiert.",
         f"  {title} entsteht einmal und wird in beiden Landkreisen genutzt."),
        ("goals: []", f"goals: [{goal}]"),
        ("partners: []", f"partners: [{other}]"),
        ("target_groups: []", "target_groups: [Bürgerinnen und Bürger]"),
        ("costs: []", f"costs:\n  - year: 2027\n    category: services\n    amount: {cost}"),
        ("  own_shares: {}", f"  own_shares: {{{lead}: 60, {other}: 40}}"),
    ])  # fmt: skip
    with path.open("a", encoding="utf-8") as handle:
        handle.write("example: true\nexample_note: Alle Beträge sind Beispielwerte.\n")


def _fill_action_field(path: Path, summary: str) -> None:
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '"Worum es in diesem Handlungsfeld geht, in einem Satz."', json.dumps(summary, ensure_ascii=False)
    )
    text = text.replace(
        "Was die Region in diesem Handlungsfeld erreichen will.",
        f"{summary} Beide Landkreise gehen gemeinsam vor.",
    )
    path.write_text(text, encoding="utf-8")


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _texts(folder: Path) -> dict[str, str]:
    """Every text a reader sees in a folder: text files as they are, DOCX and XLSX as their XML."""
    found: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts):
        if path.suffix in (".html", ".md", ".json", ".xml", ".txt", ".csv", ".js", ".svg", ".typ"):
            found[str(path)] = path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as archive:
                found[str(path)] = "\n".join(
                    archive.read(n).decode("utf-8", "replace")
                    for n in archive.namelist()
                    if n.endswith(".xml")
                )
        elif path.suffix == ".pdf":
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
            if text.returncode == 0:
                found[str(path)] = text.stdout
    return found


def test_a_countys_first_afternoon(tmp_path: Path, run, git_identity: None) -> None:
    started = time.monotonic()
    region = tmp_path / "moor-und-heide"
    # 1-2: a new repository with the CI's install source (the index is asked once for the hashes)
    init = run("init", str(region), cwd=tmp_path)
    assert init.code == 0, init.err
    assert "Die CI installiert genau dieses rek" in init.out
    # 3-6: name, texts, partners, goals, action fields and six measures
    _fill_strategy(region)
    new_partner = run("new", "partner", "--id", "lk-sh", "--name", "Landkreis Südheide", "--kind", "Landkreis",
                      "--role", "Partner im Verbund", cwd=region)  # fmt: skip
    assert new_partner.code == 0, new_partner.err
    _replace(region / "strategy" / "strategy.yaml", [
        ('role: "Partner im Verbund"', 'role: "Partner im Verbund"\n    own_funds: 70000\n    own_funds_example: true')
    ])  # fmt: skip
    with (region / "strategy" / "strategy.yaml").open("a", encoding="utf-8") as handle:
        handle.write(ANNEXES)  # what the call asks to attach, as still in preparation
    for title, ident in (("Schulen und Volkshochschulen sind digital ausgestattet", "Z2"),
                         ("Wege in der Region lassen sich ohne eigenes Auto planen", "Z3")):  # fmt: skip
        made = run("new", "goal", "--title", title, "--id", ident, cwd=region)
        assert made.code == 0, made.err
    for title in ("Bildung", "Mobilität"):
        made = run("new", "action-field", "--title", title, cwd=region)
        assert made.code == 0, made.err
    _fill_action_field(
        region / "strategy" / "action-fields" / "bildung.yaml", "Digitale Bildung für alle Altersgruppen."
    )
    _fill_action_field(
        region / "strategy" / "action-fields" / "mobilitaet.yaml", "Mobilität ohne eigenes Auto."
    )
    _fill_action_field(region / "strategy" / "action-fields" / "verwaltung.yaml", "Digitale Verwaltung.")
    (region / "measures" / "M01.yaml").unlink()  # the template's example measure
    goals = {"verwaltung": "Z1", "bildung": "Z2", "mobilitaet": "Z3"}
    for number, (title, field, lead, cost) in enumerate(MEASURES, 1):
        made = run("new", "measure", "--title", title, "--action-field", field, "--lead", lead, cwd=region)
        assert made.code == 0, made.err
        _fill_measure(region / "measures" / f"M{number:02d}.yaml", title, cost, lead, goals[field])
    checked = run("check", cwd=region)
    assert checked.code == 0, checked.out + checked.err
    tidied = run("fmt", cwd=region)  # the hand edits above in the canonical form, as CI will ask
    assert tidied.code == 0, tidied.err
    # 7-10: commit, tag, publish to the server (a bare repository)
    _git(region, "add", "-A")
    _git(region, "commit", "-qm", "Erster Entwurf")
    _git(region, "tag", "v0.1")
    server = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", str(server)], check=True)
    _git(region, "remote", "add", "origin", str(server))
    published = run("publish", "--push", cwd=region)
    assert published.code == 0, published.err
    assert "Veröffentlicht und zum Server 'origin' übertragen: v0.1 (Entwurf)" in published.out
    assert "git push origin v0.1" in published.out and "git push origin main" in published.out
    _git(region, "push", "-q", "origin", "main", "v0.1")

    # the Pages site: gh-pages as the server has it, served over HTTP; the root leads to the version
    site = tmp_path / "pages"
    subprocess.run(["git", "clone", "-q", "--branch", "gh-pages", str(server), str(site)], check=True)
    with serving(site) as url:
        base = f"{url}/"
        with urllib.request.urlopen(base, timeout=10) as response:
            assert response.status == 200
            root_page = response.read().decode("utf-8")
        target = re.search(r'window\.location\.replace\(\s*"([^"]+)"', root_page)
        assert target and target[1] == "entwurf/"
        with urllib.request.urlopen(base + target[1], timeout=10) as response:
            assert response.status == 200
            page = response.read().decode("utf-8")
        assert "Digitale Strategie Moor und Heide" in page
        # Material's version selector is on from the first version (it reads ../versions.json)
        config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', page, re.S)
        assert config and json.loads(config[1]).get("version", {}).get("provider") == "mike"
        with urllib.request.urlopen(base + "versions.json", timeout=10) as response:
            versions = json.loads(response.read())
        assert versions == [{"version": "v0.1", "title": "v0.1 (Entwurf)", "aliases": ["entwurf"]}]

    # the CI's install step exactly as the workflows run it, in a fresh virtual environment
    venv = tmp_path / "ci-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "REK_PACKAGE", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    github = (region / ".github" / "workflows" / "rek.yml").read_text(encoding="utf-8")
    gitlab = (region / ".gitlab-ci.yml").read_text(encoding="utf-8")
    assert "run: bash .rek/install.sh" in github and "  - bash .rek/install.sh" in gitlab
    installed = subprocess.run(
        ["bash", ".rek/install.sh"], cwd=region, env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    probe = (
        "import json; from importlib import metadata; from rek import cisource; "
        "d = cisource.running_distribution(); print(json.dumps([d.metadata['Name'], d.version, "
        "json.loads(d.read_text('direct_url.json') or '{}')]))"
    )
    name, version, direct = json.loads(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", probe], env=env, capture_output=True, text=True, check=True
        ).stdout  # fmt: skip
    )
    wheel = next((region / ".rek").glob("*.whl"))
    assert direct["url"] == wheel.resolve().as_uri()  # rek came from the bundled wheel, not from an index
    assert version == "0.1.0" and name
    ci_check = subprocess.run(
        [str(venv / "bin" / "rek"), "check"], cwd=region, env=env, capture_output=True, text=True
    )
    assert ci_check.returncode == 0, ci_check.stdout + ci_check.stderr
    ci_fmt = subprocess.run(
        [str(venv / "bin" / "rek"), "fmt", "--check"], cwd=region, env=env, capture_output=True, text=True
    )
    assert ci_fmt.returncode == 0, ci_fmt.stdout + ci_fmt.stderr

    # the application for both calls
    outputs = []
    for call in ("mpsc-2021", "zrn-2021-2027"):
        out = tmp_path / f"antrag-{call}"
        made = run("application", "--call", call, "--draft", "--out", str(out), cwd=region)
        assert made.code == 0, made.err
        assert (out / "antrag.docx").is_file() and (out / "antrag.pdf").is_file()
        outputs.append(out)
    walk = time.monotonic() - started
    print(f"\nDer Nachmittag: {walk:.0f} s")

    # nothing of the embedded strategy, and no scaffold text, in the site or the applications; the one
    # exception: the profile zrn-2021-2027 is the call of the Zukunftsregion Weserbergland+, and the
    # application cites its sources ("Quelle: …"), which name the region whose call it is
    found, cited = [], []
    for folder in (site, *outputs):
        for path, text in _texts(folder).items():
            for line in text.splitlines():
                for word in (*FOREIGN, *SCAFFOLD):
                    if word not in line:
                        continue
                    if word in SCAFFOLD and path.endswith(".schema.json"):
                        continue  # the JSON Schemas describe the placeholder ("E-Mail-Adresse oder 'bitte ergänzen'")
                    source = "Quelle:" in line and line.index("Quelle:") < line.index(word)
                    if word in FOREIGN and source and "antrag-zrn-2021-2027" in path:
                        cited.append((path, word))
                    else:
                        found.append((path, word, line.strip()[:200]))
    assert found == []
    assert {Path(p).stem for p, _ in cited} <= {"anlagen-checkliste", "antrag"}
