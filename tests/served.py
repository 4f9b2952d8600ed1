"""A folder served over HTTP on a free local port, quietly: what the browser and end-to-end tests open."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path


class Quiet(http.server.SimpleHTTPRequestHandler):
    # config.yml of the browser editor is YAML to Decap CMS (it warns on application/octet-stream)
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".yml": "text/yaml"}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextlib.contextmanager
def serving(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler] = Quiet) -> Iterator[str]:
    """The base address (no trailing slash) of ``folder`` served by ``handler`` until the block ends."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
