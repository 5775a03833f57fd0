"""Benchmark the TUI against the "Speed" targets in DESIGN.md: first screen, memory, one cursor step.

    /work/main/.venv/bin/python bench/bench_tui.py                  # 100,000 articles
    /work/main/.venv/bin/python bench/bench_tui.py --articles 2000  # quick smoke run
    /work/main/.venv/bin/python bench/bench_tui.py --articles 1000000 --db /tmp/1m.db --cold  # 1M, cold

Every measurement runs in a fresh child process (bench/_probe.py); the table shows medians.
A benchmark, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROBE = HERE / "_probe.py"
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))  # `reader` from this checkout even if not installed


PYCACHE: str | None = None  # set by main(): a private bytecode cache for the children
WARNINGS: dict[str, str] = {}


def child_env(extra: dict | None = None) -> dict:
    """The children's environment: this checkout first on the path, bytecode cached outside the tree."""
    environment = {**os.environ, **(extra or {})}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), environment.get("PYTHONPATH")]))
    if PYCACHE:
        # PYTHONDONTWRITEBYTECODE=1 in this environment would recompile `reader` on every start, which an
        # installed app never does; cache bytecode in a temp dir instead (nothing is written to the tree).
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        environment["PYTHONPYCACHEPREFIX"] = PYCACHE
    return environment


