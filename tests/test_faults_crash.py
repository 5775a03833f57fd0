"""Crash: writers killed with SIGKILL at random moments lose no acknowledged write and leave nothing half-done.

CI runs FAULT_CYCLES=150 kill cycles of the note/highlight writer (a few seconds); by hand:
    FAULT_CYCLES=1000 .venv/bin/python -m pytest -q tests/test_faults_crash.py
FAULT_SEED fixes the random kill times (the seed in use is printed when a test fails).
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from reader import importers
from reader.model import Article
from reader.services.import_files import walk
from reader.store import Library, clean_tags
from tests.helpers import ROOT, child_env, cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="forks and SIGKILLs (POSIX)")
CYCLES = int(os.environ.get("FAULT_CYCLES", "150"))
SEED = int(os.environ.get("FAULT_SEED", str(random.SystemRandom().randrange(1 << 30))))
# Where the figures go, for the README (and for whoever runs the long setting).
MEASURED: dict[str, object] = {}


class ForkServer:
    """tests/fault_worker.py serve: forks a ready-imported worker per command."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fault_worker", "serve"],
            cwd=ROOT,
            env=child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []  # lines of the current worker read before it is killed
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def _send(self, command: dict) -> None:
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def _next(self, timeout: float = 30) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the fork server said nothing for {timeout} s") from None

    def start(self, command: dict) -> int:
        """Fork a worker; its pid."""
        self.seen = []
        self._send(command)
        line = self._next()
        assert line.startswith("pid "), line
        return int(line.split()[1])

    def wait_for(self, wanted: str) -> None:
        """Read the worker's lines until it prints `wanted` or a line starting "`wanted` " (or an error)."""
        while True:
            line = self._next()
            self.seen.append(line)
            if line == wanted or line.startswith((f"{wanted} ", "error")):
                return

    def kill(self, pid: int) -> list[str]:
        """SIGKILL the worker and return every line it printed (all of them: it is dead when reaped)."""
        os.kill(pid, signal.SIGKILL)
        self._send({"cmd": "reap", "pid": pid})
        lines = self.seen
        while not (line := self._next()).startswith(f"reaped {pid} "):
            lines.append(line)
        return lines

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def server():
    server = ForkServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def rng(request):
    """A seeded random source; the seed shows in the report of a failing test."""
    request.node.user_properties.append(("FAULT_SEED", SEED))
    print(f"FAULT_SEED={SEED}")
    return random.Random(SEED)


def integrity(library: Library) -> str:
    return library.conn.execute("PRAGMA integrity_check").fetchone()[0]


# ------------------------------------------------------------------------------ notes and highlights


@dataclass(frozen=True)
class State:
    """What one article holds: highlights (id → note, tags), its note and its tags."""

    highlights: dict = field(default_factory=dict)
    note: str = ""
    tags: frozenset = frozenset()


def read_state(library: Library, article_id: int) -> State:
    article = library.get_article(article_id)
    return State(
        {h.id: (h.note, frozenset(h.tags)) for h in library.highlights(article_id)},
        article.note,
        frozenset(article.tags),
    )


def apply(state: State, op: dict) -> State:
    """The state after one write."""
    hs = dict(state.highlights)
    kind = op["op"]
    if kind == "add":
        hs[op["id"]] = (op["note"], frozenset(clean_tags(op["tags"])))
    elif kind == "note":
        hs[op["id"]] = (op["note"], hs[op["id"]][1])
    elif kind == "htags":
        hs[op["id"]] = (hs[op["id"]][0], frozenset(clean_tags(op["tags"])))
    elif kind == "delete":
        del hs[op["id"]]
    elif kind == "anote":
        return replace(state, note=op["note"])
    elif kind == "atags":
        return replace(state, tags=frozenset(clean_tags(op["tags"])))
    return replace(state, highlights=hs)


def body_text() -> str:
    return "\n\n".join(
        f"Đoạn {i}: Thủ tướng Phạm Minh Chính phát biểu tại Hà Nội về hợp tác Việt Nam–Nhật Bản." for i in range(40)
    )


