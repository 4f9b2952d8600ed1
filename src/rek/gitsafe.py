"""git as a reader of history: a clean environment, nothing executed from the repository, blobs as committed.

Every git call of rek goes through :func:`run_git`: no ``GIT_*`` variable of the caller (``GIT_DIR``,
``GIT_CONFIG_PARAMETERS``, ``GIT_EXTERNAL_DIFF`` …) reaches git, the system configuration is not read
(``GIT_CONFIG_NOSYSTEM``), replace refs are ignored, and options on the command line switch off what a
repository's own configuration could run: hooks, an fsmonitor, a pager, signature checks, network access
(and so lazy fetches with an ``sshCommand``); for ``git status`` also every filter and diff driver it
defines. The ownership check of git (``safe.directory``) stays as it is: rek adds no exception.

:func:`export_tree` writes the project files of one commit into a folder blob by blob (``git ls-tree``
and ``git cat-file --batch``): no ``git archive``, so ``.gitattributes`` (``export-ignore``,
``export-subst``), filters and textconv never change what is read. A symbolic link (mode 120000) is
refused and never written as a link, a submodule (160000) is skipped, a file over its size limit is
refused with the message of the work tree, before its bytes are read.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from .diagnostics import Diagnostics, RekError
from .formatting import number

SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.untrackedCache=false",
    "log.showSignature=false",
    "protocol.allow=never",
    "credential.helper=",
)
DRIVER_KEYS = r"^(filter|diff|merge)\..+\.(clean|smudge|process|required|textconv|command|driver)$"
TIMEOUT = 120
# the user's own settings, never the repository's: where git lives and a global configuration file
# (which may hold safe.directory for this checkout)
KEEP_ENV = ("GIT_EXEC_PATH", "GIT_CONFIG_GLOBAL")


def git_env() -> dict[str, str]:
    """The caller's environment without any GIT_* variable, plus what makes git read history as committed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in KEEP_ENV}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_ATTR_NOSYSTEM="1",
        GIT_NO_REPLACE_OBJECTS="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
    )
    return env


def git_command(root: Path, *args: str, extra_config: tuple[str, ...] = ()) -> list[str]:
    options = [part for item in (*SAFE_CONFIG, *extra_config) for part in ("-c", item)]
    return ["git", "-C", str(root), *options, *args]


