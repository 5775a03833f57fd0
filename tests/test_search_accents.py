"""Smart accents in the library, against an oracle over real Vietnamese news (binhvq sample).

The oracle is written here again in plain Python, independently of reader.text and reader.query:
a word typed without diacritics matches every accent form; a word typed with them matches the
same letters and marks, ignoring case, NFC/NFD, tone placement in oa/oe/uy and Ð/Ɖ for Đ.
"""

import collections
import json
import re
import unicodedata

import pytest
from click.testing import CliRunner

from reader import anchoring, text
from reader.cli import main
from reader.model import Article
from reader.store import Library
from tests.test_search import add, corpus_articles, ids, nfd

TONES = "\u0300\u0301\u0303\u0309\u0323"
_WORD = re.compile(r"[^\W_]+")


def oracle_fold(word: str) -> str:
    """No marks at all, đ (and its look-alikes) as d, lower case."""
    s = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return re.sub("[đðɖĐÐƉ]", "d", s).lower()


def oracle_spelling(word: str) -> str:
    """Lower case, NFC, Ð/Ɖ as Đ, and the tone of an open oa/oe/uy syllable on its first vowel."""
    s = unicodedata.normalize("NFD", re.sub("[ðɖ]", "đ", word.lower().replace("Ð", "đ").replace("Ɖ", "đ")))
    m = re.fullmatch(f"([bcdđghklmnprstvx]*)([ou])([{TONES}]?)([aey])([{TONES}]?)", s)
    if m and (m.group(2) + m.group(4)) in ("oa", "oe", "uy") and not (m.group(3) and m.group(5)):
        s = m.group(1) + m.group(2) + (m.group(3) or m.group(5)) + m.group(4)
    return unicodedata.normalize("NFC", s)


def has_marks(word: str) -> bool:
    return oracle_fold(word) != word.lower()


