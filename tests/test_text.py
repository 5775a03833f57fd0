"""Unit tests for reader.text: decoding, cleaning, sanitising, folding, title case, graphemes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader import segment, text, vietnamese
from tests.helpers import DATA, nfd

INVISIBLES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u2060\ufeff"


# Every format character of this Python's Unicode, and the Hangul fillers (letters that render blank).
FORMAT_CHARS = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
FILLERS = "\u3164\u115f\u1160\uffa0"
HIDDEN = frozenset(FORMAT_CHARS) | frozenset(FILLERS) | {"\u00ad", "\u034f"}
VARIATION_SELECTORS = frozenset(
    [chr(c) for c in range(0xFE00, 0xFE10)]
    + [chr(c) for c in range(0xE0100, 0xE01F0)]
    + list("\u180b\u180c\u180d\u180f")
)


def has_forbidden(s: str) -> bool:
    """True if `s` holds ESC, a C0/C1 control other than \\n and \\t, DEL, an invisible or a stray selector."""
    for i, ch in enumerate(s):
        if (unicodedata.category(ch) == "Cc" and ch not in "\n\t") or ch in HIDDEN:
            return True
        if ch in VARIATION_SELECTORS and (i == 0 or s[i - 1].isspace() or s[i - 1] in VARIATION_SELECTORS):
            return True
    return False


# ------------------------------------------------------------------ clean / NFC


def test_clean_composes_to_nfc():
    assert text.clean(nfd("Hà Nội, Quảng Ninh, Đà Nẵng")) == "Hà Nội, Quảng Ninh, Đà Nẵng"
    assert unicodedata.is_normalized("NFC", text.clean(nfd("Thành phố Hồ Chí Minh")))


def test_clean_newlines():
    assert text.clean("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert text.clean("a\r\r\nb") == "a\n\nb"


def test_clean_composes_across_a_removed_control():
    # The NUL keeps NFC from composing; once it is gone the pair must still end up composed.
    assert text.clean("e\x00\u0301") == "é"


def test_clean_is_idempotent_on_examples():
    for s in ["x\x1b[31mé\u0301\r\n\u202e", "\x9b\x1b]0;t\x07ư\u0303"]:
        once = text.clean(s)
        assert text.clean(once) == once


# ------------------------------------------------------------------ sanitise

ESCAPE_CASES = {
    "OSC 52 clipboard (BEL)": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "OSC 52 clipboard (ST)": "\x1b]52;c;cm0gLXJmIH4=\x1b\\",
    "OSC 0 title": "\x1b]0;you have been pwned\x07",
    "OSC 2 title": "\x1b]2;title\x1b\\",
    "CSI 2J": "\x1b[2J",
    "CSI SGR": "\x1b[1;31;48;5;200m",
    "CSI private mode": "\x1b[?1049h",
    "CSI with intermediate": "\x1b[2 q",
    "DCS sixel": "\x1bPq#0;2;0;0;0#1~~@@vv@@~~\x1b\\",
    "DCS decrqss": "\x1bP$qm\x1b\\",
    "APC kitty graphics": "\x1b_Gf=100,a=T;iVBORw0KGgo=\x1b\\",
    "PM": "\x1b^privacy message\x1b\\",
    "SOS": "\x1bXstart of string\x1b\\",
    "8-bit CSI": "\x9b31m",
    "8-bit OSC + ST": "\x9d0;title\x9c",
    "8-bit DCS": "\x90qpayload\x9c",
    "8-bit APC": "\x9fGf=1\x9c",
    "8-bit PM": "\x9eprivate\x9c",
    "8-bit SOS": "\x98string\x9c",
    "two-byte ESC c (reset)": "\x1bc",
    "ESC 7": "\x1b7",
    "charset ESC ( 0": "\x1b(0",
    "DEC line ESC # 8": "\x1b#8",
    "stray ST": "\x1b\\",
}


@pytest.mark.parametrize("seq", ESCAPE_CASES.values(), ids=ESCAPE_CASES.keys())
def test_escape_sequence_removed_whole(seq):
    assert text.sanitise(f"before{seq}after") == "beforeafter"


def test_osc8_hyperlink_keeps_only_the_visible_text():
    link = "\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\"
    assert text.sanitise(f"[{link}]") == "[click here]"


def test_unterminated_sequences_end_at_end_of_line():
    assert text.sanitise("a\x1b]0;title never ends") == "a"
    assert text.sanitise("a\x1b]52;c;aGVsbG8=\nnext line") == "a\nnext line"
    assert text.sanitise("a\x1bPq#0;2\nrest") == "a\nrest"
    assert text.sanitise("a\x9d0;title") == "a"


def test_unterminated_csi_dropped_as_far_as_it_goes():
    assert text.sanitise("a\x1b[12;3") == "a"
    assert text.sanitise("a\x1b[") == "a"
    assert text.sanitise("a\x1b[31\nb") == "a\nb"


def test_lone_esc_removed():
    assert text.sanitise("a\x1b") == "a"
    assert text.sanitise("a\x1bé") == "aé"
    assert text.sanitise("a\x1b\nb") == "a\nb"
    # ESC + a printable ASCII character is a two-byte sequence: a terminal would eat both.
    assert text.sanitise("a\x1bbc") == "ac"


CONTROLS = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if chr(c) not in "\n\t"]


@pytest.mark.parametrize("ch", CONTROLS, ids=lambda ch: f"U+{ord(ch):04X}")
def test_c0_c1_del_removed(ch):
    # A newline follows: C1 string introducers (DCS, OSC...) would otherwise take the rest of the line.
    assert text.sanitise(f"x{ch}\ny") == "x\ny"


def test_newline_and_tab_kept():
    assert text.sanitise("a\tb\nc") == "a\tb\nc"


@pytest.mark.parametrize("ch", list(INVISIBLES))
def test_bidi_and_zero_width_made_visible(ch):
    out = text.sanitise(f"abc{ch}def")
    assert out == f"abc⟨U+{ord(ch):04X}⟩def"
    assert ch not in out


def test_trojan_source_is_shown_not_obeyed():
    out = text.sanitise("access\u202e\u2066 // admin\u2069\u2066")
    assert out == "access⟨U+202E⟩⟨U+2066⟩ // admin⟨U+2069⟩⟨U+2066⟩"


def test_markup_like_brackets_are_plain_text():
    s = "[/] [bold]x[/bold] [link=https://x]y[/link] [@click=quit]"
    assert text.sanitise(s) == s


def test_lone_surrogate_replaced():
    assert text.sanitise("a\ud800b") == "a\ufffdb"


# Characters that make escape sequences likely when mixed into arbitrary text.
_ESCAPEY = st.sampled_from(
    [
        "\x1b",
        "[",
        "]",
        "P",
        "X",
        "^",
        "_",
        "\\",
        "\x07",
        "\x9b",
        "\x9c",
        "\x9d",
        "\x90",
        ";",
        "0",
        "m",
        "\n",
        "\r",
        "\t",
        "\u202e",
        "\u200d",
        "\ufeff",
        "e",
        "\u0301",
        "\u0323",
    ]
)
_MESSY = st.text(alphabet=st.one_of(st.characters(), _ESCAPEY))


@pytest.mark.parametrize(
    "s",
    ["T\n\xad\ufe0f", "\n\x1b[0m\ufe0f", "\u034f\ufe0f", "a \x07\ufe0fb", "\x1b]0;x\x07\ufe0f", "\n\xad\ufe0f\u200b"],
)
def test_sanitise_shows_a_variation_selector_left_stray_by_what_it_removed(s):
    once = text.sanitise(s)
    assert text.sanitise(once) == once
    assert "⟨U+FE0F⟩" in once and "\ufe0f" not in once


@given(_MESSY)
def test_sanitise_idempotent_and_leaves_no_controls(s):
    once = text.sanitise(s)
    assert text.sanitise(once) == once
    assert not has_forbidden(once)
    assert "\x1b" not in once


@given(_MESSY)
def test_clean_idempotent_nfc_no_controls(s):
    once = text.clean(s)
    assert text.clean(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert not has_forbidden(once)
    assert "\r" not in once


_SAFE_CHARS = st.characters(exclude_categories=("Cc", "Cs", "Cf"), exclude_characters=HIDDEN | VARIATION_SELECTORS)


@given(st.text(alphabet=st.one_of(_SAFE_CHARS, st.sampled_from("\n\t"))))
def test_text_without_controls_passes_unchanged(s):
    assert text.sanitise(s) == s


# ------------------------------------------------------------------ title case

TITLE_CASES = [
    ("HÀ NỘI", "Hà Nội"),
    ("QUẢNG NINH", "Quảng Ninh"),
    ("ĐÀ NẴNG", "Đà Nẵng"),
    ("THÀNH PHỐ HỒ CHÍ MINH", "Thành Phố Hồ Chí Minh"),
    ("BÀ RỊA-VŨNG TÀU", "Bà Rịa-Vũng Tàu"),
    ("THỪA THIÊN-HUẾ", "Thừa Thiên-Huế"),
    ("ĐẮK LẮK", "Đắk Lắk"),
    ("K'BANG", "K'Bang"),
    ("HCM CITY", "HCM City"),
    ("hà nội", "Hà Nội"),
]


@pytest.mark.parametrize(("caps", "expected"), TITLE_CASES)
def test_title_case_vi(caps, expected):
    assert vietnamese.title_case_vi(caps) == expected


@pytest.mark.parametrize(("caps", "expected"), TITLE_CASES)
def test_title_case_vi_from_nfd_returns_nfc(caps, expected):
    assert vietnamese.title_case_vi(nfd(caps)) == expected


# ------------------------------------------------------------------ fold

TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # none, huyền, sắc, ngã, hỏi, nặng
VOWELS = {
    "a": "a",
    "ă": "a",
    "â": "a",
    "e": "e",
    "ê": "e",
    "i": "i",
    "o": "o",
    "ô": "o",
    "ơ": "o",
    "u": "u",
    "ư": "u",
    "y": "y",
}
CONSONANTS = "bcdđghklmnpqrstvx"


def vietnamese_letters() -> list[tuple[str, str]]:
    """Every Vietnamese letter (vowels with every tone), both cases, NFC, with its ASCII base."""
    letters = []
    for vowel, base in VOWELS.items():
        for tone in TONES:
            lower = unicodedata.normalize("NFC", vowel + tone)
            letters += [(lower, base), (lower.upper(), base)]
    for c in CONSONANTS:
        base = "d" if c == "đ" else c
        letters += [(c, base), (c.upper(), base)]
    return letters


def test_every_vietnamese_letter_is_one_code_point_in_nfc():
    letters = vietnamese_letters()
    assert len(letters) == 2 * (12 * 6 + 17)
    assert all(len(letter) == 1 for letter, _ in letters)


@pytest.mark.parametrize(("letter", "base"), vietnamese_letters())
def test_fold_vietnamese_letter(letter, base):
    assert text.fold(letter) == base
    assert text.fold(nfd(letter)) == base


def test_fold_examples():
    assert text.fold("Đà Nẵng") == "da nang"
    assert text.fold(nfd("Đà Nẵng")) == "da nang"
    assert text.fold("THỪA THIÊN-HUẾ") == "thua thien-hue"
    assert text.fold("Ðorđe") == "dorde"
    assert text.fold("Straße") == "strasse"


def test_fold_keeps_length_of_nfc_vietnamese():
    s = (DATA / "binhvq-news-sample" / "excerpt.txt").read_text(encoding="utf-8")
    assert len(text.fold(s)) == len(s)
    folded, offsets = text.fold_with_offsets(s)
    assert offsets == list(range(len(s)))
    assert folded == text.fold(s)


def test_fold_with_offsets_maps_growth_back():
    folded, offsets = text.fold_with_offsets("Đà Straße ở")
    assert folded == "da strasse o"
    assert offsets == [0, 1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10]


def test_fold_ascii():
    assert text.fold("Da Nang") == "da nang"
    assert text.fold_with_offsets("AB") == ("ab", [0, 1])


@given(st.text())
def test_fold_with_offsets_agrees_with_fold(s):
    folded, offsets = text.fold_with_offsets(s)
    assert folded == text.fold(s)
    assert len(offsets) == len(folded)
    assert offsets == sorted(offsets)
    assert all(0 <= i < len(s) for i in offsets)


# ------------------------------------------------------------------ graphemes

E_DOT_CIRCUMFLEX = {
    "1 code point": "\u1ec7",
    "2 code points": "\u1eb9\u0302",  # ẹ + combining circumflex
    "3 code points": "e\u0323\u0302",  # e + dot below + circumflex
}


@pytest.mark.parametrize("e", E_DOT_CIRCUMFLEX.values(), ids=E_DOT_CIRCUMFLEX.keys())
def test_graphemes_of_e_with_dot_and_circumflex(e):
    s = f"Vi{e}t"
    n = len(e)
    assert boundaries(s) == [0, 1, 2, 2 + n, 3 + n]  # V, i, the e with both marks, t
    for inside in range(3, 2 + n):
        assert segment.grapheme_start(s, inside) == 2
        assert segment.grapheme_end(s, inside) == 2 + n
    assert segment.grapheme_start(s, 2) == 2
    assert segment.grapheme_end(s, 2) == 2
    assert text.clean(s) == "Việt"


def boundaries(s: str) -> list[int]:
    """Every offset of `s` the production grapheme rule calls a boundary."""
    return [i for i in range(len(s) + 1) if segment.is_grapheme_boundary(s, i)]


def test_grapheme_helpers_edges():
    assert boundaries("") == [0]
    assert segment.grapheme_start("abc", -5) == 0
    assert segment.grapheme_end("abc", 99) == 3
    assert boundaries("a\r\nb") == [0, 1, 3, 4]


# Where regex (which follows a newer Unicode) and the 15.0 test data disagree.
GRAPHEME_KNOWN_DIFFERENCES = {
    # Rule GB11 joins Extended_Pictographic ZWJ × Extended_Pictographic; regex (2026.11) breaks
    # before the second U+2701 UPPER BLADE SCISSORS. A rare dingbat pair, not Vietnamese text.
    "÷ 2701 × 200D × 2701 ÷",
}


def grapheme_break_cases() -> list[tuple[str, str, list[int]]]:
    """(line, string, boundaries) from Unicode's GraphemeBreakTest."""
    cases = []
    for raw in (DATA / "GraphemeBreakTest-15.0.0.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#")[0].strip()
        if not line:
            continue
        s, bounds = "", []
        for token in line.split():
            if token == "÷":
                bounds.append(len(s))
            elif token != "×":
                s += chr(int(token, 16))
        cases.append((line, s, bounds))
    return cases


