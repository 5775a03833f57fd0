"""Anchors: made on one version of an article, found again (or orphaned) in another."""

import random
import re
import time
import unicodedata
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.anchoring import CONTEXT, _edit_distance, _myers, make_anchor, reanchor, reanchor_all
from reader.model import Anchor
from tests.helpers import nfd

SEED = Path(__file__).parent / "data" / "seeds" / "002_3997782e35ff9ea9.txt"


@pytest.fixture(scope="module")
def body() -> str:
    text = SEED.read_text(encoding="utf-8")
    text = re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s+[^\n]*? — ", "", text)
    return re.sub(r"\s+— [A-Za-z/]+\s*$", "", text)


def anchor_on(body: str, quote: str, nth: int = 0) -> Anchor:
    start = -1
    for _ in range(nth + 1):
        start = body.index(quote, start + 1)
    return make_anchor(body, start, start + len(quote))


QUOTE = "PM Chính called on Japan to support Việt Nam in developing innovation ecosystems"


# --- make_anchor -----------------------------------------------------------------------------


def test_make_anchor_keeps_quote_and_context(body):
    a = anchor_on(body, QUOTE)
    assert a.quote == QUOTE
    assert body[a.start : a.end] == QUOTE
    assert a.prefix == body[a.start - CONTEXT : a.start]
    assert a.suffix == body[a.end : a.end + CONTEXT]


def test_make_anchor_snaps_to_graphemes_and_clamps():
    text = nfd("Việt Nam")  # "ệ" is three code points here
    a = make_anchor(text, 3, 4)  # between "e" and its marks
    assert (a.start, a.end) == (2, 5)
    assert a.quote == nfd("ệ")
    b = make_anchor("Hà Nội", 5, -3)  # reversed and out of range
    assert (b.start, b.end, b.prefix, b.suffix) == (0, 5, "", "i")
    c = make_anchor("x" * 100, 50, 60)
    assert len(c.prefix) == len(c.suffix) == CONTEXT


# --- reanchor --------------------------------------------------------------------------------


def test_unchanged_body_same_anchor(body):
    a = anchor_on(body, QUOTE)
    assert reanchor(body, a) == a


def test_edit_before_the_quote_shifts_it(body):
    a = anchor_on(body, QUOTE)
    inserted = "Editor's note: this story was updated.\n\n"
    r = reanchor(inserted + body, a)
    assert (r.start, r.end, r.quote) == (a.start + len(inserted), a.end + len(inserted), QUOTE)
    # Text removed before it, right up to its prefix, moves it back the other way.
    cut = body.index("Following the upgrade")
    r = reanchor(body[:cut] + body[cut + 30 :], a)
    assert (r.start, r.quote) == (a.start - 30, QUOTE)


def test_edit_after_the_quote_leaves_it(body):
    a = anchor_on(body, QUOTE)
    edited = body[: a.end] + ", and in smart cities" + body[a.end :] + "\n\nA new closing paragraph."
    assert reanchor(edited, a) == Anchor(a.start, a.end, QUOTE, a.prefix, edited[a.end : a.end + CONTEXT])


def test_edit_inside_the_quote_is_found_fuzzily(body):
    a = anchor_on(body, QUOTE)
    new_quote = QUOTE.replace("called on Japan to support", "urged Japan to support")
    edited = body.replace(QUOTE, new_quote)
    r = reanchor(edited, a)
    assert (r.start, r.end, r.quote) == (a.start, a.start + len(new_quote), new_quote)


def test_fuzzy_with_its_context_edited_and_moved(body):
    a = anchor_on(body, QUOTE)
    new_quote = QUOTE.replace("innovation ecosystems", "innovative ecosystems").replace("Chính", "Chinh")
    edited = "Updated.\n\n" + body.replace(
        "nation by 2045.\n\n" + QUOTE + ", enhancing", "nation by 2045, officials said.\n\n" + new_quote + "; enhancing"
    )
    assert edited.count(new_quote) == 1 and a.prefix not in edited and a.suffix not in edited
    r = reanchor(edited, a)
    assert (r.start, r.quote) == (edited.index(new_quote), new_quote)


def test_repeated_quote_is_placed_by_its_context(body):
    # "PM Chính said" occurs twice; each copy keeps its own place when the text moves.
    assert body.count("PM Chính said") == 2
    first, second = anchor_on(body, "PM Chính said", 0), anchor_on(body, "PM Chính said", 1)
    shifted = "Breaking.\n\n" + body
    assert reanchor(shifted, first).start == first.start + 11
    assert reanchor(shifted, second).start == second.start + 11
    # Even with the words just before the second copy rewritten, its suffix still tells them apart.
    edited = shifted.replace("Praising these achievements, PM Chính said", "In praise, PM Chính said")
    r = reanchor(edited, second)
    assert edited[r.start - 11 : r.end] == "In praise, PM Chính said"


def test_repeated_quote_slid_onto_old_offsets_is_not_taken(body):
    # Delete text so that a different copy lands exactly where the anchored one used to be.
    text = "Nam met Lan. Nam went home. Lan met Nam at the old Nam Hotel."
    a = anchor_on(text, "Nam", 2)  # "Lan met Nam at"
    moved = text.replace("Nam went home. ", "")
    assert moved[a.start : a.end] == "Nam"  # the copy from "Nam Hotel" now sits on the old offsets
    r = reanchor(moved, a)
    assert moved[r.start - 8 : r.end + 3] == "Lan met Nam at"


