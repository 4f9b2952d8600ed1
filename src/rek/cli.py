"""The `rek` command line: check, fmt, new, schema, build, application, report, diff, serve, init, publish."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from . import __version__, clicktext, heap, interrupts
from .diagnostics import RekError, summary_line
from .formatting import euro
from .locate import find_project
from .model import PartnerKind
from .placeholders import NEW_MEASURE_TITLE
from .project import load_project, require_project

clicktext.install()


class Context:
    def __init__(self, project: Path | None, stichtag: str | None = None) -> None:
        self.explicit = project
        self.stichtag = stichtag

    @property
    def today(self) -> dt.date:
        """The reference day of this run (--stichtag, else REK_TODAY, else the machine's date)."""
        from .clock import reference_day

        return reference_day(self.stichtag)

    def root(self) -> Path:
        if self.explicit is not None:
            if not self.explicit.exists():
                raise RekError(f"Den Projektordner '{self.explicit}' (-C) gibt es nicht.")
            if not self.explicit.is_dir():
                raise RekError(f"'{self.explicit}' (-C) ist kein Ordner, sondern eine Datei.")
        root, embedded = find_project(self.explicit)
        if embedded:
            say(
                f"Hinweis: kein Projekt im aktuellen Ordner, nehme die eingebettete Strategie ({root}).",
                err=True,
            )
        return root


pass_ctx = click.make_pass_decorator(Context)

VERBOSITY = [1]  # 0: -q, 1: normal, 2: -v


def colour() -> bool | None:
    """Colours only on a terminal (click strips them elsewhere), never with NO_COLOR set (no-color.org)."""
    return False if os.environ.get("NO_COLOR") else None


def say(message: str, **kwargs: object) -> None:
    """An informational line (results, hints); -q keeps it back."""
    if VERBOSITY[0] > 0:
        click.echo(message, **kwargs)  # type: ignore[arg-type]


_SEVERITY = re.compile(r"^(?P<place>[^\n]*?:\d+:\d+: )(?P<severity>error|warning)(?P<rest>: .*)$", re.M)


def styled(text: str) -> str:
    """Diagnostics with the severity in colour and the hint marked (shown only where colours are)."""

    def paint(match: re.Match[str]) -> str:
        colour_name = "red" if match["severity"] == "error" else "yellow"
        return match["place"] + click.style(match["severity"], fg=colour_name, bold=True) + match["rest"]

    text = _SEVERITY.sub(paint, text)
    return text.replace("    Hinweis: ", "    " + click.style("Hinweis:", fg="cyan") + " ")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rek")
@click.option(
    "-C",
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Projektordner (Standard: aktueller Ordner, sonst die eingebettete Strategie).",
)
@click.option(
    "--stichtag",
    metavar="JJJJ-MM-TT",
    default=None,
    help="Stichtag für Verzug, Meilensteine, Fristen und Datumsangaben (Standard: REK_TODAY, sonst heute).",
)
@click.option("-q", "--quiet", is_flag=True, help="Nur Fehler und Warnungen ausgeben.")
@click.option("-v", "--verbose", is_flag=True, help="Mehr ausgeben: jede Arbeitsstufe mit Anzahl und Dauer.")
@click.pass_context
def cli(ctx: click.Context, project: Path | None, stichtag: str | None, quiet: bool, verbose: bool) -> None:
    """rek – Strategie als Code für Smart Regions."""
    ctx.obj = Context(project, stichtag)
    VERBOSITY[0] = 0 if quiet else 2 if verbose else 1
    ctx.color = colour()
    from . import progress

    stream = sys.stderr
    tty = stream.isatty()
    if verbose or (tty and not quiet):
        # on a terminal after two seconds; with -v always, one line per stage (also in CI logs)
        progress.enable(stream, tty=tty and not verbose, threshold=0.0 if verbose else 2.0)
    ctx.call_on_close(progress.disable)


@cli.command()
@click.option("--call", "call_id", default=None, help="Formale Prüfung gegen dieses Förderaufruf-Profil.")
@click.option(
    "--since",
    default=None,
    help="Git-Revision (z. B. origin/main): die seitdem geänderten Maßnahmen mit ihren Verantwortlichen nennen.",
)
@click.option(
    "--github-annotations",
    is_flag=True,
    help="Jeden Befund zusätzlich als GitHub-Anmerkung ausgeben (im Pull Request an der Zeile zu sehen).",
)
@click.option(
    "--codequality",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Die Befunde als GitLab-Code-Quality-Bericht (JSON) in diese Datei schreiben.",
)
@pass_ctx
def check(
    ctx: Context, call_id: str | None, since: str | None, github_annotations: bool, codequality: Path | None
) -> None:
    """Alle Dateien prüfen; jeder Fehler mit Datei, Zeile und Spalte."""
    shown: list[Any] = []
    try:
        _check(ctx, call_id, since, shown)
    finally:
        if github_annotations and shown:
            from .cireport import github_commands

            click.echo(github_commands(shown))
        if codequality is not None:
            from .cireport import codequality as report

            codequality.write_text(report(shown), encoding="utf-8")


def _check(ctx: Context, call_id: str | None, since: str | None, shown: list[Any]) -> None:
    root = ctx.root()
    project, diags = load_project(root)
    if project is not None and project.overrides:
        from .rehearsal import trial

        diags.extend(trial(project, ctx.today))
        if diags.errors:
            project = None
    placeholders = []
    if project is not None:  # placeholders matter once the files are valid (a reminder; -q hides it)
        from .placeholders import find as find_placeholders

        placeholders = find_placeholders(project.root)
    for diag in diags.sorted():
        click.echo(styled(diag.format()), err=diag.severity == "error")
    for diag in placeholders:
        say(styled(diag.format()))
    shown.extend([*diags.sorted(), *placeholders])
    if project is None:
        click.echo(summary_line(diags.items), err=True)
        sys.exit(1)
    from .checks import check_plan, monitoring_findings
    from .plan import resolve

    call = _call(project, call_id)
    plan = resolve(project, call, today=ctx.today)

    findings = sorted(check_plan(plan) + monitoring_findings(plan))
    fields = []
    if call is not None and not any(d.severity == "error" for d in findings):
        # the portal's form fields as the build writes them (projekttexte.txt): tables counted as text
        from .application.document import render as render_application
        from .application.formtexts import field_findings, form_fields

        application = render_application(plan)
        fields = form_fields(application)
        findings = sorted(findings + field_findings(application))
    for diag in findings:
        click.echo(styled(diag.format()), err=diag.severity == "error")
    shown.extend(findings)
    if since is not None:
        _responsible(project, since)
    errors = [d for d in findings if d.severity == "error"]
    if errors:
        click.echo(summary_line(findings), err=True)
        sys.exit(1)
    if call is not None:
        from .application.formtexts import limit_line

        say("Zeichen je Formularfeld des Antrags (wie in projekttexte.txt):")
        for field in fields:
            say(f"  {field.plan.section.title}: {limit_line(field.chars, field.limit)}")
    extra = f", Förderaufruf '{call.id}' formal erfüllt" if call else ""
    if findings:
        extra += f" ({_count(len(findings), 'Hinweis', 'Hinweise')}, vor der Einreichung zu erledigen)"
    if call:
        extra += (
            f"; im Antrag {_count(len(plan.application.measures), 'Maßnahme', 'Maßnahmen')}, "
            f"Zuwendung {euro(plan.application.total.grant, True)}"
        )
    if placeholders:
        extra += f"; {len(placeholders)} Platzhalter vor der Veröffentlichung auszufüllen"
    say(
        f"Alles in Ordnung: {_count(len(project.measures), 'Maßnahme', 'Maßnahmen')}, "
        f"{_count(len(project.action_fields), 'Handlungsfeld', 'Handlungsfelder')}, "
        f"{_count(len(project.strategy.partners), 'Partner', 'Partner')} geprüft{extra}."
    )


def _responsible(project: Any, since: str) -> None:
    """Who answers for each measure changed since a revision: the lead partner and the contact office."""
    from .diff import changed_measures

    changed = changed_measures(project.root, since)
    if not changed:
        say(f"Seit {since} ist keine Maßnahme geändert.")
        return
    say(f"Geändert seit {since}: {_count(len(changed), 'Maßnahme', 'Maßnahmen')}")
    measures, partners = project.measures_by_id, project.partners
    for ident, how in changed.items():
        measure = measures.get(ident)
        if measure is None:
            say(f"  {ident} ({how})")
            continue
        lead = partners[measure.lead].name if measure.lead in partners else measure.lead
        office = f"; Ansprechstelle: {measure.contact.office}" if measure.contact else ""
        say(f"  {ident} „{measure.title}“ ({how}) – federführend: {lead}{office}")


def _call(project: Any, call_id: str | None) -> Any:
    """The call profile asked for (--call), else the strategy's; an unknown id is an error."""
    if not call_id:
        return project.call
    call = project.calls.get(call_id)
    if call is None:
        raise RekError(
            f"Unbekannter Förderaufruf '{call_id}'. Vorhanden: {', '.join(project.calls) or 'keiner'}"
        )
    return call


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _unrelated(items: list[Any]) -> None:
    """After a new entry: the errors of other files, labelled as not part of it (on stderr)."""
    if items:
        from .scaffold import unrelated_text

        click.echo(styled(unrelated_text(items)), err=True)


@cli.group()
def new() -> None:
    """Neue Dateien aus Vorlagen anlegen (überschreibt nie)."""


@new.command("measure")
@click.option("--title", default=NEW_MEASURE_TITLE, help="Titel der Maßnahme.")
@click.option("--action-field", default=None, help="Haupt-Handlungsfeld (Kennung).")
@click.option("--lead", default=None, help="Federführender Partner (Kennung).")
@click.option("--id", "measure_id", default=None, help="Kennung (Standard: die nächste freie).")
@pass_ctx
def new_measure(
    ctx: Context, title: str, action_field: str | None, lead: str | None, measure_id: str | None
) -> None:
    """Einen gültigen Maßnahmensteckbrief mit der nächsten freien Kennung anlegen."""
    from .scaffold import load_for_new
    from .scaffold import new_measure as scaffold

    root = ctx.root()
    base = load_for_new(root, "Die Maßnahme", fields=True)
    path = scaffold(
        root,
        base.strategy,
        base.action_fields,
        base.measure_ids,
        title=title,
        action_field=action_field,
        lead=lead,
        measure_id=measure_id,
        today=ctx.today,
    )
    say(f"Angelegt: {os.path.relpath(path)}")
    _unrelated(base.unrelated)


@new.command("action-field")
@click.option("--title", required=True, help="Titel des Handlungsfelds.")
@click.option("--id", "field_id", default=None, help="Kennung (Standard: aus dem Titel).")
@pass_ctx
def new_action_field(ctx: Context, title: str, field_id: str | None) -> None:
    """Ein neues Handlungsfeld als Datei unter strategy/action-fields/ anlegen."""
    from .scaffold import load_for_new
    from .scaffold import new_action_field as scaffold

    root = ctx.root()
    base = load_for_new(root, "Das Handlungsfeld", fields=True)
    path = scaffold(root, base.action_fields, title=title, field_id=field_id)
    say(f"Angelegt: {os.path.relpath(path)}")
    _unrelated(base.unrelated)


@new.command("partner")
@click.option("--id", "partner_id", required=True, help="Kennung, z. B. 'sg-bodenwerder'.")
@click.option("--name", required=True, help="Name, z. B. 'Samtgemeinde Bodenwerder-Polle'.")
@click.option(
    "--kind",
    required=True,
    type=click.Choice([k.value for k in PartnerKind]),
    help="Art des Partners.",
)
@click.option("--role", default="Partner im Verbund", show_default=True, help="Rolle im Verbund.")
@pass_ctx
def new_partner(ctx: Context, partner_id: str, name: str, kind: str, role: str) -> None:
    """Einen Partner in strategy/strategy.yaml ergänzen (die übrigen Zeilen bleiben, wie sie sind)."""
    from .scaffold import load_for_new
    from .scaffold import new_partner as scaffold

    root = ctx.root()
    base = load_for_new(root, "Der Partner", fields=False)
    path = scaffold(root, base.strategy, partner_id=partner_id, name=name, kind=kind, role=role)
    say(f"Partner '{partner_id}' ergänzt in {os.path.relpath(path)}")
    _unrelated(base.unrelated)


@new.command("goal")
@click.option("--title", required=True, help="Das strategische Ziel in einem Satz.")
@click.option("--id", "goal_id", default=None, help="Kennung (Standard: die nächste freie, z. B. Z2).")
@pass_ctx
def new_goal(ctx: Context, title: str, goal_id: str | None) -> None:
    """Ein strategisches Ziel in strategy/strategy.yaml ergänzen."""
    from .scaffold import load_for_new
    from .scaffold import new_goal as scaffold

    root = ctx.root()
    base = load_for_new(root, "Das Ziel", fields=False)
    path, made = scaffold(root, base.strategy, title=title, goal_id=goal_id)
    say(f"Ziel '{made}' ergänzt in {os.path.relpath(path)}")
    _unrelated(base.unrelated)


@cli.command()
@click.option("--kind", type=click.Choice(["strategy", "action-field", "measure", "call"]), default=None)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Ordner (Standard: schemas/).",
)
@pass_ctx
def schema(ctx: Context, kind: str | None, out: Path | None) -> None:
    """JSON Schema für Editoren ausgeben (eine Art auf stdout oder alle in schemas/)."""
    from .jsonschemas import schema_json, write_schemas

    if kind:
        click.echo(schema_json(kind), nl=False)
        return
    folder = out or ctx.root() / "schemas"
    for path in write_schemas(folder):
        say(f"Geschrieben: {os.path.relpath(path)}")


