"""The search query language: parsing, folding, the FTS5 expression it builds, and friendly refusals."""

import re
import sqlite3
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader import vietnamese
from reader.query import (
    QueryError,
    Term,
    after_bound,
    find_hits,
    folds_exactly,
    parse,
    snippet,
    tag_match_key,
    tag_matches,
    tag_pattern,
    tokens,
)
from tests.helpers import nfd


def spellings(expression: str) -> set[str]:
    """The phrases of a MATCH expression, in NFC (the NFD spelling of each is asked for too)."""
    phrases = re.findall(r'"([^"]*)"', expression)
    assert {unicodedata.normalize("NFD", p) for p in phrases} <= set(phrases)
    return {unicodedata.normalize("NFC", p) for p in phrases}


def shape(query) -> list[tuple]:
    """Each term as (folded tokens, the accent keys its exact words must have, or None for folded ones)."""
    return [(t.tokens, tuple(w and vietnamese.accent_key(w) for w in t.exact) or None) for t in query.terms]


@pytest.mark.parametrize("typed", ["Ha Noi", "ha noi", "HÀ NỘI", "Hà Nội", nfd("Hà Nội"), "  ha   NOI "])
def test_every_spelling_of_ha_noi_folds_to_the_same_words(typed):
    query = parse(typed)
    assert [t.tokens for t in query.terms] == [("ha",), ("noi",)]
    assert query.match_expression() == '"ha" AND "noi"'
    assert parse(typed, accents="ignore").exact_expression() is None


@pytest.mark.parametrize("typed", ["HÀ NỘI", "Hà Nội", nfd("Hà Nội"), "hà nội"])
def test_typed_with_accents_every_word_is_exact_whatever_the_case_and_form(typed):
    assert shape(parse(typed)) == [(("ha",), ("hà",)), (("noi",), ("nội",))]


def test_unaccented_words_are_folded_and_mixed_queries_go_word_by_word():
    assert shape(parse("ha noi")) == [(("ha",), None), (("noi",), None)]
    assert shape(parse("Hà noi")) == [(("ha",), ("hà",)), (("noi",), None)]
    assert shape(parse('"Hà noi"')) == [(("ha", "noi"), ("hà", None))]
    assert spellings(parse("Hà noi").exact_expression()) == {"Hà"}


def test_accent_modes_override_the_rule_for_the_whole_query():
    assert shape(parse("ha Nội", accents="exact")) == [(("ha",), ("ha",)), (("noi",), ("nội",))]
    assert shape(parse("ha Nội", accents="ignore")) == [(("ha",), None), (("noi",), None)]
    with pytest.raises(QueryError, match="smart, exact, ignore"):
        parse("x", accents="loose")


def test_exact_words_ask_the_accent_kept_index_for_every_spelling():
    # Tone placement and the look-alikes of Đ: the index keeps what the text wrote.
    assert spellings(parse("Hòa").exact_expression()) == {"Hòa", "Hoà"}
    assert spellings(parse("Ðà").exact_expression()) == {"Đà", "Ðà", "Ɖà"}
    assert spellings(parse('"Hà Nội"').exact_expression()) == {"Hà Nội"}
    assert parse("title:Huế").exact_expression().startswith("title : (")
    query = parse("ha -Hà")
    assert spellings(query.exact_exclusion()) == {"Hà"} and query.exclusion_expression() is None


def test_words_typed_alone_rank_first_together_then_near():
    assert parse("ha noi").match_tiers() == ('"ha noi"', 'NEAR("ha" "noi", 8)', '"ha" AND "noi"')
    assert parse('"ha noi"').match_tiers() == ('"ha noi"',)
    assert parse("giao thong -xe").match_tiers()[0] == '("giao thong") NOT ("xe")'


def test_da_nang_folds_the_d_with_stroke():
    assert [t.tokens for t in parse('"Đà Nẵng"').terms] == [("da", "nang")]
    assert parse("Da Nang").match_expression() == parse("ĐÀ NẴNG").match_expression()


def test_quoted_phrase_and_words_and_exclusions():
    query = parse('"Phạm Minh Chính" japan -football', accents="ignore")
    assert query.terms == (
        Term(("pham", "minh", "chinh")),
        Term(("japan",), bare=True),
        Term(("football",), negated=True, bare=True),
    )
    assert query.match_expression() == '("pham minh chinh" AND "japan") NOT ("football")'


def test_curly_quotes_are_quotes():
    assert [t.tokens for t in parse("“Hà Nội”").terms] == [("ha", "noi")]


def test_a_word_with_punctuation_is_a_phrase_of_its_tokens():
    assert [t.tokens for t in parse("TP.HCM").terms] == [("tp", "hcm")]
    assert parse("COVID-19").match_expression() == '"covid 19"'


def test_filters():
    query = parse('tag:"Kinh tế" place:"Hà Nội" source:VNS title:tourism before:2024-05-31 after:2023')
    assert query.tags == (tag_pattern("Kinh tế"),)
    assert query.before == "2024-05-31" and query.after == "2023"
    assert query.match_expression() == 'place : "ha noi" AND source : "vns" AND title : "tourism"'
    assert spellings(query.exact_expression()) == {"Hà Nội"}


def test_filters_alone_have_no_match_expression():
    query = parse("tag:economy after:2024-01")
    assert query.match_expression() is None
    assert query.tags == (tag_pattern("economy"),) and query.after == "2024-01"


def test_excluding_a_tag_and_only_exclusions():
    query = parse("-tag:sport -football")
    assert query.not_tags == (tag_pattern("sport"),)
    assert query.match_expression() is None
    assert query.exclusion_expression() == '"football"'


