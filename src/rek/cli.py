"""The `rek` command line: check, new, schema, build, application, diff, serve, init, publish."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .diagnostics import RekError, summary_line
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
    for diag in diags.sorted():
        click.echo(diag.format(), err=diag.severity == "error")
    if project is None:
        click.echo(summary_line(diags.items), err=True)
        sys.exit(1)
    from .application.checks import formal_checks

    call = project.calls.get(call_id) if call_id else project.call
    if call_id and call is None:
        raise RekError(
            f"Unbekannter Förderaufruf '{call_id}'. Vorhanden: {', '.join(project.calls) or 'keiner'}"
        )
    failures = formal_checks(project, call) if call else []
    for failure in failures:
        click.echo(failure.format(), err=True)
    if failures:
        click.echo(
            f"{len(failures)} formale Anforderung(en) des Aufrufs '{call.id}' nicht erfüllt.", err=True
        )
        sys.exit(1)
    extra = f", Förderaufruf '{call.id}' formal erfüllt" if call else ""
    click.echo(
        f"Alles in Ordnung: {len(project.measures)} Maßnahmen, {len(project.action_fields)} Handlungsfelder, "
        f"{len(project.strategy.partners)} Partner geprüft{extra}."
    )


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