def _default_out(ctx: Context, root: Path, name: str) -> Path:
    from .locate import embedded_default

    # the embedded default may live inside an installed package: build into the current folder then
    if ctx.explicit is None and root == embedded_default() and not Path.cwd().resolve().is_relative_to(root):
        return Path.cwd() / name
    return root / name


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Ausgabeordner (Standard: build/).",
)
@click.option("--site/--no-site", default=True, help="Website bauen.")
@click.option("--application/--no-application", default=True, help="Antrag (DOCX, PDF, XLSX) erzeugen.")
@click.option("--since", default=None, help="Git-Revision für die Seite 'Änderungen' (z. B. v0.9).")
@click.option(
    "--profiles/--no-profiles",
    default=None,
    help="Steckbrief je Maßnahme als PDF (Standard: bei bis zu 100 Maßnahmen).",
)
@click.option(
    "--draft",
    is_flag=True,
    help="Antrag auch bei nicht bestandener formaler Prüfung schreiben, auf jeder Seite als Entwurf markiert.",
)
@pass_ctx
def build(
    ctx: Context,
    out: Path | None,
    site: bool,
    application: bool,
    since: str | None,
    draft: bool,
    profiles: bool | None,
) -> None:
    """Website und Antrag aus der Strategie bauen (ersetzt die Ausgabe nur bei Erfolg)."""
    from . import progress
    from .build import build as run_build

    root = ctx.root()
    with progress.stage("Dateien prüfen") as stage:
        project = require_project(root)
        stage.advance(len(project.measures) + len(project.action_fields) + len(project.calls) + 1)
    for warning in project.warnings:
        click.echo(styled(warning.format()), err=True)
    changes = None
    if since:
        from .diff import changes_page

        changes = changes_page(root, since, None)
    target = out or _default_out(ctx, root, "build")
    from .checks import check_warnings
    from .plan import resolve

    plan = resolve(project, today=ctx.today)
    report = run_build(
        plan, target, site=site, application=application, changes=changes, draft=draft, profiles=profiles
    )
    for message in report.warnings:
        click.echo(f"Warnung: {message}", err=True)
    # what the site shows as late, missed or only assumed, with the place to change it (as rek check warns)
    for diag in check_warnings(plan):
        click.echo(styled(diag.format()), err=True)
    parts = []
    if site:
        parts.append(
            f"Website mit {_count(report.pages, 'Seite', 'Seiten')} in {os.path.relpath(target / 'site')}"
        )
    if application and project.call is not None:
        parts.append(f"Antrag in {os.path.relpath(target / 'antrag')}")
    labels = {"application": "Antrag", "generate": "Seiten", "mkdocs": "MkDocs"}
    timing = ", ".join(f"{labels.get(k, k)} {v:.1f} s".replace(".", ",") for k, v in report.timings.items())
    say("Gebaut: " + "; ".join(parts) + (f" ({timing})." if timing and VERBOSITY[0] > 1 else "."))


