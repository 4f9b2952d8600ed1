"""Benchmark rek on synthetic strategies of 100, 1,000 and 5,000 measures.

For each size it reports the time of `rek check`, of rek's generation step (docs tree), of the whole
site build (`rek build --no-application`), and of plain `mkdocs build` of the same generated tree, and
the ratio of the two. It also times the application export (DOCX + PDF) of the embedded strategy and of
1,000 synthetic measures, the preview latency of `rek serve` (save of a measure file until its page
serves the edit) at 100 and 1,000 measures and in the milestone-heavy case, and the build time and peak
memory of 1,000 measures with 200 milestones each. Whole commands run as subprocesses, so start-up is
counted on both sides.

    python scripts/bench.py                  # everything, writes docs/benchmark.md
    python scripts/bench.py --sizes 100 1000 --runs 1 --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rek.build import write_tree  # noqa: E402
from rek.project import load_project  # noqa: E402

BIN = Path(sys.executable).parent
FIELDS = ["bildung", "mobilitaet", "laendlicher-raum", "soziale-innovation", "verwaltung"]
PARTNERS = ["hm", "hol", "ni", "shg"]
STATUSES = ["idea", "planned", "in_progress", "done", "paused"]


def monitoring_yaml(i: int, year: int, measurements: int, full: bool = True) -> tuple[str, str]:
    """(indicator measurements, updates + spending + contact) for one synthetic measure.

    full=False: the measurements only (the comparison of issue 12's target)."""
    if not measurements:
        return "", ""
    series = "    measurements:\n" + "".join(
        f"      - {{date: {2025 - measurements + 1 + k}, value: {(k + 1) * i}, source: Statistik, example: true}}\n"
        for k in range(measurements)
    )
    rest = (
        "updates:\n"
        + "".join(
            f"  - {{date: {year}-0{m}-15, status: in_progress, text: Sachstand {m} der Maßnahme {i}, example: true}}\n"
            for m in (3, 6, 9)
        )
        + f"spending:\n  - {{year: {year}, amount: {5_000 + i}, example: true}}\n"
        + "contact:\n  role: Projektleitung\n  office: Stabsstelle Digitalisierung\n  address: [Musterstraße 1, 31785 Hameln]\n"
    )
    return series, rest if full else ""


def synthetic(target: Path, count: int, measurements: int = 0, full: bool = True) -> Path:
    """A valid strategy with `count` measures, built from the embedded one's strategy and fields.

    measurements: measured values per indicator (with them, each measure also gets three updates,
    a year of spending and a contact: the monitoring data of issue 12)."""
    shutil.copytree(ROOT / "strategy", target / "strategy")
    shutil.copytree(ROOT / "content", target / "content")
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    strategy = (target / "strategy" / "strategy.yaml").read_text(encoding="utf-8")
    # no call selected: synthetic measures are not written to meet a call's section limits
    strategy = re.sub(r"(?m)^call: mpsc-2021", "# call: none", strategy)  # the selection, not a submission's
    (target / "strategy" / "strategy.yaml").write_text(strategy, encoding="utf-8")
    measures = target / "measures"
    measures.mkdir()
    width = len(str(count))
    for i in range(1, count + 1):
        mid = f"S{i:0{width}d}"
        field = FIELDS[i % len(FIELDS)]
        lead = PARTNERS[i % len(PARTNERS)]
        other = PARTNERS[(i + 1) % len(PARTNERS)]
        year = 2023 + i % 4
        amount = 10_000 + (i * 137) % 90_000
        grant = round(amount * 0.65, 2)
        dep = f"dependencies: [S{i - 1:0{width}d}]\n" if i > 1 and i % 3 == 0 else ""
        series, rest = monitoring_yaml(i, year, measurements, full)
        (measures / f"{mid}.yaml").write_text(
            f"""id: {mid}
title: Synthetische Maßnahme {i} im Handlungsfeld {field}
summary: Eine erzeugte Maßnahme für den Leistungstest, Nummer {i}.
description: |
  Diese Maßnahme ist **erzeugt**. Sie hat eine Beschreibung mit Absätzen und einer Liste:

  - erster Punkt für Maßnahme {i}
  - zweiter Punkt

  Ein weiterer Absatz mit etwas mehr Text, damit die Seite nicht leer ist.
action_field: {field}
further_action_fields: [{FIELDS[(i + 2) % len(FIELDS)]}]
goals: [Z1]
lead: {lead}
partners: [{other}]
target_groups: [Bürgerinnen und Bürger, Verwaltung]
status: {STATUSES[i % len(STATUSES)]}
priority: {["high", "medium", "low"][i % 3]}
phase: phase-b
start: {year}-01-01
end: {year}-12-31
milestones:
  - date: {year}-06-30
    title: Halbzeit
costs:
  - year: {year}
    category: services
    amount: {amount}
funding:
  grant: {grant}
  own_shares: {{{lead}: 60, {other}: 40}}
indicators:
  - name: Nutzende
    unit: Personen
    baseline: 0
    target: {i * 10}
    target_year: 2027
    example: true
{series}{rest}{dep}example: true
""",
            encoding="utf-8",
        )
    return target


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def best(values: list[float]) -> float:
    return min(values)


def bench_size(count: int, runs: int, work: Path) -> dict[str, float]:
    project_dir = synthetic(work / f"s{count}", count)
    rek = str(BIN / "rek")
    check = [timed([rek, "check"], project_dir) for _ in range(runs)]
    project, _ = load_project(project_dir)
    assert project is not None
    generate = []
    for r in range(runs):
        tree = work / f"tree-{count}-{r}"
        started = time.perf_counter()
        project, _ = load_project(project_dir)
        write_tree(project, tree)
        generate.append(time.perf_counter() - started)
    tree = work / f"tree-{count}-0"
    whole, plain = [], []
    for r in range(runs):
        whole.append(
            timed([rek, "build", "--no-application", "--out", str(work / f"out-{count}-{r}")], project_dir)
        )
        plain.append(
            timed(
                [
                    str(BIN / "mkdocs"),
                    "build",
                    "-q",
                    "-f",
                    str(tree / "mkdocs.yml"),
                    "-d",
                    str(work / f"plain-{count}-{r}"),
                ],
                tree,
            )
        )
    return {
        "measures": count,
        "check": best(check),
        "generate": best(generate),
        "build": best(whole),
        "mkdocs": best(plain),
        "ratio": best(whole) / best(plain),
    }


def cpu_timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of a command; CPU (user + system of the child) moves less on a shared machine."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(command, cwd, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_monitoring(work: Path, runs: int, count: int = 1000, measurements: int = 10) -> dict[str, float]:
    """The whole site build of `count` measures without and with monitoring data, runs alternated."""
    rek = str(BIN / "rek")
    env = {**os.environ, "REK_TODAY": "2026-11-25"}
    dirs = {
        "without": synthetic(work / "mon-without", count, 0),
        "with": synthetic(work / "mon-with", count, measurements, full=False),
        "full": synthetic(work / "mon-full", count, measurements),
    }
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in dirs}
    for r in range(runs):
        for label, project_dir in dirs.items():
            out = str(work / f"mon-out-{label}-{r}")
            times[label].append(cpu_timed([rek, "build", "--no-application", "--out", out], project_dir, env))
    result: dict[str, float] = {"measures": count, "measurements": measurements}
    for label, values in times.items():
        result[label] = min(w for w, _ in values)
        result[f"{label}_cpu"] = min(c for _, c in values)
    result["ratio"] = result["with"] / result["without"]
    result["ratio_cpu"] = result["with_cpu"] / result["without_cpu"]
    result["ratio_full"] = result["full"] / result["without"]
    result["ratio_full_cpu"] = result["full_cpu"] / result["without_cpu"]
    return result