def test_grapheme_break_test():
    cases = grapheme_break_cases()
    assert len(cases) == 602
    failures = [line for line, s, bounds in cases if boundaries(s) != bounds]
    assert set(failures) <= GRAPHEME_KNOWN_DIFFERENCES, failures


def _snap_reference(s: str, offset: int, forward: bool) -> int:
    """The boundary at or before (at or after) an offset, by a plain scan of every grapheme (\\X)."""
    import regex

    starts = [m.start() for m in regex.finditer(r"\X", s)] + [len(s)]
    offset = max(0, min(offset, len(s)))
    return min(b for b in starts if b >= offset) if forward else max(b for b in starts if b <= offset)


_GRAPHEMEY = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            [
                "e",
                "\u0323",
                "\u0302",
                "\n",
                "\r",
                "\u200d",
                "\U0001f1fb",
                "\U0001f1f3",
                "\U0001f469",
                "\u1100",
                "\u1161",
                "\u11a8",
                " ",
                "\u0301",
            ]
        ),
        st.characters(),
    ),
    max_size=30,
)


@given(_GRAPHEMEY, st.integers(min_value=-2, max_value=40), st.booleans())
def test_snap_to_grapheme_matches_full_scan(s, offset, forward):
    snap = segment.grapheme_end if forward else segment.grapheme_start
    assert snap(s, offset) == _snap_reference(s, offset, forward)