@cli.command()
@click.option("--call", "call_id", default=None, help="Förderaufruf (Standard: 'call' aus strategy.yaml).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Ausgabeordner (Standard: build-antrag/).",
)
@click.option(
    "--check", "check_only", is_flag=True, help="Nur die formalen Anforderungen des Aufrufs prüfen."
)
@click.option(
    "--draft",
    is_flag=True,
    help="Auch bei nicht bestandener formaler Prüfung schreiben, auf jeder Seite als Entwurf markiert.",
)
@pass_ctx
def application(ctx: Context, call_id: str | None, out: Path | None, check_only: bool, draft: bool) -> None:
    """Den Förderantrag erzeugen (Markdown, DOCX, PDF, Kostenplan als XLSX) oder formal prüfen."""
    from .checks import formal_findings, money_findings
    from .plan import resolve

    root = ctx.root()
    project = require_project(root)
    call = _call(project, call_id)
    if call is None:
        raise RekError("Kein Förderaufruf gewählt: setzen Sie 'call' in strategy/strategy.yaml oder --call.")
    plan = resolve(project, call, today=ctx.today)
    # the same findings as check_plan; what stops the application is decided by outputs.refusals
    money_all, formal_all = money_findings(plan), formal_findings(plan)
    money = [d for d in money_all if d.severity == "error"]
    findings = sorted(money_all + formal_all)
    for diag in findings:
        click.echo(styled(diag.format()), err=True)
    if check_only:
        # the submission check: what is still 'in Vorbereitung' counts as missing here
        if findings:
            click.echo(
                f"{_count(len(findings), 'formale Anforderung', 'formale Anforderungen')} des Aufrufs "
                f"'{call.id}' nicht erfüllt.",
                err=True,
            )
            sys.exit(1)
        say(f"Der Antrag erfüllt die formalen Anforderungen des Aufrufs '{call.name}'.")
        return
    from .outputs import APPLICATION, DRAFTS, refusals

    stop = refusals(plan, [APPLICATION, DRAFTS], draft=draft)  # the one refusal policy (outputs.py)
    if stop:
        gaps = sorted(set(stop) - set(findings))  # placeholders: refused, but not a formal finding
        for diag in gaps:
            click.echo(styled(diag.format()), err=True)
        click.echo(summary_line(findings + gaps), err=True)
        if not money:
            reason = (
                "die formale Prüfung ist nicht bestanden"
                if len(gaps) < len(stop)
                else "es stehen noch Platzhalter darin („bitte ergänzen“ oder Text der Vorlage)"
            )
            click.echo(
                f"Kein Antrag geschrieben: {reason}. Mit --draft entsteht ein Entwurf, der auf jeder Seite so "
                "markiert ist.",
                err=True,
            )
        sys.exit(1)
    from .application.build import write_application
    from .build import staged_output

    target = out or _default_out(ctx, root, "build-antrag")
    with staged_output(root, target) as tmp:
        # written as a draft (--draft): every page says so; without --draft a refusal stopped above
        formal = draft and bool(refusals(plan, [APPLICATION]))
        files = write_application(plan, tmp, documents=True, draft=formal)
    for warning in files.warnings:
        click.echo(f"Warnung: {warning}", err=True)
    say(
        f"{'Entwurf' if formal else 'Antrag'} geschrieben: {os.path.relpath(target)} (antrag.md, antrag.docx, "
        f"antrag.pdf, {files.xlsx.name}, projekttexte.txt, Entwürfe in entwuerfe/); {_count(len(files.app.measures), 'Maßnahme', 'Maßnahmen')}, "
        f"Zuwendung {euro(plan.application.total.grant, True)}."
    )


