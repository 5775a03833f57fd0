"""Benchmark search against the "Speed" goal: Library.search within 2× of the bare FTS5 query.

    /work/main/.venv/bin/python bench/bench_search.py                   # 100,000 articles
    /work/main/.venv/bin/python bench/bench_search.py --articles 5000   # quick smoke run
    /work/main/.venv/bin/python bench/bench_search.py --db /tmp/lib.db  # reuse (or create) a library

Builds a synthetic library (bench/_synth.py, one add_articles_bulk call: insert, then index), then
for each query times, on the same connection and interleaved run by run so that a busy machine
slows both alike:

  raw     SELECT rowid, rank FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT ?
          with the MATCH expression the parser builds (the floor: ranking is the cost)
  search  Library.search(query, limit=...): parse, the same ranked query, the rows, hits mapped back
          to the accented text, snippets, read marks and tags

and reports medians and the ratio; then the full index rebuild (Library.rebuild_search_index).
A benchmark, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))  # `reader` from this checkout even if not installed

# (label, query as a person types it): a common word, a rare one, a phrase; and, beyond what the
# goal asks, a report number found in one article: there the FTS5 lookup is ~0.05 ms, so the fixed
# cost of a search (parse, read the row and its folded copy, make the snippet) shows.
QUERIES = [
    ("common word", "investment"),
    ("rare word", "Molave"),
    ("phrase", '"thua thien hue"'),
    ("unique*", "12345"),
    # Smart accents (issue 11): a word typed with its accents (the accent-kept index filters), and
    # unaccented words typed alone (ranked together first, then near, then anywhere).
    ("accented", "Hà Nội"),
    ("multi-word", "ha noi"),
]
RAW_SQL = "SELECT rowid, rank FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT ?"
RAW_SNIPPET_SQL = (
    "SELECT rowid, rank, snippet(search_index, 3, '«', '»', '…', 16) FROM search_index "
    "WHERE search_index MATCH ? ORDER BY rank LIMIT ?"
)


def _has_dbstat(library) -> bool:
    try:
        library.conn.execute("SELECT 1 FROM dbstat LIMIT 1").fetchall()
    except Exception:  # SQLite built without the dbstat table
        return False
    return True


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def time_queries(library, runs: int, limit: int) -> list[dict]:
    """Interleaved timings of raw FTS5, raw FTS5 with snippet(), and Library.search for each query."""
    from reader.query import parse

    out = []
    for label, typed in QUERIES:
        match = parse(typed).match_expression()
        matches = library.conn.execute(
            "SELECT count(*) FROM search_index WHERE search_index MATCH ?", (match,)
        ).fetchone()[0]
        kinds = {
            "raw": lambda: library.conn.execute(RAW_SQL, (match, limit)).fetchall(),
            "raw_snippet": lambda: library.conn.execute(RAW_SNIPPET_SQL, (match, limit)).fetchall(),
            "search": lambda: library.search(typed, limit=limit),
        }
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        for run in range(runs + 3):  # three warm-up rounds, not counted
            for kind, call in kinds.items():
                started = time.perf_counter()
                call()
                elapsed = time.perf_counter() - started
                if run >= 3:
                    times[kind].append(elapsed)
        results = library.search(typed, limit=limit)
        raw_ids = [r[0] for r in library.conn.execute(RAW_SQL, (match, limit))]
        row = {
            "label": label,
            "query": typed,
            "match": match,
            "matching_articles": matches,
            "returned": len(results),
            "same_order_as_raw": [r.id for r in results] == raw_ids,
            **{f"{kind}_ms": median_ms(values) for kind, values in times.items()},
        }
        row["ratio"] = row["search_ms"] / row["raw_ms"]
        row["ratio_vs_raw_snippet"] = row["search_ms"] / row["raw_snippet_ms"]
        out.append(row)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000, help="library size (default 100000)")
    parser.add_argument("--million", action="store_true", help="1,000,000 articles (long: build it once with --db)")
    parser.add_argument("--runs", type=int, default=25, help="timed runs per query and kind (default 25)")
    parser.add_argument("--limit", type=int, default=50, help="results per search (default 50)")
    parser.add_argument("--db", type=Path, help="reuse (or create) the library here instead of a temp dir")
    parser.add_argument("--keep", action="store_true", help="keep the temp library")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the (slow) full index rebuild")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    if args.million:
        args.articles = 1_000_000

    from _synth import build_library

    from reader.store import Library

    temp = None
    if args.db:
        db = args.db
    else:
        temp = Path(tempfile.mkdtemp(prefix="reader-bench-search-"))
        db = temp / "library.db"
    report: dict = {"articles": args.articles, "limit": args.limit, "runs": args.runs}
    try:
        existing = 0
        if db.exists():
            with Library(db) as library:
                existing = library.count_articles()
        if existing >= args.articles:
            print(f"reusing {db} ({existing:,} articles)")
            report["articles"] = existing
        else:
            for stale in db.parent.glob(db.name + "*"):
                stale.unlink()
            print(f"building {args.articles:,} synthetic articles in {db} (insert, then index) …", flush=True)
            built = build_library(db, args.articles)
            report["build"] = built
            print(
                f"  built in {built['total_s']:.1f} s: generating {built['generate_s']:.1f} s, "
                f"inserting and indexing {built['insert_s']:.1f} s "
                f"({built['insert_rows_per_s']:,.0f} articles/s), {built['db_mb']:.0f} MB"
            )

        with Library(db) as library:
            size = db.stat().st_size + sum(p.stat().st_size for p in db.parent.glob(db.name + "-wal"))
            pages = (
                dict(
                    library.conn.execute(
                        "SELECT name LIKE 'search_exact%', sum(pgsize) FROM dbstat GROUP BY name LIKE 'search_exact%'"
                    ).fetchall()
                )
                if _has_dbstat(library)
                else {}
            )
            count = library.count_articles()
            report["bytes_per_article"] = size / count
            report["accent_index_bytes_per_article"] = pages.get(1, 0) / count if pages else None
            print(
                f"library: {size / count / 1024:.1f} KB per article"
                + (f", of which the accent-kept index {pages.get(1, 0) / count / 1024:.1f} KB" if pages else "")
            )
            rows = time_queries(library, args.runs, args.limit)
            report["queries"] = rows
            print(
                f"\nsearch at {report['articles']:,} articles, LIMIT {args.limit}, "
                f"medians of {args.runs} interleaved runs (ms)"
            )
            print(
                f"{'':12} {'query':18} {'matches':>8} {'raw FTS5':>9} {'+snippet()':>10} "
                f"{'search':>9} {'ratio':>6}  {'goal ≤ 2×':>9}"
            )
            for row in rows:
                verdict = "ok" if row["ratio"] <= 2 else "MISSED"
                print(
                    f"{row['label']:12} {row['query']:18} {row['matching_articles']:>8,} {row['raw_ms']:>9.2f} "
                    f"{row['raw_snippet_ms']:>10.2f} {row['search_ms']:>9.2f} {row['ratio']:>5.2f}×  {verdict:>9}"
                )
            print("* extra, not one of the goal's three: one matching article; shows the fixed cost per search")
            if not all(row["same_order_as_raw"] for row in rows):
                print("note: a search returned another order than the raw query (ties in rank)")

            if not args.no_rebuild:
                print(
                    "\nrebuilding the whole index (delete every row, fold every article again, optimize) …", flush=True
                )
                started = time.perf_counter()
                count = library.rebuild_search_index()
                seconds = time.perf_counter() - started
                report["rebuild"] = {"articles": count, "seconds": seconds, "articles_per_s": count / seconds}
                print(f"  rebuild: {seconds:.1f} s for {count:,} articles ({count / seconds:,.0f} articles/s)")
        if args.json:
            print(json.dumps(report, indent=2))
    finally:
        if temp is not None and not args.keep:
            shutil.rmtree(temp, ignore_errors=True)
        elif temp is not None:
            print(f"kept {db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
