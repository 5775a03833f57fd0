"""Sentences, paragraphs and words: the seed articles, hand-made cases and properties on NFD Vietnamese."""

import re
import unicodedata

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.segment import (
    grapheme_end,
    grapheme_start,
    is_grapheme_boundary,
    next_word_end,
    paragraph_index,
    paragraph_spans,
    prev_word_end,
    sentence_at,
    sentence_spans,
    word_at,
    word_spans,
)
from tests.helpers import DATA

SEEDS = DATA / "seeds"
CORPUS = DATA / "binhvq-news-sample" / "demo-full.txt"


def raw_seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def seed_body(name: str) -> str:
    """The body as the importer keeps it: no `date … DATELINE — ` lead, no ` — VNA/VNS` credit."""
    text = raw_seed(name)
    text = re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s+[^\n]*? — ", "", text)
    return re.sub(r"\s+— [A-Za-z/]+\s*$", "", text)


def texts(body: str, spans) -> list[str]:
    return [body[s:e] for s, e in spans]


def reference_boundaries(body: str) -> set[int]:
    return {0} | {m.end() for m in regex.finditer(r"\X", body)}


# --- the seed articles -----------------------------------------------------------------------

SEED_000 = "000_7e6c3dc501d06e4e.txt"
SEED_002 = "002_3997782e35ff9ea9.txt"


def test_seed_000_sentences():
    body = seed_body(SEED_000)
    sentences = texts(body, sentence_spans(body))
    assert len(sentences) == 11
    assert sentences[0] == (
        "Việt Nam consistently considers Japan as a top important partner, and a sincere and "
        "trustworthy friend, accompanying the Southeast Asian country during its development journey, "
        "Party General Secretary Tô Lâm said while receiving Japanese Ambassador to Việt Nam Ito Naoki "
        "in Hà Nội on Thursday."
    )
    # Two sentences in one paragraph, split after "countries."
    assert sentences[4].startswith("Lâm praised the diplomat")
    assert sentences[4].endswith("senior leaders of the two countries.")
    assert sentences[5].startswith("He urged the two sides")
    assert sentences[-1].endswith("Comprehensive Strategic Partnership in all areas.")


def test_seed_002_sentences():
    body = seed_body(SEED_002)
    sentences = texts(body, sentence_spans(body))
    assert len(sentences) == 24
    assert sentences[0] == (
        "Prime Minister Phạm Minh Chính called on Japanese businesses and localities to continue "
        "accompanying Việt Nam on its development journey, cultivating growth and prosperity for both "
        "countries through their Comprehensive Strategic Partnership."
    )
    assert (
        "Bilateral trade has grown by 20 per cent, while Japanese investments in Việt Nam have risen by US$8 billion."
    ) in sentences
    assert (
        "The Vietnamese community in Japan has also grown by over 20 per cent, alongside new agreements "
        "signed between 10 Vietnamese–Japanese local partnerships."
    ) in sentences
    # A quotation that closes mid-sentence does not end it.
    assert (
        "Japanese ambassador to Việt Nam Ito Naoki noted that the event marked “a new step forward in "
        'bilateral cooperation", bringing together Vietnamese and Japanese localities and friendship '
        "organisations to advance local-to-local connections."
    ) in sentences
    pm = [s for s in sentences if s.startswith("PM Chính")]
    assert pm == [
        "PM Chính called on Japan to support Việt Nam in developing innovation ecosystems, enhancing "
        "digital governance, and building policy and management capacity in priority areas such as AI, "
        "technology infrastructure and semiconductors."
    ]


@pytest.mark.parametrize(
    "name,count,first,last",
    [
        (SEED_000, 12, "date 2025-04-03 HÀ NỘI — Việt Nam consistently", "— VNA/VNS"),
        (SEED_002, 25, "date 2025-11-25 QUẢNG NINH — Prime Minister", "— VNS"),
    ],
)
def test_raw_seed_keeps_dateline_and_splits_off_credit(name, count, first, last):
    body = raw_seed(name)
    sentences = texts(body, sentence_spans(body))
    assert len(sentences) == count
    assert sentences[0].startswith(first)
    assert sentences[-1] == last


