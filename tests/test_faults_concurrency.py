"""Concurrency: the CLI and two copies of the app's store code paths on one library at once.

Every acknowledged write is found afterwards, nothing is written twice, and no "database is
locked" (nor any other error) reaches a user. A backup and an integrity check run in the middle.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from reader.model import Article
from reader.store import Library
from tests.helpers import ROOT, child_env, cli

MIN_OPS = int(os.environ.get("FAULT_CONCURRENT_OPS", "150"))
CLI_ROUNDS = int(os.environ.get("FAULT_CLI_ROUNDS", "4"))
MEASURED: dict[str, object] = {}


def test_cli_and_two_app_processes_share_a_library(tmp_path):
    db = tmp_path / "shared.db"
    with Library(db) as library:
        ids = [
            library.add_article(
                Article(
                    title=f"Bài {i}: Hà Nội và Đà Nẵng",
                    date=f"2025-06-{1 + i:02d}",
                    body=f"Câu mở đầu số {i} về Quảng Ninh. " + "Nội dung tiếp theo của bài báo. " * 30,
                )
            )[1].id
            for i in range(12)
        ]
    news = tmp_path / "news"
    news.mkdir()
    for i in range(10):
        (news / f"{i}.txt").write_text(f"Tin mới {i}\n\nThân bài của tin {i} từ Hà Nội.\n", encoding="utf-8")
    stop = tmp_path / "stop"
    started = time.monotonic()
    workers = {
        name: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.fault_worker",
                "mixed",
                str(db),
                ",".join(map(str, ids)),
                name,
                str(stop),
                str(MIN_OPS),
            ],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for name in ("app1", "app2")
    }
    runs: list[tuple[tuple[str, ...], subprocess.CompletedProcess]] = []
    try:

        def run(*args: str) -> subprocess.CompletedProcess:
            result = cli(db, *args)
            runs.append((args, result))
            return result

        for k in range(CLI_ROUNDS):
            article_id = ids[k % len(ids)]
            run(
                "highlight",
                str(article_id),
                f"Câu mở đầu số {k % len(ids)}",
                "--occurrence",
                "1",
                "--note",
                f"cli-{k}",
                "--tag",
                "cli",
            )
            run("tag", str(article_id), f"cli-tag-{k}")
            if k == 1:
                run("import", str(news))
            if k == 2:
                run("backup", str(tmp_path / "during.db"))
            if k == 3:
                run("check")
            listed = run("list", "--json")
            assert len(json.loads(listed.stdout or "[]")) >= len(ids)
            notes = run("notes", str(article_id), "--json")
            assert json.loads(notes.stdout or "{}").get("article", {}).get("id") == article_id
    finally:
        stop.touch()
        outputs = {name: proc.communicate(timeout=300) for name, proc in workers.items()}
    elapsed = time.monotonic() - started

    for args, result in runs:
        said = result.stdout + result.stderr
        assert result.returncode == 0, (args, said)
        assert "locked" not in said and "Traceback" not in said, (args, said)
    for name, (out, err) in outputs.items():
        assert workers[name].returncode == 0, (name, err)
        assert err == "", (name, err)  # nothing at all reached the "user"

    # Every acknowledged write is there, once; nothing else is.
    final_notes: dict[int, str] = {}
    tags: dict[int, set[str]] = {}
    counts = {}
    for name, (out, _) in outputs.items():
        done = [line for line in out.splitlines() if line.startswith("done ")]
        assert len(done) == 1
        _, _, writes, reads = done[0].split()
        counts[name] = {"writes": int(writes), "reads": int(reads)}
        for line in out.splitlines():
            kind, *rest = line.split()
            if kind == "ack" and rest[0] in ("add", "note"):
                final_notes[int(rest[1])] = rest[2]
            elif kind == "ack" and rest[0] == "atag":
                tags.setdefault(int(rest[1]), set()).add(rest[2])
    with Library(db) as library:
        assert library.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {h.id: h.note for article_id in ids for h in library.highlights(article_id)}
        cli_notes = sorted(note for note in stored.values() if note.startswith("cli-"))
        assert cli_notes == sorted(f"cli-{k}" for k in range(CLI_ROUNDS))
        assert {hid: note for hid, note in stored.items() if not note.startswith("cli-")} == final_notes
        for article_id, names in tags.items():
            assert names <= set(library.article_tags(article_id))
        for k in range(CLI_ROUNDS):
            assert f"cli-tag-{k}" in library.article_tags(ids[k % len(ids)])
        assert library.count_articles() == len(ids) + 10
    # The backup taken in the middle of it all is sound.
    assert cli(tmp_path / "during.db", "check").returncode == 0

    MEASURED["concurrency"] = dict(
        seconds=round(elapsed, 1),
        cli_runs=len(runs),
        app_processes=counts,
        highlights=len(stored),
        acknowledged_highlights=len(final_notes),
    )
    print("concurrency:", MEASURED["concurrency"])
    assert all(c["writes"] >= MIN_OPS for c in counts.values())
