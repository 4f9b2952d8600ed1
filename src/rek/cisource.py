"""The install source a region's CI uses: the running rek as a wheel in `.rek/` and a hashed lock.

`rek init` and `rek upgrade` write into the repository's folder `.rek/`:

- the wheel of exactly the rek that runs, rebuilt from its own files (no network, no build backend,
  byte-for-byte the same for the same rek: sorted entries, fixed dates);
- `requirements.txt`: that wheel and every dependency pinned to the version installed beside this rek,
  each with the sha256 of its wheels for the CI's systems, for `pip install --require-hashes`;
- `install.sh`: the one install step both CI templates run (REK_PACKAGE, if set, must carry a pinned
  version and a hash);
- `leitfaden.md`: the guide of this rek version.

rek itself never comes from a package index, so neither a missing nor a squatted name there can matter.
The dependency hashes are those the package index states for the files pip picks on each CI system:
finding them needs the index once (pip's dry run, a few seconds; cached in the user's cache folder).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .diagnostics import RekError
from .locate import PACKAGE_DIR, embedded_default

# the distribution's name (pyproject.toml): `rek` is unclaimed in the public index, so anyone could take it
# and a `pip install rek` would install their package; rek is never installed by name (.rek/ holds the
# wheel), and a distinct name keeps an accidental `pip install` of the bare name from looking right
DISTRIBUTION = "rek-smart-region"
FOLDER = ".rek"
LOCK = f"{FOLDER}/requirements.txt"
INSTALL_SCRIPT = f"{FOLDER}/install.sh"
GUIDE = f"{FOLDER}/leitfaden.md"
GUIDE_SECTION = "Automatisch prüfen und veröffentlichen"
# the systems the CI templates run on (pinned there): GitHub ubuntu-24.04 (glibc 2.39) with Python 3.12,
# GitLab python:3.12-bookworm (glibc 2.36); the local Python is added so the lock also installs on this
# machine when it is a Linux x86_64 one (as in rek's own end-to-end test)
# a full version: pip checks Requires-Python against it (some packages ask for e.g. >=3.11.5); the CI
# images carry the newest 3.12, 3.12.10 or later since April 2025
CI_PYTHON = "3.12.10"
CI_GLIBC = ((2, 39), (2, 36))
# what the wheel holds besides the package: the embedded strategy (pyproject.toml: force-include)
_DEFAULT_PARTS = ("strategy", "measures", "content", "mkdocs.yml")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_NAME = re.compile(r"[-_.]+")


def normalized(name: str) -> str:
    return _NAME.sub("-", name).lower()


def running_distribution() -> metadata.Distribution:
    """The installed distribution that provides the package `rek` (an editable install names no files)."""
    names = [*metadata.packages_distributions().get("rek", []), DISTRIBUTION, "rek"]
    for name in names:
        try:
            return metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
    raise RekError(
        "rek ist nicht als Paket installiert (nur als Quelltext); installieren Sie es mit "
        "'pip install -e .' im Quellordner, dann erneut."
    )


# --- the wheel ------------------------------------------------------------------------------------------


def _package_files() -> list[tuple[str, Path]]:
    """(name in the wheel, file) for the package and the embedded strategy, as the wheel build lays them out."""
    files: list[tuple[str, Path]] = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(PACKAGE_DIR)
        if path.is_dir() or "__pycache__" in relative.parts or path.suffix in (".pyc", ".pyo"):
            continue
        if relative.parts[0] == "default":
            continue  # added from embedded_default() below, wherever that lies
        files.append((f"rek/{relative.as_posix()}", path))
    default = embedded_default()
    if default is None:
        raise RekError("Die mitgelieferte Beispielstrategie von rek fehlt; installieren Sie rek neu.")
    for part in _DEFAULT_PARTS:
        source = default / part
        found = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
        for path in found:
            if "__pycache__" in path.parts:
                continue
            files.append((f"rek/default/{path.relative_to(default).as_posix()}", path))
    return files


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


@dataclass(frozen=True)
class Described:
    """What the running rek is: its distribution's name, version, requirements and METADATA."""

    name: str
    version: str
    requires: list[str]
    metadata: str


