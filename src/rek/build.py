"""`rek build`: generate the docs tree, run MkDocs, export the application, swap in only on success.

Everything is written into a hidden temporary folder beside the output folder; the finished result
replaces the old output in one rename. A failure or an interrupt leaves the last good output as it was.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .assets import copy_images
from .checks import formal_findings, money_findings
from .diagnostics import Diagnostic, RekError
from .locate import PACKAGE_DIR, inside, safe_output_dir
from .plan import Plan, resolve
from .project import Project
from .site import config as site_config
from .site.opendata import write_downloads
from .site.pages import SitePages

MARKER = ".rek-build"
ASSETS = PACKAGE_DIR / "site" / "assets"


@dataclass
class BuildReport:
    out: Path
    timings: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    warnings: list[str] = field(default_factory=list)


def write_tree(
    plan: Plan | Project,
    tree: Path,
    *,
    changes: str | None = None,
    versioned: bool = False,
    application_files: list[dict[str, str]] | None = None,
) -> int:
    """Write the whole MkDocs source tree (mkdocs.yml + docs/) for the project; return the page count."""
    if not isinstance(plan, Plan):
        plan = resolve(plan)
    project = plan.project
    docs = tree / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    pages = SitePages(plan, changes)
    count = 0
    made: set[Path] = set()
    for relative, text in pages.files(application_files):
        target = inside(docs, relative)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_text(text, encoding="utf-8")
        count += relative.endswith(".md")
    assets = docs / "assets" / "rek"
    assets.mkdir(parents=True, exist_ok=True)
    shutil.copy(ASSETS / "rek.css", assets / "rek.css")
    shutil.copy(ASSETS / "catalogue.js", assets / "catalogue.js")
    write_downloads(plan, docs / "downloads")
    if project.images:  # checked again while copied: regular files, PNG or JPEG
        copy_images(project.images, docs / "assets" / "projekt")
    cfg = site_config.mkdocs_config(project, pages.nav(), versioned=versioned)
    (tree / "mkdocs.yml").write_text(site_config.dump(cfg), encoding="utf-8")
    return count


class _MkDocsLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(config_file: Path, site_dir: Path) -> list[str]:
    """Build the site from a generated tree with MkDocs (in this process); return its warnings."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = _MkDocsLog()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        cfg = load_config(str(config_file), site_dir=str(site_dir))
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    except MkDocsException as exc:
        raise RekError(f"MkDocs konnte die Website nicht bauen: {exc}") from exc
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    return handler.messages


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt so that temporary output is cleaned up."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not in the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _clean_stale(parent: Path, name: str) -> None:
    """Remove what an earlier, killed build left: replaced outputs at once, unfinished ones after an hour."""
    for stale in parent.glob(f".rek-tmp-old-{name}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in parent.glob(f".rek-tmp-{name}-*"):
        if stale.is_dir() and time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Defer SIGINT and SIGTERM for a moment that must not be cut in two; they take effect right after.

    Python runs signal handlers in the main thread whichever thread receives the signal, so deferring
    in the handler (not masking the thread) also holds when other threads exist.
    """
    received: list[int] = []

    def defer(signum: int, frame: object) -> None:
        received.append(signum)

    try:
        previous = {sig: signal.signal(sig, defer) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not in the main thread: nothing to defer here
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        raise KeyboardInterrupt


def swap_in(tmp: Path, out: Path) -> None:
    """Replace out by tmp; the old output is moved aside first and restored if the rename fails."""
    (tmp / MARKER).write_text("Von rek erzeugt; wird bei jedem Bau ersetzt.\n", encoding="utf-8")
    old = None
    with signals_held():  # an interrupt between the two renames would hide the last good output
        if out.exists():
            old = out.parent / f".rek-tmp-old-{out.name}-{time.time_ns()}"
            out.rename(old)
        try:
            tmp.rename(out)
        except BaseException:
            if old is not None and not out.exists():
                old.rename(out)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged_output(project_root: Path, out: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success it becomes out, on any failure it is removed."""
    out = safe_output_dir(project_root, out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _clean_stale(out.parent, out.name)
        tmp = Path(tempfile.mkdtemp(prefix=f".rek-tmp-{out.name}-", dir=out.parent))
    except OSError as exc:
        raise RekError(f"Ausgabeordner '{out}' kann nicht angelegt werden: {exc.strerror or exc}") from None
    try:
        with _terminate_as_interrupt():
            yield tmp
            swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def refusals(plan: Plan, *, application: bool, draft: bool) -> list[Diagnostic]:
    """What stops a build: money that does not add up, and (unless a draft is asked for) every
    formal failure of the application against its call."""
    found = money_findings(plan)
    if application and not draft:
        found += formal_findings(plan)
    return [d for d in found if d.severity == "error"]


def build(
    plan: Plan | Project,
    out: Path,
    *,
    site: bool = True,
    application: bool = True,
    documents: bool = True,
    changes: str | None = None,
    draft: bool = False,
) -> BuildReport:
    """Build site and application into ``out``; refuses (RekError) what ``rek check`` reports."""
    if not isinstance(plan, Plan):
        plan = resolve(plan)
    project = plan.project
    stop = refusals(plan, application=application, draft=draft)
    if stop:
        raise RekError(stop)
    report = BuildReport(out=out)
    with staged_output(project.root, out) as tmp:
        application_files: list[dict[str, str]] = []
        call = plan.call
        if application and call is not None:
            from .application.build import write_application

            started = time.perf_counter()
            draft_needed = draft and any(d.severity == "error" for d in formal_findings(plan))
            files = write_application(plan, tmp / "antrag", documents=documents, draft=draft_needed)
            report.timings["application"] = time.perf_counter() - started
            report.warnings.extend(files.warnings)
            for path, label, kind in (
                (files.docx, "Antrag (Word)", "DOCX"),
                (files.pdf, "Antrag (PDF)", "PDF"),
                (files.xlsx, "Kosten- und Finanzierungsplan", "Excel"),
            ):
                if path is not None:
                    application_files.append(
                        {"name": path.name, "label": label, "format": kind, "path": str(path)}
                    )
        if site:
            started = time.perf_counter()
            tree = tmp / "mkdocs"
            report.pages = write_tree(plan, tree, changes=changes, application_files=application_files)
            for item in application_files:
                shutil.copy(item["path"], tree / "docs" / "downloads" / item["name"])
            report.timings["generate"] = time.perf_counter() - started
            started = time.perf_counter()
            report.warnings.extend(f"MkDocs: {m}" for m in run_mkdocs(tree / "mkdocs.yml", tmp / "site"))
            report.timings["mkdocs"] = time.perf_counter() - started
    return report
