"""The store's rooms: the unit of work keeps the index and the tags, the mapper makes every read safe,
tags are read in batches, highlights land on the text as it is now, and ids from outside are bounded."""

from __future__ import annotations

import sqlite3

import pytest

from reader import anchoring
from reader.model import Anchor, Article
from reader.store import Library, LibraryError, WriteError
from tests.helpers import invoke as run

ESC = "\x1b"


@pytest.fixture
def library(tmp_path):
    with Library(tmp_path / "lib.db") as lib:
        yield lib


def ids(results) -> list[int]:
    return [r.id for r in results]


# ---------------------------------------------------------------------------- the unit of work


def test_any_write_in_a_unit_is_indexed_before_commit(library):
    _, a = library.add_article(Article(title="Hà Nội", body="Phố cổ."))
    with library.write() as unit:  # a statement that knows nothing of the index
        unit.execute("UPDATE articles SET title = 'Đà Nẵng', body = 'Biển Mỹ Khê.' WHERE id = ?", (a.id,))
    assert ids(library.search("my khe")) == [a.id]
    assert ids(library.search("pho co")) == []
    assert [s.title for s in library.list_articles(sort="title")] == ["Đà Nẵng"]
    assert library.key_of(a.id, "title")[0] != ""  # the sort key followed the title


def test_a_unit_drops_the_tags_nothing_carries(library):
    _, a = library.add_article(Article(title="Một", body="Thân bài.", tags=["kinh tế", "xã hội"]))
    with library.write() as unit:
        unit.execute(
            "DELETE FROM article_tags WHERE article_id = ? AND tag_id = (SELECT id FROM tags WHERE key = 'xã hội')",
            (a.id,),
        )
    assert [t.name for t in library.tags()] == ["kinh tế"]
    assert ids(library.search("tag:xa-hoi")) == []


def test_a_highlight_tag_rename_reaches_the_index(library):
    _, a = library.add_article(Article(title="Một", body="Người dân đón năm mới."))
    library.add_highlight(a.id, anchoring.make_anchor(a.body, 0, 8), tags=["lễ hội"])
    library.rename_tag("lễ hội", "tết")
    assert ids(library.search("tet")) == [a.id]
    assert ids(library.search("le hoi")) == []


def test_highlight_tags_are_read_in_one_query(library):
    _, a = library.add_article(Article(title="Một", body="abcdefghij " * 60))
    for i in range(40):
        library.add_highlight(a.id, anchoring.make_anchor(a.body, i * 11, i * 11 + 5), tags=[f"t{i}", "chung"])
    statements: list[str] = []
    library.conn.set_trace_callback(statements.append)
    highlights = library.highlights(a.id)
    library.conn.set_trace_callback(None)
    assert len(highlights) == 40 and highlights[3].tags == ["chung", "t3"]
    assert len(statements) <= 2, statements


# ---------------------------------------------------------------------------- the mapper (issue 14 S3)


def tampered(path) -> None:
    """What another program could write: escapes in every text column, a BLOB, a number, a trigger."""
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE articles SET title = ?, date = ?, place = 42, source = ?, note = ? WHERE id = 1",
        (f"Tít{ESC}]0;PWNED{ESC}\\", f"2025-01-01{ESC}[2J", b"VN\x1b[31mA\xff", f"ghi{ESC}]52;c;QQ==\x07"),
    )
    conn.execute("UPDATE articles SET body = ? WHERE id = 2", (b"Th\xc3\xa2n b\xe0i \x1b[5m",))
    conn.execute("UPDATE tags SET name = ? WHERE id = 1", (f"thẻ{ESC}]8;;https://evil.example{ESC}\\",))
    conn.execute(
        f"""CREATE TRIGGER no_notes BEFORE UPDATE OF note ON highlights
            BEGIN SELECT RAISE(ABORT, 'refused {ESC}]52;c;UFdORUQ={ESC}\\ here'); END"""
    )
    conn.commit()
    conn.close()


def assert_safe(s: str) -> None:
    assert ESC not in s and "\x07" not in s and "\x9b" not in s, repr(s)


def test_every_value_read_back_is_sanitised_and_none_crashes(tmp_path):
    db = tmp_path / "lib.db"
    with Library(db) as library:
        library.add_article(Article(title="Một", body="Hà Nội hôm nay.", date="2025-01-01", tags=["x"]))
        library.add_article(Article(title="Hai", body="Thân bài.", date="2025-01-02"))
        library.add_highlight(1, Anchor(0, 6, "Hà Nội"))
    tampered(db)
    with Library(db) as library:
        article = library.get_article(1)
        for value in (article.title, article.date, article.place, article.source, article.note, *article.tags):
            assert isinstance(value, str)
            assert_safe(value)
        assert article.place == "42" and article.date == "2025-01-01"
        assert "Thân b" in library.get_article(2).body
        for row in library.list_articles():
            for value in (row.title, row.date or "", row.place, row.source, *row.tags):
                assert_safe(value)
        # A trigger's message is the program's text: shown without its escape sequence.
        with pytest.raises(WriteError) as refused:
            library.set_highlight_note(1, "mới")
        assert_safe(str(refused.value)) and "refused" in str(refused.value)
    for args in (["list"], ["list", "--json"], ["show", "1"], ["show", "2"], ["search", "ha", "noi"], ["tags"]):
        result = run("--db", str(db), *args)
        assert result.exit_code == 0, (args, result.output)
        assert_safe(result.output)


