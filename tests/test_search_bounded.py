"""Search in a large library: each tier ranks only its newest matches, and the ranking rules still hold.

A large library is made small here: the threshold above which the bounded way is taken and the
number of candidates per tier are class attributes of the store's search room.
"""

import re

import pytest

from reader.model import Article
from reader.store import Library
from reader.store.search import Search
from tests import test_search_accents as accents
from tests.test_search import add, corpus_articles, ids


@pytest.fixture
def bounded(monkeypatch):
    """Every library takes the bounded way, with 3 candidates per tier."""
    monkeypatch.setattr(Search, "RANK_EVERY_MATCH_UP_TO", 0)
    monkeypatch.setattr(Search, "CANDIDATES", 3)


@pytest.fixture
def library(tmp_path):
    with Library(tmp_path / "library.db") as lib:
        yield lib


def scattered(i: int) -> Article:
    """ "ha" and "noi" more than 8 words apart."""
    return Article(title=f"Report {i}", body=f"Hạ tầng {i} " + "mới " * 10 + "ở nơi này.")


def test_the_oldest_article_with_the_words_together_still_comes_first(bounded, library):
    together = add(library, "Old news", "Trời mưa ở Hà Nội hôm qua.")  # the oldest: the lowest id
    near = add(library, "Near", "Hà là nơi ở Nội Bài.")  # "ha" … "noi" close by, not together
    library.add_articles_bulk([scattered(i) for i in range(60)])
    results = library.search("ha noi", limit=5)
    assert [r.id for r in results[:2]] == [together, near]
    assert {results[0].snippet[a:b] for a, b in results[0].snippet_hits} == {"Hà Nội"}
    assert len(results) == 5  # and the page is filled from the scattered matches, newest first
    assert [r.id for r in results[2:]] == sorted((r.id for r in results[2:]), reverse=True)


def test_words_together_are_looked_for_among_the_newest_widest_articles_holding_them(bounded, library, monkeypatch):
    # Words together in no article cost FTS5 a look at every article holding them all: the tiers
    # above "anywhere" look among the newest WIDEST of those only, so an older phrase drops to the rest.
    together = add(library, "Old news", "Trời mưa ở Hà Nội hôm qua.")
    library.add_articles_bulk([scattered(i) for i in range(30)])
    monkeypatch.setattr(Search, "WIDEST", 31)
    assert library.search("ha noi", limit=3)[0].id == together
    monkeypatch.setattr(Search, "WIDEST", 30)
    results = library.search("ha noi", limit=3)
    assert together not in [r.id for r in results] and len(results) == 3


def test_the_oldest_article_written_as_typed_comes_first_too(bounded, library):
    plain = add(library, "Old", "It rained in Ha Noi today.")
    library.add_articles_bulk([Article(title=f"Tin {i}", body=f"Trời mưa ở Hà Nội {i}.") for i in range(40)])
    results = library.search("ha noi", limit=4)
    assert results[0].id == plain and len(results) == 4


def test_accented_words_far_below_the_newest_matches_are_found(bounded, library):
    wanted = add(library, "Old", "Tòa án xử vụ án.")
    also = add(library, "New placement", "Toà án nhân dân.")  # "tòa án" with the new tone placement
    library.add_articles_bulk([Article(title=f"T {i}", body=f"Toa an {i}, không: tọa an.") for i in range(2000)])
    # 2,000 newer articles match "toa an" folded: the windows widen past them.
    assert ids(library.search("tòa án", limit=10)) == {also, wanted}
    assert [r.id for r in library.search("toa an", limit=3)] == [2002, 2001, 2000]
    assert len(library.search("Toa an -tòa", limit=3000)) == 2000


def test_filters_apply_before_the_page_is_cut(bounded, library):
    tagged = add(library, "Tagged", "Hà Nội once.", date="2020-01-01")
    library.set_article_tags(tagged, ["kinh tế"])
    library.add_articles_bulk(
        [Article(title=f"N {i}", body="Hà Nội and Hà Nội.", date="2024-05-01") for i in range(30)]
    )
    assert [r.id for r in library.search("ha noi tag:kinh-te", limit=3)] == [tagged]
    assert [r.id for r in library.search("ha noi before:2021", limit=3)] == [tagged]
    assert tagged not in ids(library.search("ha noi after:2023", limit=100))
    assert len(library.search("ha noi after:2023", limit=100)) == 30


def test_a_title_hit_still_ranks_above_a_body_hit(bounded, library):
    body = add(library, "Something else", "All about storms and weather.")
    title = add(library, "Storm season", "Some text about things.")
    add(library, "Third", "Other words entirely.")
    assert [r.id for r in library.search("storm*")][:2] == [title, body]
    assert [r.id for r in library.search("storms")] == [body]


def test_equals_show_newest_first_and_the_page_is_bounded(bounded, library):
    library.add_articles_bulk([Article(title=f"Same {i}", body="Hà Nội.") for i in range(10)])
    newest = sorted(ids(library.search("ha noi", limit=100)), reverse=True)
    assert [r.id for r in library.search("ha noi", limit=2)] == newest[:2]


