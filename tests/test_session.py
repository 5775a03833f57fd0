"""The main screen's decisions in plain Python (reader/ui/session.py, reader/ui/work.py), without a screen."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reader.model import Anchor, Article, Highlight
from reader.store import Library
from reader.ui import work
from reader.ui.session import (
    HighlightRef,
    ReadingCursor,
    SaveOutcome,
    Session,
    SortOrder,
    merge_note,
    parse_tags,
    ref,
    tag_changes,
)

BODY = "Hà Nội mở cửa. Đà Nẵng đón khách.\n\nQuảng Ninh có vịnh. Huế có sông Hương."


def test_session_logic_needs_no_textual():
    code = "import sys, reader.ui.session, reader.ui.work; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# -- the reading cursor ----------------------------------------------------------------------


def test_cursor_moves_by_sentence_and_paragraph():
    cursor = ReadingCursor(BODY)
    assert [BODY[s:e] for s, e in cursor.sentences][:2] == ["Hà Nội mở cửa.", "Đà Nẵng đón khách."]
    cursor.set(1)
    assert BODY[slice(*cursor.span)] == "Đà Nẵng đón khách."
    cursor.next_paragraph()
    assert BODY[slice(*cursor.span)] == "Quảng Ninh có vịnh."
    cursor.previous_paragraph()
    assert cursor.index == 0
    cursor.set(99)
    assert cursor.index == len(cursor.sentences) - 1
    cursor.move_to(BODY.index("Huế"))
    assert BODY[slice(*cursor.span)] == "Huế có sông Hương."


def test_selection_grows_by_sentence_and_word_and_is_what_h_targets():
    cursor = ReadingCursor(BODY)
    assert cursor.target == cursor.span and cursor.selection is None
    cursor.toggle_selection()
    cursor.set(1)
    assert BODY[slice(*cursor.target)] == "Hà Nội mở cửa. Đà Nẵng đón khách."
    cursor.cancel_selection()
    cursor.extend_word()  # w without a selection starts one at the cursor sentence
    assert BODY[slice(*cursor.selection)].startswith("Đà Nẵng đón khách.")
    cursor.shrink_word()
    cursor.shrink_word()
    assert BODY[slice(*cursor.selection)] == "Đà Nẵng đón"


def test_the_highlight_a_key_acts_on_prefers_the_one_at_the_cursor_then_the_shortest():
    cursor = ReadingCursor(BODY)
    long = Highlight(1, Anchor(0, 33, BODY[0:33]), id=1)
    short = Highlight(1, Anchor(0, 6, BODY[0:6]), id=2)
    orphan = Highlight(1, Anchor(0, 14, BODY[0:14]), id=3, orphan=True)
    assert cursor.highlight_under([long, short, orphan]).id == 2
    cursor.set(1)
    assert cursor.highlight_under([long, short, orphan]).id == 1
    cursor.set(2)
    assert cursor.highlight_under([long, short]) is None


def test_hits_wrap_around():
    cursor = ReadingCursor(BODY)
    cursor.set_hits([(0, 2), (BODY.index("Huế"), BODY.index("Huế") + 3)])
    cursor.go_to_hit(1)
    assert BODY[slice(*cursor.span)].startswith("Huế")
    cursor.go_to_hit(2)
    assert cursor.hit_index == 0 and cursor.index == 0


# -- the session -------------------------------------------------------------------------------


def article() -> Article:
    return Article("Tin", BODY, id=7)


def test_h_twice_on_one_passage_makes_one_highlight_shown_before_it_is_saved():
    session = Session()
    session.open(article(), [])
    first, created = session.highlight((0, 14))
    assert created and first.id is None and first.quote == "Hà Nội mở cửa."
    again, created = session.highlight((0, 14))
    assert again is first and not created
    assert session.placed_count == 1
    # The library's answer replaces the pending one; another pending one stays until its answer.
    session.highlight((15, 33))
    stored = Highlight(7, Anchor(0, 14, "Hà Nội mở cửa."), id=11)
    assert session.reload(7, [stored])
    assert [h.id for h in session.highlights] == [11, None]
    assert not session.reload(8, [])  # an answer about another article changes nothing


def test_undo_restores_the_most_recent_delete_first():
    session = Session()
    a, b = (Highlight(7, Anchor(0, 1, "H"), id=1), Highlight(7, Anchor(2, 3, "N"), id=2))
    session.push_deleted(a)
    session.push_deleted(b)
    assert session.pop_deleted() is b and session.pop_deleted() is a
    assert session.pop_deleted() is None


def test_forget_and_recolour_a_highlight_still_being_saved():
    session = Session()
    session.open(article(), [])
    pending, _ = session.highlight((0, 14))
    session.recolour(ref(pending), 4)
    assert session.highlights[0].color == 4
    session.forget(HighlightRef(7, None, (0, 14)))
    assert session.highlights == []


def test_sort_orders_cycle_and_read_as_words():
    assert [SortOrder.DATE.next(), SortOrder.TITLE.next(), SortOrder.PLACE.next()] == ["title", "place", "date"]
    assert SortOrder.PLACE.label == "by place"


# -- editors: a change against what the editor started from -----------------------------------


@pytest.mark.parametrize(
    ("start", "theirs", "ours", "expected"),
    [
        ("gốc", "gốc", "gốc + A", ("gốc + A", SaveOutcome.SAVED)),
        ("gốc", "gốc + B", "gốc + B", ("gốc + B", SaveOutcome.UNCHANGED)),
        ("gốc", "gốc + B", "gốc", ("gốc + B", SaveOutcome.UNCHANGED)),
        ("gốc", "gốc + B", "gốc + A", ("gốc + B\n\ngốc + A", SaveOutcome.MERGED)),
        ("", "B", "A", ("B\n\nA", SaveOutcome.MERGED)),
    ],
)
def test_merge_note_never_drops_a_confirmed_text(start, theirs, ours, expected):
    assert merge_note(start, theirs, ours) == expected


def test_tag_changes_ignore_case_and_keep_the_typed_spelling():
    assert parse_tags(" kinh tế, , Ngoại giao ") == ["kinh tế", "Ngoại giao"]
    assert tag_changes(["Ngoại giao", "old"], ["ngoại giao", "Mới"]) == (["Mới"], ["old"])


# -- the workers' functions, with a second program writing in between -------------------------


@pytest.fixture
def two(tmp_path):
    """The TUI's connection and another program's, on one library holding one article."""
    first = Library(tmp_path / "two.db")
    _, stored = first.add_article(Article("Tin", BODY))
    second = Library(tmp_path / "two.db")
    yield first, second, stored.id
    first.close()
    second.close()


def test_a_note_changed_elsewhere_while_editing_keeps_both(two):
    tui, other, article_id = two
    made = work.add_highlight(tui, HighlightRef(article_id, None, (0, 14)))
    assert made.created and made.highlight.quote == "Hà Nội mở cửa."
    start = made.highlight.note  # the editor opens on ""
    other.set_highlight_note(made.highlight.id, "ghi chú của B")
    saved = work.save_highlight_note(tui, ref(made.highlight), start, "ghi chú của A")
    assert saved.outcome is SaveOutcome.MERGED
    assert other.get_highlight(made.highlight.id).note == "ghi chú của B\n\nghi chú của A"
    # Not changed elsewhere: a plain save.
    again = work.save_highlight_note(tui, ref(made.highlight), saved.highlight.note, "chỉ A")
    assert again.outcome is SaveOutcome.SAVED and other.get_highlight(made.highlight.id).note == "chỉ A"


def test_tags_are_added_and_removed_against_the_current_set(two):
    tui, other, article_id = two
    tui.set_article_tags(article_id, ["cũ", "giữ"])
    start = tui.get_article(article_id).tags  # the editor opens on ["cũ", "giữ"]
    other.add_article_tags(article_id, ["cli-tag"])  # `reader tag 1 cli-tag` while the editor is open
    edit = work.save_article_tags(tui, article_id, start, ["giữ", "mới"])
    assert edit.outcome is SaveOutcome.MERGED
    assert sorted(other.get_article(article_id).tags) == ["cli-tag", "giữ", "mới"]


def test_an_article_note_saved_over_an_unchanged_row_is_a_plain_save(two):
    tui, other, article_id = two
    edit = work.save_article_note(tui, article_id, "", "bài hay")
    assert edit.outcome is SaveOutcome.SAVED and other.get_article(article_id).note == "bài hay"
    other.set_article_note(article_id, "B sửa")
    edit = work.save_article_note(tui, article_id, "bài hay", "A sửa")
    assert edit.outcome is SaveOutcome.MERGED and other.get_article(article_id).note == "B sửa\n\nA sửa"


def test_set_note_if_writes_nothing_when_the_note_moved_on(two):
    tui, other, article_id = two
    other.set_article_note(article_id, "B")
    assert tui.set_note_if("A", expected="", article_id=article_id) is False
    assert other.get_article(article_id).note == "B"
    assert tui.set_note_if("A", expected="B", article_id=article_id) is True
    assert other.get_article(article_id).note == "A"


def test_highlight_span_is_shared_by_h_and_reader_highlight(two):
    from reader.services.annotations import highlight_span

    tui, other, article_id = two
    start = BODY.index("Đà")
    made, created = highlight_span(tui, article_id, start + 1, start + 7)
    assert created and made.quote == BODY[start + 1 : start + 7] and made.anchor.prefix.endswith("cửa. Đ")
    again, created = highlight_span(other, article_id, made.start, made.end)  # h on the same passage: no twin
    assert not created and again.id == made.id
    twin, created = highlight_span(other, article_id, made.start, made.end, reuse=False)  # the CLI's rule
    assert created and twin.id != made.id