@pytest.mark.parametrize("name", [SEED_000, SEED_002])
def test_seed_sentences_stay_inside_paragraphs(name):
    body = seed_body(name)
    paragraphs = paragraph_spans(body)
    for s, e in sentence_spans(body):
        assert "\n\n" not in body[s:e]
        assert paragraph_index(body, s) == paragraph_index(body, e)
        ps, pe = paragraphs[paragraph_index(body, s)]
        assert ps <= s < e <= pe


# --- hand-made cases -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expected",
    [
        ["Mr. Lâm met Dr. Smith at St. Paul's.", "They talked."],
        ["Room No. 5 is shut.", "Ask Sumitomo Corp. Officials know."],
        ["The U.S. President met PM Chính.", "Talks went well."],
        ["Some fields, e.g. AI, i.e. Machine learning.", "Done."],
        ["On Jan. 5 it rose by US$8 billion.", "The rate was 2.5 per cent.", "Next."],
        ["Ambassador Ito N. Naoki spoke.", "He left."],
        ["It marked “a step forward.”", "He said so."],
        ['It marked "a step forward."', "He said so."],
        ["He asked: “Why?” and left."],
        ["Việt Nam — a partner — grew.", "Đà Nẵng too."],
        ["Really?", "Yes!", "Wait…", "Ạ, đây rồi."],
        ["Was it 5?", "6 it was.", "“Yes,” he said."],
        ["ô tô BS: 14A-130... 23 lần đỗ.", "Đây là lỗi."],
        ["Bà T. vẫn ở TP.HCM.", "Ông P. cũng vậy."],
        ["Hoa sen.", "Gen. Giáp đến.", "Co. Ltd làm."],
        ["It ends.", "— VNA/VNS"],
    ],
)
def test_sentences_by_hand(expected):
    body = " ".join(expected)
    assert texts(body, sentence_spans(body)) == expected
    nfd_body = unicodedata.normalize("NFD", body)
    assert texts(nfd_body, sentence_spans(nfd_body)) == [unicodedata.normalize("NFD", x) for x in expected]


@pytest.mark.parametrize(
    "body,expected",
    [("  One.  \n\n\n  Two\nthree.  ", ["One.", "Two", "three."]), ("", []), (" \n\n \n", [])],
)
def test_sentences_blank_lines_and_padding(body, expected):
    assert texts(body, sentence_spans(body)) == expected


def test_hard_wrapped_raw_text_is_joined():
    wrapped = (
        "The forum featured over 100 networking activities and working sessions,\n"
        "alongside 40 booths and cultural spaces showcasing the specialities of\n"
        "each country. Local partnerships turned high-level commitments into\n"
        "tangible projects.\n"
        "\n"
        "Short line\n"
        "Another short line"
    )
    sentences = texts(wrapped, sentence_spans(wrapped))
    assert [" ".join(s.split()) for s in sentences] == [
        "The forum featured over 100 networking activities and working sessions, alongside 40 booths "
        "and cultural spaces showcasing the specialities of each country.",
        "Local partnerships turned high-level commitments into tangible projects.",
        "Short line",
        "Another short line",
    ]


def test_sentence_at():
    body = "Mr. Lâm spoke. He left.\n\nThen rain."
    assert sentence_at(body, 0) == (0, 14)
    assert sentence_at(body, 13) == (0, 14)
    assert sentence_at(body, 14) == (0, 14)  # the caret just after the full stop
    assert sentence_at(body, 15) == (15, 23)
    assert sentence_at(body, 24) is None  # the blank line
    assert body[slice(*sentence_at(body, 30))] == "Then rain."
    assert sentence_at("", 0) is None


def test_paragraphs_match_article_split():
    body = "A b.\n\nC d.\n\n\nE"
    spans = paragraph_spans(body)
    assert texts(body, spans) == body.split("\n\n")
    assert [paragraph_index(body, s) for s, _ in spans] == [0, 1, 2]
    assert paragraph_index(body, 4) == 0  # on the separator: the paragraph before
    assert paragraph_index(body, 5) == 0
    assert paragraph_index(body, 6) == 1
    assert paragraph_index(body, len(body)) == 2
    assert paragraph_spans("") == []


