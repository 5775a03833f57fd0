"""Nothing lost: re-import moves highlights and keeps orphans; the core runs without Textual.

Concurrent writers and kill -9 are tested in tests/test_faults_concurrency.py and tests/test_faults_crash.py.
"""

import subprocess
import sys

from reader.services.imports import import_file
from reader.store import Library
from tests.helpers import SAMPLES, child_env

SEED = sorted(SAMPLES.glob("*.txt"))[0]


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


def test_core_modules_do_not_import_textual():
    code = (
        "import sys, reader.cli, reader.store.library, reader.text, reader.model, reader.importers, "
        "reader.exporters, reader.anchoring, reader.segment, reader.services.imports\n"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=child_env())
    assert out.stdout.strip() == "False", out.stderr