def test_deleted_passage_is_an_orphan(body):
    sentence = (
        "Meanwhile, economic linkages and cooperation in infrastructure, education, healthcare and "
        "technology transfer are expanding, with science and technology collaboration emerging as a new "
        "pillar of bilateral ties."
    )
    a = anchor_on(body, "economic linkages and cooperation in infrastructure")
    assert reanchor(body.replace(sentence + "\n\n", ""), a) is None


def test_short_quote_changed_is_an_orphan_not_a_wrong_match(body):
    # One "Nam" among dozens; when it is rewritten, no other "Nam" may take its place.
    a = anchor_on(body, "Nam", 5)
    for replacement in ("Năm", "Lào", "Nom"):
        edited = body[: a.start] + replacement + body[a.end :]
        assert reanchor(edited, a) is None, replacement
    # ... but moved with its context it is found.
    r = reanchor("Breaking.\n\n" + body, a)
    assert (r.start, r.quote) == (a.start + 11, "Nam")


def test_short_quote_fuzzy_only_between_intact_context(body):
    a = anchor_on(body, "Chính", 1)
    edited = body[: a.start] + "Chinh" + body[a.end :]
    r = reanchor(edited, a)
    assert (r.start, r.quote) == (a.start, "Chinh")
    # Rewrite the context too, and a short quote is not guessed at.
    edited = body[: a.start - 3] + "XYZ" + "Chinh" + "ABC" + body[a.end + 3 :]
    assert reanchor(edited, a) is None


def test_nfd_reimport_gives_identical_offsets(body):
    anchors = [anchor_on(body, q) for q in (QUOTE, "Hải Phòng City", "Lê Hoài Trung", "Quảng Ninh")]
    decomposed = nfd(body)
    assert decomposed != body
    for a in anchors:
        assert reanchor(decomposed, a) == a
    # An anchor whose own strings arrived decomposed matches too.
    a = anchors[1]
    odd = Anchor(a.start, a.end, nfd(a.quote), nfd(a.prefix), nfd(a.suffix))
    assert reanchor(body, odd) == a


def test_empty_quote_uses_context():
    text = "Hà Nội is the capital. Đà Nẵng is on the coast."
    a = make_anchor(text, 22, 22)
    assert a.quote == ""
    assert reanchor("Intro. " + text, a).start == 29
    assert reanchor("Something else entirely.", a) is None


def random_text(rng: random.Random, size: int) -> str:
    syllables = [
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
        "trưởng",
        "the",
        "of",
        "and",
        "partner",
        "said",
        "in",
        "to",
    ]
    words, n = [], 0
    while n < size:
        w = rng.choice(syllables)
        if rng.random() < 0.08:
            w += ".\n\n" if rng.random() < 0.3 else "."
        words.append(w)
        n += len(w) + 1
    return " ".join(words)


def test_big_body_many_anchors_is_fast():
    rng = random.Random(7)
    big = random_text(rng, 600_000)
    anchors = []
    slot = len(big) // 50  # one passage per slot, so that no edit touches two of them
    for n in range(50):
        s = n * slot + rng.randrange(slot - 400)
        anchors.append(make_anchor(big, s, s + rng.choice([3, 12, 40, 120, 300])))
    edited = "A new lead paragraph.\n\n" + big
    # Edit inside five of the passages, so the fuzzy step runs too.
    for a in sorted(anchors[:5], key=lambda a: -a.start):
        mid = a.start + len(a.quote) // 2 + 23
        if len(a.quote) >= 40:
            edited = edited[:mid] + "#" + edited[mid + 1 :]
    started = time.perf_counter()
    results = reanchor_all(edited, anchors)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    for a, r in zip(anchors, results):
        assert r is not None
        assert r.start == a.start + 23
        if len(a.quote) < 40 or a not in anchors[:5]:
            assert r.quote == a.quote


# --- properties ------------------------------------------------------------------------------

PIECES = ["Hà", "Nội", "Việt", "Nam", "ệ", "Ạ", "a", " ", " ", ". ", "\n\n", "—", "\u0301", "👩\u200d👩", "Nam's"]


@st.composite
def body_and_span(draw):
    parts = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=60))
    form = draw(st.sampled_from(["NFC", "NFD"]))
    text = unicodedata.normalize("NFC", unicodedata.normalize(form, "".join(parts)))
    bounds = sorted({0} | {m.end() for m in regex.finditer(r"\X", text)})
    i = draw(st.integers(0, len(bounds) - 1))
    j = draw(st.integers(0, len(bounds) - 1))
    return text, min(bounds[i], bounds[j]), max(bounds[i], bounds[j])


@settings(max_examples=300, deadline=None)
@given(body_and_span())
def test_reanchor_round_trip(case):
    text, s, e = case
    a = make_anchor(text, s, e)
    assert (a.start, a.end, a.quote) == (s, e, text[s:e])
    assert reanchor(text, a) == a
    assert reanchor(nfd(text), a) == a


@settings(max_examples=300, deadline=None)
@given(st.text("abcệ", max_size=10), st.text("abcệ", min_size=1, max_size=14))
def test_myers_matches_the_textbook_table(a, b):
    def lev(x, y):
        row = list(range(len(y) + 1))
        for i, cx in enumerate(x, 1):
            new = [i]
            for j, cy in enumerate(y, 1):
                new.append(min(row[j] + 1, new[j - 1] + 1, row[j - 1] + (cx != cy)))
            row = new
        return row[-1]

    assert _edit_distance(a, b) == lev(a, b)
    if a:
        assert _myers(a, b, anchored=True) == [lev(a, b[: j + 1]) for j in range(len(b))]
        assert _myers(a, b, anchored=False) == [min(lev(a, b[i : j + 1]) for i in range(j + 2)) for j in range(len(b))]