@cli.command()
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Berichtsjahr, z. B. 2025.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Ausgabeordner (Standard: build-bericht/).",
)
@pass_ctx
def report(ctx: Context, year: int, out: Path | None) -> None:
    """Den Umsetzungsbericht eines Jahres schreiben (Markdown, DOCX, PDF)."""
    from .outputs import REPORT

    target = _write_document(ctx, REPORT, out, "build-bericht", year=year)
    say(
        f"Umsetzungsbericht {year} geschrieben: {os.path.relpath(target)} (umsetzungsbericht-{year}.md, "
        f"umsetzungsbericht-{year}.docx, umsetzungsbericht-{year}.pdf)."
    )


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Ausgabeordner (Standard: build-redaktion/).",
)
@click.option("--backend", type=click.Choice(["gitlab", "github"]), default="gitlab", show_default=True)
@click.option("--repo", default=None, help="Repository der Strategie, z. B. landkreis/digitalstrategie.")
@click.option(
    "--branch", default="main", show_default=True, help="Zweig, in den Änderungen nach Prüfung gehen."
)
@click.option("--app-id", default=None, help="GitLab: Application ID der OAuth-Anwendung (PKCE).")
@click.option(
    "--base-url",
    default=None,
    help="GitLab: Adresse einer eigenen GitLab-Instanz; GitHub: Adresse des OAuth-Proxys.",
)
@click.option(
    "--local",
    is_flag=True,
    help="Für die Arbeit am eigenen Rechner mit decap-server (ohne Anmeldung, Port 8081).",
)
@pass_ctx
def cms(
    ctx: Context,
    out: Path | None,
    backend: str,
    repo: str | None,
    branch: str,
    app_id: str | None,
    base_url: str | None,
    local: bool,
) -> None:
    """Die Redaktionsoberfläche (Decap CMS) schreiben: Maßnahmen, Handlungsfelder und Strategie im Browser bearbeiten."""
    from .cms import backend_settings, write_admin
    from .locate import safe_output_dir

    root = ctx.root()
    project = require_project(root)
    if local:
        settings = {"name": "git-gateway", "branch": branch}
    else:
        settings = backend_settings(backend, repo, branch, app_id, base_url)
    target = safe_output_dir(root, out if out is not None else _default_out(ctx, root, "build-redaktion"))
    names = write_admin(project, target, settings, local=8081 if local else None)
    say(
        f"Redaktionsoberfläche geschrieben: {os.path.relpath(target)} ({_count(len(names), 'Datei', 'Dateien')})."
    )


