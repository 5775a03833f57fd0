"""Child processes for the fault suite (not a test module): writers to kill, and writers to race.

    python -m tests.fault_worker serve
        A fork server: reads one JSON command a line on stdin, forks a worker for it and prints
        "pid N"; {"cmd": "reap", "pid": N} waits for that worker and prints "reaped N". Forking
        from an interpreter that has already imported the reader makes a crash cycle cost a few
        milliseconds instead of a Python start-up, so CI can afford hundreds of them. A worker
        starts only after its "pid N" line is written, so that line always comes first.
    python -m tests.fault_worker mixed DB ARTICLE_IDS NAME STOPFILE MIN_OPS
        The app's store code paths (highlight, note, tags, reading state, paging, notes pane),
        looping until STOPFILE exists and at least MIN_OPS writes are done.

Every line a worker prints is written with one os.write (shorter than PIPE_BUF), so lines from
workers that share a pipe never interleave. "ack" is printed only after the write committed;
"intent" just before a write starts, so that a checker knows which single write may have
committed without an acknowledgement.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

# The store loads anchoring and the query parser on first use; loaded here, before the fork, every
# worker starts writing at once (the kills are meant to land in the middle of writes, not an import).
import reader.anchoring  # noqa: F401
import reader.query  # noqa: F401
from reader.model import Anchor, Article
from reader.store import Library, LibraryError

VOCABULARY = ["kinh tế", "Đối ngoại", "giáo dục", "Hà Nội", "x"]


def say(*parts) -> None:
    """One line to stdout in one write() call."""
    os.write(1, (" ".join(str(p) for p in parts) + "\n").encode("utf-8"))


# ------------------------------------------------------------------------------ crash worker


def crash_worker(db: str, article_id: int, tag: str, seed: int) -> None:
    """Save highlights, notes and tags in a loop, announcing each write and acknowledging each commit."""
    rng = random.Random(seed)
    library = Library(db)
    mine = [h.id for h in library.highlights(article_id)]
    body = library.get_article(article_id).body
    say("ready")
    i = 0
    while True:
        i += 1
        note = f"ghi chú {tag}-{i} Đà Nẵng"
        roll = rng.random()
        if roll < 0.35 or not mine:
            start = rng.randrange(0, len(body) - 10)
            anchor = Anchor(start, start + 5, body[start : start + 5])
            tags = rng.sample(VOCABULARY, rng.randrange(0, 3))
            op = {"op": "add", "note": note, "tags": tags}
            say("intent", json.dumps(op, ensure_ascii=False))
            h = library.add_highlight(article_id, anchor, note=note, tags=tags)
            mine.append(h.id)
            op["id"] = h.id
        elif roll < 0.65:
            op = {"op": "note", "id": rng.choice(mine), "note": note}
            say("intent", json.dumps(op, ensure_ascii=False))
            library.set_highlight_note(op["id"], note)
        elif roll < 0.75:
            op = {"op": "htags", "id": rng.choice(mine), "tags": rng.sample(VOCABULARY, rng.randrange(0, 3))}
            say("intent", json.dumps(op, ensure_ascii=False))
            library.set_highlight_tags(op["id"], op["tags"])
        elif roll < 0.83:
            op = {"op": "delete", "id": mine.pop(rng.randrange(len(mine)))}
            say("intent", json.dumps(op, ensure_ascii=False))
            library.delete_highlight(op["id"])
        elif roll < 0.91:
            op = {"op": "anote", "note": note}
            say("intent", json.dumps(op, ensure_ascii=False))
            library.set_article_note(article_id, note)
        elif roll < 0.97:
            op = {"op": "atags", "tags": rng.sample(VOCABULARY, rng.randrange(0, 4))}
            say("intent", json.dumps(op, ensure_ascii=False))
            library.set_article_tags(article_id, op["tags"])
        else:
            # What SQLite's automatic checkpoint does every 1000 pages: copy the log into the file.
            library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            continue
        say("ack", json.dumps(op, ensure_ascii=False))


def bulk_worker(db: str, n: int, tag: str) -> None:
    """One bulk import of n articles (one transaction), announced before and acknowledged after."""
    library = Library(db)
    articles = [
        Article(
            title=f"Bulk {tag} {i}: Quảng Ninh",
            body=f"Thân bài {tag} {i}. " * 30,
            date="2025-02-01",
            path=f"/bulk/{tag}/{i}.txt",
        )
        for i in range(n)
    ]
    say("begin", tag)
    added = library.add_articles_bulk(articles)
    say("done", tag, added)


def serve() -> None:
    """Fork a worker per command line on stdin; see the module docstring."""
    for line in sys.stdin:
        command = json.loads(line)
        if command["cmd"] == "reap":
            _, status = os.waitpid(command["pid"], 0)
            say("reaped", command["pid"], status)
            continue
        # The worker waits on this pipe until the server has printed "pid N": otherwise a worker
        # scheduled before its parent could print "ready" first, and the test reads lines in order.
        gate_out, gate_in = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                os.close(gate_in)
                os.read(gate_out, 1)  # returns b"" once the server closes its end
                os.close(gate_out)
                if command["cmd"] == "crash":
                    crash_worker(command["db"], command["article"], command["tag"], command["seed"])
                elif command["cmd"] == "bulk":
                    bulk_worker(command["db"], command["n"], command["tag"])
            except BaseException as error:  # reported, so that the test shows it
                say("error", type(error).__name__, str(error).replace("\n", " "))
                code = 1
            finally:
                os._exit(code)
        os.close(gate_out)
        say("pid", pid)
        os.close(gate_in)  # the worker may start


# ------------------------------------------------------------------------------ mixed worker


def mixed_worker(db: str, article_ids: list[int], name: str, stopfile: str, min_ops: int) -> int:
    """What the app does, in a loop, beside other processes; every write is acknowledged."""
    rng = random.Random(name)
    library = Library(db)
    mine: list[int] = []
    writes = reads = 0
    while writes < min_ops or not os.path.exists(stopfile):
        article_id = rng.choice(article_ids)
        try:
            roll = rng.random()
            if roll < 0.3 or not mine:
                body = library.get_article(article_id).body
                anchor = Anchor(0, 10, body[:10])
                h = library.add_highlight(article_id, anchor, note=f"{name}-{writes}", tags=[name])
                mine.append(h.id)
                say("ack", "add", h.id, f"{name}-{writes}")
            elif roll < 0.5:
                hid = rng.choice(mine)
                library.set_highlight_note(hid, f"{name}-{writes}-edited")
                say("ack", "note", hid, f"{name}-{writes}-edited")
            elif roll < 0.6:
                library.set_reading_state(article_id, read=True, position=writes)
                say("ack", "read", article_id)
            elif roll < 0.7:
                library.add_article_tags(article_id, [f"{name}-tag"])
                say("ack", "atag", article_id, f"{name}-tag")
            else:
                # The list pane, the reading pane and the notes pane.
                library.page_articles(limit=50)
                library.get_article(article_id)
                library.highlights(article_id)
                library.tags()
                reads += 1
                continue
            writes += 1
        except LibraryError as error:  # what the user would see
            print(f"{name}: {error}", file=sys.stderr, flush=True)
            return 3
        if rng.random() < 0.5:  # a person's pace is slower still; this leaves the CLI some CPU
            time.sleep(0.002)
    say("done", name, writes, reads)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve()
    elif sys.argv[1] == "mixed":
        db, ids, name, stopfile, min_ops = sys.argv[2:7]
        sys.exit(mixed_worker(db, [int(i) for i in ids.split(",")], name, stopfile, int(min_ops)))
    else:
        sys.exit(f"unknown mode {sys.argv[1]!r}")
