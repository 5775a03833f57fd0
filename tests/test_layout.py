"""Wrapping the reading pane: greedy, on grapheme boundaries, and the fast path equal to the general one."""

import unicodedata

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.ui import layout
from reader.ui.layout import pieces, wrap_body
from tests.helpers import DATA, SAMPLES


def general(body: str, width: int):
    """wrap_body with the fast path turned off."""
    fast = layout._wrap_row
    layout._wrap_row = layout._wrap_row_general
    try:
        return wrap_body(body, width)
    finally:
        layout._wrap_row = fast


def texts() -> list[str]:
    found = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    found += [p.read_text(encoding="utf-8")[:200_000] for p in sorted((DATA / "binhvq-news-sample").glob("*.txt"))]
    return found


def test_fast_path_gives_the_same_lines_on_real_text():
    for body in texts():
        for width in (4, 11, 37, 70, 120):
            assert wrap_body(body, width) == general(body, width)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="aăâđêôơưbcxyzẠẬỆỮ.,-—“”'0123456789", min_size=1, max_size=30), min_size=1, max_size=40),
    st.integers(min_value=4, max_value=60),
)
def test_fast_path_equals_general_path(words, width):
    row = " ".join(words)
    assert wrap_body(row, width) == general(row, width)


def test_lines_fit_and_never_split_a_letter_from_its_marks():
    body = unicodedata.normalize("NFD", "Nguyễn Thị Phượng nghiêng người Ệệệệệệệệệệệệệệệệệệệệệệệệ về phía Hà Nội. " * 5)
    starts = {m.start() for m in regex.finditer(r"\X", body)} | {len(body)}
    for width in (5, 9, 20):
        lines = wrap_body(body, width)
        for line in lines:
            assert line.start in starts and line.end in starts
            assert len(regex.findall(r"\X", body[line.start : line.end])) <= width
        # Every word is shown, in order.
        shown = " ".join(body[line.start : line.end] for line in lines if line.start != line.end)
        assert shown.split() == body.split() or "".join(shown.split()) == "".join(body.split())


def test_paragraphs_are_separated_by_one_blank_line():
    lines = wrap_body("One two three.\n\nFour five.", 8)
    assert [(l.start, l.end, l.paragraph) for l in lines] == [
        (0, 7, 0),
        (8, 14, 0),
        (15, 15, -1),
        (16, 20, 1),
        (21, 26, 1),
    ]


def test_pieces_cut_at_every_span_edge():
    assert pieces(0, 10, [(2, 5, "a"), (4, 8, "b")]) == [
        (0, 2, []),
        (2, 4, ["a"]),
        (4, 5, ["a", "b"]),
        (5, 8, ["b"]),
        (8, 10, []),
    ]