def run_probe(*args: str, env: dict | None = None, timeout: float = 900) -> tuple[float, dict]:
    """Run the probe once; (perf_counter just before spawning, its JSON result)."""
    environment = child_env(env)
    spawned = time.perf_counter()  # CLOCK_MONOTONIC: comparable with the child's perf_counter on Linux
    proc = subprocess.run(
        [sys.executable, str(PROBE), *args], capture_output=True, text=True, timeout=timeout, env=environment
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"probe {args} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    if proc.returncode != 0 or "Traceback" in proc.stderr:
        WARNINGS.setdefault(args[0], proc.stderr.strip()[-1500:])
    return spawned, json.loads(lines[-1])


def median(values) -> float:
    values = [v for v in values if v == v]  # drop NaN
    return statistics.median(values) if values else float("nan")


def p95(values) -> float:
    values = sorted(v for v in values if v == v)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def evict(db: Path) -> None:
    """Drop the library file's pages from the OS cache (clean pages need no root): the next start is cold."""
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def first_screen_runs(db: Path, runs: int, cold: bool = False) -> dict[str, list[dict]]:
    """Alternate baseline and app runs so that drift on a shared machine hits both alike.

    `cold`: the library's pages are dropped from the OS cache before every run (Python's own files
    stay cached, as they are for anyone who has started a program since booting).
    """
    out: dict[str, list[dict]] = {"baseline": [], "app": []}
    for run in range(runs + 1):  # the first pair warms the OS file cache and is discarded
        for kind in ("baseline", "app"):
            if cold:
                evict(db)
            spawned, result = run_probe("first-screen", kind, "--db", str(db))
            t_import = result["t_before_textual"]
            result["from_spawn_ms"] = (result["t_full"] - spawned) * 1000
            result["from_import_ms"] = (result["t_full"] - t_import) * 1000
            result["first_frame_ms"] = (result["t_paint"] - t_import) * 1000
            result["settled_ms"] = (result["t_last_frame"] - t_import) * 1000
            result["import_textual_ms"] = (result["t_after_textual"] - t_import) * 1000
            if kind == "app":
                result["import_reader_ms"] = (result["t_after_reader"] - result["t_before_reader"]) * 1000
                result["open_library_ms"] = (result["t_after_open"] - result["t_after_reader"]) * 1000
                result["app_to_paint_ms"] = (result["t_full"] - result["t_after_open"]) * 1000
            else:
                result["app_to_paint_ms"] = (result["t_full"] - result["t_after_textual"]) * 1000
            if run:
                out[kind].append(result)
    return out


def summarise_steps(results: list[dict]) -> dict:
    by_key: dict[str, list[dict]] = {}
    for result in results:
        for step in result["steps"]:
            by_key.setdefault(step["key"], []).append(step)
    return by_key


def fmt(value: float, digits: int = 1) -> str:
    return "n/a" if value != value else f"{value:,.{digits}f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000, help="library size (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="first-screen runs per app (default 5)")
    parser.add_argument("--step-runs", type=int, default=2, help="processes for the cursor steps (default 2)")
    parser.add_argument("--db", type=Path, help="reuse (or create) the library here instead of a temp dir")
    parser.add_argument("--keep", action="store_true", help="keep the temp library")
    parser.add_argument(
        "--profile", action="store_true", help="extra profiled runs (not in the table): first screen, j steps, G"
    )
    parser.add_argument("--verbose", action="store_true", help="print every run")
    parser.add_argument(
        "--cold", action="store_true", help="first screen with the library out of the OS page cache (each run)"
    )
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="what-if: also time j steps with gc.freeze() called after the first screen",
    )
    parser.add_argument(
        "--no-pyc-cache",
        action="store_true",
        help="run the children with the inherited environment (PYTHONDONTWRITEBYTECODE stays)",
    )
    args = parser.parse_args()
    global PYCACHE

    from _synth import build_library

    temp = None
    if args.db is None:
        temp = Path(tempfile.mkdtemp(prefix="reader-bench-"))
        db = temp / "library.db"
    else:
        db = args.db
    pycache_dir = Path(tempfile.mkdtemp(prefix="reader-bench-pyc-"))
    if not args.no_pyc_cache:
        PYCACHE = str(pycache_dir)
    try:
        from reader.store import Library

        existing = 0
        if db.exists():
            with Library(db) as library:
                existing = library.count_articles()
        if existing and existing != args.articles:
            print(f"{db} holds {existing:,} articles, not {args.articles:,}; use another --db", file=sys.stderr)
            return 0
        if existing:
            print(f"Library: reusing {db} ({existing:,} articles)")
        else:
            print(f"Building {args.articles:,} synthetic articles in {db} …", flush=True)
            built = build_library(db, args.articles)
            print(
                f"  built in {built['total_s']:.1f} s = {built['rows_per_s']:,.0f} rows/s overall "
                f"(generating text {built['generate_s']:.1f} s; add_articles_bulk {built['insert_s']:.1f} s = "
                f"{built['insert_rows_per_s']:,.0f} rows/s; close/checkpoint {built['close_s']:.1f} s); "
                f"{built['added']:,} added, {built['db_mb']:,.0f} MB"
            )

        cache_note = "bytecode cached in a temp dir" if PYCACHE else "inherited env (PYTHONDONTWRITEBYTECODE as set)"
        temperature = "cold: the library evicted from the page cache before each run" if args.cold else "warm"
        print(
            f"First screen: {args.runs} runs each (+1 warm-up pair), 160x48 headless, {temperature}, {cache_note} …",
            flush=True,
        )
        screens = first_screen_runs(db, args.runs, cold=args.cold)
        if args.verbose:
            for kind, results in screens.items():
                for r in results:
                    print(
                        f"  {kind}: whole screen {r['from_import_ms']:.0f} ms from import ({r['from_spawn_ms']:.0f} from spawn), "
                        f"{r['maxrss_kb'] / 1024:.1f} MB, frames {r['frames']}"
                    )
        app_first_row = screens["app"][0].get("first_row", "")
        common = (
            "from_import_ms",
            "from_spawn_ms",
            "first_frame_ms",
            "settled_ms",
            "import_textual_ms",
            "app_to_paint_ms",
            "maxrss_kb",
        )
        base = {k: median(r[k] for r in screens["baseline"]) for k in common}
        app = {k: median(r[k] for r in screens["app"]) for k in (*common, "import_reader_ms", "open_library_ms")}
        coverage = median(r["first_frame_coverage"] for r in screens["app"])

        print(
            f"Cursor steps: {args.step_runs} processes each × (200 j, G, 50 k, g, 20 pagedown), TEXTUAL_FPS=1000 …",
            flush=True,
        )
        fps = {"TEXTUAL_FPS": "1000"}  # no waiting for the 60 Hz frame timer: what is left is work
        step_results, floor_results = [], []
        for _ in range(args.step_runs):
            floor_results.append(run_probe("steps", "baseline", "--rows", str(args.articles), env=fps)[1])
            step_results.append(run_probe("steps", "app", "--db", str(db), env=fps)[1])
        frozen = (
            [run_probe("steps", "app", "--db", str(db), "--gc-freeze", env=fps)[1] for _ in range(args.step_runs)]
            if args.gc_freeze
            else []
        )
        profiled = run_probe("steps", "app", "--db", str(db), "--profile-jump", env=fps)[1] if args.profile else None
        profiled_first = (
            run_probe("first-screen", "app", "--db", str(db), "--profile-first")[1] if args.profile else None
        )
        by_key = summarise_steps(step_results)
        floor_by_key = summarise_steps(floor_results)
        render_warm = [v for r in step_results for v in r["render_warm_ms"]]
        render_cold = [v for r in step_results for v in r["render_cold_ms"]]
        floor_render = [v for r in floor_results for v in r["render_warm_ms"]]
        steps_rss = median(r["maxrss_kb"] for r in step_results)

        rows = step_results[0]["rows"]
        print()
        print(
            f"Library: {rows:,} articles; list shows {step_results[0]['visible_rows']} lines; first row: {app_first_row[:70]!r}"
        )
        print()
        line = "{:<36} {:>10} {:>10} {:>8}  {}"
        print(line.format("", "baseline", "app", "ratio", "target"))
        print(line.format("-" * 36, "-" * 10, "-" * 10, "-" * 8, "-" * 14))
        ratio = app["from_import_ms"] / base["from_import_ms"]
        print(
            line.format(
                "first screen, from import (ms)",
                fmt(base["from_import_ms"]),
                fmt(app["from_import_ms"]),
                f"{ratio:.2f}×",
                "≤ 1.5× " + ("OK" if ratio <= 1.5 else "MISSED"),
            )
        )
        print(
            line.format(
                "first screen, from spawn (ms)",
                fmt(base["from_spawn_ms"]),
                fmt(app["from_spawn_ms"]),
                f"{app['from_spawn_ms'] / base['from_spawn_ms']:.2f}×",
                "",
            )
        )
        print(
            line.format(
                "  first frame, from import (ms)",
                fmt(base["first_frame_ms"]),
                fmt(app["first_frame_ms"]),
                f"{app['first_frame_ms'] / base['first_frame_ms']:.2f}×",
                f"app's covers {coverage:.0%} of the screen",
            )
        )
        print(
            line.format(
                "  settled (last frame), from import",
                fmt(base["settled_ms"]),
                fmt(app["settled_ms"]),
                f"{app['settled_ms'] / base['settled_ms']:.2f}×",
                "",
            )
        )
        mem_ratio = app["maxrss_kb"] / base["maxrss_kb"]
        print(
            line.format(
                "peak RSS at first screen (MB)",
                fmt(base["maxrss_kb"] / 1024),
                fmt(app["maxrss_kb"] / 1024),
                f"{mem_ratio:.2f}×",
                "≤ 2× " + ("OK" if mem_ratio <= 2 else "MISSED"),
            )
        )
        print()
        cline = "{:<36} {:>10} {:>10} {:>8} {:>8}  {}"
        print(cline.format(f"cursor step, {rows:,} rows (ms)", "bare list", "app med", "app p95", "app max", "target"))
        print(cline.format("-" * 36, "-" * 10, "-" * 10, "-" * 8, "-" * 8, "-" * 14))
        for key, label in (
            ("j", "j"),
            ("k", "k (near the end)"),
            ("pagedown", "pagedown"),
            ("G", "G (jump to end)"),
            ("g", "g (back to top)"),
        ):
            steps = by_key.get(key, [])
            floor = floor_by_key.get(key, [])
            for field, what in (("first_ms", "key → frame"), ("cpu_ms", "CPU to frame")):
                values = [s[field] for s in steps]
                target = ""
                if key == "j" and field == "first_ms":
                    target = f"< 16 ms {'OK' if median(values) < 16 else 'MISSED'} (p95 {'OK' if p95(values) < 16 else 'MISSED'})"
                print(
                    cline.format(
                        f"{label}: {what}",
                        fmt(median([s[field] for s in floor]), 2),
                        fmt(median(values), 2),
                        fmt(p95(values), 2),
                        fmt(max(values) if values else float("nan"), 1),
                        target,
                    )
                )
        if frozen:
            frozen_j = summarise_steps(frozen)["j"]
            for field, what in (("first_ms", "key → frame"), ("cpu_ms", "CPU to frame")):
                values = [s[field] for s in frozen_j]
                print(
                    cline.format(
                        f"j with gc.freeze(): {what}",
                        "",
                        fmt(median(values), 2),
                        fmt(p95(values), 2),
                        fmt(max(values), 1),
                        "what-if, not the app as is",
                    )
                )
        print(
            cline.format(
                "draw visible list rows, warm",
                fmt(median(floor_render), 2),
                fmt(median(render_warm), 2),
                fmt(p95(render_warm), 2),
                fmt(max(render_warm), 1),
                "",
            )
        )
        print(
            cline.format(
                "draw visible list rows, page refetch",
                "",
                fmt(median(render_cold), 2),
                fmt(p95(render_cold), 2),
                fmt(max(render_cold), 1),
                "",
            )
        )
        print()
        print("Where the first screen goes (medians, ms):")
        print(
            f"  baseline: import textual.app {base['import_textual_ms']:.0f}, app built → painted {base['app_to_paint_ms']:.0f}"
        )
        print(
            f"  app:      import textual.app {app['import_textual_ms']:.0f}, import reader.ui.app {app['import_reader_ms']:.0f}, "
            f"Library() {app['open_library_ms']:.0f}, make_app → painted {app['app_to_paint_ms']:.0f}"
        )
        print(
            f"Peak RSS after the cursor steps: bare list {median(r['maxrss_kb'] for r in floor_results) / 1024:.1f} MB, "
            f"app {steps_rss / 1024:.1f} MB"
        )
        print(
            "'bare list' = the baseline layout with a minimal Line-API ScrollView of the same number of rows (no SQLite):"
        )
        print("Textual's own floor for one step on this machine.")
        if profiled_first is not None:
            print()
            print("cProfile of the app's first screen, make_app → first frame (separate run, not in the table):")
            print(profiled_first["profile_first"])
        if profiled is not None:
            print()
            print("cProfile of j presses 101-200 (separate run, not in the table; by own time, then cumulative):")
            print(profiled["profile_j"])
            print("cProfile of the G jump (cumulative):")
            print(profiled["profile_G"])
        if WARNINGS:
            print()
            for mode, text in WARNINGS.items():
                print(f"NOTE: the app raised in a '{mode}' child (after its measurement was taken):")
                print("    " + "\n    ".join(text.splitlines()[-6:]))
    finally:
        shutil.rmtree(pycache_dir, ignore_errors=True)
        if temp is not None and not args.keep:
            shutil.rmtree(temp, ignore_errors=True)
        elif temp is not None:
            print(f"kept {db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