def oracle_matches(article: Article, query_words: list[str]) -> bool:
    """Every typed word is a word of the article (title or body) under the smart rule."""
    words = _WORD.findall(unicodedata.normalize("NFC", article.title + "\n" + article.body))
    folded = {oracle_fold(w) for w in words}
    spelt = {oracle_spelling(w) for w in words}
    return all(
        (oracle_spelling(q) in spelt) if has_marks(q) else (oracle_fold(q) in folded)
        for q in (unicodedata.normalize("NFC", q) for q in query_words)
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    library = Library(tmp_path_factory.mktemp("corpus") / "library.db")
    articles = corpus_articles()
    library.add_articles_bulk(articles)
    by_path = {s.id: library.get_article(s.id) for s in library.list_articles()}
    yield library, by_path
    library.close()


QUERIES = [
    "Hà Nội",
    "ha noi",
    "Hà noi",
    "ha Nội",
    "giao thông",
    "giao thong",
    "Giao thong",
    "đất đai",
    "dat dai",
    "Đất dai",
    "hòa",
    "hoà",
    "khỏe",
    "thủy",
    "tòa án",
    "toà án",
    "ma",
    "má",
    "mà",
    nfd("Hà Nội"),
    "ÐẤT",  # U+00D0
    "Ɖất",  # U+0189
]


@pytest.mark.parametrize("typed", QUERIES)
def test_matching_articles_are_the_oracles(corpus, typed):
    library, articles = corpus
    words = typed.split()
    expected = {i for i, a in articles.items() if oracle_matches(a, words)}
    assert ids(library.search(typed, limit=1000)) == expected


@pytest.mark.parametrize("typed", ["Hà Nội", "má", "mà", "Đất dai", "ha Nội"])
def test_typing_accents_narrows_the_search_on_this_corpus(corpus, typed):
    # Otherwise the oracle test above could not tell the two rules apart.
    library, articles = corpus
    loose = {i for i, a in articles.items() if oracle_matches(a, [oracle_fold(w) for w in typed.split()])}
    assert ids(library.search(typed, limit=1000)) < loose


@pytest.mark.parametrize("typed", QUERIES)
def test_every_hit_shown_matches_the_rule(corpus, typed):
    library, articles = corpus
    words = [unicodedata.normalize("NFC", w) for w in typed.split()]
    for result in library.search(typed, limit=1000):
        body = articles[result.id].body
        for start, end in result.body_hits:
            for word in _WORD.findall(body[start:end]):
                assert any(
                    (oracle_spelling(word) == oracle_spelling(q))
                    if has_marks(q)
                    else oracle_fold(word) == oracle_fold(q)
                    for q in words
                ), (typed, body[start:end])


@pytest.mark.parametrize("typed", ["ha noi", "da nang", "giao thong", "Hà Nội", "tòa án"])
def test_the_top_result_holds_the_words_together_whenever_an_article_does(corpus, typed):
    library, articles = corpus
    words = typed.split()

    def together(article: Article) -> bool:
        text = article.title + "\n" + article.body
        key = oracle_spelling if any(has_marks(w) for w in words) else oracle_fold
        wanted = re.compile(r"(?<!\w)" + r"\W+".join(re.escape(key(w)) for w in words) + r"(?!\w)")
        return bool(wanted.search(" ".join(key(w) for w in _WORD.findall(text))))

    holding = [i for i, a in articles.items() if together(a)]
    assert holding, typed  # the corpus has such an article: the test can fail
    results = library.search(typed, limit=50)
    assert results[0].id in holding
    # And every article holding them ranks above every article that does not.
    ranks = [r.id in holding for r in results]
    assert ranks == sorted(ranks, reverse=True)


def test_ha_noi_ranks_real_ha_noi_first_and_marks_only_it_there(corpus):
    library, articles = corpus
    results = library.search("ha noi")
    first = results[0]
    marked = {first.snippet[a:b] for a, b in first.snippet_hits}
    assert marked == {"Hà Nội"}


# ------------------------------------------------------------------ spellings in text and query


@pytest.fixture
def library(tmp_path):
    with Library(tmp_path / "library.db") as lib:
        yield lib


def test_tone_placement_in_text_and_query(library):
    old = add(library, "Old", "Chính sách hòa bình và sức khỏe của ông Thúy.")
    new = add(library, "New", "Chính sách hoà bình và sức khoẻ của ông Thuý.")
    other = add(library, "Other", "Hóa học và hoa quả.")
    for typed in ("hòa", "hoà", "HOÀ", nfd("hoà"), "khỏe", "khoẻ", "thúy", "Thuý"):
        assert ids(library.search(typed)) == {old, new}, typed
    assert ids(library.search("hoa")) == {old, new, other}
    assert ids(library.search('"hoà bình"')) == {old, new}
    results = library.search("Hoà")
    assert {r.snippet[a:b] for r in results for a, b in r.snippet_hits} == {"hòa", "hoà"}


def test_d_lookalikes_in_text_and_query(library):
    stroke = add(library, "Đ", "Thành phố Đà Nẵng.")
    eth = add(library, "Ð", "Thành phố \u00d0à Nẵng.")  # Icelandic capital eth
    african = add(library, "Ɖ", "Thành phố \u0189à Nẵng.")
    elsewhere = add(library, "đã", "Họ đã nâng cấp.")
    for typed in ("Đà Nẵng", "\u00d0à Nẵng", "\u0189à nẵng", "đà nẵng"):
        assert ids(library.search(typed)) == {stroke, eth, african}, typed
    assert ids(library.search("Da Nang")) == {stroke, eth, african, elsewhere}
    # Where the words stand together, only that is marked.
    (result,) = [r for r in library.search("Da Nang") if r.id == stroke]
    assert [result.snippet[a:b] for a, b in result.snippet_hits] == ["Đà Nẵng"]


def test_nfd_text_is_found_by_an_accented_query(library):
    decomposed = add(library, "NFD", nfd("Trời mưa ở Hà Nội."))
    assert ids(library.search("Hà Nội")) == {decomposed}
    assert ids(library.search("Hả Nội")) == set()


def test_accent_modes(library):
    plain = add(library, "Plain", "Tin từ ha noi.")
    marked = add(library, "Marked", "Tin từ Hà Nội.")
    scattered = add(library, "Noi", "Hạ tầng nơi này.")
    assert ids(library.search("Hà Nội")) == {marked}
    assert ids(library.search("ha noi")) == {plain, marked, scattered}
    assert ids(library.search("ha noi", accents="exact")) == {plain}
    assert ids(library.search("Hà Nội", accents="ignore")) == {plain, marked, scattered}
    assert ids(library.search("-Hà noi")) == {plain, scattered}


def test_exact_words_leave_filters_and_edits_in_step(library):
    a = add(library, "Huế", "Một ngày ở Huế.", place="Huế")
    add(library, "Hue", "A day in Hue.", place="Hue")
    assert ids(library.search("place:Huế")) == {a}
    assert ids(library.search("title:Huế")) == {a}
    # Re-importing with new text, and deleting: the accent-kept index follows.
    library.add_article(Article(title="Huế", body="Một đêm ở Đà Lạt.", path="/x.txt"))
    b = ids(library.search("Đà Lạt"))
    assert len(b) == 1
    library.delete_article(b.pop())
    assert ids(library.search("Đà Lạt")) == set()
    assert library.integrity_problems() == []


def test_tag_filter_matches_like_words(library):
    a = add(library, "A", "x")
    b = add(library, "B", "y")
    library.set_article_tags(a, ["Kinh tế"])
    library.set_article_tags(b, ["Kinh te"])
    assert ids(library.search("tag:kinh-te")) == {a, b}
    assert ids(library.search('tag:"Kinh tế"')) == {a}
    assert ids(library.search('tag:"KINH TẾ"')) == {a}
    assert ids(library.search('-tag:"Kinh tế" tag:"kinh te"')) == {b}


def test_search_reads_through_an_invisible_character(library):
    a = add(library, "Filler", text.clean("hangul\u3164x and Hà\u200bNội"))  # as every importer cleans
    assert ids(library.search("hangulx")) == {a}
    (result,) = library.search("hangulx")
    assert result.snippet[slice(*result.snippet_hits[0])] == "hangul⟨U+3164⟩x"


# ------------------------------------------------------------------ the command line


def test_cli_accents_option_and_help(tmp_path):
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    with Library(db) as library:
        add(library, "Marked", "Tin từ Hà Nội.")
        add(library, "Plain", "Tin từ ha noi.")
    out = runner.invoke(main, ["--db", db, "search", "--json", "Hà", "Nội"])
    assert out.exit_code == 0 and [r["title"] for r in json.loads(out.output)] == ["Marked"]
    out = runner.invoke(main, ["--db", db, "search", "--json", "--accents", "ignore", "Hà", "Nội"])
    assert sorted(r["title"] for r in json.loads(out.output)) == ["Marked", "Plain"]
    out = runner.invoke(main, ["--db", db, "search", "--accents", "loose", "x"])
    assert out.exit_code != 0 and "loose" in out.output
    out = runner.invoke(main, ["--db", db, "search", "-h"])
    assert out.exit_code == 0 and "--accents" in out.output and "Usage" in out.output
    out = runner.invoke(main, ["--db", db, "search", "-hanoi", "tin"])  # still a word left out
    assert out.exit_code == 0


def test_the_accent_kept_index_stays_in_step_with_every_write(library):
    # What the index holds for each article, word by word, must be the words of its row now: a row
    # inserted but not indexed, or changed or deleted without telling the index, fails this.
    from tests.test_search_index import held

    def check():
        rows = library.conn.execute("SELECT id, title, place, source, body, note FROM articles").fetchall()
        wanted = {row[0]: collections.Counter(w.lower() for v in row[1:] for w in _WORD.findall(v)) for row in rows}
        assert held(library, "search_exact") == wanted

    a = add(library, "Một", "Hà Nội mùa thu.", path="/a.txt")
    library.add_articles_bulk([Article(title=f"Bài {i}", body=f"Đà Nẵng số {i}.") for i in range(20)])
    check()
    library.add_article(Article(title="Một", body="Huế mùa đông.", path="/a.txt"))  # re-import: updated
    library.set_article_note(a, "ghi chú về Hội An")
    check()
    assert ids(library.search("Hội An")) == {a} and ids(library.search("Hà Nội")) == set()
    library.delete_article(a)
    library.rebuild_search_index()
    check()
    assert len(library.search("Đà Nẵng", limit=100)) == 20


def test_search_results_carry_each_tag_apart(library):
    a = add(library, "Tagged", "Tin Hà Nội.")
    library.set_article_tags(a, ["Kinh tế", "Xã hội"])
    (result,) = library.search("Hà Nội")
    assert result.tags == ("Kinh tế", "Xã hội")  # not "Kinh tếXã hội": the separator is no text


def test_cli_tags_in_vietnamese_order_and_search_rows_show_tags(tmp_path):
    db = str(tmp_path / "cli.db")
    with Library(db) as library:
        a = add(library, "Tagged", "Tin Hà Nội.")
        library.set_article_tags(a, ["Đường sắt", "Du lịch", "Ăn uống", "An ninh", "Em"])
    out = CliRunner().invoke(main, ["--db", db, "tags"])
    assert [line.split(maxsplit=1)[1] for line in out.output.splitlines()] == [
        "An ninh",
        "Ăn uống",
        "Du lịch",
        "Đường sắt",
        "Em",
    ]
    out = CliRunner().invoke(main, ["--db", db, "search", "Hà", "Nội"])
    row = out.output.splitlines()[0]
    assert row.endswith("]") and all(f"{name}," in row or f"{name}]" in row for name in ("An ninh", "Đường sắt", "Em"))


def test_list_filter_and_export_find_a_tag_typed_without_accents_on_highlights_too(tmp_path):
    db = str(tmp_path / "tags.db")
    with Library(db) as library:
        a = add(library, "Tagged", "Tin Hà Nội hôm nay.")
        b = add(library, "Highlighted", "Tin Đà Nẵng hôm nay.")
        add(library, "Other", "Tin khác.")
        library.set_article_tags(a, ["Kinh tế"])
        body = library.get_article(b).body
        library.add_highlight(b, anchoring.make_anchor(body, 4, 11), tags=["Kinh tế"])
        # The `f` filter and `reader list --tag` page through page_articles/count_articles.
        assert library.count_articles(tag="kinh te") == 2
        assert {s.id for s in library.page_articles(tag="kinh te")} == {a, b}
        assert library.count_articles(tag="Kinh te") == 2  # typed without its accents: every spelling
        assert library.count_articles(tag="Kinh tế") == 2 and library.count_articles(tag="Kinh tê") == 0
        assert set(library.annotated_article_ids(tag="KINH TE")) == {a, b}
    out = CliRunner().invoke(main, ["--db", db, "list", "--tag", "kinh te"])
    assert "Tagged" in out.output and "Highlighted" in out.output and "Other" not in out.output


def test_unaccented_words_rank_an_unaccented_spelling_first(library):
    marked = add(library, "Tin Hà Nội", "Trời mưa ở Hà Nội. Hà Nội lạnh.")
    plain = add(library, "News", "It rained in Ha Noi today.")
    scattered = add(library, "Noi", "Hạ tầng ở nơi này.")
    assert [r.id for r in library.search("ha noi")] == [plain, marked, scattered]
    assert [r.id for r in library.search("ha noi", accents="ignore")][-1] == scattered


def test_an_accented_word_is_found_in_tags_and_highlights_too(library):
    tagged = add(library, "Tagged", "Nothing about it here.")
    library.set_article_tags(tagged, ["Kinh tế"])
    noted = add(library, "Noted", "Một đoạn văn dài về chuyện khác.")
    body = library.get_article(noted).body
    library.add_highlight(noted, anchoring.make_anchor(body, 0, 7), note="liên quan Hội An")
    other = add(library, "Other", "Kinh te and Hoi An without accents.")
    assert ids(library.search("Kinh tế")) == {tagged}
    assert ids(library.search("Hội An")) == {noted}
    assert ids(library.search("hoi an")) == {noted, other}
    assert ids(library.search("an -Hội")) == {other}  # left out for its note
    library.set_article_tags(tagged, [])  # untagged: the accent-kept row goes with it
    assert ids(library.search("Kinh tế")) == set()
    library.delete_article(noted)
    assert library.conn.execute("SELECT count(*) FROM search_exact_notes").fetchone()[0] == 0
