"""The folded search index keeps no copy of the text (m012) and stays in step with every write, another program's too."""

from __future__ import annotations

import collections
import re
import sqlite3

from reader import anchoring, text
from reader.model import Article
from reader.store import Library
from tests.test_search import add, ids

_WORD = re.compile(r"[^\W_]+")


def _words(*values: str) -> collections.Counter:
    return collections.Counter(w for v in values for w in _WORD.findall(text.fold(v)))


def held(library: Library, index: str = "search_index") -> dict[int, collections.Counter]:
    """What a full-text index holds, word by word, for each article."""
    library.conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{index}_words USING fts5vocab(main, {index}, 'instance')"
    )
    out: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
    for term, doc in library.conn.execute(f"SELECT term, doc FROM temp.{index}_words"):
        out[doc][term] += 1
    return dict(out)


def wanted(library: Library) -> dict[int, collections.Counter]:
    """The words each article has now, worked out in Python from its rows: every field, tags, notes and highlights."""
    out = {}
    conn = library.conn
    for a in conn.execute("SELECT id, title, place, dateline, source, body, note FROM articles").fetchall():
        dateline = "" if text.fold(a["dateline"]) == text.fold(a["place"]) else a["dateline"]
        tags = {
            r[0]
            for r in conn.execute(
                """SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = ?
                   UNION SELECT t.name FROM highlights h JOIN highlight_tags x ON x.highlight_id = h.id
                   JOIN tags t ON t.id = x.tag_id WHERE h.article_id = ?""",
                (a["id"], a["id"]),
            )
        }
        marks = [
            v for r in conn.execute("SELECT quote, note FROM highlights WHERE article_id = ?", (a["id"],)) for v in r
        ]
        words = _words(a["title"], a["place"], dateline, a["source"], a["body"], a["note"], *tags, *marks)
        if words:
            out[a["id"]] = words
    return out