# ------------------------------------------------------------------ content hash


def test_content_hash():
    assert text.content_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert text.content_hash("Hà Nội") == text.content_hash(text.clean(nfd("Hà Nội")))
    assert text.content_hash("a") != text.content_hash("b")


# ------------------------------------------------------------------ decode


def test_decode_refusals():
    with pytest.raises(text.InputError, match="empty file"):
        text.decode(b"")
    with pytest.raises(text.InputError, match=r"binary file \(NUL byte at offset 3\)"):
        text.decode(b"abc\0def")
    with pytest.raises(text.InputError, match=r"unknown encoding 'no-such-codec'"):
        text.decode(b"\xff\xfe", encoding="no-such-codec")
    with pytest.raises(text.InputError, match="unknown encoding 'base64'"):
        text.decode(b"abc", encoding="base64")
    with pytest.raises(text.InputError, match="cannot decode as ascii"):
        text.decode("Grüße".encode("latin-1"), encoding="ascii")
    with pytest.raises(text.InputError, match="no text"):
        text.decode(b"\x1b[2J\x07 \n")


def test_decode_nul_after_scan_window_is_just_removed():
    data = b"a" * text.BINARY_SCAN_BYTES + b"\0b"
    assert text.decode(data) == "a" * text.BINARY_SCAN_BYTES + "b"


