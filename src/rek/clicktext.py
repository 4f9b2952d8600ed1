"""German texts for click's own messages (usage errors, help headings).

click looks its texts up with ``gettext`` at call time through module-level names (``_``, ``ngettext``);
``install()`` points those names at this table. A text missing here stays English, so
``tests/test_messages.py`` checks the table against click's source: every message click can show is here.
"""

from __future__ import annotations

import importlib

SINGULAR: dict[str, str] = {
    "%(prog)s, version %(version)s": "%(prog)s, Version %(version)s",
    "(dynamic)": "(dynamisch)",
    "Aborted!": "Abgebrochen.",
    "Argument {name!r} takes {nargs} values.": "Argument {name!r} nimmt {nargs} Werte.",
    "Choice({choices})": "Auswahl({choices})",
    "Choose from:\n\t{choices}": "Wählen Sie aus:\n\t{choices}",
    "Commands": "Befehle",
    "Confirm the action without prompting.": "Die Aktion ohne Rückfrage bestätigen.",
    "Could not open file {filename!r}: {message}": "Datei {filename!r} lässt sich nicht öffnen: {message}",
    "Couldn't detect Bash version, shell completion is not supported.": (
        "Bash-Version nicht erkannt; die Vervollständigung wird nicht unterstützt."
    ),
    "Do you want to continue?": "Fortfahren?",
    "Error: The two entered values do not match.": "Fehler: Die beiden Eingaben stimmen nicht überein.",
    "Error: invalid input": "Fehler: ungültige Eingabe",
    "Error: {message}": "Fehler: {message}",
    "Invalid start character for option ({option})": "Ungültiges erstes Zeichen der Option ({option})",
    "Invalid value for {param_hint}: {message}": "Ungültiger Wert für {param_hint}: {message}",
    "Invalid value: {message}": "Ungültiger Wert: {message}",
    "Missing argument": "Argument fehlt",
    "Missing command.": "Befehl fehlt.",
    "Missing option": "Option fehlt",
    "Missing parameter": "Angabe fehlt",
    "Missing parameter: {param_name}": "Angabe fehlt: {param_name}",
    "Missing {param_type}": "{param_type} fehlt",
    "Name '{name}' defined twice": "Name '{name}' doppelt vergeben",
    "No such command {name!r}.": "Befehl {name!r} gibt es nicht.",
    "No such option {name!r}.": "Option {name!r} gibt es nicht.",
    "No such option: {name}": "Option {name} gibt es nicht.",
    "Option {name!r} does not take a value.": "Option {name!r} nimmt keinen Wert.",
    "Options": "Optionen",
    "Positional arguments": "Argumente",
    "Press any key to continue...": "Eine Taste drücken, um fortzufahren …",
    "Repeat for confirmation": "Zur Bestätigung wiederholen",
    "Show the version and exit.": "Die Version zeigen und beenden.",
    "Show this message and exit.": "Diese Hilfe zeigen und beenden.",
    "Try '{command} {option}' for help.": "Hilfe: '{command} {option}'.",
    "Unknown color {colour!r}": "Unbekannte Farbe {colour!r}",
    "Unknown standard stream '{name}'": "Unbekannter Standardkanal '{name}'",
    "Usage:": "Aufruf:",
    "Value must be an iterable.": "Der Wert muss eine Liste sein.",
    "Windows error: {error}": "Windows-Fehler: {error}",
    "default: {default}": "Standard: {default}",
    "deprecated": "veraltet",
    "directory": "Ordner",
    "env var: {var}": "Umgebungsvariable: {var}",
    "file": "Datei",
    "path": "Pfad",
    "required": "Pflicht",
    "unknown error": "unbekannter Fehler",
    "{editor}: Editing failed": "{editor}: Bearbeiten gescheitert",
    "{editor}: Editing failed: {e}": "{editor}: Bearbeiten gescheitert: {e}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} gibt es nicht.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} ist ein Ordner.",
    "{name} {filename!r} is a file.": "{name} {filename!r} ist eine Datei.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} ist nicht ausführbar.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} ist nicht lesbar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} ist nicht beschreibbar.",
    "{value!r} is not a valid UUID.": "{value!r} ist keine gültige UUID.",
    "{value!r} is not a valid {number_type}.": "{value!r} ist keine gültige {number_type}.",
    "{value} is not in the range {range}.": "{value} liegt nicht im Bereich {range}.",
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "Die Vervollständigung braucht Bash 4.4 oder neuer."
    ),
    "d": "T",  # days in a progress bar's remaining time
    "integer": "ganze Zahl",
    "float": "Zahl",
    "boolean": "Wahrheitswert",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} ist kein Wahrheitswert. Erlaubt: {states}"
    ),
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Hinweis: Der Befehl {name!r} ist veraltet.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Hinweis: {param_type} {name!r} ist veraltet.{extra_message}"
    ),
}

PLURAL: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Unerwartetes zusätzliches Argument ({args})",
        "Unerwartete zusätzliche Argumente ({args})",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Nimmt {nargs} Werte, angegeben wurde 1.",
        "Nimmt {nargs} Werte, angegeben wurden {len}.",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Meinten Sie {possibility}?",
        "(Meinten Sie eine von: {possibilities}?)",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Option {name!r} braucht einen Wert.",
        "Option {name!r} braucht {nargs} Werte.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} ist nicht {choice}.",
        "{value!r} ist keiner der Werte {choices}.",
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} passt nicht zum Format {format}.",
        "{value!r} passt zu keinem der Formate {formats}.",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        "{len_type} Werte sind nötig, angegeben wurde {len_value}.",
        "{len_type} Werte sind nötig, angegeben wurden {len_value}.",
    ),
}

# errors in a program's own option declarations, never shown for a user's input
DEVELOPER_ONLY = {
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?",
}

MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
    "click.shell_completion",
    "click._termui_impl",
)


def gettext(message: str) -> str:
    return SINGULAR.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    german = PLURAL.get((singular, plural))
    if german is None:
        return singular if n == 1 else plural
    return german[0] if n == 1 else german[1]


def install() -> None:
    """Point click's message lookups at the German table (idempotent)."""
    import click

    # the names of number types go into messages ('keine gültige Ganzzahl') and metavars (GANZZAHL)
    click.INT.name = "Ganzzahl"
    click.FLOAT.name = "Kommazahl"
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a module of another click version
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