def monitoring_section(m: dict[str, float], runs: int) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    n = int(m["measurements"])
    return "\n".join(
        [
            "## Monitoring data (issue 12)",
            "",
            f"`python scripts/bench.py --monitoring-only` on {dt.date.today().isoformat()}, best of {runs} alternating",
            f"run(s), load average {load:.1f} on {os.cpu_count()} cores after the runs: `rek build --no-application` of",
            f"{int(m['measures']):,} synthetic measures without monitoring data, with {n} measurements per indicator",
            "(the target of issue 12: every measure page gets a line chart and its data table, the indicator",
            "CSV has 10,000 rows), and with all monitoring data (also three updates, a year of spending and a",
            "contact per measure: update timeline, plan/actual table, feed and progress page full).",
            "",
            f"| {int(m['measures']):,} measures | without | {n} measurements per indicator | ratio | all monitoring data | ratio |",
            "| :--- | ---: | ---: | ---: | ---: | ---: |",
            f"| wall clock (best) | {m['without']:.2f} s | {m['with']:.2f} s | {m['ratio']:.2f} | {m['full']:.2f} s | {m['ratio_full']:.2f} |",
            f"| CPU of the build process (best) | {m['without_cpu']:.2f} s | {m['with_cpu']:.2f} s | {m['ratio_cpu']:.2f} | {m['full_cpu']:.2f} s | {m['ratio_full_cpu']:.2f} |",
            "",
            f"Target: measurements within 1.2x; measured {m['ratio']:.2f}x wall clock, {m['ratio_cpu']:.2f}x CPU.",
            "CPU time is steadier than wall clock on this shared machine.",
            "",
        ]
    )