def test_the_folded_index_keeps_no_copy_of_the_text(tmp_path):
    library = Library(tmp_path / "lib.db")
    add(library, "Hà Nội", "Một bài báo dài về Hà Nội.")
    tables = {r[0] for r in library.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "search_index_content" not in tables and "search_index_docsize" in tables
    assert ids(library.search("ha noi")) == {1}
    library.close()


def test_the_folded_index_stays_in_step_with_every_write(tmp_path):
    library = Library(tmp_path / "lib.db")
    body = "Đà Nẵng đón khách. Biển Mỹ Khê rất đẹp."
    a = add(library, "Du lịch", body, path="/a.txt", place="Đà Nẵng", dateline="ĐÀ NẴNG")
    b = add(library, "Kinh tế", "Hà Nội thu hút đầu tư.", source="VNA")
    library.add_articles_bulk([Article(title=f"Bài {i}", body=f"Huế số {i}.") for i in range(5)])
    assert held(library) == wanted(library)
    library.add_article(Article(title="Du lịch mới", body="Hội An về đêm.", path="/a.txt"))  # re-import: an update
    library.set_article_note(b, "ghi chú về Cần Thơ")
    library.set_article_tags(b, ["Kinh tế", "Xã hội"])
    h = library.add_highlight(b, anchoring.make_anchor("Hà Nội thu hút đầu tư.", 0, 6), note="thủ đô", tags=["Thủ đô"])
    assert held(library) == wanted(library)
    library.rename_tag("Thủ đô", "Thủ phủ")
    library.set_highlight_note(h.id, "nghìn năm")
    assert held(library) == wanted(library)
    assert ids(library.search("nghin nam")) == {b} and ids(library.search("thu do")) == set()
    library.delete_highlight(h.id)
    library.trash_article(a)
    assert held(library) == wanted(library)
    library.restore_article(a)
    library.delete_article(b)
    assert held(library) == wanted(library)
    assert library.conn.execute("SELECT count(*) FROM search_stale").fetchone()[0] == 0
    library.rebuild_search_index()
    assert held(library) == wanted(library)
    library.close()


def test_another_programs_writes_are_indexed_by_the_next_write(tmp_path):
    # Another program (no reader functions on its connection) edits and deletes articles: it may,
    # and the reader catches the index up before its own next COMMIT.
    path = tmp_path / "lib.db"
    library = Library(path)
    first = add(library, "Hà Nội", "Phố cổ Hà Nội.")
    second = add(library, "Huế", "Kinh thành Huế.")
    third = add(library, "Cần Thơ", "Chợ nổi Cái Răng.")
    other = sqlite3.connect(path)
    with other:
        other.execute("UPDATE articles SET body = 'Hồ Gươm mùa thu.' WHERE id = ?", (first,))
        other.execute("UPDATE articles SET body = 'Hồ Gươm lần hai.' WHERE id = ?", (first,))  # set aside once
        other.execute("DELETE FROM articles WHERE id = ?", (second,))
    other.close()
    library.set_article_note(third, "miền Tây")  # the reader's next write
    assert held(library) == wanted(library)
    assert ids(library.search("ho guom")) == {first} and ids(library.search("pho co")) == set()
    assert ids(library.search("kinh thanh")) == set() and ids(library.search("mien tay")) == {third}
    library.close()


def test_reader_check_reindex_builds_the_indexes_afresh(tmp_path):
    from click.testing import CliRunner

    from reader.cli import main

    path = tmp_path / "lib.db"
    library = Library(path)
    add(library, "Hà Nội", "Phố cổ Hà Nội.")
    library.close()
    other = sqlite3.connect(path)  # another program empties the accent-kept index
    with other:
        other.execute("INSERT INTO search_exact (search_exact) VALUES ('delete-all')")
    other.close()
    runner = CliRunner()
    assert "No article matches" in runner.invoke(main, ["--db", str(path), "search", "Phố cổ"]).output
    out = runner.invoke(main, ["--db", str(path), "check", "--reindex"])
    assert out.exit_code == 0, out.output
    assert "rebuilding the search indexes of 1 article" in out.output and "integrity   ok" in out.output
    assert "Hà Nội" in runner.invoke(main, ["--db", str(path), "search", "pho co"]).output
    assert "Hà Nội" in runner.invoke(main, ["--db", str(path), "search", "Phố cổ"]).output


def test_a_python_with_another_unicode_version_rebuilds_the_folded_index_on_opening(tmp_path):
    import unicodedata

    path = tmp_path / "lib.db"
    library = Library(path)
    add(library, "Hà Nội", "Phố cổ Hà Nội.")
    library.close()
    other = sqlite3.connect(path)  # as if an older Python had folded it, and left a word behind
    with other:
        other.execute("UPDATE search_fold SET unicode = '9.0.0'")
        other.execute("INSERT INTO search_index (rowid, body) VALUES (1, 'leftover')")
    other.close()
    library = Library(path)
    assert library.conn.execute("SELECT unicode FROM search_fold").fetchone()[0] == unicodedata.unidata_version
    assert held(library) == wanted(library)
    assert ids(library.search("pho co")) == {1} and ids(library.search("leftover")) == set()
    library.close()


FOREIGN = """INSERT INTO articles (content_hash, title, body, place, imported_at, updated_at)
    VALUES (?, ?, ?, ?, '2026-12-01', '2026-12-01')"""


def test_articles_another_program_inserts_are_indexed_by_the_readers_next_write_or_opening(tmp_path):
    path = tmp_path / "lib.db"
    library = Library(path)
    first = add(library, "Hà Nội", "Phố cổ Hà Nội.")
    other = sqlite3.connect(path)  # another program inserts rows: no trigger of its own can fold them
    with other:
        other.execute(FOREIGN, ("a", "Ánh đèn Huế", "Thành phố Huế về đêm.", "Huế"))
        other.execute(FOREIGN, ("b", "Biển Nha Trang", "Nha Trang mùa hè.", "Nha Trang"))
    assert ids(library.search("hue")) == set()  # not yet: the reader has not written since
    library.set_article_note(first, "ghi chú")  # the reader's next write indexes them first
    hue, nha_trang = first + 1, first + 2
    assert held(library) == wanted(library)
    assert held(library, "search_exact")[hue]["huế"] == 3  # title, body, place: each once
    assert ids(library.search("hue")) == {hue} and ids(library.search("Huế")) == {hue}
    assert ids(library.search("nha trang")) == {nha_trang}
    assert [s.id for s in library.list_articles(sort="title")] == [hue, nha_trang, first]  # sort keys too
    library.close()

    with other:  # and one more while no reader has the library open
        other.execute(FOREIGN, ("c", "Cần Thơ", "Chợ nổi Cái Răng.", "Cần Thơ"))
    other.close()
    library = Library(path)  # opening it indexes it, so that a search at once finds it
    assert ids(library.search("Cái Răng")) == {nha_trang + 1} and held(library) == wanted(library)
    library.trash_article(hue)
    assert ids(library.search("hue")) == set() and held(library) == wanted(library)
    library.conn.execute("INSERT INTO search_exact (search_exact) VALUES ('integrity-check')")
    assert [r[0] for r in library.conn.execute("PRAGMA integrity_check")] == ["ok"]
    library.close()


def test_a_library_locked_by_another_program_still_opens_and_its_new_rows_wait(tmp_path):
    from tests.test_tui_workers import hold_lock

    path = tmp_path / "lib.db"
    Library(path).close()
    with sqlite3.connect(path) as other:
        other.execute(FOREIGN, ("a", "Ánh đèn Huế", "Thành phố Huế về đêm.", "Huế"))
    other.close()
    locker = hold_lock(path, 2)
    try:
        library = Library(path)  # does not wait for the lock to index them: it reads at once
        assert library.count_articles() == 1 and ids(library.search("hue")) == set()
    finally:
        locker.wait()
    library.set_article_note(1, "ghi chú")
    assert ids(library.search("hue")) == {1}
    library.close()


def test_an_id_another_program_reuses_is_indexed_anew_in_both_indexes(tmp_path):
    path = tmp_path / "lib.db"
    library = Library(path)
    for title in ("Hà Nội", "Huế", "Đà Nẵng"):
        add(library, title, f"Bài về {title}.")
    library.close()
    with sqlite3.connect(path) as other:  # replaces the newest article: SQLite gives the new row its id
        other.execute("DELETE FROM articles WHERE id = 3")
        other.execute(FOREIGN, ("x", "Cần Thơ", "Chợ nổi Cái Răng.", "Cần Thơ"))
        assert other.execute("SELECT max(id) FROM articles").fetchone()[0] == 3
    other.close()
    library = Library(path)
    assert ids(library.search("Cái Răng")) == {3} and ids(library.search("cai rang")) == {3}
    assert ids(library.search("Đà Nẵng")) == set()
    assert held(library) == wanted(library)
    assert set(held(library, "search_exact")[3]) == {"cần", "thơ", "chợ", "nổi", "cái", "răng"}
    library.set_article_note(3, "ghi chú")  # an edit: the accent-kept index is told the values it holds
    library.conn.execute("INSERT INTO search_exact (search_exact, rank) VALUES ('integrity-check', 1)")
    library.close()


def test_many_new_rows_wait_for_the_next_write_instead_of_slowing_the_opening(tmp_path, monkeypatch):
    path = tmp_path / "lib.db"
    Library(path).close()
    monkeypatch.setattr(Library, "ADOPT_AT_OPENING", 2)
    with sqlite3.connect(path) as other:
        for i in range(3):
            other.execute(FOREIGN, (f"h{i}", f"Huế {i}", "Thành phố Huế.", "Huế"))
    other.close()
    library = Library(path)
    assert ids(library.search("hue")) == set()  # three: more than an opening indexes
    library.set_article_note(1, "ghi chú")
    assert ids(library.search("hue")) == {1, 2, 3} and held(library) == wanted(library)
    library.close()


def test_a_row_another_program_inserts_then_changes_before_the_reader_sees_it_leaves_the_index_sound(tmp_path):
    path = tmp_path / "lib.db"
    library = Library(path)
    add(library, "Hà Nội", "Phố cổ.")
    library.close()
    with sqlite3.connect(path) as other:
        other.execute(FOREIGN, ("x", "Cần Thơ", "Chợ nổi.", "Cần Thơ"))
        other.execute("UPDATE articles SET title = 'Cần Thơ mới', body = 'Chợ nổi Cái Răng.' WHERE id = 2")
        other.execute(FOREIGN, ("y", "Huế", "Kinh thành.", "Huế"))
        other.execute("DELETE FROM articles WHERE id = 3")  # in neither index, and gone before the reader saw it
    other.close()
    library = Library(path)
    library.conn.execute("INSERT INTO search_exact (search_exact, rank) VALUES ('integrity-check', 1)")
    assert ids(library.search("Cái Răng")) == {2} and ids(library.search("Cần Thơ mới")) == {2}
    assert ids(library.search("Chợ nổi")) == {2} and ids(library.search("Kinh thành")) == set()
    assert held(library) == wanted(library)
    library.close()


def test_the_upgrade_to_guarded_triggers_is_light_and_its_sql_undoes_it(tmp_path, monkeypatch):
    from reader.store.connection import register_functions
    from reader.store.migrations import migrations

    path = tmp_path / "m012.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")  # as the reader leaves a library
    register_functions(conn)
    migrations.apply(conn, stop_before="m013_exact_index_forgets_only_what_it_holds")
    conn.execute(FOREIGN, ("x", "Hà Nội", "Phố cổ.", "Hà Nội"))  # a library with an article
    conn.close()
    before = _triggers(path)
    checked = []  # a whole-library integrity check takes minutes at a million articles: not for this
    monkeypatch.setattr(Library, "integrity_problems", lambda self, limit=20: checked.append(1) or [])
    from click.testing import CliRunner

    from reader.cli import main

    out = CliRunner().invoke(main, ["--db", str(path), "search", "Phố cổ"])
    assert out.exit_code == 0 and "Hà Nội" in out.output, out.output
    undo = tmp_path / "m012.db.undo-m013_exact_index_forgets_only_what_it_holds.sql"
    assert f"for an older reader to open it again: sqlite3 {path} < {undo}" in out.output
    assert list(tmp_path.glob("*.backup-before-*")) == []  # no copy of the whole library: the SQL instead
    assert checked == []
    library = Library(path)
    assert library.upgrade_undo is None  # upgraded once
    assert library.applied_migrations()[-1] == "m013_exact_index_forgets_only_what_it_holds"
    assert _triggers(path) != before
    library.close()
    with sqlite3.connect(path) as undoing:  # what `sqlite3 FILE < UNDO` does
        undoing.executescript(undo.read_text(encoding="utf-8"))
    undoing.close()
    assert _triggers(path) == before
    assert [a.name for a in migrations.applied(sqlite3.connect(path))][-1] == "m012_contentless_search_index"


def _triggers(path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    conn.close()
    return found