def test_filter_names_are_case_insensitive_and_unknown_ones_are_words():
    assert parse("TAG:x").tags == (tag_pattern("x"),)
    assert [t.tokens for t in parse("col:x").terms] == [("col", "x")]  # not a filter: the words "col" and "x"
    assert [t.tokens for t in parse("http://vnexpress.net").terms] == [("http", "vnexpress", "net")]


@pytest.mark.parametrize(
    "typed, name, matches",
    [
        ("kinh te", "Kinh tế", True),
        ("kinh-te", "KINH TẾ", True),
        ("Kinh tế", "kinh tế", True),
        ("Kinh tế", "Kinh te", False),
        ("kinh tế", "Kinh tê", False),
        ("Hòa Bình", "Hoà Bình", True),  # tone placement
        ("Ðà Nẵng", "Đà Nẵng", True),  # U+00D0 read as Đ
        ("da nang", "Đà Nẵng", True),
        ("Đà Nẵng", "Đà Nẵng news", False),  # the whole name, not a word of it
        ("⭐", "⭐", True),
    ],
)
def test_tags_match_like_words(typed, name, matches):
    assert tag_matches(name, tag_pattern(typed)) is matches
    assert tag_matches(name, tag_pattern(typed, "ignore")) is (tag_match_key(typed) == tag_match_key(name))


def test_tag_match_key_ignores_accents_case_and_punctuation():
    assert tag_match_key("Kinh tế") == tag_match_key("kinh-te") == tag_match_key("KINH TE") == "kinh te"
    assert tag_match_key("⭐") == "⭐"  # no letters: the folded name itself


def test_prefix_for_the_last_word_while_typing():
    assert parse("ha no", prefix_last=True).terms[-1] == Term(("no",), bare=True)  # too short to be a prefix
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
    conn.execute("CREATE VIRTUAL TABLE e USING fts5(title, place, source, body, note)")
    conn.execute("INSERT INTO e VALUES ('à', 'Hà Nội', 'vns', 'and or not near', '')")
    return conn


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aàđĐÐƉò \"-*():^+{}tagplcesouribfAND OR NOT😀\\'\n")), max_size=40))
def test_any_query_either_parses_into_a_valid_expression_or_is_refused(typed):
    conn = _fts()
    try:
        query = parse(typed, prefix_last=True)
    except QueryError as error:
        assert str(error)
        return
    for expression in (*query.match_tiers(), query.exclusion_expression()):
        if expression:
            conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()
    for expression in (query.exact_expression(), query.exact_exclusion()):
        if expression:
            conn.execute("SELECT rowid FROM e WHERE e MATCH ?", (expression,)).fetchall()


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


def test_a_snippet_begins_and_ends_at_whole_words_whatever_its_width():
    body = "Prime Minister met investors in Hà Nội and talked with Japanese businesses for many hours today"
    start = body.index("Hà Nội")
    words = set(body.split())
    for width in range(8, len(body)):
        excerpt, hits = snippet(body, [(start, start + 6)], width=width)
        assert set(excerpt.strip("…").split()) <= words, (width, excerpt)  # never "Japanes…"
        assert [excerpt[a:b] for a, b in hits] == ["Hà Nội"]


def test_a_snippet_shows_paragraph_breaks_and_keeps_its_hits_in_place():
    body = "Tin đầu.\n\nHà Nội mưa to.\nĐà Nẵng nắng.\tHết."
    hits = find_hits(body, parse('"ha noi" "da nang"').hit_pattern())
    excerpt, inside = snippet(body, hits)
    assert excerpt == "Tin đầu. ¶ Hà Nội mưa to. Đà Nẵng nắng. Hết."
    assert [excerpt[a:b] for a, b in inside] == ["Hà Nội", "Đà Nẵng"]


def test_tag_identity_unifies_what_looks_the_same_and_keeps_accents():
    from reader.query import tag_identity

    assert tag_identity("Hòa Bình") == tag_identity("HOÀ  BÌNH") == tag_identity(nfd("hoà bình"))
    assert tag_identity("Ðà Nẵng") == tag_identity("Đà Nẵng")
    assert tag_identity("infor\u00admation") == tag_identity("information")  # the soft hyphen is dropped
    assert tag_identity("Kinh te") != tag_identity("Kinh tế")
    assert tag_identity("news\u200b") != tag_identity("news")  # shown as ⟨U+200B⟩: they do not look the same


def test_resolve_tag_prefers_the_tag_that_is_the_name_and_reports_ambiguity():
    from reader.query import resolve_tag

    names = ["Kinh tế", "Kinh te", "Xã hội"]
    assert resolve_tag("kinh tế", names) == ["Kinh tế"]
    assert resolve_tag("KINH TE", names) == ["Kinh te"]  # one is it exactly
    assert resolve_tag("xa hoi", names) == ["Xã hội"]
    assert resolve_tag("kinh-te", names) == ["Kinh tế", "Kinh te"]  # ambiguous: ask which
    assert resolve_tag("Thể thao", names) == []


@pytest.mark.parametrize(
    "typed, offered",
    [
        ("kinh t", "Kinh tế"),
        ("Kinh t", "Kinh tế"),
        ("KINH", "Kinh tế"),
        ("kinh-te", "Kinh tế"),  # the whole name typed without accents: the existing spelling is offered
        ("Kinh tê", None),  # typed with other accents: not that tag
        ("Kinh tế", None),  # already that tag
        ("eco", "economy"),
        ("Hoà", "Hòa Bình"),  # tone placement
        ("zz", None),
    ],
)
def test_complete_tag_offers_the_existing_spelling(typed, offered):
    from reader.query import complete_tag

    assert complete_tag(typed, ["Kinh tế", "economy", "Hòa Bình"]) == offered
