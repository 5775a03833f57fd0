"""`reader sync` on a big vault: N articles with H highlights each; no change, then 1% of notes edited.

Prints, in the same run, the floor: the time to stat, read and hash every note file of the vault.
Reports numbers only (no assertions). Usage:

    .venv/bin/python bench/bench_sync.py                  # 5,000 articles × 20 highlights
    .venv/bin/python bench/bench_sync.py --articles 500   # a quick run
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._synth import build_library  # noqa: E402
from reader.services.vault import sync  # noqa: E402
from reader.store import Library, now  # noqa: E402


def add_highlights(library: Library, per_article: int, seed: int = 7) -> int:
    """H highlights per article, a third with notes and tags, in one transaction (bench set-up only)."""
    rng = random.Random(seed)
    stamp = now()
    rows = []
    for (article_id,) in library.conn.execute("SELECT id FROM articles").fetchall():
        body = library.get_article(article_id).body
        for k in range(per_article):
            start = rng.randrange(0, max(1, len(body) - 60))
            end = start + rng.randrange(10, 60)
            note = f"ghi chú {article_id}.{k}: Hà Nội & Đà Nẵng" if k % 3 == 0 else ""
            rows.append((article_id, start, end, body[start:end], "", "", 1 + k % 5, note, 0, stamp, stamp))
    with library.write() as conn:
        conn.executemany(
            """INSERT INTO highlights (article_id, start, "end", quote, prefix, suffix, color, note,
               orphan, created, modified) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
            rows,
        )
        tag = conn.execute("INSERT INTO tags (name, key) VALUES ('ngoại giao', 'ngoại giao')").lastrowid
        conn.execute("INSERT INTO highlight_tags SELECT id, ? FROM highlights WHERE id % 3 = 0", (tag,))
    return len(rows)


def floor(vault: Path) -> float:
    """Seconds to walk the vault, stat, read and hash every note: what any sync must at least do."""
    started = time.perf_counter()
    for root, _dirs, files in os.walk(vault):
        for name in files:
            path = Path(root) / name
            path.stat()
            hashlib.sha256(path.read_bytes()).digest()
    return time.perf_counter() - started


def timed(library: Library, vault: Path) -> tuple[float, object]:
    started = time.perf_counter()
    report = sync(library, vault)
    return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--highlights", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        db = tmp / "library.db"
        build_library(db, args.articles)
        library = Library(db)
        n = add_highlights(library, args.highlights)
        vault = tmp / "vault"
        first, report = timed(library, vault)
        print(f"library: {args.articles:,} articles, {n:,} highlights")
        print(f"first sync (writes every note):   {first:7.2f} s  ({len(report.created):,} notes created)")
        runs = []
        for _ in range(3):
            seconds, report = timed(library, vault)
            runs.append(seconds)
        assert not report.updated and not report.created, "a second sync changed something"
        print(f"nothing changed (median of 3):     {sorted(runs)[1]:7.2f} s  ({report.unchanged:,} unchanged)")
        print(f"floor: walk, stat, read, hash:     {floor(vault):7.2f} s")
        notes = sorted(vault.glob("*.md"))
        changed = notes[:: max(1, len(notes) // max(1, len(notes) // 100))][: max(1, len(notes) // 100)]
        for path in changed:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("**Note:** ghi chú", "**Note:** edited ghi chú", 1), encoding="utf-8")
        seconds, report = timed(library, vault)
        print(
            f"1% of notes edited ({len(changed)}):        {seconds:7.2f} s  "
            f"({len(report.read_back)} edits read back, {len(report.updated)} notes updated)"
        )
        library.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