def _source_project() -> dict[str, Any] | None:
    """pyproject.toml's [project] when rek runs from its source checkout (an editable install)."""
    pyproject = PACKAGE_DIR.parents[1] / "pyproject.toml"
    if PACKAGE_DIR.parent.name != "src" or not pyproject.is_file():
        return None
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project")
    except (OSError, ValueError):
        return None
    return project if isinstance(project, dict) and project.get("name") else None


def _with_extra(requirement: str, extra: str) -> str:
    spec, _, marker = requirement.partition(";")
    condition = f'extra == "{extra}"'
    return (
        f"{spec.strip()}; ({marker.strip()}) and {condition}"
        if marker.strip()
        else f"{spec.strip()}; {condition}"
    )


def described() -> Described:
    """The running rek; from a source checkout as its pyproject.toml says now (an editable install's
    metadata is that of the day it was installed, and would name old dependencies)."""
    dist = running_distribution()
    meta = dist.read_text("METADATA")
    if not meta:
        raise RekError("Die Paketdaten von rek (METADATA) fehlen; installieren Sie rek neu.")
    project = _source_project()
    if project is None:
        return Described(dist.metadata["Name"], dist.version, list(dist.requires or []), meta)
    name, version = str(project["name"]), str(project.get("version") or dist.version)
    plain = [str(r) for r in project.get("dependencies", [])]
    extras = {str(e): [str(r) for r in rs] for e, rs in (project.get("optional-dependencies") or {}).items()}
    head, _, body = meta.partition("\n\n")
    fields = ("Metadata-Version:", "Name:", "Version:", "Requires-Dist:", "Provides-Extra:")
    kept = [line for line in head.splitlines() if not line.startswith(fields)]
    first = next(
        (line for line in head.splitlines() if line.startswith("Metadata-Version:")), "Metadata-Version: 2.1"
    )
    lines = [first, f"Name: {name}", f"Version: {version}", *kept]
    lines += [f"Requires-Dist: {r}" for r in plain]
    for extra, items in extras.items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f"Requires-Dist: {_with_extra(r, extra)}" for r in items]
    text = "\n".join(lines) + "\n" + (f"\n{body}" if body else "")
    requires = plain + [_with_extra(r, e) for e, items in extras.items() for r in items]
    return Described(name, version, requires, text)


def wheel_name() -> str:
    me = described()
    return f"{_NAME.sub('_', me.name).lower()}-{me.version}-py3-none-any.whl"


def build_wheel(folder: Path) -> Path:
    """The running rek as a wheel in folder, from its own files; the same rek gives the same bytes."""
    dist = running_distribution()
    me = described()
    stem = wheel_name().removesuffix("-py3-none-any.whl")
    info = f"{stem}.dist-info"
    entries: list[tuple[str, bytes]] = [(name, path.read_bytes()) for name, path in _package_files()]
    entries.append((f"{info}/METADATA", me.metadata.encode("utf-8")))
    entries.append(
        (
            f"{info}/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: rek (aus dem installierten rek)\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n",
        )
    )
    points = dist.read_text("entry_points.txt")
    if points:
        entries.append((f"{info}/entry_points.txt", points.encode("utf-8")))
    entries.sort()
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries)
    record += f"{info}/RECORD,,\n"
    entries.append((f"{info}/RECORD", record.encode("utf-8")))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / wheel_name()
    fd, tmp = tempfile.mkstemp(prefix=".rek-tmp-", dir=folder)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                item = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
                item.external_attr = 0o644 << 16
                item.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(item, data)
        os.replace(tmp, target)
        target.chmod(0o644)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


# --- the lock of the dependencies ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    name: str  # normalized
    version: str


def _environment(python: str) -> dict[str, str]:
    return {
        "python_version": ".".join(python.split(".")[:2]),
        "python_full_version": python,
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "os_name": "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_version": "",
        "extra": "",
    }