def test_decode_user_encoding_used_when_not_utf8():
    assert text.decode("Grüße".encode("latin-1"), encoding="latin-1") == "Grüße"
    # Valid UTF-8 wins over the user's guess, as the design's order says.
    assert text.decode("Grüße".encode(), encoding="latin-1") == "Grüße"


def test_decode_user_utf16_without_bom():
    assert text.decode("Hà Nội".encode("utf-16-le"), encoding="utf-16-le") == "Hà Nội"


def test_decode_bad_bom_payload():
    with pytest.raises(text.InputError, match="UTF-16 byte-order mark"):
        text.decode(b"\xff\xfea")


# ------------------------------------------------------------------ Unicode NormalizationTest


def normalization_cases() -> list[tuple[str, str, str, str]]:
    """(line, c1, c2, c3) for each Vietnamese line copied from Unicode's NormalizationTest."""
    cases = []
    for line in (DATA / "NormalizationTest-vi.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith(("#", "@")):
            continue
        cols = [("".join(chr(int(h, 16)) for h in col.split())) for col in line.split(";")[:3]]
        cases.append((line.split("#")[0].strip(), *cols))
    return cases


def test_normalization_data_present():
    assert len(normalization_cases()) >= 90


@pytest.mark.parametrize(("line", "c1", "c2", "c3"), normalization_cases(), ids=lambda v: None)
def test_normalization_clean_gives_nfc(line, c1, c2, c3):
    # None of these lines holds a character sanitise would touch, so NFC must come out exactly.
    assert not has_forbidden(c1 + c2 + c3)
    assert text.clean(c1) == c2, line
    assert text.clean(c2) == c2, line
    assert text.clean(c3) == c2, line


# ------------------------------------------------------------------ S4: every invisible shown


@pytest.mark.parametrize("ch", FORMAT_CHARS + list(FILLERS), ids=lambda ch: f"U+{ord(ch):04X}")
def test_every_format_character_and_hangul_filler_is_shown(ch):
    out = text.sanitise(f"ab{ch}cd")
    assert ch not in out
    if ch == "\u00ad":  # the soft hyphen only says where a line may break: dropped
        assert out == "abcd"
    else:
        assert out == f"ab⟨U+{ord(ch):04X}⟩cd"


def test_ascii_smuggled_in_tag_characters_is_shown():
    # "hi" written in tag characters after a visible word: invisible in a terminal, shown here.
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "hi")
    assert text.clean(f"Safe{hidden} text") == "Safe⟨U+E0068⟩⟨U+E0069⟩ text"


