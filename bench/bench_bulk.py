"""Benchmark a bulk build: one transaction against a commit per batch (peak disk, rate), in one run.

    .venv/bin/python bench/bench_bulk.py --articles 20000 --batch 5000
    .venv/bin/python bench/bench_bulk.py --articles 1000000 --batch 50000   # the issue's 1M build

Builds the same synthetic library (bench/_synth.py) twice with add_articles_bulk, once in one
transaction and once with batch_size, sampling the size of the database file plus its WAL every
50 ms; prints the rate, the peak disk use and the ratio of the peak to the final library.
A benchmark, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

from _synth import build_library  # noqa: E402


def disk(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.exists())


def measure(n: int, batch: int | None) -> None:
    with tempfile.TemporaryDirectory(prefix="reader-bulk-") as folder:
        path = Path(folder) / "lib.db"
        peak, done = [0], threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                try:
                    peak[0] = max(peak[0], disk(path))
                except FileNotFoundError:
                    pass

        sampler = threading.Thread(target=sample)
        sampler.start()
        result = build_library(path, n, batch_size=batch)
        done.set()
        sampler.join()
        final = disk(path)
        label = f"batch {batch:,}" if batch else "one transaction"
        print(
            f"{label:<18} {result['rows_per_s']:8.0f} articles/s   peak {peak[0] / 1e6:8.1f} MB   "
            f"final {final / 1e6:8.1f} MB   peak/final {peak[0] / final:5.2f}×"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    measure(args.articles, None)
    measure(args.articles, args.batch)


if __name__ == "__main__":
    main()