def _driver_overrides(root: Path) -> tuple[str, ...]:
    """'-c' values that blank every filter, diff and merge driver the repository's configuration defines."""
    try:
        result = subprocess.run(
            git_command(root, "config", "--null", "--name-only", "--get-regexp", DRIVER_KEYS),
            capture_output=True,
            timeout=TIMEOUT,
            env=git_env(),
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    names = result.stdout.decode("utf-8", "replace").split("\0")
    return tuple(f"{name}=" for name in dict.fromkeys(n.strip() for n in names) if name)


def run_git(root: Path, *args: str, timeout: int = TIMEOUT) -> subprocess.CompletedProcess[bytes]:
    """Run git with the clean environment and configuration; raises OSError when git is missing."""
    extra = _driver_overrides(root) if args and args[0] == "status" else ()
    return subprocess.run(
        git_command(root, *args, extra_config=extra), capture_output=True, timeout=timeout, env=git_env()
    )


# --- one commit's files, blob by blob -----------------------------------------------------------------

SYMLINK, SUBMODULE = "120000", "160000"


def _path_problem(parts: tuple[str, ...]) -> str | None:
    for part in parts:
        if part in ("", ".", "..") or part.casefold() == ".git" or "\\" in part or "\0" in part:
            return f"Pfadteil '{part[:40]}' ist nicht erlaubt"
    return None


def export_tree(
    root: Path,
    commit: str,
    folder: Path,
    label: str,
    limit: Callable[[PurePosixPath], int | None],
) -> Diagnostics:
    """Write the files of commit (the project folder root inside it) into folder, as committed.

    ``limit(path)`` is the size limit of a file the project loader reads, or None for a file rek does
    not read (it is not written). Returns the refusals (symbolic links, files over their limit, paths
    that are not allowed), each at its path.
    """
    diags = Diagnostics()
    prefix = _git_out(root, "rev-parse", "--show-prefix").decode("utf-8", "surrogateescape").strip()
    found = run_git(root, "rev-parse", "--verify", "--quiet", f"{commit}:{prefix}")
    tree = found.stdout.decode("ascii", "replace").strip()
    if found.returncode != 0 or _git_out(root, "cat-file", "-t", tree).strip() != b"tree":
        return diags  # the project folder did not exist then: an empty project
    listing = _git_out(root, "ls-tree", "-r", "-l", "-z", "--full-tree", tree)
    wanted: list[tuple[str, int, PurePosixPath]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, oid, size = meta.decode("ascii").split(maxsplit=3)
        try:
            name = raw_path.decode("utf-8")
        except UnicodeDecodeError:
            shown = raw_path.decode("utf-8", "replace")[:80]
            if limit(PurePosixPath(shown)) is not None:
                diags.add(shown, 1, 1, f"Dateiname ist in '{label}' nicht UTF-8-kodiert")
            continue
        path = PurePosixPath(name)
        if mode == SUBMODULE or kind != "blob":
            continue
        allowed = limit(path)
        if mode == SYMLINK:
            if allowed is not None or _is_project_folder(path, limit):
                diags.add(
                    name,
                    1,
                    1,
                    f"Ist in '{label}' ein symbolischer Link; rek folgt keinen Links, denn sie können aus "
                    "dem Projekt hinausführen",
                )
            continue
        if allowed is None:
            continue
        problem = _path_problem(tuple(name.split("/")))
        if problem:
            diags.add(name[:200], 1, 1, f"{problem} (in '{label}')")
            continue
        if int(size) > allowed:
            diags.add(
                name,
                1,
                1,
                f"Datei ist zu groß: {number(int(size))} Bytes, erlaubt sind höchstens {number(allowed)} Bytes",
                hint="Eine Strategiedatei braucht nur wenige Kilobyte; teilen Sie große Inhalte auf.",
            )
            continue
        wanted.append((oid, int(size), path))
    if diags.errors:
        return diags
    _write_blobs(root, folder, wanted, label, diags)
    return diags


PROBES = ("strategy.yaml", "probe.yaml", "probe.md", "probe.png")


def _is_project_folder(path: PurePosixPath, limit: Callable[[PurePosixPath], int | None]) -> bool:
    """True when files rek reads would lie directly below path (strategy/, measures/, content/, assets/ …)."""
    return any(limit(path / probe) is not None for probe in PROBES)


def _write_blobs(
    root: Path, folder: Path, wanted: list[tuple[str, int, PurePosixPath]], label: str, diags: Diagnostics
) -> None:
    if not wanted:
        return
    with tempfile.TemporaryFile() as ids:
        ids.write(b"".join(f"{oid}\n".encode("ascii") for oid, _, _ in wanted))
        ids.seek(0)
        with subprocess.Popen(
            git_command(root, "cat-file", "--batch"),
            stdin=ids,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=git_env(),
        ) as proc:
            try:
                _read_batch(proc, wanted, folder, label, diags)
            finally:
                proc.kill()  # done or failed: git has nothing more to say


def _read_batch(
    proc: subprocess.Popen[bytes],
    wanted: list[tuple[str, int, PurePosixPath]],
    folder: Path,
    label: str,
    diags: Diagnostics,
) -> None:
    """Each object of 'git cat-file --batch': '<oid> blob <size>', its bytes and a newline."""
    assert proc.stdout is not None
    for oid, size, path in wanted:
        header = proc.stdout.readline(200).split()
        if len(header) != 3 or header[0].decode("ascii", "replace") != oid or header[2] != str(size).encode():
            raise RekError(f"git cat-file: unerwartete Antwort für '{path}' in '{label}'")
        data = proc.stdout.read(size)
        proc.stdout.read(1)  # the newline after each object
        if len(data) != size:
            raise RekError(f"git cat-file: '{path}' in '{label}' ist unvollständig")
        _write_file(folder, path, data, label, diags)


def _write_file(folder: Path, path: PurePosixPath, data: bytes, label: str, diags: Diagnostics) -> None:
    target = folder.joinpath(*path.parts)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, flags, 0o644)
    except OSError:
        diags.add(str(path), 1, 1, f"Steht in '{label}' doppelt oder zugleich als Ordner im Baum")
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _git_out(root: Path, *args: str) -> bytes:
    try:
        result = run_git(root, *args)
    except (OSError, subprocess.SubprocessError) as exc:
        raise RekError(f"git {args[0]}: {exc}") from None
    if result.returncode != 0:
        raise RekError(f"git {' '.join(args)}: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout
