"""The `rek` command line: check, new, schema, build, application, diff, serve, init, publish."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from . import __version__
from .diagnostics import RekError, summary_line
from .formatting import euro
from .locate import find_project
from .project import load_project, require_project


class Context:
    def __init__(self, project: Path | None) -> None:
        self.explicit = project

    def root(self) -> Path:
        root, embedded = find_project(self.explicit)
        if embedded:
            click.echo(
                f"Hinweis: kein Projekt im aktuellen Ordner, nehme die eingebettete Strategie ({root}).",
                err=True,
            )
        return root


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rek")
@click.option(
    "-C",
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Projektordner (Standard: aktueller Ordner, sonst die eingebettete Strategie).",
)
@click.pass_context
def cli(ctx: click.Context, project: Path | None) -> None:
    """rek – Strategie als Code für Smart Regions."""
    ctx.obj = Context(project)


@cli.command()
@click.option("--call", "call_id", default=None, help="Formale Prüfung gegen dieses Förderaufruf-Profil.")
@pass_ctx
def check(ctx: Context, call_id: str | None) -> None:
    """Alle Dateien prüfen; jeder Fehler mit Datei, Zeile und Spalte."""
    root = ctx.root()
    project, diags = load_project(root)
    if project is not None and project.overrides:
        from .overrides import trial

        diags.extend(trial(project))
        if diags.errors:
            project = None
    for diag in diags.sorted():
        click.echo(diag.format(), err=diag.severity == "error")
    if project is None:
        click.echo(summary_line(diags.items), err=True)
        sys.exit(1)
    from .checks import check_plan
    from .plan import resolve

    call = _call(project, call_id)
    plan = resolve(project, call)
    findings = sorted(check_plan(plan))
    for diag in findings:
        click.echo(diag.format(), err=diag.severity == "error")
    errors = [d for d in findings if d.severity == "error"]
    if errors:
        click.echo(summary_line(findings), err=True)
        sys.exit(1)
    extra = f", Förderaufruf '{call.id}' formal erfüllt" if call else ""
    if findings:
        extra += f" ({len(findings)} Hinweis(e), vor der Einreichung zu erledigen)"
    if call:
        extra += (
            f"; im Antrag {_count(len(plan.application.measures), 'Maßnahme', 'Maßnahmen')}, "
            f"Zuwendung {euro(plan.application.total.grant, True)}"
        )
    click.echo(
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
    )
    click.echo(f"Angelegt: {os.path.relpath(path)}")


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
    from .scaffold import schema_json, write_schemas

    if kind:
        click.echo(schema_json(kind), nl=False)
        return
    folder = out or ctx.root() / "schemas"
    for path in write_schemas(folder):
        click.echo(f"Geschrieben: {os.path.relpath(path)}")


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
    "--draft",
    is_flag=True,
    help="Antrag auch bei nicht bestandener formaler Prüfung schreiben, auf jeder Seite als Entwurf markiert.",
)
@pass_ctx
def build(
    ctx: Context, out: Path | None, site: bool, application: bool, since: str | None, draft: bool
) -> None:
    """Website und Antrag aus der Strategie bauen (ersetzt die Ausgabe nur bei Erfolg)."""
    from .build import build as run_build

    root = ctx.root()
    project = require_project(root)
    for warning in project.warnings:
        click.echo(warning.format(), err=True)
    changes = None
    if since:
        from .diff import changes_page

        changes = changes_page(root, since, None)
    target = out or _default_out(ctx, root, "build")
    report = run_build(project, target, site=site, application=application, changes=changes, draft=draft)
    for message in report.warnings:
        click.echo(f"Warnung: {message}", err=True)
    parts = []
    if site:
        parts.append(f"Website mit {report.pages} Seiten in {os.path.relpath(target / 'site')}")
    if application and project.call is not None:
        parts.append(f"Antrag in {os.path.relpath(target / 'antrag')}")
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items())
    click.echo("Gebaut: " + "; ".join(parts) + (f" ({timing})." if timing else "."))


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
    from .checks import check_plan, formal_findings
    from .plan import resolve

    root = ctx.root()
    project = require_project(root)
    call = _call(project, call_id)
    if call is None:
        raise RekError("Kein Förderaufruf gewählt: setzen Sie 'call' in strategy/strategy.yaml oder --call.")
    plan = resolve(project, call)
    findings = sorted(check_plan(plan))
    for diag in findings:
        click.echo(diag.format(), err=True)
    errors = [d for d in findings if d.severity == "error"]
    if check_only:
        # the submission check: what is still 'in Vorbereitung' counts as missing here
        if findings:
            click.echo(
                f"{len(findings)} formale Anforderung(en) des Aufrufs '{call.id}' nicht erfüllt.", err=True
            )
            sys.exit(1)
        click.echo(f"Der Antrag erfüllt die formalen Anforderungen des Aufrufs '{call.name}'.")
        return
    formal = [d for d in formal_findings(plan) if d.severity == "error"]
    money = [d for d in errors if d not in formal]
    if money or (formal and not draft):
        click.echo(summary_line(findings), err=True)
        if formal and not money:
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
        files = write_application(plan, tmp, documents=True, draft=bool(formal))
    for warning in files.warnings:
        click.echo(f"Warnung: {warning}", err=True)
    click.echo(
        f"{'Entwurf' if formal else 'Antrag'} geschrieben: {os.path.relpath(target)} (antrag.md, antrag.docx, "
        f"antrag.pdf, {files.xlsx.name}); {_count(len(files.app.measures), 'Maßnahme', 'Maßnahmen')}, "
        f"Zuwendung {euro(plan.application.total.grant, True)}."
    )


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
@pass_ctx
def publish(ctx: Context, version: str | None, branch: str, push: bool, since: str | None) -> None:
    """Die Website als Version mit mike in den Zweig gh-pages veröffentlichen."""
    from .publish import publish as run_publish

    root = ctx.root()
    project = require_project(root)
    done = run_publish(project, version=version, branch=branch, push=push, since=since)
    click.echo(
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
    run_serve(root, host, port, lambda message: click.echo(message, err=True))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-git", is_flag=True, help="Kein Git-Repository anlegen.")
def init(directory: Path, no_git: bool) -> None:
    """Ein neues Strategie-Repository aus einer sauberen Vorlage anlegen (sofort gültig)."""
    from .scaffold import init_project

    written = init_project(directory, git=not no_git)
    click.echo(
        f"Angelegt: {directory} ({len(written)} Dateien). Weiter mit: cd {directory} && rek check && rek build"
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point: no traceback reaches a user; exit 1 for their mistakes, 2 for ours."""
    try:
        cli.main(args=argv, prog_name="rek", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Abgebrochen.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code if exc.exit_code else 2)
    except RekError as exc:
        click.echo(exc.text, err=True)
        if exc.diagnostics:
            click.echo(summary_line(exc.diagnostics), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Abgebrochen; es wurde nichts halb geschrieben.", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a bug in rek: say so plainly, details only on request
        if os.environ.get("REK_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"Interner Fehler in rek ({type(exc).__name__}: {exc}). Das ist ein Fehler im Programm, nicht in "
            "Ihren Dateien; mit REK_DEBUG=1 sehen Sie Einzelheiten für eine Fehlermeldung.",
            err=True,
        )
        sys.exit(2)
