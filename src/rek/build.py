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

from . import interrupts, progress
from .assets import checked_images
from .diagnostics import RekError
from .locate import PACKAGE_DIR, inside, safe_output_dir
from .outputs import APPLICATION, DRAFTS, SITE, refusals
from .plan import Plan, resolve
from .project import Project
from .site import config as site_config
from .site import profile as site_profile
from .site.opendata import write_downloads
from .site.pages import IMAGES, SitePages

MARKER = ".rek-build"
ASSETS = PACKAGE_DIR / "site" / "assets"
THEME = PACKAGE_DIR / "site" / "theme"


@dataclass
class BuildReport:
    out: Path
    timings: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    warnings: list[str] = field(default_factory=list)


class TreeWriter:
    """Writes files below docs/; incremental: only files whose bytes differ, so that MkDocs' dirty
    rebuild (which compares modification times) renders only what changed."""

    def __init__(self, docs: Path, *, incremental: bool = False) -> None:
        self.docs, self.incremental = docs, incremental
        self.seen: set[Path] = set()
        self.changed = 0
        self._made: set[Path] = set()

    def put(self, relative: str, data: str | bytes) -> None:
        target = inside(self.docs, relative)
        self.seen.add(target)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if self.incremental:
            try:
                if target.stat().st_size == len(raw) and target.read_bytes() == raw:
                    return
            except OSError:
                pass
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        target.write_bytes(raw)
        self.changed += 1

    def keep(self, folder: Path) -> None:
        """Files written by others (the downloads) count as generated."""
        self.seen.update(p for p in folder.rglob("*") if p.is_file())

    def prune(self) -> int:
        """Remove files that are no longer generated (a deleted measure's page); return how many."""
        gone = [p for p in self.docs.rglob("*") if p.is_file() and p not in self.seen]
        for path in gone:
            path.unlink()
        return len(gone)


PREVIEW_JS = "assets/rek/vorschau.js"
PREVIEW_STATUS = "assets/rek/vorschau.json"


def write_tree(
    plan: Plan | Project,
    tree: Path,
    *,
    changes: str | None = None,
    versioned: bool = False,
    application_files: list[dict[str, str]] | None = None,
    writer: TreeWriter | None = None,
    pages: SitePages | None = None,
    downloads: bool = True,
    preview_script: str | None = None,
    files: list[tuple[str, str]] | None = None,
    profiles: bool = False,
) -> int:
    """Write the whole MkDocs source tree (mkdocs.yml + docs/) for the project; return the page count.

    `rek serve` passes an incremental writer, its own (caching) pages, leaves the downloads for a second
    step and adds the preview's error banner script.
    """
    if not isinstance(plan, Plan):
        plan = resolve(plan)
    project = plan.project
    docs = tree / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    writer = writer or TreeWriter(docs)
    pages = pages or SitePages(plan, changes)
    pages.profiles = profiles  # the measure pages link the printable profiles the build writes
    count = 0
    with progress.stage("Seiten schreiben") as stage:
        for relative, text in files if files is not None else pages.files(application_files):
            writer.put(relative, text)
            count += relative.endswith(".md")
            stage.advance()
    writer.put("assets/rek/rek.css", (ASSETS / "rek.css").read_bytes())
    writer.put("assets/rek/catalogue.js", (ASSETS / "catalogue.js").read_bytes())
    writer.put("assets/rek/rek.js", (ASSETS / "rek.js").read_bytes())
    shutil.copytree(THEME, tree / site_config.THEME_DIR, dirs_exist_ok=True)
    if preview_script is not None:
        writer.put(PREVIEW_JS, preview_script)
    if downloads:
        with progress.stage("Offene Daten schreiben", len(project.measures)) as stage:
            write_downloads(plan, docs / "downloads", application_files)
            writer.keep(docs / "downloads")
            stage.advance(len(project.measures))
    for relative, raw in checked_images(project.images):  # read and checked again: PNG or JPEG, no link
        writer.put(IMAGES + relative, raw)
    cfg = site_config.mkdocs_config(project, pages.nav(), versioned=versioned)
    if preview_script is not None:
        cfg["extra_javascript"] = [*cfg.get("extra_javascript", []), PREVIEW_JS]
    config_text = site_config.dump(cfg)
    config_file = tree / "mkdocs.yml"
    if not (writer.incremental and config_file.is_file() and config_file.read_text("utf-8") == config_text):
        config_file.write_text(config_text, encoding="utf-8")
    return count


class _MkDocsLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(config_file: Path, site_dir: Path, pages: int = 0) -> list[str]:
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
            with progress.mkdocs_pages(pages):
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


def swap_in(tmp: Path, out: Path) -> None:
    """Replace out by tmp; the old output is moved aside first and restored if the rename fails."""
    (tmp / MARKER).write_text("Von rek erzeugt; wird bei jedem Bau ersetzt.\n", encoding="utf-8")
    old = None
    with interrupts.held():  # an interrupt between the two renames would hide the last good output
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


def build(
    plan: Plan | Project,
    out: Path,
    *,
    site: bool = True,
    application: bool = True,
    documents: bool = True,
    changes: str | None = None,
    draft: bool = False,
    profiles: bool | None = None,
) -> BuildReport:
    """Build site and application into ``out``; refuses (RekError) what ``rek check`` reports."""
    if not isinstance(plan, Plan):
        plan = resolve(plan)
    project = plan.project
    chosen = [SITE] if site else []
    chosen += [APPLICATION, DRAFTS] if application else []
    stop = refusals(plan, chosen, draft=draft)
    if stop:
        raise RekError(stop)
    report = BuildReport(out=out)
    with staged_output(project.root, out) as tmp:
        application_files: list[dict[str, str]] = []
        call = plan.call
        if application and call is not None:
            from .application.build import write_application

            started = time.perf_counter()
            draft_needed = draft and bool(refusals(plan, [APPLICATION]))  # what a draft must say it is
            with progress.stage("Antrag (Markdown, DOCX, PDF, XLSX)", len(project.measures)) as stage:
                files = write_application(plan, tmp / "antrag", documents=documents, draft=draft_needed)
                stage.advance(len(project.measures))
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
            with_profiles = site_profile.wanted(plan, profiles)
            report.pages = write_tree(
                plan, tree, changes=changes, application_files=application_files, profiles=with_profiles
            )
            for item in application_files:
                shutil.copy(item["path"], tree / "docs" / "downloads" / item["name"])
            report.timings["generate"] = time.perf_counter() - started
            started = time.perf_counter()
            report.warnings.extend(
                f"MkDocs: {m}" for m in run_mkdocs(tree / "mkdocs.yml", tmp / "site", report.pages)
            )
            report.timings["mkdocs"] = time.perf_counter() - started
            if with_profiles:  # one printable page per measure, into the built site (site/profile.py)
                started = time.perf_counter()
                with progress.stage("Steckbriefe (PDF)", len(project.measures)) as stage:
                    report.warnings.extend(site_profile.write_profiles(plan, tmp / "site"))
                    stage.advance(len(project.measures))
                report.timings["profiles"] = time.perf_counter() - started
    return report
