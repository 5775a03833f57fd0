"""The bulk path (import, add_articles_bulk): rows indexed in Python equal the index's own SQL."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

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
    """What the folded index holds (it keeps no text: m012): every word with its article, column and place."""
    library.conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.words USING fts5vocab(main, search_index, 'instance')"
    )
    return [
        tuple(row) for row in library.conn.execute("SELECT doc, col, offset, term FROM temp.words ORDER BY 1, 2, 3")
    ]


def test_bulk_rows_are_the_rows_the_index_sql_makes(tmp_path):
    library = Library(tmp_path / "lib.db")
    assert library.add_articles_bulk([*ARTICLES, ARTICLES[0]]) == len(ARTICLES)  # the repeat is ignored
    bulk = _index_rows(library)
    assert len({row[0] for row in bulk}) == len(ARTICLES)
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


def _letter_by_letter_key(s: str) -> str:
    """vi_sort_key as it was before it went word by word: the reference the cached key must equal."""
    import unicodedata

    from reader import vietnamese as vi

    primary, secondary, tertiary = [], [], []
    decomposed = unicodedata.normalize("NFD", " ".join(s.split()))
    i, n = 0, len(decomposed)
    while i < n:
        base = decomposed[i]
        j = i + 1
        while j < n and unicodedata.combining(decomposed[j]):
            j += 1
        unit = (vi._SPACE_WEIGHT, "0", "0") if base == " " else vi._sort_unit(base, decomposed[i + 1 : j])
        primary.append(unit[0])
        secondary.append(unit[1])
        tertiary.append(unit[2])
        i = j
    return "".join(primary) + vi._LEVEL + "".join(secondary) + vi._LEVEL + "".join(tertiary)


SORT_ALPHABET = "aAăâđĐeêoôơuưy ̣̀́̃̉\t\n-.,1ßÇçüẠậỆ 　"


@given(st.text(alphabet=SORT_ALPHABET, max_size=30))
def test_the_word_by_word_sort_key_is_the_letter_by_letter_key(s):
    from reader.vietnamese import vi_sort_key

    assert vi_sort_key(s) == _letter_by_letter_key(s)
    assert vi_sort_key(s) == _letter_by_letter_key(s)  # from the word cache, the same


def test_sort_keys_of_a_stray_mark_after_a_space_and_at_the_start():
    from reader.vietnamese import vi_sort_key

    for s in ("\u0301a b", "a \u0301b", "a \u0301", "  ", "", "Hà Nội  Hà  Nội"):
        assert vi_sort_key(s) == _letter_by_letter_key(s)


HOSTILE_ALPHABET = "aà ̣\u0301\n\n \t\r\x1b]0;\x07\x9b\u200b\u202e\u3164\ufe0f\u00ad\u034f\u2028\u2029ǰ—A-.Đ"


@given(st.text(alphabet=HOSTILE_ALPHABET, min_size=1, max_size=60))
def test_a_plain_text_or_wire_story_body_is_clean_without_a_second_pass(s):
    # The importers do not clean these bodies again. (This test found "\xad\ufe0f", which needed
    # sanitise itself to be idempotent.)
    from reader import importers, text
    from reader.text import InputError

    for source in (f"Title\n\n{s}", f"date 2025-01-02 HÀ NỘI — {s}\n\n{s} — VNA/VNS"):
        try:
            article = importers.parse(source.encode("utf-8", "surrogatepass"), "x.txt")
        except InputError:
            continue
        assert article.body == text.clean(article.body)
