"""Nothing lost: re-import moves highlights, concurrent writers all land, kill -9 keeps confirmed notes."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from reader.services.imports import import_file
from reader.store import Library

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "sample_data").glob("*.txt"))[0]


def test_reimport_moves_highlights_and_keeps_orphans(tmp_path):
    path = tmp_path / "story.txt"
    original = SEED.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    library = Library(tmp_path / "lib.db")
    article_id = import_file(library, path).article_id
    body = library.get_article(article_id).body

    def highlight(quote: str, note: str):
        start = body.index(quote)
        from reader.anchoring import make_anchor

        return library.add_highlight(article_id, make_anchor(body, start, start + len(quote)), note=note)

    moved = highlight("Political trust has been further strengthened", "exact move")
    edited = highlight("economic cooperation remains the key pillar in the relations", "fuzzy move")
    doomed = highlight("He called on the two sides to strengthen coordination", "will be orphaned")
    # The new version: a paragraph added at the top, a word changed inside one quote, one passage removed.
    changed = (
        original.replace("Việt Nam consistently", "Việt Nam, in a statement, consistently")
        .replace("remains the key pillar", "remains the main pillar")
        .replace(
            "He called on the two sides to strengthen coordination, share positions, and support each other at international and regional forums.\n\n",
            "",
        )
    )
    path.write_text(changed, encoding="utf-8")
    result = import_file(library, path)
    assert (result.status, result.article_id) == ("updated", article_id)
    new_body = library.get_article(article_id).body
    by_note = {h.note: h for h in library.highlights(article_id)}
    assert len(by_note) == 3  # nothing dropped
    h = by_note["exact move"]
    assert not h.orphan and new_body[h.start : h.end] == "Political trust has been further strengthened"
    assert h.start > moved.start
    h = by_note["fuzzy move"]
    assert not h.orphan and new_body[h.start : h.end] == "economic cooperation remains the main pillar in the relations"
    assert by_note["will be orphaned"].orphan
    assert by_note["will be orphaned"].quote == doomed.quote
    # Orphans come last in the notes order.
    assert library.highlights(article_id)[-1].note == "will be orphaned"
    del edited


WRITER = textwrap.dedent(
    """
    import sys
    from reader.store import Library
    from reader.model import Anchor
    library = Library(sys.argv[1])
    article_id, worker, count = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    for i in range(count):
        h = library.add_highlight(article_id, Anchor(0, 4, "Body"), note=f"{worker}-{i}")
        library.set_highlight_note(h.id, f"{worker}-{i}-edited")
        print(f"ack {worker}-{i}", flush=True)
    """
)


def _article(library: Library) -> int:
    from reader.model import Article

    return library.add_article(Article(title="T", body="Body of the text. " * 20))[1].id


def test_two_processes_adding_highlights_at_once_lose_nothing(tmp_path):
    db = tmp_path / "shared.db"
    library = Library(db)
    article_id = _article(library)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(article_id), name, "60"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name in ("a", "b")
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
        assert "locked" not in err
    notes = sorted(h.note for h in library.highlights(article_id))
    assert notes == sorted(f"{w}-{i}-edited" for w in "ab" for i in range(60))


def test_kill_9_after_a_save_loses_nothing(tmp_path):
    db = tmp_path / "crash.db"
    library = Library(db)
    article_id = _article(library)
    library.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_number in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(article_id), f"r{round_number}", "100000"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        acked = []
        deadline = time.monotonic() + 0.3 + round_number * 0.2
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("ack "):
                acked.append(line.split()[1])
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with Library(db) as reopened:
            assert reopened.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            notes = {h.note for h in reopened.highlights(article_id)}
        assert acked, "the writer acknowledged nothing before it was killed"
        missing = [a for a in acked if f"{a}-edited" not in notes]
        assert missing == []


def test_core_modules_do_not_import_textual():
    code = (
        "import sys, reader.cli, reader.store, reader.text, reader.model, reader.importers, "
        "reader.exporters, reader.anchoring, reader.segment, reader.services.imports\n"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    assert out.stdout.strip() == "False", out.stderr
