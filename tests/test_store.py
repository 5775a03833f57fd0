"""The library: migrations, identity by content, all-or-nothing writes, tags, highlights, paging."""

import sqlite3

import pytest

from reader.model import Anchor, Article
from reader.store import SCHEMA, Library, LibraryError, WriteError
from reader.store.migrations import migrations
from reader.ui.list_source import ArticleWindow


def article(n: int, body: str | None = None, path: str | None = None, date: str = "2025-01-01", tags=()) -> Article:
    return Article(
        title=f"Article {n}",
        body=body or f"Body of article {n}. Hà Nội.",
        date=date,
        place="Hà Nội",
        source="VNS",
        path=path,
        tags=list(tags),
    )


@pytest.fixture
def library(tmp_path):
    with Library(tmp_path / "lib.db") as lib:
        yield lib


def test_blank_database_is_migrated_with_wal_and_foreign_keys(tmp_path):
    lib = Library(tmp_path / "new.db")
    tables = set(lib.db.table_names())
    assert {"articles", "tags", "article_tags", "highlights", "highlight_tags", "reading_state"} <= tables
    assert lib.schema_version() == SCHEMA[-1]
    assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert lib.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert lib.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    lib.close()
    # Opening again applies nothing twice.
    again = Library(tmp_path / "new.db")
    assert [m.name for m in migrations.applied(again.db)] == list(SCHEMA)


