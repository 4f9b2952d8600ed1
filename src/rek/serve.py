"""`rek serve`: a live preview that follows every edit quickly, also at 1,000 measures.

- rek regenerates the docs tree on every change of the sources, but writes only the files whose bytes
  differ; MkDocs serves with dirty rebuilds (`--dirty`), so only those pages are rendered again.
  Unchanged YAML files are not parsed again, and a measure's page is rendered again only when the measure
  or what its page shows from elsewhere (strategy, action fields, titles and links of measures) changed.
- Validation errors appear in the browser: a banner on every page names file, line and problem, while
  the page shows the last valid state. If the strategy is invalid from the start, the preview shows the
  list of errors until it becomes valid.
- The temporary folders (rek's tree and MkDocs' site) are removed on Ctrl+C and on SIGTERM.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .build import PREVIEW_STATUS, TreeWriter, write_tree
from .diagnostics import Diagnostic, Diagnostics, summary_line
from .layout import WATCHED
from .mdtext import text
from .model import Measure
from .plan import resolve
from .project import Project, load_project
from .site.opendata import write_downloads
from .site.pages import SitePages
from .yamlsource import enable_parse_cache

# shows the errors of the current state above every page of the preview (textContent only, no HTML)
PREVIEW_SCRIPT = """// rek serve: Fehler der Strategie über jeder Seite der Vorschau zeigen
(function () {
  var script = document.currentScript;
  if (!script || !window.fetch) { return; }
  fetch(new URL("vorschau.json", script.src), { cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (status) {
      if (!status || !status.errors || !status.errors.length) { return; }
      var box = document.createElement("div");
      box.id = "rek-vorschau-fehler";
      box.setAttribute("role", "alert");
      box.style.cssText = "background:#b00020;color:#fff;padding:.8rem 1.2rem;font-size:.8rem;line-height:1.5";
      var title = document.createElement("strong");
      title.textContent = status.title;
      box.appendChild(title);
      var list = document.createElement("ul");
      list.style.margin = ".4rem 0 0 1.2rem";
      status.errors.forEach(function (line) {
        var item = document.createElement("li");
        item.style.whiteSpace = "pre-line";
        item.textContent = line;
        list.appendChild(item);
      });
      box.appendChild(list);
      document.body.insertBefore(box, document.body.firstChild);
    })
    .catch(function () {});
})();
"""


class CachedPages(SitePages):
    """Site pages whose measure pages are rendered again only when something they show changed."""

    def __init__(self, project: Project, cache: dict[Any, Any], today: dt.date | None = None) -> None:
        super().__init__(resolve(project, today=today))
        self.cache = cache
        context = (
            project.strategy,
            tuple(project.action_fields),
            tuple(sorted(project.calls.items())),
            tuple((m.id, m.title, m.status, m.action_field, tuple(m.dependencies)) for m in project.measures),
        )
        if cache.get("context") != context:
            cache.clear()
            cache["context"] = context

    def measure(self, m: Measure) -> str:
        hit = self.cache.get(m.id)
        if hit is not None and hit[0] == m:
            return str(hit[1])
        page = super().measure(m)
        self.cache[m.id] = (m, page)
        return page


def banner_lines(diag: Diagnostic) -> list[str]:
    """The lines the preview shows for one problem: where and what, then its hint and rule (no indent)."""
    lines = [line.strip() for line in diag.format().split("\n")]
    return [lines[0].replace(f": {diag.severity}: ", ": ", 1), *lines[1:]]


def _status(diags: Diagnostics | None) -> str:
    errors = [] if diags is None else ["\n".join(banner_lines(d)) for d in diags.sorted()]
    title = (
        f"{summary_line(diags.items)} Die Vorschau zeigt den letzten gültigen Stand."
        if diags is not None
        else ""
    )
    return json.dumps({"title": title, "errors": errors[:50]}, ensure_ascii=False)


def _error_tree(tree: Path, diags: Diagnostics) -> None:
    """A one-page preview for a strategy that has not been valid yet: the list of its errors."""
    lines = ["# Die Strategie hat Fehler", "", "Die Vorschau erscheint, sobald alle Dateien gültig sind.", ""]
    for diag in diags.sorted():
        first, *more = (line.strip() for line in diag.format().split("\n"))  # with its hint and rule
        lines += [f"- {text(first)}", *(f"    - {text(line)}" for line in more)]
    writer = TreeWriter(tree / "docs", incremental=True)
    writer.put("index.md", "\n".join(lines) + "\n")
    config = tree / "mkdocs.yml"
    if not config.exists():
        config.write_text(
            "site_name: Vorschau\ndocs_dir: docs\ntheme:\n  name: material\n  language: de\n  font: false\n",
            encoding="utf-8",
        )


class _QuietDirty(logging.Filter):
    """MkDocs warns on every dirty build; in the preview that is the point, so the warning goes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("A 'dirty' build")


class Preview:
    """The generated tree of a preview and what is needed to update it quickly.

    An update writes the changed measure pages first; once MkDocs has rendered them (``built`` is set by
    the server's builder), the pages that list many measures (catalogue, action fields, roadmap), the
    charts and the downloads follow. So the edited page shows at once, the long lists a moment later.
    """

    def __init__(
        self, root: Path, tree: Path, report: Callable[[str], None], today: dt.date | None = None
    ) -> None:
        self.root, self.tree, self.report = root, tree, report
        self.today = today  # a fixed reference day (--stichtag), else the day of each update
        self.pages: dict[Any, Any] = {}
        self.valid_once = False
        self.built: threading.Event | None = None
        self.stopping = threading.Event()  # set when the preview ends: an update stops where it is
        # held while MkDocs builds and while rek writes: a dirty build that sees a page change between
        # reading and rendering it would fail, so the two take turns
        self.lock = threading.Lock()
        enable_parse_cache()

    def _wait_for_mkdocs(self) -> None:
        assert self.built is not None
        deadline = time.monotonic() + 30
        while not self.built.wait(0.1):
            if self.stopping.is_set() or time.monotonic() > deadline:
                return

    def regenerate(self) -> bool:
        """Validate and update the tree; on errors report them, show them in the browser, keep the pages."""
        project, diags = load_project(self.root)
        if project is None:
            with self.lock:
                return self._invalid(diags)
        pages = CachedPages(project, self.pages, self.today)
        files = list(pages.files([]))
        writer = TreeWriter(self.tree / "docs", incremental=True)
        if self.valid_once:
            with self.lock:
                if self.built is not None:
                    self.built.clear()
                for relative, page in files:
                    if relative.startswith("massnahme/"):
                        writer.put(relative, page)
                writer.put(PREVIEW_STATUS, _status(None))
            if writer.changed and self.built is not None:
                self._wait_for_mkdocs()  # the edited page first
        if self.stopping.is_set():
            return True
        with self.lock:
            return self._write_all(project, pages, files, writer)

    def _invalid(self, diags: Diagnostics) -> bool:
        for diag in diags.sorted():
            self.report(diag.format())
        self.report(summary_line(diags.items) + " Die Vorschau zeigt den letzten gültigen Stand.")
        if not self.valid_once:
            _error_tree(self.tree, diags)
        else:
            TreeWriter(self.tree / "docs", incremental=True).put(PREVIEW_STATUS, _status(diags))
        return False

    def _write_all(
        self, project: Project, pages: SitePages, files: list[tuple[str, str]], writer: TreeWriter
    ) -> bool:
        docs = self.tree / "docs"
        write_tree(
            pages.plan,
            self.tree,
            writer=writer,
            pages=pages,
            files=files,
            downloads=False,
            preview_script=PREVIEW_SCRIPT,
        )
        writer.put(PREVIEW_STATUS, _status(None))
        write_downloads(pages.plan, docs / "downloads")
        writer.keep(docs / "downloads")
        removed = writer.prune()
        self.valid_once = True
        if writer.changed or removed:
            count = writer.changed + removed
            self.report(f"Vorschau aktualisiert ({count} {'Datei' if count == 1 else 'Dateien'}).")
        return True


class Watcher:
    """Polls the project's sources (cheap: mtimes and sizes) and regenerates on change."""

    def __init__(
        self, root: Path, preview: Preview, report: Callable[[str], None], interval: float = 0.2
    ) -> None:
        self.root, self.preview, self.report, self.interval = root, preview, report, interval
        self.stop = threading.Event()
        self.state = self._snapshot()

    def _snapshot(self) -> dict[str, tuple[int, int]]:
        state = {}
        for name in WATCHED:
            base = self.root / name
            paths = [base] if base.is_file() else base.rglob("*") if base.is_dir() else []
            for path in paths:
                try:
                    stat = path.stat()
                except OSError:
                    continue
                state[str(path)] = (stat.st_mtime_ns, stat.st_size)
        return state

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            current = self._snapshot()
            if current != self.state:
                self.state = current
                try:
                    self.preview.regenerate()
                except Exception as exc:  # keep serving whatever happens
                    self.report(f"Vorschau konnte nicht aktualisiert werden: {exc}")


def serve(
    root: Path, host: str, port: int, report: Callable[[str], None], today: dt.date | None = None
) -> None:
    """Serve the preview with MkDocs' live-reload server; dirty rebuilds of what rek rewrote."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    workdir = Path(tempfile.mkdtemp(prefix="rek-serve-"))
    tree, site = workdir / "tree", workdir / "site"
    tree.mkdir()
    address = f"[{host}]" if ":" in host else host
    serve_url = f"http://{address}:{port}/"
    quiet = _QuietDirty()
    build_log = logging.getLogger("mkdocs.commands.build")
    build_log.addFilter(quiet)
    watcher: Watcher | None = None
    thread: threading.Thread | None = None
    built = threading.Event()
    try:
        preview = Preview(root, tree, report, today)
        if not preview.regenerate():
            report("Die Strategie hat Fehler; die Vorschau zeigt sie, bis alle Dateien gültig sind.")
        preview.built = built

        def config() -> Any:
            cfg = load_config(str(tree / "mkdocs.yml"), site_dir=str(site), dev_addr=f"{host}:{port}")
            cfg.site_url = serve_url
            return cfg

        def builder(dirty: bool = True) -> None:
            with preview.lock:
                mkdocs_build(config(), serve_url=serve_url, dirty=dirty)
            built.set()

        first = config()
        first.plugins.on_startup(command="serve", dirty=True)
        mkdocs_build(first, serve_url=serve_url)
        server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site), polling_interval=0.2)

        def error_page(code: int) -> bytes | None:
            page = site / f"{code}.html"
            return page.read_bytes() if code in (404, 500) and page.is_file() else None

        server.error_handler = error_page
        server.watch(str(tree / "docs"))
        server.watch(str(tree / "mkdocs.yml"))
        watcher = Watcher(root, preview, report)
        thread = threading.Thread(target=watcher.run, daemon=True)
        thread.start()
        report(f"Vorschau unter {serve_url} (Strg+C beendet).")
        try:
            server.serve()
        except KeyboardInterrupt:
            report("Vorschau beendet.")
        finally:
            server.shutdown()
            first.plugins.on_shutdown()
    finally:
        if watcher is not None and thread is not None:
            watcher.stop.set()
            watcher.preview.stopping.set()  # an update in progress ends at its next step
            thread.join(timeout=30)  # it may be writing into the tree: remove the tree after it
        build_log.removeFilter(quiet)
        shutil.rmtree(workdir, ignore_errors=True)
