"""Benchmark the command line at scale against floors measured in the same run (issue 15).

    .venv/bin/python bench/bench_cli.py --articles 100000            # build (or reuse) and measure
    .venv/bin/python bench/bench_cli.py --db /tmp/lib.db --runs 5     # reuse a library

For each case, A and B alternate run by run (a busy machine slows both alike); medians and ratio:

  list --json | head    `reader list --json`, the pipe closed after 10 lines   vs  a streaming sqlite3 script
  list (all rows)       `reader list > /dev/null`                              vs  the same script, every row
  show ID               `reader show ID`                                       vs  a sqlite3 script printing it
  import reader.cli     `python -c "import reader.cli"`                        vs  `import click, sqlite3`

A benchmark, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
READER = [sys.executable, "-m", "reader.cli"]

FLOOR_LIST = """import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1]); out = sys.stdout
try:
    for r in c.execute("SELECT id, date, place, title, source FROM articles ORDER BY date DESC, id DESC"):
        out.write(json.dumps(dict(zip(("id", "date", "place", "title", "source"), r)), ensure_ascii=False) + "\\n")
except BrokenPipeError:
    pass
"""
FLOOR_SHOW = """import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
r = c.execute("SELECT title, place, date, source, body FROM articles WHERE id = ?", (int(sys.argv[2]),)).fetchone()
print(r[0]); print(" · ".join(x for x in r[1:4] if x)); print(); print(r[4])
"""


def timed(argv: list[str], head: int | None = None) -> float:
    """Seconds from start to exit; with head, the pipe is closed after that many lines."""
    started = time.perf_counter()
    if head is None:
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=False)
    else:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for _ in range(head):
            process.stdout.readline()
        process.stdout.close()
        process.wait()
    return time.perf_counter() - started


def compare(label: str, a: list[str], b: list[str], runs: int, head: int | None = None) -> None:
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(timed(a, head))
        times_b.append(timed(b, head))
    ma, mb = statistics.median(times_a), statistics.median(times_b)
    print(f"{label:<22} reader {ma * 1000:9.1f} ms   floor {mb * 1000:9.1f} ms   ratio {ma / mb:6.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = args.db or Path(f"/tmp/reader-bench-cli-{args.articles}.db")
    if not db.exists():
        from _synth import build_library

        sys.path.insert(1, str(HERE.parent))
        print("built", build_library(db, args.articles))
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    # PYTHONDONTWRITEBYTECODE=1 here would recompile `reader` on every start, which an installed app
    # never does: the children cache bytecode in a temp dir instead (as bench_tui.py does).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    pyc = tempfile.TemporaryDirectory(prefix="reader-bench-pyc-")  # removed when main() returns
    os.environ["PYTHONPYCACHEPREFIX"] = pyc.name
    timed([*READER, "--db", str(db), "show", "1"])  # fills the bytecode cache
    py = [sys.executable]
    compare(
        "list --json | head",
        [*READER, "--db", str(db), "list", "--json"],
        [*py, "-c", FLOOR_LIST, str(db)],
        args.runs,
        head=10,
    )
    compare("list (all rows)", [*READER, "--db", str(db), "list"], [*py, "-c", FLOOR_LIST, str(db)], args.runs)
    compare("show ID", [*READER, "--db", str(db), "show", "1"], [*py, "-c", FLOOR_SHOW, str(db), "1"], args.runs)
    compare("import reader.cli", [*py, "-c", "import reader.cli"], [*py, "-c", "import click, sqlite3"], args.runs)


if __name__ == "__main__":
    main()