def pins(pythons: tuple[str, ...]) -> list[Pin]:
    """Every dependency of the running rek on the CI's systems, at the version installed here."""
    from packaging.requirements import Requirement

    me = described()
    found: dict[str, str] = {}
    missing: list[str] = []
    for python in pythons:
        env = _environment(python)
        todo: list[tuple[metadata.Distribution | None, str]] = [(None, "")]  # None: rek itself
        seen: set[str] = set()
        while todo:
            dist, extra = todo.pop()
            key = f"{normalized(dist.metadata['Name'] if dist else me.name)}[{extra}]"
            if key in seen:
                continue
            seen.add(key)
            for line in (dist.requires or []) if dist else me.requires:
                requirement = Requirement(line)
                if requirement.marker and not requirement.marker.evaluate({**env, "extra": extra}):
                    continue
                try:
                    child = metadata.distribution(requirement.name)
                except metadata.PackageNotFoundError:
                    missing.append(requirement.name)
                    continue
                found[normalized(requirement.name)] = child.version
                todo.append((child, ""))
                todo.extend((child, e) for e in sorted(requirement.extras))
    if missing:
        raise RekError(
            "Diese Abhängigkeiten von rek sind hier nicht installiert, ihre Version ist also unbekannt: "
            + ", ".join(sorted(set(missing)))
        )
    return [Pin(name, version) for name, version in sorted(found.items())]


def _platforms(glibc: tuple[int, int]) -> list[str]:
    """The manylinux tags a pip on that glibc accepts, best first (as pip orders them)."""
    major, minor = glibc
    tags = [f"manylinux_{major}_{m}_x86_64" for m in range(minor, 4, -1)]
    return [*tags, "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64", "linux_x86_64"]


def _wheel_project(filename: str) -> str:
    return normalized(filename.split("-", 1)[0])


def _pip() -> list[str]:
    return [sys.executable, "-m", "pip"]