def test_database_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    Library(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('reader', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="newer version"):
        Library(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LibraryError, match="not a usable library"):
        Library(path)


def test_importing_the_same_content_twice_changes_nothing(library):
    assert library.add_article(article(1, path="/a.txt"))[0] == "imported"
    status, stored = library.add_article(article(1, path="/elsewhere.txt"))
    assert status == "unchanged"
    assert library.count_articles() == 1
    assert stored.path == "/a.txt"


def test_same_path_with_new_content_updates_in_place(library):
    _, first = library.add_article(article(1, path="/a.txt"))
    status, second = library.add_article(article(1, body="A new body. Đà Nẵng.", path="/a.txt"))
    assert status == "updated"
    assert second.id == first.id
    assert library.get_article(first.id).body == "A new body. Đà Nẵng."
    assert library.count_articles() == 1


def test_an_import_that_fails_half_way_leaves_nothing(library, monkeypatch):
    def broken(*args):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(library, "_add_tags", broken)
    with pytest.raises(WriteError):
        library.add_article(article(1, tags=["x"]))
    assert library.count_articles() == 0
    assert library.conn.execute("SELECT count(*) FROM tags").fetchone()[0] == 0


def test_tags_are_unique_regardless_of_case_and_nfc(library):
    _, a = library.add_article(article(1))
    nfd = "ngoa\u0323i giao"  # "ngoại giao" with a combining dot below
    stored = library.set_article_tags(a.id, ["Ngoại giao", nfd, "  ngoại   giao ", "Kinh tế"])
    assert stored == ["Kinh tế", "Ngoại giao"]
    assert [t.name for t in library.tags()] == ["Kinh tế", "Ngoại giao"]
    assert [s.id for s in library.list_articles(tag="NGOẠI GIAO")] == [a.id]


def test_rename_merge_and_delete_tags(library):
    _, a = library.add_article(article(1))
    _, b = library.add_article(article(2))
    library.set_article_tags(a.id, ["economy"])
    library.set_article_tags(b.id, ["Kinh tế"])
    assert library.rename_tag("economy", "kinh tế") == "merged"
    assert [(t.name, t.count) for t in library.tags()] == [("Kinh tế", 2)]
    assert library.rename_tag("kinh tế", "Economy") == "renamed"
    library.delete_tag("economy")
    assert library.tags() == []
    with pytest.raises(LibraryError):
        library.delete_tag("nothing")


def test_highlight_note_tags_colour_delete_and_restore(library):
    _, a = library.add_article(article(1))
    h = library.add_highlight(a.id, Anchor(0, 4, "Body", "", " of"), note="Ghi chú", tags=["Đối ngoại"])
    assert (h.quote, h.note, h.tags, h.color) == ("Body", "Ghi chú", ["Đối ngoại"], 1)
    h = library.set_highlight_color(h.id, 3)
    h = library.set_highlight_tags(h.id, ["a", "B"])
    assert (h.color, h.tags) == (3, ["a", "B"])
    deleted = library.delete_highlight(h.id)
    assert library.highlights(a.id) == []
    restored = library.restore_highlight(deleted)
    assert (restored.quote, restored.note, restored.tags, restored.color, restored.created) == (
        "Body",
        "Ghi chú",
        ["a", "B"],
        3,
        deleted.created,
    )
    with pytest.raises(LibraryError):
        library.set_highlight_color(restored.id, 9)


def test_reading_state_is_remembered(library):
    _, a = library.add_article(article(1))
    assert library.reading_state(a.id) == (False, 0)
    library.set_reading_state(a.id, read=True)
    library.set_reading_state(a.id, position=12)
    assert library.reading_state(a.id) == (True, 12)


def test_keyset_pages_and_window_match_a_plain_query(library):
    library.add_articles_bulk(article(n, date=f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}") for n in range(1, 1001))
    expected = [r[0] for r in library.conn.execute("SELECT id FROM articles ORDER BY date DESC, id DESC")]
    assert [s.id for s in library.list_articles(page_size=37)] == expected
    window = ArticleWindow(library, page_size=50, max_pages=3)
    assert len(window) == 1000
    # Random jumps, backwards walks and forwards walks all agree with the plain query.
    for index in [999, 500, 499, 0, 1, 750, 251, 998, 3]:
        assert window.get(index).id == expected[index]
    assert window.get(1000) is None
    # A last page that is not full is read backwards from the end (the G key), and agrees too.
    odd = ArticleWindow(library, page_size=37)
    assert [odd.get(i).id for i in (999, 998, 962, 961)] == [expected[i] for i in (999, 998, 962, 961)]


def schema_of(path) -> list[tuple]:
    """Every table, index, trigger and view of a library file, as SQLite holds them."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()


def test_migrating_a_blank_or_an_old_library_gives_the_schema_of_a_new_one(tmp_path):
    Library(tmp_path / "fresh.db").close()
    fresh = schema_of(tmp_path / "fresh.db")
    assert ("table", "search_index", "search_index") in [row[:3] for row in fresh]
    # A blank SQLite file (created by another program), migrated on open.
    blank = tmp_path / "blank.db"
    sqlite3.connect(blank).execute("PRAGMA user_version = 0").connection.close()
    Library(blank).close()
    assert schema_of(blank) == fresh
    # A library of the first schema only, with an article, upgraded by every later migration.
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    migrations.apply(conn, stop_before=migrations.names[1:])
    conn.execute(
        "INSERT INTO articles (content_hash, title, body, date, imported_at, updated_at) "
        "VALUES ('h1', 'Đà Nẵng', 'Thân bài.', '2025-01-01', 'x', 'x')"
    )
    conn.close()
    assert [a.name for a in migrations.applied(sqlite3.connect(old))] == ["m001_initial"]
    with Library(old) as library:
        assert library.applied_migrations() == list(migrations.names)
        assert [r.id for r in library.search("da nang")] == [1]
    assert schema_of(old) == fresh


def test_an_up_to_date_library_opens_without_sqlite_utils(tmp_path):
    import subprocess
    import sys

    Library(tmp_path / "lib.db").close()
    code = (
        "import sys; from reader.store import Library; Library(sys.argv[1]).close(); "
        "print('sqlite_utils' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "lib.db")], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_a_library_of_the_previous_schema_is_upgraded_to_feeds_keeping_its_articles(tmp_path):
    from reader.store.connection import register_functions

    # A true m002 library: a fresh file migrated without m003 and later.
    path2 = tmp_path / "m002.db"
    conn = sqlite3.connect(path2, isolation_level=None)
    register_functions(conn)
    migrations.apply(conn, stop_before="m003_feeds")
    conn.execute(
        "INSERT INTO articles (content_hash, title, body, date, imported_at, updated_at) "
        "VALUES ('h1', 'Kept', 'Body of an article from before feeds.', '', 'x', 'x')"
    )
    conn.close()
    upgraded = Library(path2)
    assert "m003_feeds" in upgraded.applied_migrations() and upgraded.upgrade_backup is not None
    (row,) = upgraded.conn.execute("SELECT title, url, feed_id, entry_id FROM articles").fetchall()
    assert tuple(row) == ("Kept", "", None, None)
    upgraded.close()