def bench_application(work: Path, runs: int) -> dict[str, float]:
    rek = str(BIN / "rek")
    embedded = [
        timed([rek, "-C", str(ROOT), "application", "--out", str(work / f"app-embedded-{r}")], ROOT)
        for r in range(runs)
    ]
    project_dir = work / "s1000"
    if not project_dir.exists():
        synthetic(project_dir, 1000)
    # the synthetic strategy is not meant to meet the call's rules: time the export (as a marked draft),
    # not the verdict
    synthetic_times = []
    for r in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [rek, "application", "--call", "mpsc-2021", "--draft", "--out", str(work / f"app-1000-{r}")],
            cwd=project_dir,
            capture_output=True,
        )
        synthetic_times.append(time.perf_counter() - started)
        if not (work / f"app-1000-{r}" / "antrag.pdf").is_file():
            raise SystemExit("application export of 1,000 measures produced no PDF")
    return {"embedded": best(embedded), "synthetic_1000": best(synthetic_times)}


def with_milestones(project: Path, per_measure: int) -> Path:
    """Give every measure of a synthetic strategy `per_measure` milestones within its year."""
    for path in sorted((project / "measures").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        year = int(re.search(r"start: (\d{4})", text).group(1))  # type: ignore[union-attr]
        rows = "".join(
            f"  - date: {year}-{1 + k % 12:02d}-{1 + k % 28:02d}\n    title: Meilenstein {k}\n"
            for k in range(per_measure)
        )
        text = re.sub(r"milestones:\n  - date: .*\n    title: Halbzeit\n", "milestones:\n" + rows, text)
        path.write_text(text, encoding="utf-8")
    return project


def bench_milestones(work: Path, measures: int = 1000, per_measure: int = 200) -> dict[str, float]:
    """Whole site build of the milestone-heavy strategy: seconds and peak memory (MiB) of the process."""
    project = with_milestones(synthetic(work / "milestones", measures), per_measure)
    script = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], capture_output=True); "
        "print(r.returncode, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    rek = str(BIN / "rek")
    command = [sys.executable, "-c", script, rek, "build", "--no-application", "--out", str(work / "ms-out")]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True)
    code, seconds, peak = result.stdout.split()
    if code != "0":
        raise SystemExit(f"milestone-heavy build failed: {result.stderr}")
    return {"measures": measures, "milestones": measures * per_measure, "build": float(seconds),
            "peak_mib": int(peak) / 1024}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def bench_preview(project: Path, edits: int = 4) -> dict[str, float]:
    """Start `rek serve`, then save edits to one measure file and time until its page serves each edit.

    Two kinds alternate: a changed description (only the measure's page changes) and a changed title
    (the catalogue, action-field and partner pages change too; they follow after the measure's page).
    Before each edit the preview is idle (the previous update fully built).
    """
    port = _free_port()
    measure = sorted((project / "measures").glob("*.yaml"))[
        len(list((project / "measures").glob("*.yaml"))) // 2
    ]
    url = f"http://127.0.0.1:{port}/massnahme/{measure.stem}/"
    status = f"http://127.0.0.1:{port}/assets/rek/vorschau.json"
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "rek"), "serve", "--port", str(port)], cwd=project,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    original = measure.read_text(encoding="utf-8")
    latencies: dict[str, list[float]] = {"description": [], "title": []}
    try:
        while "Synthetische" not in _get(url):
            if process.poll() is not None or time.perf_counter() - started > 600:
                raise SystemExit("rek serve did not start")
            time.sleep(0.1)
        startup = time.perf_counter() - started
        for k in range(edits):
            time.sleep(8)  # idle: the previous update (and its long lists) has been built
            kind = "description" if k % 2 == 0 else "title"
            marker = f"Bearbeitung{k}x"
            if kind == "description":
                text = original.replace("Diese Maßnahme ist", f"Diese Maßnahme {marker} ist", 1)
            else:
                text = original.replace("title: ", f"title: {marker} ", 1)
            measure.write_text(text, encoding="utf-8")
            saved = time.perf_counter()
            while marker not in _get(url):
                if time.perf_counter() - saved > 120:
                    raise SystemExit("the edit did not show within 120 s")
                time.sleep(0.02)
            latencies[kind].append(time.perf_counter() - saved)
        json.loads(_get(status) or "{}")
    finally:
        measure.write_text(original, encoding="utf-8")
        process.terminate()
        process.wait(timeout=120)
    every = latencies["description"] + latencies["title"]
    return {
        "startup": startup,
        "description": statistics.median(latencies["description"]),
        "title": statistics.median(latencies["title"]),
        "max": max(every),
    }