@cli.command("import")
@click.argument("sheet", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Nur zeigen, was sich ändern würde; nichts schreiben.")
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Die Vorlage schreiben (.xlsx oder .csv), mit allen Werten, die die Steckbriefe schon haben.",
)
@pass_ctx
def import_sheet(ctx: Context, sheet: Path | None, dry_run: bool, template: Path | None) -> None:
    """Messwerte, Ausgaben und Sachstände aus einer Tabelle (XLSX oder CSV) in die Steckbriefe übernehmen."""
    from .progressimport import import_sheet as run_import
    from .progresssheet import write_template

    if (sheet is None) == (template is None):
        raise click.UsageError(
            "Geben Sie entweder eine Tabelle (rek import DATEI.xlsx) oder --template DATEI an."
        )
    root = ctx.root()
    project = require_project(root)
    if template is not None:
        if template.suffix.lower() not in (".xlsx", ".csv"):
            raise RekError(f"--template {template}: erwartet wird ein Dateiname auf .xlsx oder .csv")
        count = write_template(project, template)
        say(
            f"Vorlage geschrieben: {template} ({_count(count, 'Zeile', 'Zeilen')} mit den vorhandenen Werten)."
        )
        return
    assert sheet is not None
    if not dry_run and find_project(ctx.explicit)[1]:
        raise RekError(
            "Kein Projekt im aktuellen Ordner: in die eingebettete Strategie schreibt 'rek import' nicht. "
            "Wechseln Sie in Ihr Strategie-Repository (oder -C ORDNER), oder nehmen Sie --dry-run."
        )
    if not sheet.is_file():
        raise RekError(f"Die Tabelle '{sheet}' gibt es nicht.")
    outcome = run_import(project, sheet, str(sheet), dry_run=dry_run)
    if not outcome.changes:
        say("Keine Änderungen: jeder Wert der Tabelle steht schon so in den Steckbriefen.")
        return
    for change in outcome.changes:
        mark = "+" if change.kind == "neu" else "~"
        say(f"  {mark} {change.text}  (Zeile {change.line})")
    files = {c.path for c in outcome.changes}
    summary = f"{_count(len(outcome.changes), 'Änderung', 'Änderungen')} in {_count(len(files), 'Datei', 'Dateien')}"
    if dry_run:
        say(f"{summary}; nichts geschrieben (--dry-run).")
    else:
        say(f"{summary} geschrieben: " + ", ".join(os.path.relpath(p) for p in outcome.written) + ".")