# --- the Vietnamese-language corpus ----------------------------------------------------------


def check_sensible(body: str) -> list[tuple[int, int]]:
    spans = sentence_spans(body)
    assert spans
    for s, e in spans:
        assert s < e and body[s:e].strip() == body[s:e]
        assert "\n" not in body[s:e]  # a single line per paragraph here: every line break is deliberate
    longest = max(len(line) for line in body.split("\n"))
    assert max(e - s for s, e in spans) <= longest  # no sentence swallows two lines
    return spans


def test_vietnamese_news_excerpt():
    body = (DATA / "binhvq-news-sample" / "excerpt.txt").read_text(encoding="utf-8")
    sentences = texts(body, check_sensible(body))
    assert sentences[0] == "Chây ì nộp phạt nguội."
    assert "Phổ biến nhất là lỗi đỗ không đúng nơi quy định." in sentences
    # TP.HCM and dotted dates do not end sentences.
    third = next(s for s in sentences if s.startswith("Trên cổng thông tin"))
    assert third.endswith(
        "(từ ngày 4.1.2017 - 4.1.2018), có ghi nhận biển số xe, lỗi vi phạm, ngày vi phạm của 34.118 "
        "phương tiện (ô tô) chưa nộp phạt."
    )


def test_vietnamese_news_corpus():
    body = CORPUS.read_text(encoding="utf-8")
    spans = check_sensible(body)
    assert len(spans) > len(body.split("\n"))  # more sentences than lines: lines do get split


# --- graphemes -------------------------------------------------------------------------------


