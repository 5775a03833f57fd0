"""Benchmark `reader import DIR` against the floor the issue names, both in one run (issue 15).

    .venv/bin/python bench/bench_import.py                 # 10,000 synthetic files (2-4 KB)
    .venv/bin/python bench/bench_import.py --files 2000    # quick run
    .venv/bin/python bench/bench_import.py --files 100000  # the large run

Writes the files once (bench/_synth.py articles, title, blank line, body), then alternates run by
run, each into a fresh library:

  reader  `reader --db NEW import DIR` (a subprocess: parse, store, index, report a line per file)
  floor   read every file, decode, NFC, one executemany INSERT, an FTS5 index built after, COMMIT
  floor2  the same with a second, accent-kept FTS5 index (external content), as smart accents
          need (issue 11): what the floor costs for the two indexes the reader keeps

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
two = len(sys.argv) > 3
if two:
    c.execute("CREATE VIRTUAL TABLE exact USING fts5(body, content='articles', content_rowid='id', "
              "tokenize='unicode61 remove_diacritics 0')")
with c:
    c.executemany("INSERT INTO articles (path, body) VALUES (?, ?)", rows)
    c.execute("INSERT INTO search (rowid, body) SELECT id, body FROM articles")
    if two:
        c.execute("INSERT INTO exact (rowid, body) SELECT id, body FROM articles")
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
        reader_s, floor_s, floor2_s = [], [], []
        for run in range(args.runs):
            reader_s.append(
                timed([sys.executable, "-m", "reader.cli", "--db", str(root / f"r{run}.db"), "import", str(folder)])
            )
            floor_s.append(timed([sys.executable, "-c", FLOOR, str(folder), str(root / f"f{run}.db")]))
            floor2_s.append(timed([sys.executable, "-c", FLOOR, str(folder), str(root / f"g{run}.db"), "two"]))
        r, f, f2 = (statistics.median(s) for s in (reader_s, floor_s, floor2_s))
        print(f"reader import  {r:8.2f} s  {args.files / r:8.0f} files/s")
        print(f"floor          {f:8.2f} s  {args.files / f:8.0f} files/s")
        print(f"floor2         {f2:8.2f} s  {args.files / f2:8.0f} files/s  (two indexes)")
        print(f"ratio          {r / f:8.2f}×  ({r / f2:.2f}× floor2)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