@cli.command("fmt")
@click.argument("paths", nargs=-1, metavar="[PFAD]...", type=click.Path(path_type=Path))
@click.option(
    "--check", "check_only", is_flag=True, help="Nichts schreiben; Dateien nennen, die nicht kanonisch sind."
)
@pass_ctx
def fmt_command(ctx: Context, paths: tuple[Path, ...], check_only: bool) -> None:
    """YAML-Dateien in die kanonische Form bringen (Feldreihenfolge, Einrückung; Kommentare bleiben)."""
    from .diagnostics import Diagnostics
    from .yamlformat import plan, write_atomically

    root = ctx.root().resolve()
    if not check_only and find_project(ctx.explicit)[1]:
        raise RekError(
            "Kein Projekt im aktuellen Ordner: die eingebettete Strategie formatiert 'rek fmt' nicht. "
            "Wechseln Sie in Ihr Strategie-Repository (oder -C ORDNER), oder nehmen Sie --check."
        )
    files = _fmt_files(root, paths)
    diags = Diagnostics()
    results = plan(root, files, diags)
    if diags.errors:
        for diag in diags.sorted():
            click.echo(styled(diag.format()), err=True)
        raise RekError("Nichts formatiert: " + summary_line(diags.items))
    counted = _count(len(files), "Datei", "Dateien")
    if check_only:
        for result in results:
            click.echo(f"{result.display}: nicht im kanonischen Format (rek fmt schreibt es)")
            click.echo(result.diff(), nl=False)
        if results:
            click.echo(
                f"{_count(len(results), 'Datei', 'Dateien')} von {counted} nicht im kanonischen Format; "
                "'rek fmt' schreibt sie.",
                err=True,
            )
            sys.exit(1)
        say(f"Alles im kanonischen Format: {counted} geprüft.")
        return
    write_atomically({r.path: r.new for r in results})
    for result in results:
        say(f"  formatiert: {result.display}")
    say(
        f"{_count(len(results), 'Datei', 'Dateien')} von {counted} formatiert; die übrigen waren schon kanonisch."
    )