def test_one_variation_selector_after_a_character_is_kept_stray_ones_are_shown():
    assert text.sanitise("❤\ufe0f ok") == "❤\ufe0f ok"
    assert text.sanitise("葛\U000e0100") == "葛\U000e0100"
    assert text.sanitise("\ufe0fa") == "⟨U+FE0F⟩a"
    assert text.sanitise("a \ufe0e") == "a ⟨U+FE0E⟩"
    # A message carried by a run of selectors after one emoji.
    assert text.sanitise("😀\ufe0f\U000e0101\U000e0102") == "😀\ufe0f⟨U+E0101⟩⟨U+E0102⟩"


def test_soft_hyphen_and_grapheme_joiner_are_dropped():
    assert text.clean("infor\u00admation co\u034fop") == "information coop"


def test_search_folding_reads_through_a_shown_invisible():
    shown = text.clean("hangul\u3164x Hà\u200bNội")
    assert shown == "hangul⟨U+3164⟩x Hà⟨U+200B⟩Nội"
    assert text.fold(shown) == "hangulx hanoi"
    folded, offsets = text.fold_with_offsets(shown)
    assert folded == "hangulx hanoi"
    assert shown[offsets[6]] == "x" and shown[offsets[-1]] == "i"
    assert text.strip_markers(shown) == "hangulx HàNội"


