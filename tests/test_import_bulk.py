"""The bulk path (import, add_articles_bulk): rows indexed in Python equal the index's own SQL."""

from __future__ import annotations

from reader.model import Article
from reader.store import Library

ARTICLES = [
    Article(
        title="Thủ tướng thăm Đà Nẵng", body="ĐÀ NẴNG — Thủ tướng Phạm Minh Chính.", dateline="ĐÀ NẴNG", place="Đà Nẵng"
    ),
    Article(title="Plain English", body="Nothing to fold here.", source="VNS", date="2025-01-02"),
    Article(title="Straße", body="Die Straße ist groß: ß folds to two letters.", place="Berlin", dateline="BERLIN"),
    Article(title="A lone mark", body="x\u0301 stays a mark after NFC; then Hà Nội.", place="Hà Nội", dateline="HN"),
    Article(title="Shown invisible", body="hangul⟨U+3164⟩x and zero⟨U+200B⟩width", source="Tuổi Trẻ"),
    Article(title="Cherokee Ꭰ", body="ᏣᎳᎩ ꭰ text", place=""),
]


def _index_rows(library: Library) -> list[tuple]:
    return [
        tuple(row)
        for row in library.conn.execute(
            "SELECT rowid, title, place, source, body, tags, notes, body_exact FROM search_index ORDER BY rowid"
        )
    ]


def test_bulk_rows_are_the_rows_the_index_sql_makes(tmp_path):
    library = Library(tmp_path / "lib.db")
    assert library.add_articles_bulk([*ARTICLES, ARTICLES[0]]) == len(ARTICLES)  # the repeat is ignored
    bulk = _index_rows(library)
    assert len(bulk) == len(ARTICLES)
    library.rebuild_search_index()
    assert _index_rows(library) == bulk
    exact = library.conn.execute("SELECT count(*) FROM search_exact WHERE search_exact MATCH 'Straße'").fetchone()[0]
    assert exact == 1
    assert [r.title for r in library.search("da nang")] == ["Thủ tướng thăm Đà Nẵng"]
    library.close()


def test_batches_in_one_transaction_and_apart_store_the_same(tmp_path):
    one = Library(tmp_path / "one.db")
    apart = Library(tmp_path / "apart.db")
    assert one.add_articles_bulk(iter(ARTICLES)) == len(ARTICLES)
    assert apart.add_articles_bulk(iter(ARTICLES), batch_size=2) == len(ARTICLES)
    assert _index_rows(one) == _index_rows(apart)
    one.close()
    apart.close()