def _fmt_files(root: Path, paths: tuple[Path, ...]) -> list[Path]:
    """The source files named (files or folders inside the project), else all of them."""
    from .yamlformat import is_source, source_files

    every = source_files(root)
    if not paths:
        return every
    chosen: list[Path] = []
    for given in paths:
        where = Path(os.path.abspath(given))
        where = where.parent.resolve() / where.name  # the folders as they are, the file itself not followed
        if not where.is_relative_to(root) or not where.resolve().is_relative_to(root):
            raise RekError(
                f"{given}: liegt nicht im Projektordner {root}; rek fmt formatiert nur dessen Dateien."
            )
        if not where.exists():
            raise RekError(f"{given}: diese Datei oder diesen Ordner gibt es nicht.")
        if where.is_dir():
            chosen += [p for p in every if p.is_relative_to(where)]
        elif is_source(root, where):
            chosen.append(where)
        else:
            raise RekError(
                f"{given}: keine Quelldatei der Strategie; rek fmt formatiert strategy/strategy.yaml, "
                "strategy/action-fields/, strategy/calls/ und measures/ (*.yaml, *.yml)."
            )
    return sorted(set(chosen), key=lambda p: every.index(p) if p in every else len(every))


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Ausgabeordner (Standard: build-kurzfassung/).",
)
@pass_ctx
def kurzfassung(ctx: Context, out: Path | None) -> None:
    """Eine Kurzfassung für den Rat schreiben: Ziele, Maßnahmen, Geld nach Jahren und Partnern (1–2 Seiten)."""
    from .outputs import SUMMARY

    target = _write_document(ctx, SUMMARY, out, "build-kurzfassung")
    say(
        f"Kurzfassung geschrieben: {os.path.relpath(target)} (kurzfassung.md, kurzfassung.docx, "
        "kurzfassung.pdf)."
    )


def _write_document(ctx: Context, output: Any, out: Path | None, default: str, **options: Any) -> Path:
    """Check, refuse (outputs.refusals) and write one document output into a staged folder."""
    from .build import staged_output
    from .outputs import refusals
    from .plan import resolve

    root = ctx.root()
    project = require_project(root)
    plan = resolve(project, today=ctx.today)
    errors = refusals(plan, [output])
    if errors:
        raise RekError(errors)
    target = out or _default_out(ctx, root, default)
    with staged_output(root, target) as tmp:
        files = output.write(plan, tmp, **options)
    for warning in files.warnings:
        click.echo(f"Warnung: {warning}", err=True)
    return target  # the staged folder is swapped in there


@cli.command()
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--markdown", is_flag=True, help="Als Markdown-Seite ausgeben (wie 'Änderungen' auf der Website)."
)
@pass_ctx
def diff(ctx: Context, old: str, new: str | None, markdown: bool) -> None:
    """Änderungen zwischen zwei Git-Revisionen (ohne NEW: bis zum Arbeitsstand)."""
    from .diff import WORKTREE, as_markdown, as_text, diff_revisions

    root = ctx.root()
    result = diff_revisions(root, old, new or WORKTREE)
    click.echo(as_markdown(result) if markdown else as_text(result), nl=False)