def grapheme_break_cases():
    for line in (DATA / "GraphemeBreakTest-15.0.0.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        text, breaks, pos = "", set(), 0
        for token in line.split():
            if token == "÷":
                breaks.add(pos)
            elif token != "×":
                text += chr(int(token, 16))
                pos += 1
        yield text, breaks


def test_grapheme_boundaries_agree_with_regex_on_unicode_tests():
    # The reference here is `regex`'s \X (what the whole app uses), checked on Unicode's own cases.
    count = 0
    for text, _ in grapheme_break_cases():
        for prefix in ("", "ab ", "x\u0301"):
            t = prefix + text
            ref = reference_boundaries(t)
            for i in range(len(t) + 1):
                assert is_grapheme_boundary(t, i) == (i in ref), (t, i)
                assert grapheme_start(t, i) == max(b for b in ref if b <= i)
                assert grapheme_end(t, i) == min(b for b in ref if b >= i)
        count += 1
    assert count > 500


# --- words -----------------------------------------------------------------------------------

E_FORMS = ["\u1ec7", "\u1eb9\u0302", "e\u0323\u0302"]  # "ệ" in 1, 2 and 3 code points


@pytest.mark.parametrize("e", E_FORMS)
def test_words_are_grapheme_correct(e):
    body = f"Vi{e}t Nam's Nam-Japan {e}"
    words = texts(body, word_spans(body))
    assert words == [f"Vi{e}t", "Nam's", "Nam-Japan", e]
    assert next_word_end(body, 0) == 2 + len(e) + 1
    assert next_word_end(body, len(body) - len(e)) == len(body)
    assert word_at(body, 1) == (0, 3 + len(e))
    assert word_at(body, 3 + len(e)) is None


def test_words_apostrophes_dashes_and_digits():
    body = "Việt Nam’s US$8 billion, 2.5 per cent; Việt Nam–Japan ‘top’ -x"
    assert texts(body, word_spans(body)) == [
        "Việt",
        "Nam’s",
        "US",
        "8",
        "billion",
        "2",
        "5",
        "per",
        "cent",
        "Việt",
        "Nam",
        "Japan",
        "top",
        "x",
    ]


def test_next_and_prev_word_end():
    body = "Hà Nội, Việt Nam's partner."
    ends = [e for _, e in word_spans(body)]
    assert ends == [2, 6, 12, 18, 26]
    assert next_word_end(body, 0) == 2
    assert next_word_end(body, 2) == 6
    assert next_word_end(body, 4) == 6  # inside a word: that word's end
    assert next_word_end(body, 6) == 12
    assert next_word_end(body, 26) == 26  # no word left: unchanged
    assert prev_word_end(body, 26, 0) == 18
    assert prev_word_end(body, 18, 0) == 12
    assert prev_word_end(body, 15, 0) == 12
    assert prev_word_end(body, 12, 7) == 7  # never below the floor
    assert prev_word_end(body, 2, 0) == 0
    assert prev_word_end(body, 5, 9) == 9


def test_prev_word_end_looks_far_back():
    body = "word" + " ." * 2000 + " end"
    assert prev_word_end(body, len(body), 0) == 4
    assert prev_word_end(body, len(body), 100) == 100


# --- properties ------------------------------------------------------------------------------

WORDS = [
    "Hà",
    "Nội",
    "Việt",
    "Nam",
    "Phạm",
    "Minh",
    "Chính",
    "Quảng",
    "Ninh",
    "Đà",
    "Nẵng",
    "Ạ",
    "ệ",
    "trưởng",
    "Mr.",
    "Dr.",
    "U.S.",
    "US$8",
    "2.5",
    "N.",
    "e.g.",
    "Nam's",
    "Nam-Japan",
    "the",
    "PM",
]
PUNCT = [" ", " ", " ", ". ", "? ", "! ", "… ", ", ", "\n", "\n\n", "\n \n", " — ", "“", "”", '"', "'", "(", ")"]
ODD = ["\u0301", "\u0323", " \u0302", "\u200d", "👩\u200d👩", "\U0001f1fb\U0001f1f3", "\t", "\u00a0", "0"]


@st.composite
def vietnamese_text(draw):
    parts = draw(st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(PUNCT), st.sampled_from(ODD)), max_size=40))
    form = draw(st.sampled_from(["NFC", "NFD", "mixed"]))
    if form == "mixed":
        parts = [unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), p) for p in parts]
    else:
        parts = [unicodedata.normalize(form, p) for p in parts]
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(vietnamese_text())
def test_sentence_spans_properties(body):
    spans = sentence_spans(body)
    bounds = reference_boundaries(body)
    covered = set()
    prev_end = 0
    for s, e in spans:
        assert prev_end <= s < e <= len(body)  # sorted, non-overlapping, non-empty
        prev_end = e
        assert s in bounds and e in bounds
        assert not regex.search(r"\n\s*\n", body[s:e])  # never across a paragraph break
        first, last = regex.findall(r"\X", body[s:e])[0], regex.findall(r"\X", body[s:e])[-1]
        assert not first.isspace() and not last.isspace()
        covered.update(range(s, e))
        assert sentence_at(body, s) == (s, e)
        assert sentence_at(body, e - 1) == (s, e)
    for i, ch in enumerate(body):
        if not regex.match(r"\s", ch):
            assert i in covered, (i, ch)


@settings(max_examples=300, deadline=None)
@given(vietnamese_text())
def test_word_spans_properties(body):
    spans = word_spans(body)
    bounds = reference_boundaries(body)
    prev_end = 0
    for s, e in spans:
        assert prev_end <= s < e
        prev_end = e
        assert s in bounds and e in bounds
        assert not regex.search(r"\s", body[s:e])
        assert next_word_end(body, s) == e
        assert word_at(body, s) == (s, e)
    ends = [e for _, e in spans]
    for pos in range(len(body) + 1):
        later = [e for e in ends if e > pos]
        assert next_word_end(body, pos) == (later[0] if later else pos)
        earlier = [e for e in ends if e < pos]
        assert prev_word_end(body, pos, 0) == (earlier[-1] if earlier else 0)
    # How the letters are composed never changes what the words are.
    nfc, nfd = unicodedata.normalize("NFC", body), unicodedata.normalize("NFD", body)
    assert texts(nfd, word_spans(nfd)) == [unicodedata.normalize("NFD", w) for w in texts(nfc, word_spans(nfc))]


@settings(max_examples=200, deadline=None)
@given(vietnamese_text())
def test_paragraph_properties(body):
    spans = paragraph_spans(body)
    assert texts(body, spans) == (body.split("\n\n") if body else [])
    for n, (s, e) in enumerate(spans):
        assert paragraph_index(body, s) == n
        assert paragraph_index(body, e) == n