def test_killed_writer_loses_no_acknowledged_write(tmp_path, server, rng):
    db = tmp_path / "crash.db"
    with Library(db) as library:
        article_id = library.add_article(Article(title="Bài viết", body=body_text()))[1].id
    model = State()
    acked = in_flight_committed = in_flight_lost = killed_before_ready = 0
    started = time.monotonic()
    for cycle in range(CYCLES):
        pid = server.start(
            {"cmd": "crash", "db": str(db), "article": article_id, "tag": f"c{cycle}", "seed": rng.randrange(1 << 30)}
        )
        # Mostly in the middle of a stream of writes; sometimes while the library is being opened.
        if rng.random() < 0.15:
            time.sleep(rng.uniform(0, 0.03))
        else:
            server.wait_for("ready")
            # A few writes first, counted rather than timed: on a busy machine 40 ms may hold none.
            for _ in range(rng.randrange(5)):
                server.wait_for("ack")
            time.sleep(rng.uniform(0, 0.04))
        lines = server.kill(pid)
        assert not [line for line in lines if line.startswith("error")], lines
        killed_before_ready += "ready" not in lines
        expected, pending = model, None
        for line in lines:
            kind, _, payload = line.partition(" ")
            if kind == "intent":
                pending = json.loads(payload)
            elif kind == "ack":
                op = json.loads(payload)
                expected = apply(expected, op)
                acked += 1
                pending = None
        with Library(db) as library:
            assert integrity(library) == "ok", f"cycle {cycle}, FAULT_SEED={SEED}"
            actual = read_state(library, article_id)
        if actual == expected:
            in_flight_lost += pending is not None
        else:
            # Only the one write that was under way when the kill came may have committed unacknowledged.
            assert pending is not None, f"cycle {cycle}: state differs with nothing in flight (FAULT_SEED={SEED})"
            if pending["op"] == "add":
                new = set(actual.highlights) - set(expected.highlights)
                assert len(new) == 1, f"cycle {cycle}: {new}"
                pending["id"] = new.pop()
            assert actual == apply(expected, pending), f"cycle {cycle}: lost or extra writes (FAULT_SEED={SEED})"
            in_flight_committed += 1
        model = actual
    elapsed = time.monotonic() - started
    MEASURED["crash"] = dict(
        cycles=CYCLES,
        seconds=round(elapsed, 1),
        acknowledged=acked,
        in_flight_committed=in_flight_committed,
        in_flight_lost=in_flight_lost,
        killed_while_opening=killed_before_ready,
    )
    print("crash cycles:", MEASURED["crash"])
    assert acked > CYCLES  # the kills came in the middle of work, not only before it
    assert killed_before_ready < CYCLES


