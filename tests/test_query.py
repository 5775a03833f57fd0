"""The search query language: parsing, folding, the FTS5 expression it builds, and friendly refusals."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.query import QueryError, Term, after_bound, find_hits, folds_exactly, parse, snippet, tag_match_key, tokens
from tests.helpers import nfd


@pytest.mark.parametrize("typed", ["Ha Noi", "ha noi", "HÀ NỘI", "Hà Nội", nfd("Hà Nội"), "  ha   NOI "])
def test_every_spelling_of_ha_noi_is_one_query(typed):
    query = parse(typed)
    assert query.terms == (Term(("ha",)), Term(("noi",)))
    assert query.match_expression() == '"ha" AND "noi"'


def test_da_nang_folds_the_d_with_stroke():
    assert parse('"Đà Nẵng"').terms == (Term(("da", "nang")),)
    assert parse("Da Nang").match_expression() == parse("ĐÀ NẴNG").match_expression()


def test_quoted_phrase_and_words_and_exclusions():
    query = parse('"Phạm Minh Chính" japan -football')
    assert query.terms == (Term(("pham", "minh", "chinh")), Term(("japan",)), Term(("football",), negated=True))
    assert query.match_expression() == '("pham minh chinh" AND "japan") NOT ("football")'


def test_curly_quotes_are_quotes():
    assert parse("“Hà Nội”").terms == (Term(("ha", "noi")),)


def test_a_word_with_punctuation_is_a_phrase_of_its_tokens():
    assert parse("TP.HCM").terms == (Term(("tp", "hcm")),)
    assert parse("COVID-19").match_expression() == '"covid 19"'


def test_filters():
    query = parse('tag:"Kinh tế" place:"Hà Nội" source:VNS title:tourism before:2024-05-31 after:2023')
    assert query.tags == ("kinh te",)
    assert query.before == "2024-05-31" and query.after == "2023"
    assert query.match_expression() == 'place : "ha noi" AND source : "vns" AND title : "tourism"'


def test_filters_alone_have_no_match_expression():
    query = parse("tag:economy after:2024-01")
    assert query.match_expression() is None
    assert query.tags == ("economy",) and query.after == "2024-01"


def test_excluding_a_tag_and_only_exclusions():
    query = parse("-tag:sport -football")
    assert query.not_tags == ("sport",)
    assert query.match_expression() is None
    assert query.exclusion_expression() == '"football"'


def test_filter_names_are_case_insensitive_and_unknown_ones_are_words():
    assert parse("TAG:x").tags == ("x",)
    assert parse("col:x").terms == (Term(("col", "x")),)  # not a filter: the words "col" and "x"
    assert parse("http://vnexpress.net").terms == (Term(("http", "vnexpress", "net")),)


def test_tag_match_key_ignores_accents_case_and_punctuation():
    assert tag_match_key("Kinh tế") == tag_match_key("kinh-te") == tag_match_key("KINH TE") == "kinh te"
    assert tag_match_key("⭐") == "⭐"  # no letters: the folded name itself


def test_prefix_for_the_last_word_while_typing():
    assert parse("ha no", prefix_last=True).terms[-1] == Term(("no",))  # too short to be a prefix
    assert parse("quang nin", prefix_last=True).match_expression() == '"quang" AND "nin" *'
    assert parse("quang nin ", prefix_last=True).terms[-1].prefix is False  # a space ends the word
    assert parse('"quang nin"', prefix_last=True).terms[-1].prefix is False  # quoted: as typed
    assert parse("econ*").match_expression() == '"econ" *'  # asked for explicitly


def test_date_bounds():
    assert after_bound("2024") > "2024-12-31" and after_bound("2024") < "2025"
    assert after_bound("2024-05-03") > "2024-05-03" and after_bound("2024-05-03") < "2024-05-04"


@pytest.mark.parametrize(
    "typed, message",
    [
        ('"Hà Nội', "quote is not closed"),
        ('"', "quote is not closed"),
        ("-", "leaves out the word"),
        ("*", "Nothing to search for"),
        ("😀", "Nothing to search for"),
        ("", "Type something"),
        ("   ", "Type something"),
        ("tag:", "tag: needs a value"),
        ('place:""', "place: needs a value"),
        ("source:!!", "source: needs letters or digits"),
        ("before:yesterday", "before: needs a date"),
        ("after:2024-13-01", "after: needs a date"),
        ("after:2025 before:2024", "No date is both"),
        ("-before:2024", "not needed"),
        (" ".join(f"w{i}" for i in range(50)), "more than"),
    ],
)
def test_malformed_queries_get_a_message_for_the_user(typed, message):
    with pytest.raises(QueryError, match=message):
        parse(typed)


@pytest.mark.parametrize(
    "typed", ["AND OR NOT (", "NEAR(a b)", "a:b", "col:", "^start", "a + b", "{title}: x", "a - b"]
)
def test_fts_syntax_is_just_text(typed):
    query = parse(typed)
    for term in query.terms:
        assert all(tok.isalnum() for tok in term.tokens)


def _fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(title, place, source, body, tags, notes)")
    conn.execute("INSERT INTO t VALUES ('a', 'ha noi', 'vns', 'and or not near', '', '')")
    return conn


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aàđĐ \"-*():^+{}tagplcesouribfAND OR NOT😀\\'\n")), max_size=40))
def test_any_query_either_parses_into_a_valid_expression_or_is_refused(typed):
    conn = _fts()
    try:
        query = parse(typed, prefix_last=True)
    except QueryError as error:
        assert str(error)
        return
    for expression in (query.match_expression(), query.exclusion_expression()):
        if expression:
            conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()


def test_tokens_fold_like_the_index():
    assert tokens("Đà Nẵng, HÀ NỘI!") == ("da", "nang", "ha", "noi")
    assert tokens(nfd("Thừa Thiên-Huế")) == ("thua", "thien", "hue")


def test_find_hits_maps_back_to_the_accented_text():
    body = "Người dân Hà Nội và ĐÀ NẴNG. Hanoi không phải Hà Nội."
    hits = find_hits(body, parse("ha noi").hit_pattern())
    assert [body[s:e] for s, e in hits] == ["Hà Nội", "Hà Nội"]  # "Hanoi" is another word
    hits = find_hits(body, parse('"da nang"').hit_pattern())
    assert [body[s:e] for s, e in hits] == ["ĐÀ NẴNG"]


def test_find_hits_in_text_that_does_not_fold_letter_for_letter():
    # ß folds to "ss" and a lone combining mark to nothing: the offset map takes over.
    body = "Straße x\u0301 Hà Nội"
    hits = find_hits(body, parse("ha noi").hit_pattern())
    assert [body[s:e] for s, e in hits] == ["Hà Nội"]
    hits = find_hits(body, parse("strasse").hit_pattern())
    assert [body[s:e] for s, e in hits] == ["Straße"]


def test_folds_exactly():
    assert folds_exactly("Hà Nội, Đà Nẵng, Thừa Thiên-Huế") and folds_exactly("plain")
    assert not folds_exactly("Straße")  # ß → ss
    assert not folds_exactly("x\u0301")  # a lone mark folds to nothing
    assert not folds_exactly(nfd("Hà Nội"))


def test_prefix_hits_cover_the_whole_word():
    body = "Quảng Ninh and Quảng Nam"
    hits = find_hits(body, parse("quang n", prefix_last=True).hit_pattern())
    assert [body[s:e] for s, e in hits] == ["Quảng", "Quảng"]  # "n" is too short to be a prefix
    hits = find_hits(body, parse("qua*").hit_pattern())
    assert [body[s:e] for s, e in hits] == ["Quảng", "Quảng"]


def test_snippet_is_one_line_around_the_first_hit_with_hits_inside():
    body = ("Đoạn mở đầu không liên quan gì cả. " * 5) + "Tin từ Hà Nội:\n\nmưa lớn ở Hà Nội hôm nay." + " Hết." * 40
    hits = find_hits(body, parse("ha noi").hit_pattern())
    text, spans = snippet(body, hits)
    assert "\n" not in text and text.startswith("…") and text.endswith("…")
    assert [text[s:e] for s, e in spans] == ["Hà Nội", "Hà Nội"]
    assert len(text) <= 110


def test_snippet_without_hits_is_the_start():
    text, spans = snippet("Short body.", [])
    assert (text, spans) == ("Short body.", [])