def test_check_shows_integrity_messages_sanitised(tmp_path):
    db = tmp_path / "lib.db"
    with Library(db) as library:
        library.add_article(Article(title="A", body="b", source="zz"))
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(f'CREATE INDEX "evil{ESC}]0;PWNTITLE\x07" ON articles (title)')
    conn.execute("CREATE INDEX other ON articles (source)")
    roots = dict(conn.execute("SELECT name, rootpage FROM sqlite_master WHERE name LIKE 'evil%' OR name = 'other'"))
    evil = next(name for name in roots if name.startswith("evil"))
    conn.execute("PRAGMA writable_schema = ON")  # the two indexes swap their pages: each misses its rows
    conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (roots["other"], evil))
    conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'other'", (roots[evil],))
    conn.close()
    with Library(db, look_only=True) as library:
        problems = library.check().problems
    assert any("missing from index evil" in p for p in problems), problems
    for problem in problems:
        assert_safe(problem)
    result = run("--db", str(db), "check")
    assert result.exit_code == 1 and "FAILED" in result.output
    assert_safe(result.output)


# ---------------------------------------------------------------------------- S6, S7: a changed article


def test_a_highlight_made_on_a_stale_article_lands_on_its_quote(library, tmp_path):
    body = "Alpha sentence one. Bravo sentence two. Charlie sentence three."
    _, a = library.add_article(Article(title="Stale", body=body, path="/news/a.txt"))
    seen = library.get_article(a.id)  # what the open screen holds
    start = seen.body.index("Bravo")
    anchor = anchoring.make_anchor(seen.body, start, start + len("Bravo sentence two."))
    library.add_article(Article(title="Stale", body="H WAS ADDED HERE BY an editor.\n\n" + body, path="/news/a.txt"))
    stored = library.add_highlight(a.id, anchor, content_hash=seen.content_hash)
    now = library.get_article(a.id).body
    assert now[stored.start : stored.end] == "Bravo sentence two." == stored.quote


def test_a_highlight_whose_passage_is_gone_is_refused(library):
    body = "Alpha sentence one. Bravo sentence two."
    _, a = library.add_article(Article(title="Gone", body=body, path="/news/g.txt"))
    anchor = anchoring.make_anchor(body, 20, 39)
    library.add_article(Article(title="Gone", body="Something else entirely, nothing in common.", path="/news/g.txt"))
    with pytest.raises(LibraryError, match="changed since it was opened"):
        library.add_highlight(a.id, anchor)
    assert library.highlights(a.id) == []


def test_reimport_reanchors_before_taking_the_write_lock(library, monkeypatch):
    body = "Một câu. " * 50
    _, a = library.add_article(Article(title="Dài", body=body, path="/news/long.txt"))
    for i in range(20):
        library.add_highlight(a.id, anchoring.make_anchor(body, i * 9, i * 9 + 7))
    real = anchoring.reanchor_all
    calls: list[bool] = []

    def watched(new_body, anchors):
        calls.append(library.conn.in_transaction)
        return real(new_body, anchors)

    monkeypatch.setattr(anchoring, "reanchor_all", watched)
    status, _ = library.add_article(Article(title="Dài", body="Mở đầu mới.\n\n" + body, path="/news/long.txt"))
    assert status == "updated"
    assert calls == [False]  # computed once, outside the transaction
    moved = library.highlights(a.id)
    assert len(moved) == 20 and not any(h.orphan for h in moved)
    assert all(library.get_article(a.id).body[h.start : h.end] == h.quote for h in moved)


# ---------------------------------------------------------------------------- S10: ids from outside


@pytest.mark.parametrize("n", [2**63, 2**64 + 5, -(2**63) - 1])
def test_an_id_beyond_64_bits_names_nothing(library, n):
    assert library.get_article(n) is None
    assert library.get_highlight(n) is None
    assert library.highlights(n) == []
    assert library.reading_state(n) == (False, 0)


@pytest.mark.parametrize("command", ["show", "notes", "tag"])
def test_the_cli_says_no_article_for_a_huge_id(tmp_path, command):
    extra = ["x"] if command == "tag" else []
    Library(tmp_path / "lib.db").close()
    result = run("--db", str(tmp_path / "lib.db"), command, str(2**63), *extra)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: no article with id {2**63} (see `reader list`)"


def test_another_library_on_the_same_file_sees_the_writes(library):
    _, a = library.add_article(Article(title="Một", body="Thân bài."))
    import threading

    seen = []

    def worker() -> None:
        with library.another() as own:  # a connection of its own, in its own thread
            own.set_article_note(a.id, "từ luồng khác")
            seen.append(own.get_article(a.id).note)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == ["từ luồng khác"] and library.get_article(a.id).note == "từ luồng khác"


# ---------------------------------------------------------------------------- changing a highlight's range


def test_a_highlight_moved_to_another_passage_keeps_its_id_note_tags_and_colour(library):
    body = "Quảng Ninh có vịnh Hạ Long. Huế có sông Hương."
    _, a = library.add_article(Article(title="Vịnh", body=body))
    h = library.add_highlight(a.id, anchoring.make_anchor(body, 0, 10), color=3, note="đẹp", tags=["du lịch"])
    moved = library.set_highlight_range(h.id, anchoring.make_anchor(body, 0, body.index(".")))
    assert (moved.id, moved.quote, moved.color, moved.note, moved.tags) == (
        h.id,
        "Quảng Ninh có vịnh Hạ Long",
        3,
        "đẹp",
        ["du lịch"],
    )
    assert [x.quote for x in library.highlights(a.id)] == ["Quảng Ninh có vịnh Hạ Long"]
    other = library.add_highlight(a.id, anchoring.make_anchor(body, 28, 31))
    with pytest.raises(LibraryError, match="another highlight covers exactly that passage"):
        library.set_highlight_range(other.id, moved.anchor)
    with pytest.raises(LibraryError, match="no highlight"):
        library.set_highlight_range(999, moved.anchor)