def test_killed_bulk_import_is_all_or_nothing(tmp_path, server, rng):
    db = tmp_path / "bulk.db"
    Library(db).close()
    n, outcomes = 2000, []
    for cycle in range(max(6, CYCLES // 20)):
        pid = server.start({"cmd": "bulk", "db": str(db), "n": n, "tag": f"b{cycle}"})
        server.wait_for(f"begin b{cycle}")
        time.sleep(rng.uniform(0.0, 0.6))  # the transaction takes 0.25 s or more here
        lines = server.kill(pid)
        assert not [line for line in lines if line.startswith("error")], lines
        with Library(db) as library:
            assert integrity(library) == "ok"
            count = library.conn.execute(
                "SELECT count(*) FROM articles WHERE path LIKE ?", (f"/bulk/b{cycle}/%",)
            ).fetchone()[0]
            assert count in (0, n), f"cycle {cycle}: a bulk import left {count} of {n} articles"
            if f"done b{cycle} {n}" in lines:
                assert count == n
            assert_index_matches_articles(library)
        outcomes.append("whole" if count else "none")
    MEASURED["bulk"] = {k: outcomes.count(k) for k in ("whole", "none")}
    print("bulk import kills:", MEASURED["bulk"])


def assert_index_matches_articles(library: Library) -> None:
    """Every article has its search row and no search row outlives its article (when there is an index)."""
    if "search_index" not in library.db.table_names():
        return
    articles = {r[0] for r in library.conn.execute("SELECT id FROM articles")}
    indexed = {r[0] for r in library.conn.execute("SELECT rowid FROM search_index")}
    assert articles == indexed


# ------------------------------------------------------------------------------ `reader import` killed


def make_corpus(folder: Path, n: int) -> None:
    """n files in the three formats the importer reads, each with its own content."""
    folder.mkdir(parents=True)
    places = ["HÀ NỘI", "QUẢNG NINH", "ĐÀ NẴNG", "HỒ CHÍ MINH CITY"]
    for i in range(n):
        para = f"Bài số {i}: Thủ tướng Phạm Minh Chính làm việc với các nhà đầu tư tại Quảng Ninh. " * 12
        kind = i % 3
        if kind == 0:
            data = f"date 2025-03-{1 + i % 28:02d} {places[i % 4]} — {para}\n\n{para}\n\n— VNA/VNS\n"
            name = f"{i:04d}-wire.txt"
        elif kind == 1:
            data = (
                f"---\ntitle: Bản tin {i} về Đà Nẵng\ndate: 2025-05-{1 + i % 28:02d}\n"
                f"tags: [kinh tế, tin {i % 5}]\n---\n\n{para}\n\n{para}\n"
            )
            name = f"{i:04d}-note.md"
        else:
            data = f"Tin vắn {i} từ Hà Nội\n\n{para}\n"
            name = f"{i:04d}-plain.txt"
        (folder / f"sub{i % 4}").mkdir(exist_ok=True)
        (folder / f"sub{i % 4}" / name).write_text(data, encoding="utf-8")


def assert_whole_articles(library: Library, order: list[Path]) -> set[str]:
    """Every stored article matches its file exactly; the stored files are a prefix of the import order."""
    stored = {}
    for row in library.conn.execute("SELECT id, path FROM articles"):
        stored[row["path"]] = row["id"]
    for path, article_id in stored.items():
        source = Path(path)
        parsed = importers.parse(source.read_bytes(), source.name)
        article = library.get_article(article_id)
        assert article.title and article.body
        assert (article.title, article.body, article.content_hash) == (parsed.title, parsed.body, parsed.content_hash)
        assert sorted(article.tags) == sorted(clean_tags(parsed.tags), key=str.casefold)
    paths = [str(p.resolve()) for p in order]
    assert set(paths[: len(stored)]) == set(stored), "files were stored out of order, or one is missing"
    assert_index_matches_articles(library)
    return set(stored)


def test_killed_cli_import_leaves_only_whole_articles(tmp_path, rng):
    folder = tmp_path / "news"
    make_corpus(folder, 240)  # about half a second of importing
    order = list(walk([folder]))
    counts = []
    for cycle in range(4):
        db = tmp_path / f"import{cycle}.db"
        proc = subprocess.Popen(
            [sys.executable, "-m", "reader.cli", "--db", str(db), "import", str(folder)],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        lines: queue.Queue[str] = queue.Queue()
        pump = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True)
        pump.start()
        out = [lines.get(timeout=60)]  # the first file is in: the import is under way
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        pump.join(timeout=30)
        while not lines.empty():
            out.append(lines.get())
        assert out[0].startswith("imported "), (out[0], proc.stderr.read())
        with Library(db) as library:
            assert integrity(library) == "ok"
            stored = assert_whole_articles(library, order)
        # Every file the CLI reported as imported before it died is in the library.
        reported = {line.split()[1] for line in out if line.startswith("imported ")}
        assert {str(Path(p).resolve()) for p in reported} <= stored
        counts.append(len(stored))
    # Run the last one to the end: every file once, nothing duplicated by the interrupted run.
    done = cli(db, "import", str(folder))
    assert done.returncode == 0, done.stderr
    assert f"{len(order) - counts[-1]} imported, 0 updated, {counts[-1]} unchanged" in done.stdout
    with Library(db) as library:
        assert library.count_articles() == len(order)
        assert len(assert_whole_articles(library, order)) == len(order)
    MEASURED["import"] = counts
    print(f"articles present after each killed import (of {len(order)}):", counts)
