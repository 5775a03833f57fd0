"""Never lose your place: a relaunch opens the article that was open, where it was, with the same pane and order."""

from __future__ import annotations

import pytest

from reader.model import Article
from reader.ui.app import make_app
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.notes_pane import NotesPane
from reader.ui.widgets.reading_pane import ReadingPane
from tests.tui_helpers import library_with, settle, widget_text

WIDE = (180, 50)


async def test_a_relaunch_restores_article_position_pane_sort_and_row(tmp_path):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("s")  # by title
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("j", "j", "j")
        reading = app.screen.query_one(ReadingPane)
        open_id, position = app.screen.article.id, reading.cursor_span[0]
        sentence = reading.cursor
        await pilot.press("tab")  # the notes pane
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
    assert sentence == 3 and position > 0

    again = make_app(library)
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = again.screen
        assert screen.sort.value == "title"
        assert "by title" in str(screen.query_one("#list-pane").border_title)
        assert screen.article is not None and screen.article.id == open_id
        reading = screen.query_one(ReadingPane)
        assert reading.cursor == sentence and reading.cursor_span[0] == position
        assert again.focused is screen.query_one(NotesPane)
        assert screen.query_one(ArticleList).cursor == 1
        assert screen.article.title.split()[0] in widget_text(reading)
    library.close()


async def test_a_last_article_deleted_since_opens_nothing_and_says_nothing(tmp_path):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        open_id = app.screen.article.id
        await pilot.press("q")
        await settle(pilot)
    library.trash_article(open_id)
    again = make_app(library)
    async with again.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert again.screen.article is None
        assert "No article open" in widget_text(again.screen.query_one(ReadingPane))
        assert list(again._notifications) == []
        assert again.focused is again.screen.query_one(ArticleList)
    library.close()


async def test_d_asks_then_moves_the_article_to_the_trash_and_u_brings_it_back(tmp_path):
    from reader.ui.screens.editors import ConfirmDialog

    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "enter")
        await settle(pilot)
        hanoi = app.screen.article
        await pilot.press("h")  # a highlight goes to the trash with it
        await settle(pilot)
        await pilot.press("shift+tab", "D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Move “Việt Nam consistently" in str(app.screen.question)
        await pilot.press("n")  # no: nothing happens
        await settle(pilot)
        assert library.get_article(hanoi.id) is not None
        await pilot.press("D", "y")
        await settle(pilot)
        assert library.get_article(hanoi.id) is None
        assert [e.id for e in library.trashed()] == [hanoi.id]
        screen = app.screen
        assert screen.article is None and "No article open" in widget_text(screen.query_one(ReadingPane))
        assert "Việt Nam consistently" not in widget_text(screen.query_one(ArticleList))
        assert screen.query_one("#list-pane").border_title == "Articles (1)"
        assert any("to the trash — press u to undo" in n.message for n in app._notifications)
        await pilot.press("u")
        await settle(pilot)
        await pilot.pause()
        assert library.get_article(hanoi.id) is not None and len(library.highlights(hanoi.id)) == 1
        assert "Việt Nam consistently" in widget_text(screen.query_one(ArticleList))
        assert screen.query_one(ArticleList).current.id == hanoi.id
        assert "▶" not in widget_text(screen.query_one(ArticleList))  # back, but not open: no open mark
        await pilot.press("u")
        await pilot.pause()
        assert any("Nothing to undo" in n.message for n in app._notifications)
    library.close()


async def test_deleting_a_search_result_keeps_the_search_and_its_other_results(tmp_path):
    library = library_with(tmp_path)
    for n in range(3):
        library.add_article(Article(title=f"Huế story {n}", body=f"HUẾ — Story number {n} about Huế."))
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"hue", "enter")
        await pilot.pause(0.3)
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#list-pane").border_title == "Search (3)"
        await pilot.press("j", "D", "y")
        await pilot.pause(0.3)
        await settle(pilot)
        assert screen.query_one("#list-pane").border_title == "Search (2)"
        listed = widget_text(screen.query_one(ArticleList))
        assert "Huế story 1" not in listed and "Huế story 0" in listed and "Prime Minister" not in listed
        assert str(screen.query_one("#search-message").render()).startswith("2 articles")
        await pilot.press("u")
        await pilot.pause(0.3)
        await settle(pilot)
        assert screen.query_one("#list-pane").border_title == "Search (3)"
    library.close()


