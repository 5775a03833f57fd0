"""Benchmark the reading pane: open a ~600 KB article and move through it, against a ~3 KB one.

    /work/main/.venv/bin/python bench/bench_reading.py            # 3 runs
    /work/main/.venv/bin/python bench/bench_reading.py --runs 1 --profile

Each run is a fresh child process (bench/_probe.py reading) on the same small library: the app starts,
the list cursor goes to the 3 KB article, enter opens it, then 50 × j (next sentence), 20 × pagedown,
5 × pageup, G, g; then shift+tab back to the list, k to the 600 KB article, enter, and the same moves.
Times are from posting the key to the first frame that shows its effect (TEXTUAL_FPS=1000, so the 60 Hz
frame timer adds no wait), and the CPU time spent in between. A benchmark: it always exits 0.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

import bench_tui  # noqa: E402  (run_probe, statistics helpers)
from bench_tui import WARNINGS, fmt, median, p95, run_probe  # noqa: E402


def build(path: Path, big_kb: int, small_kb: int, others: int = 40) -> dict:
    """A library whose newest article is the big one (row 0), then the small one (row 1), then others."""
    import _synth

    from reader.store import Library

    rng = random.Random(7)
    big = _synth.article(900_001, rng, target=big_kb * 1000, day=date(2026, 1, 2))
    big.title = "Full text: the socio-economic report to the National Assembly, with appendices"
    small = _synth.article(900_002, rng, target=small_kb * 1000, day=date(2026, 1, 1))
    rest = [_synth.article(900_100 + i, rng) for i in range(others)]  # all dated before 2026
    with Library(path) as library:
        library.add_articles_bulk([big, small, *rest])
    return {"big_bytes": len(big.body.encode()), "small_bytes": len(small.body.encode())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="child processes (default 3)")
    parser.add_argument("--big-kb", type=int, default=600, help="size of the long article (default 600)")
    parser.add_argument("--small-kb", type=int, default=3, help="size of the short article (default 3)")
    parser.add_argument("--profile", action="store_true", help="one more run with cProfile around each open")
    parser.add_argument("--no-pyc-cache", action="store_true", help="children inherit PYTHONDONTWRITEBYTECODE")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="reader-bench-reading-"))
    if not args.no_pyc_cache:
        bench_tui.PYCACHE = str(temp / "pycache")
    try:
        db = temp / "library.db"
        sizes = build(db, args.big_kb, args.small_kb)
        print(
            f"Library: big article {sizes['big_bytes'] / 1024:,.0f} KB (UTF-8), small {sizes['small_bytes'] / 1024:.1f} KB; "
            f"{args.runs} runs at 160x48 headless, TEXTUAL_FPS=1000 …",
            flush=True,
        )
        fps = {"TEXTUAL_FPS": "1000"}
        results = [run_probe("reading", "--db", str(db), env=fps)[1] for _ in range(args.runs)]
        profiled = run_probe("reading", "--db", str(db), "--profile-open", env=fps)[1] if args.profile else None

        info = {label: results[0][label]["open"] for label in ("small", "big")}
        print()
        for label in ("small", "big"):
            o = info[label]
            print(
                f"{label:>5}: {o['utf8_kb']:,.1f} KB, {o['chars']:,} characters, {o['sentences']:,} sentences, "
                f"{o['lines']:,} wrapped lines; focus after enter: {o['focused']}"
            )
        print()
        line = "{:<34} {:>10} {:>10} {:>10} {:>10}  {}"
        b, sm = f"{args.big_kb} KB", f"{args.small_kb} KB"
        print(line.format("reading pane (ms)", f"{sm} med", f"{b} med", f"{b} p95", "ratio", "note"))
        print(line.format("-" * 34, "-" * 10, "-" * 10, "-" * 10, "-" * 10, "-" * 20))

        def values(label: str, key: str, field: str) -> list[float]:
            out = []
            for r in results:
                item = r[label][key]
                out.extend(s[field] for s in (item if isinstance(item, list) else [item]))
            return out

        rows = [
            ("open (enter): key → frame", "open", "first_ms", "target: feels instant ≲ 100 ms"),
            ("open (enter): CPU to frame", "open", "cpu_ms", ""),
            ("open: until frames stop", "open", "last_ms", ""),
            ("j (next sentence): key → frame", "j", "first_ms", "target < 16 ms"),
            ("j: CPU to frame", "j", "cpu_ms", ""),
            ("pagedown: key → frame", "pagedown", "first_ms", "target < 16 ms"),
            ("pageup: key → frame", "pageup", "first_ms", ""),
            ("G (last sentence): key → frame", "G", "first_ms", ""),
            ("g (first sentence): key → frame", "g", "first_ms", ""),
        ]
        for title, key, field, note in rows:
            small, big = values("small", key, field), values("big", key, field)
            ratio = median(big) / median(small) if median(small) else float("nan")
            print(
                line.format(title, fmt(median(small), 2), fmt(median(big), 2), fmt(p95(big), 2), f"{ratio:.1f}×", note)
            )
        small_render = [v for r in results for v in r["small"]["render_ms"]]
        big_render = [v for r in results for v in r["big"]["render_ms"]]
        print(
            line.format(
                "draw visible lines (render_line)",
                fmt(median(small_render), 2),
                fmt(median(big_render), 2),
                fmt(p95(big_render), 2),
                f"{median(big_render) / median(small_render):.1f}×",
                "",
            )
        )
        print()
        print(f"Peak RSS after both articles: {median(r['maxrss_kb'] for r in results) / 1024:.1f} MB")
        if profiled is not None:
            print()
            for label in ("small", "big"):
                print(f"cProfile of opening the {label} article (enter → its frames; separate run, not in the table):")
                print(profiled.get(f"profile_open_{label}", "(none)"))
        if WARNINGS:
            print()
            for mode, text in WARNINGS.items():
                print(f"NOTE: the app raised in a '{mode}' child (after its measurement was taken):")
                print("    " + "\n    ".join(text.splitlines()[-6:]))
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