def _pip_run(command: list[str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RekError(f"pip ist gescheitert ({exc.__class__.__name__}).") from None
    if done.returncode != 0:
        lines = [
            line
            for line in (done.stderr or done.stdout).splitlines()
            if line.strip() and not line.startswith("WARNING:")
        ]
        raise RekError("pip ist gescheitert: " + " ".join(lines[-3:])[-600:])


def _target_options(python: str, glibc: tuple[int, int]) -> list[str]:
    return [
        "--only-binary=:all:", "--python-version", python, "--implementation", "cp",
        *(f"--platform={p}" for p in _platforms(glibc)),
    ]  # fmt: skip


def _download_hashes(wanted: list[Pin], python: str, glibc: tuple[int, int]) -> dict[str, set[str]]:
    """sha256 of the wheel pip picks for each pin on one target, as the package index states it.

    pip's dry run reports each file with the index's hash and downloads nothing it need not (a few
    seconds for all of rek's dependencies); a file the index gives without a hash is downloaded and
    hashed here (pip download).
    """
    requirements = [f"{p.name}=={p.version}" for p in wanted]
    hashes: dict[str, set[str]] = {}
    with tempfile.TemporaryDirectory(prefix="rek-lock-") as tmp:
        report = Path(tmp) / "report.json"
        _pip_run([
            *_pip(), "install", "--quiet", "--dry-run", "--ignore-installed", "--no-deps",
            "--target", str(Path(tmp) / "target"), "--report", str(report),
            *_target_options(python, glibc), *requirements,
        ])  # fmt: skip
        try:
            items = json.loads(report.read_text(encoding="utf-8")).get("install", [])
        except (OSError, ValueError):
            items = []
        unhashed: list[str] = []
        for item in items:
            info = item.get("download_info") or {}
            name = normalized(str((item.get("metadata") or {}).get("name", "")))
            digest = ((info.get("archive_info") or {}).get("hashes") or {}).get("sha256")
            if name and digest:
                hashes.setdefault(name, set()).add(str(digest))
            elif name:
                unhashed.append(name)
        missing = [r for p, r in zip(wanted, requirements, strict=True) if p.name in unhashed]
        if missing:
            folder = Path(tmp) / "files"
            _pip_run([*_pip(), "download", "--quiet", "--no-deps", "--dest", str(folder),
                      *_target_options(python, glibc), *missing])  # fmt: skip
            for path in folder.iterdir():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                hashes.setdefault(_wheel_project(path.name), set()).add(digest)
    return hashes


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rek" / "ci-locks"


def dependency_hashes(wanted: list[Pin], pythons: tuple[str, ...]) -> dict[str, list[str]]:
    """Hashes per pinned dependency for every target; from the user's cache when asked before."""
    key = hashlib.sha256(
        json.dumps([[(p.name, p.version) for p in wanted], list(pythons), CI_GLIBC]).encode()
    ).hexdigest()[:32]
    cached = _cache_dir() / f"{key}.json"
    try:
        data = json.loads(cached.read_text(encoding="utf-8"))
        if isinstance(data, dict) and set(data) == {p.name for p in wanted}:
            return {str(k): sorted(map(str, v)) for k, v in data.items()}
    except (OSError, ValueError):
        pass
    from concurrent.futures import ThreadPoolExecutor

    merged: dict[str, set[str]] = {p.name: set() for p in wanted}
    targets = [(python, glibc) for python in pythons for glibc in CI_GLIBC]
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:  # pip waits on the index, not the processor
        found = list(pool.map(lambda target: _download_hashes(wanted, *target), targets))
    for hashes in found:
        for name, digests in hashes.items():
            if name in merged:
                merged[name] |= digests
    empty = sorted(name for name, digests in merged.items() if not digests)
    if empty:
        raise RekError("Der Paketindex nennt für diese Pakete kein passendes Wheel: " + ", ".join(empty))
    result = {name: sorted(digests) for name, digests in merged.items()}
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(result, indent=1), encoding="utf-8")
    except OSError:
        pass  # a cache is a convenience
    return result


def target_pythons() -> tuple[str, ...]:
    here = ".".join(str(n) for n in sys.version_info[:3])
    return tuple(sorted({CI_PYTHON, here}))


def lock_text(wheel: Path, wanted: list[Pin], hashes: dict[str, list[str]], pythons: tuple[str, ...]) -> str:
    lines = [
        f"# rek {described().version} für die CI: das Wheel daneben und alle Abhängigkeiten in fester Version, je mit",
        "# Prüfsumme (pip install --require-hashes -r .rek/requirements.txt). Geschrieben von 'rek init' bzw.",
        "# 'rek upgrade'; bitte nicht von Hand ändern. Leitfaden (.rek/leitfaden.md), Abschnitt",
        f"# '{GUIDE_SECTION}'.",
        f"# Zielsysteme: Linux x86_64 (glibc {', '.join(f'{a}.{b}' for a, b in CI_GLIBC)}) mit CPython "
        f"{', '.join(pythons)}.",
        "--only-binary=:all:",
        f"./{FOLDER}/{wheel.name} --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}",
    ]
    for pin in wanted:
        digests = hashes[pin.name]
        lines.append(f"{pin.name}=={pin.version} \\")
        lines += [
            f"    --hash=sha256:{d}" + (" \\" if i < len(digests) - 1 else "") for i, d in enumerate(digests)
        ]
    return "\n".join(lines) + "\n"


@dataclass
class Written:
    wheel: Path
    version: str
    locked: bool  # False: the lock could not be written (reason in `problem`)
    problem: str | None


def write(root: Path, *, lock: bool = True) -> Written:
    """Write .rek/ into a repository: wheel, lock (unless lock=False or the index is unreachable),
    install script and guide; older wheels there are removed."""
    folder = root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(folder)
    for old in folder.glob("*.whl"):
        if old != wheel:
            old.unlink()
    template = PACKAGE_DIR / "templates" / "ci"
    shutil.copyfile(template / "install.sh", root / INSTALL_SCRIPT)
    (root / INSTALL_SCRIPT).chmod(0o755)
    default = embedded_default()
    guide = default / "content" / "leitfaden.md" if default is not None else None
    if guide is not None and guide.is_file():
        shutil.copyfile(guide, root / GUIDE)
    lock_path = root / LOCK
    problem: str | None = None
    if lock:
        pythons = target_pythons()
        try:
            wanted = pins(pythons)
            text = lock_text(wheel, wanted, dependency_hashes(wanted, pythons), pythons)
        except RekError as exc:
            problem = exc.text
        else:
            lock_path.write_text(text, encoding="utf-8")
            return Written(wheel, described().version, True, None)
    else:
        problem = "ohne Paketindex angelegt (--offline)"
    lock_path.unlink(missing_ok=True)  # an old lock would name another wheel
    return Written(wheel, described().version, False, problem)