async def test_the_border_keeps_place_date_and_progress_in_sight(tmp_path):
    from reader.ui.widgets.reading_pane import CHARS_PER_MINUTE

    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=(80, 12)) as pilot:  # tiny: the text's own header scrolls away
        await pilot.press("j", "enter")
        await settle(pilot)
        pane = app.screen.query_one("#reading-pane")
        body = app.screen.article.body
        first_end = app.screen.query_one(ReadingPane).cursor_span[1]
        minutes = -(-(len(body) - first_end) // CHARS_PER_MINUTE)
        assert (
            str(pane.border_subtitle)
            == f"Hà Nội · 2025-04-03 · {round(100 * first_end / len(body))}% · {minutes} min left"
        )
        await pilot.press("G")
        await pilot.pause()
        assert str(pane.border_subtitle) == "Hà Nội · 2025-04-03 · 100% · the end"
        assert str(pane.border_title).startswith("Việt Nam consistently")
    library.close()


async def test_help_says_when_a_key_applies_and_explains_the_marks(tmp_path):
    from reader.ui.screens.help import HelpScreen

    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.shown_text()
        assert "Next hit (while search hits are marked)" in text
        assert "Note (when no search hits are marked)" in text
        assert "●  an article not read yet" in text and "▶  the article open" in text
        assert "enter  Save the tags" in text and "→  Take the suggested tag" in text
        assert "D  Delete article (to the trash)" in text
        await pilot.press("escape", "ctrl+c")
        await pilot.pause()
        assert any(str(n.message) == "Press q to quit (ctrl+q in a text field)." for n in app._notifications)
    library.close()


async def test_the_palettes_keys_entry_opens_this_apps_help(tmp_path):
    from reader.ui.screens.help import HelpScreen

    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Keys")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, HelpScreen)
    library.close()


async def test_long_titles_in_the_list_end_with_an_ellipsis(tmp_path):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = widget_text(app.screen.query_one(ArticleList)).splitlines()
        assert lines[0].endswith("…") and lines[0].startswith("● Prime Minister Phạm Minh Chính")
        assert len(lines[0]) == app.screen.query_one(ArticleList).scrollable_content_region.width
    library.close()


async def test_a_long_list_shows_its_first_rows_at_once_and_its_count_when_counted(tmp_path):
    from reader.model import Article
    from reader.store import Library

    library = Library(tmp_path / "long.db")
    library.add_articles_bulk(
        Article(
            id=None, title=f"Bài số {i:03}", body=f"Nội dung bài {i}.", date=f"2024-01-{1 + i % 28:02}", path=f"{i}.txt"
        )
        for i in range(250)
    )
    library.set_places({"row": str(library.page_articles(limit=200)[-1].id)})  # row 199: past the first page
    import threading

    counted_on: list[bool] = []
    count = Library.count_articles

    def spy(self, *args, **kwargs):
        counted_on.append(threading.current_thread() is threading.main_thread())
        return count(self, *args, **kwargs)

    Library.count_articles = spy
    app = make_app(library)
    try:
        async with app.run_test(size=WIDE) as pilot:
            screen = app.screen
            await settle(pilot)
            assert str(screen.query_one("#list-pane").border_title) == "Articles (250)"
            assert counted_on == [False]  # counted once, in a worker: never before the first frame
            articles = screen.query_one(ArticleList)
            assert len(articles.window) == 250 and articles.cursor == 199
            await pilot.press("G")
            assert articles.cursor == 249
    finally:
        Library.count_articles = count
    library.close()


async def test_the_notes_pane_keeps_a_notes_line_breaks(tmp_path):
    from reader.services.annotations import highlight_span

    library = library_with(tmp_path)
    article_id = library.page_articles(limit=2)[1].id
    highlight_span(library, article_id, 0, 8, note="Dòng một\n\n\nDòng  hai\n- ba")
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "enter")
        await settle(pilot)
        lines = [line.strip() for line in widget_text(app.screen.query_one(NotesPane)).splitlines()]
        at = lines.index("Dòng một")
        assert lines[at : at + 4] == ["Dòng một", "", "Dòng hai", "- ba"]
    library.close()


async def test_a_long_question_wraps_inside_its_dialog_at_80_columns(tmp_path):
    from textual.widgets import Label

    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("D")
        await pilot.pause()
        label = app.screen.query_one(Label)
        dialog = app.screen.query_one("#dialog")
        assert label.size.height >= 2  # wrapped, not cut at the dialog's edge
        assert label.region.right <= dialog.region.right
        await pilot.press("n")
    library.close()


@pytest.mark.parametrize("pane", [ReadingPane, NotesPane])
async def test_a_relaunch_on_a_narrow_terminal_gives_the_keys_to_the_pane_it_shows(tmp_path, pane):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter", *(["tab"] if pane is NotesPane else []))
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
    again = make_app(library)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = again.screen.query_one(pane)
        assert again.focused is shown and shown.parent.has_class("-current")
        if pane is ReadingPane:  # and the keys reach it
            before = shown.cursor
            await pilot.press("j")
            await settle(pilot)
            assert shown.cursor == before + 1
    library.close()