@cli.command()
@click.option(
    "--version", "version", default=None, help="Versionsname (Standard: Git-Tag von HEAD, sonst v + version)."
)
@click.option(
    "--branch", default="gh-pages", show_default=True, help="Zweig für die veröffentlichten Versionen."
)
@click.option("--push", is_flag=True, help="Den Zweig danach zum Server übertragen.")
@click.option("--since", default=None, help="Vergleichsversion für 'Änderungen' (Standard: voriger Tag).")
@click.option("--force", is_flag=True, help="Eine schon veröffentlichte Version bewusst ersetzen.")
@pass_ctx
def publish(
    ctx: Context, version: str | None, branch: str, push: bool, since: str | None, force: bool
) -> None:
    """Die Website als Version mit mike in den Zweig gh-pages veröffentlichen."""
    from .publish import publish as run_publish

    root = ctx.root()
    project = require_project(root)
    done = run_publish(
        project, version=version, branch=branch, push=push, since=since, force=force, today=ctx.today
    )
    if done.built:
        what = (
            "Veröffentlicht und zum Server 'origin' übertragen"
            if done.pushed
            else "Veröffentlicht, nur lokal"
        )
    else:
        what = "Zum Server 'origin' übertragen (war schon lokal veröffentlicht)"
    say(
        f"{what}: {done.title} im Zweig '{done.branch}' (Alias: {', '.join(done.aliases)})"
        + (f"; Änderungen seit {done.since}." if done.since else ".")
    )
    if done.root_page:
        say(f"Die Startseite der Website führt zu '{done.root_page}/'.")
    for step in done.next_steps:
        say(f"Weiter: {step}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_ctx
def serve(ctx: Context, host: str, port: int) -> None:
    """Live-Vorschau: baut bei jeder Änderung an YAML oder Inhalten neu."""
    from .serve import serve as run_serve

    root = ctx.root()
    run_serve(
        root,
        host,
        port,
        lambda message: click.echo(message, err=True),
        ctx.today if ctx.stichtag else None,
    )


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-git", is_flag=True, help="Kein Git-Repository anlegen.")
@click.option(
    "--offline",
    is_flag=True,
    help="Ohne Paketindex: die Prüfsummen der Abhängigkeiten für die CI später mit 'rek upgrade' festlegen.",
)
def init(directory: Path, no_git: bool, offline: bool) -> None:
    """Ein neues Strategie-Repository aus einer sauberen Vorlage anlegen (sofort gültig)."""
    from .scaffold import init_project

    if not offline:
        click.echo("Lege die Abhängigkeiten der CI mit Prüfsummen fest (einmal Paketindex) …", err=True)
    written, ci = init_project(directory, git=not no_git, lock=not offline)
    say(
        f"Angelegt: {directory} ({len(written)} Dateien). Weiter mit: cd {directory} && rek check && rek build"
    )
    _say_ci(ci)


def _say_ci(ci: Any) -> None:
    from .cisource import FOLDER, GUIDE, GUIDE_SECTION

    if ci.locked:
        say(
            f"Die CI installiert genau dieses rek ({ci.version}) aus {FOLDER}/{ci.wheel.name}, die Abhängigkeiten "
            f"mit Prüfsummen aus {FOLDER}/requirements.txt (nie aus einem Paketindex); ersetzen mit 'rek upgrade'."
        )
    else:
        click.echo(
            f"Hinweis: Die Abhängigkeiten der CI sind nicht festgelegt ({ci.problem}); bis dahin bricht die CI "
            "mit einer Meldung ab. Sobald der Paketindex erreichbar ist: im Repository 'rek upgrade', dann "
            f"{FOLDER}/ committen (Leitfaden {GUIDE}, Abschnitt '{GUIDE_SECTION}').",
            err=True,
        )


@cli.command()
@click.option(
    "--offline", is_flag=True, help="Ohne Paketindex: nur das Wheel ersetzen (die CI bricht dann ab)."
)
@pass_ctx
def upgrade(ctx: Context, offline: bool) -> None:
    """Die CI auf dieses rek umstellen: Wheel, Abhängigkeiten mit Prüfsummen und Leitfaden in .rek/ ersetzen."""
    from . import cisource

    root, embedded = find_project(ctx.explicit)
    if embedded:
        raise RekError(
            "Kein Strategie-Repository im aktuellen Ordner: 'rek upgrade' im Repository ausführen, das "
            "'rek init' angelegt hat (oder mit -C ORDNER)."
        )
    before = sorted(p.name for p in (root / cisource.FOLDER).glob("*.whl"))
    if not offline:
        click.echo("Lege die Abhängigkeiten der CI mit Prüfsummen fest (Paketindex) …", err=True)
    ci = cisource.write(root, lock=not offline)
    was = ", ".join(before) if before else "keinem Wheel"
    say(f"CI-Installation: {was} → {ci.wheel.name}.")
    _say_ci(ci)
    say(f"Weiter mit: git add {cisource.FOLDER} && git commit -m 'rek {ci.version} für die CI'")


def _german_usage(command: click.Command) -> None:
    """'Aufruf: rek build [OPTIONEN]' instead of click's English placeholders."""
    command.options_metavar = "[OPTIONEN]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "BEFEHL [ARGUMENTE]..."
        for sub in command.commands.values():
            _german_usage(sub)


_german_usage(cli)


def _plausible_only(exc: click.ClickException) -> None:
    """Keep click's 'Meinten Sie …?' for an unknown option or command only when it is plausible."""
    from . import suggest

    if isinstance(exc, click.exceptions.NoSuchOption | click.exceptions.NoSuchCommand) and exc.possibilities:
        name = exc.option_name if isinstance(exc, click.exceptions.NoSuchOption) else exc.command_name
        exc.possibilities = [  # type: ignore[misc]
            p for p in exc.possibilities if suggest.plausible(name.lstrip("-"), [p.lstrip("-")]) is not None
        ]


def main(argv: list[str] | None = None) -> None:
    """Entry point: no traceback reaches a user; exit 1 for their mistakes, 2 for ours, 130 for interrupts."""
    with interrupts.handled(), heap.settled_until_done():
        code = _run(argv)
    sys.exit(code)


def _run(argv: list[str] | None) -> int:
    try:
        cli.main(args=argv, prog_name="rek", standalone_mode=False)
        interrupts.checkpoint()
        return 0
    except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl+C into Abort
        interrupts.note()
        click.echo("Abgebrochen; es wurde nichts halb geschrieben.", err=True)
        return 130
    except click.ClickException as exc:
        _plausible_only(exc)
        exc.show()
        return exc.exit_code if exc.exit_code else 2
    except RekError as exc:
        click.echo(styled(exc.text), err=True, color=colour())
        if exc.diagnostics:
            click.echo(summary_line(exc.diagnostics), err=True)
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:  # a bug in rek: say so plainly, details only on request
        if os.environ.get("REK_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"Interner Fehler in rek ({type(exc).__name__}: {exc}). Das ist ein Fehler im Programm, nicht in "
            "Ihren Dateien; mit REK_DEBUG=1 sehen Sie Einzelheiten für eine Fehlermeldung.",
            err=True,
        )
        return 2


if __name__ == "__main__":
    main()
