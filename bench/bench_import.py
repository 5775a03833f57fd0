"""Benchmark `reader import DIR` against the floor the issue names, both in one run (issue 15).

    .venv/bin/python bench/bench_import.py                 # 10,000 synthetic files (2-4 KB)
    .venv/bin/python bench/bench_import.py --files 2000    # quick run
    .venv/bin/python bench/bench_import.py --files 100000  # the large run

Writes the files once (bench/_synth.py articles, title, blank line, body), then alternates run by
run, each into a fresh library:

  reader  `reader --db NEW import DIR` (a subprocess: parse, store, index, report a line per file)
  floor   read every file, decode, NFC, one executemany INSERT, an FTS5 index built after, COMMIT

and prints medians, files/s and the ratio. A benchmark, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

FLOOR = """import os, sqlite3, sys, unicodedata
folder, db = sys.argv[1], sys.argv[2]
rows = []
for name in sorted(os.listdir(folder)):
    with open(os.path.join(folder, name), "rb") as f:
        rows.append((name, unicodedata.normalize("NFC", f.read().decode("utf-8"))))
c = sqlite3.connect(db); c.execute("PRAGMA journal_mode=WAL")
c.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, path TEXT, body TEXT)")
c.execute("CREATE VIRTUAL TABLE search USING fts5(body)")
with c:
    c.executemany("INSERT INTO articles (path, body) VALUES (?, ?)", rows)
    c.execute("INSERT INTO search (rowid, body) SELECT id, body FROM articles")
c.close()
"""


def write_files(folder: Path, n: int) -> int:
    from _synth import article

    rng = random.Random(20240601)
    size = 0
    for i in range(n):
        a = article(i, rng)
        data = f"{a.title}\n\n{a.body}\n".encode()
        (folder / f"{i:07d}.txt").write_bytes(data)
        size += len(data)
    return size


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="reader-bench-import-"))
    try:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # cache bytecode, as an installed app does
        os.environ["PYTHONPYCACHEPREFIX"] = str(root / "pyc")
        folder = root / "files"
        folder.mkdir()
        size = write_files(folder, args.files)
        print(f"{args.files:,} files, {size / 1e6:.1f} MB")
        reader_s, floor_s = [], []
        for run in range(args.runs):
            reader_s.append(
                timed([sys.executable, "-m", "reader.cli", "--db", str(root / f"r{run}.db"), "import", str(folder)])
            )
            floor_s.append(timed([sys.executable, "-c", FLOOR, str(folder), str(root / f"f{run}.db")]))
        r, f = statistics.median(reader_s), statistics.median(floor_s)
        print(f"reader import  {r:8.2f} s  {args.files / r:8.0f} files/s")
        print(f"floor          {f:8.2f} s  {args.files / f:8.0f} files/s")
        print(f"ratio          {r / f:8.2f}×")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