# ------------------------------------------------------------------ accent keys (smart accents)


@pytest.mark.parametrize(
    "a, b",
    [
        ("hòa", "hoà"),
        ("Hòa Bình", "HOÀ BÌNH"),
        ("khỏe", "khoẻ"),
        ("thúy", "thuý"),
        ("Thủy", "thuỷ"),
        ("xòe", "xoè"),
        ("Đà Nẵng", "Ðà Nẵng"),  # U+00D0, Icelandic eth
        ("Đà Nẵng", "Ɖà Nẵng"),  # U+0189, African D
        ("đà", "ðà"),
        ("Hà Nội", nfd("Hà Nội")),
    ],
)
def test_accent_key_unifies_case_form_tone_placement_and_d_lookalikes(a, b):
    assert vietnamese.accent_key(a) == vietnamese.accent_key(b)
    assert len(vietnamese.accent_key(a)) == len(unicodedata.normalize("NFC", a))


@pytest.mark.parametrize(
    "a, b",
    [
        ("hòa", "hóa"),  # another tone is another word
        ("ma", "má"),
        ("Đà", "Da"),
        ("hoàn", "hòan"),  # a closed syllable: the tone has one place only, the other is a typo
        ("quý", "qúy"),  # the u of qu belongs to the consonant
        ("nội", "nói"),
    ],
)
def test_accent_key_keeps_what_tells_words_apart(a, b):
    assert vietnamese.accent_key(a) != vietnamese.accent_key(b)


def test_tone_placement_in_real_text_is_unified():
    # The sample of real news writes the old placement (hòa, tòa, khỏe, thủy); the new one, as
    # many keyboards type it, keys to the same, and the key of the whole text keeps its length.
    corpus = (DATA / "binhvq-news-sample" / "demo-full.txt").read_text(encoding="utf-8")
    words = set(corpus.lower().split())
    for old, new in (("hòa", "hoà"), ("tòa", "toà"), ("khỏe", "khoẻ"), ("thủy", "thuỷ"), ("họa", "hoạ")):
        assert old in words
        assert vietnamese.accent_key(new) == vietnamese.accent_key(old) == old
    new_style = corpus.replace("hòa", "hoà").replace("tòa", "toà").replace("khỏe", "khoẻ")
    assert new_style != corpus
    assert vietnamese.accent_key(new_style) == vietnamese.accent_key(corpus)
    assert len(vietnamese.accent_key(corpus)) == len(corpus)


def test_has_diacritics():
    assert vietnamese.has_diacritics("Hà") and vietnamese.has_diacritics("Đa") and vietnamese.has_diacritics(nfd("Hà"))
    assert vietnamese.has_diacritics("café") and vietnamese.has_diacritics("Ðo")
    assert (
        not vietnamese.has_diacritics("Ha")
        and not vietnamese.has_diacritics("Noi")
        and not vietnamese.has_diacritics("ß")
    )


def test_spelling_variants_cover_tone_placement_and_d_lookalikes():
    assert vietnamese.spelling_variants("Hòa") == ["Hòa", "Hoà"]
    assert set(vietnamese.spelling_variants("Đà")) == {"Đà", "Ðà", "Ɖà"}
    assert vietnamese.spelling_variants("Nội") == ["Nội"]
    assert {vietnamese.accent_key(v) for v in vietnamese.spelling_variants("Thuỷ Đồng")} == {
        vietnamese.accent_key("thủy đồng")
    }
