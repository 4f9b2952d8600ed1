"""The `rek` command line: check, new, schema, build, application, report, diff, serve, init, publish."""

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
@pass_ctx
def check(ctx: Context, call_id: str | None) -> None:
    """Alle Dateien prüfen; jeder Fehler mit Datei, Zeile und Spalte."""
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
    if project is None:
        click.echo(summary_line(diags.items), err=True)
        sys.exit(1)
    from .checks import check_plan, monitoring_findings
    from .plan import resolve

    call = _call(project, call_id)
    plan = resolve(project, call, today=ctx.today)

    findings = sorted(check_plan(plan) + monitoring_findings(plan))
    for diag in findings:
        click.echo(styled(diag.format()), err=diag.severity == "error")
    errors = [d for d in findings if d.severity == "error"]
    if errors:
        click.echo(summary_line(findings), err=True)
        sys.exit(1)
    if call is not None:
        from .application.formtexts import count_line

        say("Zeichen je Abschnitt des Antrags:")
        for sp in plan.sections:
            say(f"  {sp.section.title}: {count_line(sp, call.chars_per_page)}")
    extra = f", Förderaufruf '{call.id}' formal erfüllt" if call else ""
    if findings:
        extra += f" ({len(findings)} Hinweis(e), vor der Einreichung zu erledigen)"
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


@cli.group()
def new() -> None:
    """Neue Dateien aus Vorlagen anlegen (überschreibt nie)."""


@new.command("measure")
@click.option("--title", default="Neue Maßnahme", help="Titel der Maßnahme.")
@click.option("--action-field", default=None, help="Haupt-Handlungsfeld (Kennung).")
@click.option("--lead", default=None, help="Federführender Partner (Kennung).")
@click.option("--id", "measure_id", default=None, help="Kennung (Standard: die nächste freie).")
@pass_ctx
def new_measure(
    ctx: Context, title: str, action_field: str | None, lead: str | None, measure_id: str | None
) -> None:
    """Einen gültigen Maßnahmensteckbrief mit der nächsten freien Kennung anlegen."""
    from .scaffold import new_measure as scaffold

    root = ctx.root()
    project = require_project(root)
    path = scaffold(
        root,
        project.strategy,
        project.action_fields,
        [m.id for m in project.measures],
        title=title,
        action_field=action_field,
        lead=lead,
        measure_id=measure_id,
        today=ctx.today,
    )
    say(f"Angelegt: {os.path.relpath(path)}")


@new.command("action-field")
@click.option("--title", required=True, help="Titel des Handlungsfelds.")
@click.option("--id", "field_id", default=None, help="Kennung (Standard: aus dem Titel).")
@pass_ctx
def new_action_field(ctx: Context, title: str, field_id: str | None) -> None:
    """Ein neues Handlungsfeld als Datei unter strategy/action-fields/ anlegen."""
    from .scaffold import new_action_field as scaffold

    root = ctx.root()
    project = require_project(root)
    path = scaffold(root, project.action_fields, title=title, field_id=field_id)
    say(f"Angelegt: {os.path.relpath(path)}")


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
    from .scaffold import new_partner as scaffold

    root = ctx.root()
    project = require_project(root)
    path = scaffold(root, project.strategy, partner_id=partner_id, name=name, kind=kind, role=role)
    say(f"Partner '{partner_id}' ergänzt in {os.path.relpath(path)}")


@new.command("goal")
@click.option("--title", required=True, help="Das strategische Ziel in einem Satz.")
@click.option("--id", "goal_id", default=None, help="Kennung (Standard: die nächste freie, z. B. Z2).")
@pass_ctx
def new_goal(ctx: Context, title: str, goal_id: str | None) -> None:
    """Ein strategisches Ziel in strategy/strategy.yaml ergänzen."""
    from .scaffold import new_goal as scaffold

    root = ctx.root()
    project = require_project(root)
    path, made = scaffold(root, project.strategy, title=title, goal_id=goal_id)
    say(f"Ziel '{made}' ergänzt in {os.path.relpath(path)}")


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
    from .checks import monitoring_findings
    from .plan import resolve

    plan = resolve(project, today=ctx.today)
    report = run_build(
        plan, target, site=site, application=application, changes=changes, draft=draft, profiles=profiles
    )
    for message in report.warnings:
        click.echo(f"Warnung: {message}", err=True)
    # what the site shows as late or missed, with the place to change it (the same warnings as rek check)
    for diag in sorted(monitoring_findings(plan)):
        click.echo(styled(diag.format()), err=True)
    parts = []
    if site:
        parts.append(f"Website mit {report.pages} Seiten in {os.path.relpath(target / 'site')}")
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
                f"{len(findings)} formale Anforderung(en) des Aufrufs '{call.id}' nicht erfüllt.", err=True
            )
            sys.exit(1)
        say(f"Der Antrag erfüllt die formalen Anforderungen des Aufrufs '{call.name}'.")
        return
    from .outputs import APPLICATION, DRAFTS, refusals

    if refusals(plan, [APPLICATION, DRAFTS], draft=draft):  # the one refusal policy (outputs.py)
        click.echo(summary_line(findings), err=True)
        if not money:
            click.echo(
                "Kein Antrag geschrieben: die formale Prüfung ist nicht bestanden. Mit --draft entsteht ein "
                "Entwurf, der auf jeder Seite so markiert ist.",
                err=True,
            )
        sys.exit(1)
    from .application.build import write_application
    from .build import staged_output

    target = out or _default_out(ctx, root, "build-antrag")
    with staged_output(root, target) as tmp:
        formal = bool(refusals(plan, [APPLICATION]))  # written as a draft (--draft): every page says so
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
    say(
        f"Veröffentlicht: {done.title} im Zweig '{done.branch}' (Alias: {', '.join(done.aliases)})"
        + (f"; Änderungen seit {done.since}." if done.since else ".")
    )


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
    "--rek-source",
    default=None,
    metavar="QUELLE",
    help="Woher die CI rek installiert, fest: rek==0.1.0, die URL eines Wheels oder git+https://…@v0.1.0 "
    "(Standard: die Git-Quelle dieses rek, sonst die CI-Variable REK_PACKAGE).",
)
def init(directory: Path, no_git: bool, rek_source: str | None) -> None:
    """Ein neues Strategie-Repository aus einer sauberen Vorlage anlegen (sofort gültig)."""
    from .scaffold import init_project, installed_rek_source

    source = rek_source or installed_rek_source()
    written = init_project(directory, git=not no_git, rek_source=source)
    say(
        f"Angelegt: {directory} ({len(written)} Dateien). Weiter mit: cd {directory} && rek check && rek build"
    )
    if source:
        say(f"Die CI installiert rek aus: {source} (änderbar mit der CI-Variable REK_PACKAGE).")
    else:
        click.echo(
            "Hinweis: Die CI weiß noch nicht, woher sie rek installiert. Setzen Sie in GitHub bzw. GitLab die "
            "CI-Variable REK_PACKAGE (z. B. rek==0.1.0, die URL des Wheels Ihrer Organisation oder "
            "git+https://…/rek.git@v0.1.0) oder legen Sie mit 'rek init --rek-source …' an.",
            err=True,
        )


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
