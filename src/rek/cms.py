"""`rek cms`: the browser editor's admin page — Decap CMS, served from the region's own site.

The page is three kinds of file: ``index.html`` (no inline script), ``config.yml`` (generated from the
model by ``cmsconfig.py``) and Decap CMS's own script files, taken from its npm package at the pinned
version, checked against the pinned sha512 integrity before a byte of it is used. Nothing is loaded from
a CDN. The folder is written next to the site, never linked from it; put it where the site is served
(e.g. ``/redaktion/``) or leave it out.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .cmsconfig import DECAP_INTEGRITY, DECAP_VERSION, config
from .diagnostics import RekError
from .project import Project

MARKER = ".rek-build"  # the output-folder marker safe_output_dir knows (build.MARKER)

PACKAGE = f"decap-cms-{DECAP_VERSION}.tgz"
MAX_PACKAGE_BYTES = 64 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rek"


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def package_tarball() -> Path:
    """Decap CMS's npm package at the pinned version, verified; fetched once with npm into the cache."""
    cached = cache_dir() / PACKAGE
    if not cached.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise RekError(
                f"Für 'rek cms' wird npm gebraucht (einmal, um Decap CMS {DECAP_VERSION} zu holen). Installieren "
                "Sie Node.js mit npm (Debian: apt-get install npm) oder legen Sie die Datei "
                f"{PACKAGE} aus der npm-Registry in {cache_dir()} ab."
            )
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cached.parent) as tmp:
            result = subprocess.run(
                [npm, "pack", f"decap-cms@{DECAP_VERSION}", "--silent", "--pack-destination", tmp],
                capture_output=True, text=True, timeout=300, check=False,
            )  # fmt: skip
            fetched = Path(tmp) / PACKAGE
            if result.returncode != 0 or not fetched.is_file():
                raise RekError(
                    f"npm konnte Decap CMS {DECAP_VERSION} nicht holen: "
                    f"{(result.stderr or result.stdout).strip()[:300] or 'ohne Meldung'}"
                )
            os.replace(fetched, cached)
    if cached.stat().st_size > MAX_PACKAGE_BYTES:
        raise RekError(f"{cached} ist größer als erwartet; löschen Sie die Datei, rek holt sie neu.")
    found = integrity_of(cached.read_bytes())
    if found != DECAP_INTEGRITY:
        raise RekError(
            f"{cached}: die Prüfsumme stimmt nicht (erwartet {DECAP_INTEGRITY[:30]}…, gefunden {found[:30]}…). "
            "Die Datei ist nicht das Paket, das rek kennt; löschen Sie sie, rek holt sie neu."
        )
    return cached


def _script_files(tarball: Path, target: Path) -> list[str]:
    """Decap's browser bundle (decap-cms.js, its chunks and wasm files) and licence into target."""
    names: list[str] = []
    total = 0
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name
            folder, _, base = name.rpartition("/")
            wanted = (
                folder == "package/dist"
                and (base.endswith(("decap-cms.js", ".wasm", "decap-cms.js.LICENSE.txt")))
            ) or (folder == "package" and base in ("LICENSE", "README.md"))
            if not wanted or not member.isfile() or "/" in base or base.startswith("."):
                continue
            total += member.size
            if total > MAX_UNPACKED_BYTES:
                raise RekError(f"{tarball}: das Paket ist entpackt größer als erwartet")
            source = archive.extractfile(member)
            if source is None:
                continue
            (target / base).write_bytes(source.read())
            names.append(base)
    if "decap-cms.js" not in names:
        raise RekError(f"{tarball}: decap-cms.js fehlt im Paket")
    return sorted(names)


def index_html(title: str) -> str:
    name = html.escape(title, quote=True)
    return (
        "<!doctype html>\n"
        '<html lang="de">\n'
        "<head>\n"
        '  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '  <meta name="robots" content="noindex, nofollow">\n'
        '  <meta name="referrer" content="same-origin">\n'
        f"  <title>Redaktion – {name}</title>\n"
        '  <link href="config.yml" type="text/yaml" rel="cms-config-url">\n'
        "</head>\n"
        "<body>\n"
        '  <script src="decap-cms.js"></script>\n'
        "</body>\n"
        "</html>\n"
    )


def backend_settings(
    kind: str, repo: str | None, branch: str, app_id: str | None, base_url: str | None
) -> dict[str, Any]:
    """The backend block: GitLab with PKCE (also self-hosted), or GitHub through an OAuth proxy."""
    if repo is None:
        raise RekError(
            "Angabe fehlt: --repo GRUPPE/PROJEKT (das Repository der Strategie, z. B. landkreis/digitalstrategie)."
        )
    backend: dict[str, Any] = {"name": kind, "repo": repo, "branch": branch}
    if kind == "gitlab":
        if not app_id:
            raise RekError(
                "Angabe fehlt: --app-id (die Application ID der OAuth-Anwendung in GitLab, siehe Leitfaden, "
                "„Im Browser bearbeiten“)."
            )
        backend |= {"auth_type": "pkce", "app_id": app_id}
        if base_url:
            url = base_url.rstrip("/")
            backend |= {"base_url": url, "auth_endpoint": "oauth/authorize", "api_root": f"{url}/api/v4"}
    elif base_url:  # github: the OAuth proxy's address
        backend["base_url"] = base_url.rstrip("/")
    return backend


def write_admin(
    project: Project, target: Path, backend: dict[str, Any], *, local: int | None = None
) -> list[str]:
    """The admin folder, written to a temporary folder and swapped in whole; the names written."""
    tarball = package_tarball()
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        names = _script_files(tarball, staging)
        settings = config(
            backend=backend,
            site_url=project.site.site_url or None,
            local=local,
            title=project.strategy.short_title,
        )
        (staging / "config.yml").write_text(
            "# erzeugt von rek cms aus dem Modell – nicht von Hand ändern, sondern neu erzeugen\n"
            + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=110),
            encoding="utf-8",
        )
        (staging / "index.html").write_text(index_html(project.strategy.short_title), encoding="utf-8")
        (staging / "LIESMICH.txt").write_text(
            f"Redaktionsoberfläche (Decap CMS {DECAP_VERSION}) für die Strategie.\n"
            "index.html und config.yml erzeugt rek cms; die übrigen Dateien sind Decap CMS (MIT-Lizenz; die Lizenzen\n"
            "der enthaltenen Bibliotheken in decap-cms.js.LICENSE.txt), unverändert aus dem npm-Paket, geprüft mit der Prüfsumme, die rek kennt.\n"
            "Veröffentlichen Sie den Ordner neben der Website (z. B. unter /redaktion/); die Website verlinkt ihn nicht.\n",
            encoding="utf-8",
        )
        (staging / MARKER).write_text(
            "von rek geschrieben; rek darf diesen Ordner ersetzen\n", encoding="utf-8"
        )
        names += ["LIESMICH.txt", "config.yml", "index.html"]
        old = target.with_name(f".{target.name}-alt")
        if target.exists():
            if old.exists():
                shutil.rmtree(old)
            target.rename(old)
        staging.rename(target)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(names)
