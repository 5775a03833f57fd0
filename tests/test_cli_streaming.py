"""`reader search --json` and `reader export --format json` stream: compact rows, --jsonl, --pretty, a closed pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.model import Article
from reader.store import Library


def _articles(n: int):
    for i in range(n):
        yield Article(
            title=f"Tin số {i}: kinh tế Hà Nội",
            body=f"HÀ NỘI — Bài {i} về kinh tế và du lịch.\n\nĐoạn hai của bài {i}, cũng về kinh tế.",
            date=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            place="Hà Nội",
            source="VNS",
        )


@pytest.fixture(scope="module")
def noted_db(tmp_path_factory):
    """300 articles; every third has a highlight with a note, some an article note and tags."""
    from reader.services.annotations import highlight_span

    db = tmp_path_factory.mktemp("stream") / "noted.db"
    library = Library(db)
    assert library.add_articles_bulk(_articles(300)) == 300
    for article_id in range(1, 301, 3):
        body = library.get_article(article_id).body
        start = body.index("kinh tế")
        highlight_span(library, article_id, start, start + 7, color=2, note=f"ghi chú {article_id}", tags=["kt"])
    library.set_article_note(1, "Bài đầu")
    library.add_article_tags(2, ["ngoại giao"])
    library.close()
    return db


def _run(db, *args) -> str:
    result = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_search_json_is_one_array_with_one_compact_result_a_line(noted_db):
    out = _run(noted_db, "search", "kinh tế", "--json", "--limit", "250")
    rows = json.loads(out)
    lines = out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 252 == len(rows) + 2
    assert json.loads(lines[1].rstrip(",")) == rows[0] and json.loads(lines[-2]) == rows[-1]
    assert {"id", "title", "snippet", "snippet_hits", "body_hits", "rank"} <= set(rows[0])
    # The same results, in the same order, as the library gives the TUI.
    expected = Library(noted_db).search("kinh tế", limit=250)
    assert [r["id"] for r in rows] == [r.id for r in expected]
    assert [r["body_hits"] for r in rows] == [[list(h) for h in r.body_hits] for r in expected]


def test_search_jsonl_and_pretty_give_the_same_results(noted_db):
    rows = json.loads(_run(noted_db, "search", "du lich", "--json", "--limit", "40"))
    jsonl = [json.loads(line) for line in _run(noted_db, "search", "du lich", "--jsonl", "--limit", "40").splitlines()]
    pretty = _run(noted_db, "search", "du lich", "--json", "--pretty", "--limit", "40")
    assert len(rows) == 40 and jsonl == rows and json.loads(pretty) == rows
    assert '\n    "title": ' in pretty


def test_search_json_of_no_match_is_an_empty_array(noted_db):
    assert json.loads(_run(noted_db, "search", "zzzqqq", "--json")) == []
    assert _run(noted_db, "search", "zzzqqq", "--jsonl") == ""


def test_a_search_that_cannot_be_parsed_is_one_sentence_before_any_row(noted_db):
    result = CliRunner().invoke(main, ["--db", str(noted_db), "search", "--json", 'before:"not a date"'])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "[" not in result.output


def test_the_library_makes_search_results_as_they_are_read(noted_db, monkeypatch):
    from reader.store.search import Search

    made = []
    real = Search._result
    monkeypatch.setattr(Search, "_result", lambda self, row, *p: made.append(row["id"]) or real(self, row, *p))
    results = Library(noted_db).search_results("kinh tế", limit=200)
    first = next(results)
    assert made == [first.id]  # one row made, not two hundred
    assert len(list(results)) == 199 and len(made) == 200


def test_export_json_is_compact_with_one_annotation_a_line(noted_db):
    out = _run(noted_db, "export", "--format", "json")
    doc = json.loads(out)
    items = doc["first"]["items"]
    lines = out.splitlines()
    assert len(lines) == len(items) + 2  # the head, one line per annotation, the tail
    assert json.loads(lines[1].rstrip(",")) == items[0]
    assert doc["total"] == len(items) == 100 + 2  # the highlights, an article note, an article's tags
    assert doc["id"].startswith("urn:reader:export:") and doc["first"]["id"] == doc["id"] + ":page:1"
    notes = {b["value"] for a in items for b in a.get("body", []) if b["purpose"] == "commenting"}
    assert "ghi chú 1" in notes and "ghi chú 298" in notes


def test_export_json_pretty_holds_the_same_document(noted_db, tmp_path):
    compact = json.loads(_run(noted_db, "export", "--format", "json"))
    pretty_text = _run(noted_db, "export", "--format", "json", "--pretty")
    pretty = json.loads(pretty_text)
    assert '\n        "type": "Annotation",' in pretty_text
    for doc in (compact, pretty):
        doc.pop("generated")
    assert pretty == compact
    written = tmp_path / "all.json"
    assert _run(noted_db, "export", "--format", "json", "-o", str(written)) == f"wrote {written} (101 articles)\n"
    on_disk = json.loads(written.read_text(encoding="utf-8"))
    on_disk.pop("generated")
    assert on_disk == compact


def test_the_streamed_collection_id_is_the_digest_the_whole_document_had():
    # The id is a digest of every annotation, computed as they stream: same data, same id, as before.
    import hashlib

    from reader.exporters.webanno import render

    article = Article(title="T", body="Hà Nội và Đà Nẵng.", id=1, content_hash="abc")
    doc = json.loads(render([(article, [])], "now", pretty=False))
    assert doc["total"] == 0 and doc["first"]["items"] == []
    canonical = json.dumps([], ensure_ascii=False, sort_keys=True).encode("utf-8")
    assert doc["id"] == "urn:reader:export:" + hashlib.sha256(canonical).hexdigest()[:32]


def test_the_export_writes_the_first_article_before_reading_the_next():
    from reader.exporters.webanno import render_stream
    from tests.test_export_webanno import HIGHLIGHTS, article

    def items():
        yield article(), HIGHLIGHTS
        raise RuntimeError("the second article was read before the first was written")

    pieces = render_stream(items(), "now", pretty=False)
    seen = ""
    with pytest.raises(RuntimeError):
        for piece in pieces:
            seen += piece
    assert seen.count('"type": "Annotation"') == len(HIGHLIGHTS)


def test_export_of_nothing_says_so_and_writes_nothing(noted_db, tmp_path):
    result = CliRunner().invoke(main, ["--db", str(noted_db), "export", "--tag", "nothing"])
    assert result.exit_code == 0 and result.output == "Nothing to export.\n"
    # As JSON, a script still gets a document to read: the collection, with no items.
    result = CliRunner().invoke(main, ["--db", str(noted_db), "export", "--format", "json", "--tag", "nothing"])
    assert result.exit_code == 0 and result.stderr == "Nothing to export.\n"
    document = json.loads(result.stdout)
    assert document["type"] == "AnnotationCollection" and document["total"] == 0
    assert document["first"]["items"] == []
    missing = CliRunner().invoke(main, ["--db", str(noted_db), "export", "--article", "99999"])
    assert missing.exit_code == 1 and missing.output == "Error: no article with id 99999\n"


@pytest.mark.parametrize(
    "args",
    [
        ["search", "kinh tế", "--json", "--limit", "300"],
        ["search", "kinh tế", "--jsonl", "--limit", "300"],
        ["search", "kinh tế", "--limit", "300"],
        ["export", "--format", "json"],
        ["export"],
    ],
    ids=" ".join,
)
def test_a_closed_pipe_ends_quietly(noted_db, args):
    process = subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "--db", str(noted_db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert first.strip()
    assert stderr == ""