# ------------------------------------------------------------ the same as before, where it matters


def test_a_small_library_ranks_every_match_as_before(library):
    """Below the threshold every match is ranked by SQLite: the results are the tiers' ranked rows."""
    together = add(library, "Hà Nội", "Tin Hà Nội: Hà Nội lạnh.")
    also = add(library, "Tin", "Ở Hà Nội.")
    near = add(library, "Near", "Hà là nơi ở Nội Bài.")
    apart = add(library, "Apart", "Hà " + "x " * 30 + "nói.")
    expected = []
    for match in ('"ha noi"', 'NEAR("ha" "noi", 8)', '"ha" AND "noi"'):
        for (rowid,) in library.conn.execute(
            "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rank", (match,)
        ):
            if rowid not in expected:
                expected.append(rowid)
    assert expected[:2] == [together, also] and set(expected[2:]) == {near, apart}
    assert [r.id for r in library.search("ha noi")] == expected


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    library = Library(tmp_path_factory.mktemp("corpus") / "library.db")
    library.add_articles_bulk(corpus_articles())
    by_id = {s.id: library.get_article(s.id) for s in library.list_articles()}
    yield library, by_id
    library.close()


@pytest.mark.parametrize("typed", accents.QUERIES)
def test_real_text_bounded_finds_the_oracles_set_as_before(corpus, typed, monkeypatch):
    library, articles = corpus
    before = [r.id for r in library.search(typed, limit=1000)]
    monkeypatch.setattr(Search, "RANK_EVERY_MATCH_UP_TO", 0)
    monkeypatch.setattr(Search, "CANDIDATES", 3)
    accents.test_matching_articles_are_the_oracles(corpus, typed)
    accents.test_every_hit_shown_matches_the_rule(corpus, typed)
    assert sorted(r.id for r in library.search(typed, limit=1000)) == sorted(before)


@pytest.mark.parametrize("typed", ["ha noi", "da nang", "giao thong", "Hà Nội", "tòa án"])
def test_real_text_bounded_still_puts_the_words_together_first(corpus, typed, monkeypatch):
    monkeypatch.setattr(Search, "RANK_EVERY_MATCH_UP_TO", 0)
    monkeypatch.setattr(Search, "CANDIDATES", 3)
    accents.test_the_top_result_holds_the_words_together_whenever_an_article_does(corpus, typed)
    library, articles = corpus
    words = typed.split()
    key = accents.oracle_spelling if any(accents.has_marks(w) for w in words) else accents.oracle_fold
    wanted = re.compile(r"(?<!\w)" + r"\W+".join(re.escape(key(w)) for w in words) + r"(?!\w)")

    def together(article: Article) -> bool:
        return bool(wanted.search(" ".join(key(w) for w in accents._WORD.findall(article.title + "\n" + article.body))))

    # A page smaller than the matches: it is still made of articles holding the words together.
    page = library.search(typed, limit=3)
    holding = sum(together(a) for a in articles.values())
    assert [together(articles[r.id]) for r in page] == [True] * min(3, holding) + [False] * (len(page) - holding)


def test_real_ha_noi_is_first_and_only_it_is_marked_there_bounded(corpus, monkeypatch):
    monkeypatch.setattr(Search, "RANK_EVERY_MATCH_UP_TO", 0)
    monkeypatch.setattr(Search, "CANDIDATES", 3)
    accents.test_ha_noi_ranks_real_ha_noi_first_and_marks_only_it_there(corpus)


def test_a_long_list_is_streamed_with_every_match_ranked(bounded, library, monkeypatch):
    together = add(library, "Old news", "Trời mưa ở Hà Nội hôm qua.")
    library.add_articles_bulk([scattered(i) for i in range(12)])
    monkeypatch.setattr(Search, "BOUNDED_UP_TO_LIMIT", 5)  # a limit above it takes the ranked way
    streamed = library.search_results("ha noi", limit=10)
    assert next(streamed).id == together
    rest = [r.id for r in streamed]
    expected = [
        rowid
        for (rowid,) in library.conn.execute(
            """SELECT rowid FROM search_index WHERE search_index MATCH '"ha" AND "noi"' AND rowid != ?
               ORDER BY rank LIMIT 9""",
            (together,),
        )
    ]
    assert rest == expected


def test_an_excluded_word_in_nearly_every_match_leaves_the_few_others(bounded, library):
    # 3,000 newer articles hold "noi" and the excluded "Hà": the windows widen past them all (each
    # window is one statement: only the rows that pass reach Python), down to the one that is left.
    left = add(library, "Old", "Anh ấy nói rằng trời đẹp.")
    library.add_articles_bulk([Article(title=f"T {i}", body=f"Hà Nội {i}.") for i in range(3000)])
    also = add(library, "New", "Hạ Long, nơi đẹp.")  # "hạ", not "hà": kept
    assert [r.id for r in library.search("-Hà noi", limit=10)] == [also, left]
    assert library.search("-Hà -Hạ noi", limit=10)[0].id == left