def report(
    rows: list[dict[str, float]],
    app: dict[str, float] | None,
    runs: int,
    preview: dict[str, dict[str, float]] | None = None,
    milestones: dict[str, float] | None = None,
) -> str:
    lines = [
        "# Benchmark",
        "",
        f"Measured with `python scripts/bench.py` on {dt.date.today().isoformat()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, best of {runs} run(s), load average {os.getloadavg()[1]:.1f} "
        "(5 min) when the report was written. Times in seconds; whole commands as subprocesses (start-up "
        "included).",
        "",
        "| measures | `rek check` | generation (load + docs tree) | `rek build --no-application` | plain `mkdocs build` | ratio build / plain |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['measures']:,} | {r['check']:.2f} | {r['generate']:.2f} | {r['build']:.2f} | {r['mkdocs']:.2f} | {r['ratio']:.2f} |"
        )
    by = {int(r["measures"]): r for r in rows}
    lines.append("")
    if 100 in by:
        lines.append(
            f"- 100 measures: {by[100]['ratio']:.2f}x plain MkDocs; fixed costs (interpreter start, loading and "
            "validating, templates, the XLSX/JSON/CSV downloads) weigh most at this size. No target."
        )
    if 1000 in by:
        lines.append(
            f"- 1,000 measures: whole build {by[1000]['build']:.2f} s (target: under 10 s and within 1.3x plain "
            f"MkDocs; measured {by[1000]['ratio']:.2f}x)."
        )
    if 1000 in by and 5000 in by:
        lines.append(
            f"- 5,000 measures: {by[5000]['build'] / by[1000]['build']:.2f}x the 1,000-measure time (target: under 6x; "
            "linear growth would be 5x)."
        )
    if app:
        lines += [
            "",
            "## Application export (Markdown, DOCX, PDF, XLSX)",
            "",
            "| strategy | `rek application` |",
            "| :--- | ---: |",
            f"| embedded (Weserbergland) | {app['embedded']:.2f} s |",
            f"| 1,000 synthetic measures | {app['synthetic_1000']:.2f} s |",
        ]
    if preview:
        lines += [
            "",
            "## Preview latency (`rek serve`)",
            "",
            "From saving a measure file to its page serving the edit (polled over HTTP every 20 ms), the",
            "preview idle before each edit; median of the edits of each kind and the slowest edit. A changed",
            "description changes only the measure's page; a changed title also changes the catalogue and the",
            "pages of its action field and partners, which follow after the measure's page.",
            "",
            "| strategy | start until first page | description edit | title edit | slowest edit |",
            "| :--- | ---: | ---: | ---: | ---: |",
        ]
        for name, p in preview.items():
            lines.append(
                f"| {name} | {p['startup']:.1f} s | {p['description']:.2f} s | {p['title']:.2f} s | {p['max']:.2f} s |"
            )
        lines.append("")
        lines.append("Target: an edit to one measure visible in under 2 s at 1,000 measures.")
    if milestones:
        lines += [
            "",
            "## Milestone-heavy strategy",
            "",
            f"{milestones['measures']:,} measures with {milestones['milestones']:,} milestones in all: "
            f"`rek build --no-application` {milestones['build']:.1f} s, peak memory "
            f"{milestones['peak_mib']:,.0f} MiB (target: under 60 s and 2 GB; before the fix 314 s and 6.9 GB).",
        ]
    lines += [
        "",
        "Generation writes every page, chart and download into the tree; plain MkDocs then only renders it,",
        "so the ratio is (start-up + load + generation + MkDocs) / (start-up + MkDocs). Figures move by",
        "about ±10 % between runs on this machine, mostly with the disk (writing thousands of small files).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--no-application", action="store_true")
    parser.add_argument("--no-preview", action="store_true", help="skip the rek serve latency")
    parser.add_argument("--no-milestones", action="store_true", help="skip the milestone-heavy build")
    parser.add_argument("--no-write", action="store_true", help="print only, do not write docs/benchmark.md")
    parser.add_argument(
        "--monitoring-only",
        action="store_true",
        help="only the build of 1,000 measures with and without monitoring data (section in docs/benchmark.md)",
    )
    args = parser.parse_args()
    if args.monitoring_only:
        with tempfile.TemporaryDirectory(prefix="rek-bench-") as tmp:
            m = bench_monitoring(Path(tmp), args.runs)
        print(
            f"monitoring: without {m['without']:.2f}s with {m['with']:.2f}s ratio {m['ratio']:.2f}; "
            f"CPU {m['without_cpu']:.2f}s / {m['with_cpu']:.2f}s ratio {m['ratio_cpu']:.2f}; "
            f"full {m['full']:.2f}s ratio {m['ratio_full']:.2f} (CPU {m['ratio_full_cpu']:.2f})"
        )
        section = monitoring_section(m, args.runs)
        if args.no_write:
            print(section)
            return
        target = ROOT / "docs" / "benchmark.md"
        text = target.read_text(encoding="utf-8") if target.exists() else "# Benchmark\n"
        head, _, rest = text.partition("## Monitoring data (issue 12)")
        tail = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        target.write_text(
            head.rstrip("\n") + "\n\n" + section + ("\n" + tail if tail else ""), encoding="utf-8"
        )
        print(f"written {target}")
        return
    with tempfile.TemporaryDirectory(prefix="rek-bench-") as tmp:
        work = Path(tmp)
        rows = []
        for size in args.sizes:
            row = bench_size(size, args.runs, work)
            print(
                f"{size:>5} measures: check {row['check']:.2f}s generate {row['generate']:.2f}s build {row['build']:.2f}s "
                f"mkdocs {row['mkdocs']:.2f}s ratio {row['ratio']:.2f}",
                flush=True,
            )
            rows.append(row)
        app = None if args.no_application else bench_application(work, args.runs)
        if app:
            print(
                f"application: embedded {app['embedded']:.2f}s, 1,000 measures {app['synthetic_1000']:.2f}s"
            )
        milestones = None if args.no_milestones else bench_milestones(work)
        if milestones:
            print(
                f"milestones: build {milestones['build']:.1f}s, peak {milestones['peak_mib']:.0f} MiB",
                flush=True,
            )
        preview: dict[str, dict[str, float]] = {}
        if not args.no_preview:
            cases = [("100 measures", 100, 0), ("1,000 measures", 1000, 0),
                     ("1,000 measures × 200 milestones", 1000, 200)]  # fmt: skip
            for name, count, per in cases:
                project = synthetic(work / f"preview-{count}-{per}", count)
                if per:
                    with_milestones(project, per)
                preview[name] = bench_preview(project)
                print(f"preview {name}: {preview[name]}", flush=True)
    text = report(rows, app, args.runs, preview, milestones)
    if not args.no_write:
        target = ROOT / "docs" / "benchmark.md"
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"written {target}")
    else:
        print(text)


if __name__ == "__main__":
    main()
