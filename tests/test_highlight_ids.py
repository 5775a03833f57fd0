"""Highlight ids are never reused, so that an undone delete comes back with its own id, note and tags."""

from __future__ import annotations

import sqlite3

from reader.model import Anchor, Article
from reader.store import Library
from reader.store.migrations import migrations


def article(library: Library, title: str = "Bài") -> int:
    _, stored = library.add_article(Article(title=title, body=f"{title}: một hai ba bốn năm sáu bảy tám."))
    return stored.id


def test_a_deleted_newest_highlight_keeps_its_id_when_restored_after_another_was_made(tmp_path):
    library = Library(tmp_path / "l.db")
    a = article(library)
    first = library.add_highlight(a, Anchor(0, 3, "Bài"))
    newest = library.add_highlight(a, Anchor(5, 8, "một"), note="ghi chú", tags=["Đối ngoại"], color=4)
    deleted = library.delete_highlight(newest.id)
    made_since = library.add_highlight(a, Anchor(9, 12, "hai"))
    assert made_since.id > newest.id  # the deleted id is not handed out again
    restored = library.restore_highlight(deleted)
    assert (restored.id, restored.note, restored.tags, restored.color) == (newest.id, "ghi chú", ["Đối ngoại"], 4)
    assert restored.created == deleted.created
    assert [h.id for h in library.highlights(a)] == [first.id, newest.id, made_since.id]


def test_ids_of_an_articles_highlights_are_not_reused_after_the_article_is_deleted(tmp_path):
    library = Library(tmp_path / "l.db")
    a = article(library, "Một")
    gone = library.add_highlight(a, Anchor(0, 3, "Một"))
    library.delete_article(a)
    b = article(library, "Hai")
    assert library.add_highlight(b, Anchor(0, 3, "Hai")).id > gone.id


def test_a_restore_whose_id_was_taken_gets_a_new_one(tmp_path):
    library = Library(tmp_path / "l.db")
    a = article(library)
    h = library.add_highlight(a, Anchor(0, 3, "Bài"))
    deleted = library.delete_highlight(h.id)
    library.restore_highlight(deleted)
    again = library.restore_highlight(deleted)  # a second undo of the same delete: the id is in use
    assert again.id != h.id and len(library.highlights(a)) == 2


def test_a_library_from_before_keeps_counting_from_its_highest_id(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db, isolation_level=None)
    migrations.apply(conn, stop_before=migrations.names[1:])  # a library of the first version
    conn.execute(
        "INSERT INTO articles (content_hash, title, body, imported_at, updated_at) VALUES ('x', 't', 'body', 'x', 'x')"
    )
    conn.execute(
        """INSERT INTO highlights (id, article_id, start, "end", quote, created, modified)
           VALUES (41, 1, 0, 4, 'body', '', '')"""
    )
    conn.close()
    library = Library(db)  # upgraded
    newest = library.add_highlight(1, Anchor(0, 4, "body"))
    assert newest.id == 42
    library.delete_highlight(newest.id)
    assert library.add_highlight(1, Anchor(0, 4, "body")).id == 43


def test_an_article_back_from_the_trash_keeps_its_highlights_ids_after_new_ones_were_made(tmp_path):
    library = Library(tmp_path / "l.db")
    a = article(library, "Một")
    kept = library.add_highlight(a, Anchor(0, 3, "Một"), note="giữ")
    library.trash_article(a)
    b = article(library, "Hai")
    made_since = library.add_highlight(b, Anchor(0, 3, "Hai"))
    assert made_since.id > kept.id
    restored = library.restore_article(a)
    [back] = library.highlights(restored.id)
    assert (back.id, back.note) == (kept.id, "giữ")
