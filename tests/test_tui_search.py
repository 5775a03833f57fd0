"""Search in the TUI with Pilot: `/`, typing, enter, n/N through the hits, escape, bad queries, sorting."""

import unicodedata

import pytest
from textual.widgets import Input

from reader.model import Article
from reader.ui.app import make_app
from reader.ui.screens.editors import NoteEditor
from reader.ui.screens.help import HelpScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.search_bar import SearchBar
from tests.tui_helpers import library_with, widget_lines, widget_text
from tests.tui_helpers import settle as settle_jobs

WIDE = (180, 50)


@pytest.fixture
def library(tmp_path):
    library = library_with(tmp_path)  # the two sample articles
    library.add_article(
        Article(
            title="Đà Nẵng đón khách quốc tế",
            body="ĐÀ NẴNG — Thành phố Đà Nẵng đón nhiều khách.\n\nKhách đến Đà Nẵng bằng đường hàng không.",
            date="2024-03-01",
            place="Đà Nẵng",
            source="VNS",
        )
    )
    return library


async def settle(pilot, app):
    """Let the debounce fire, the search worker finish and its answer arrive."""
    await pilot.pause(0.25)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def search(pilot, app, typed: str):
    await pilot.press("slash")
    if typed.isascii():
        await pilot.press(*typed)
    else:  # Pilot has no key for every character: paste it, as a terminal would
        app.focused.insert_text_at_cursor(typed)
    await settle(pilot, app)


def list_pane(app) -> ArticleList:
    return app.screen.query_one(ArticleList)


def message(app) -> str:
    return str(app.screen.query_one("#search-message").render())


async def test_a_short_last_word_being_typed_does_not_empty_the_results(library):
    # "Lâ" is too short to match as the start of "Lâm": searched with it nothing matched, and the
    # results vanished and came back at every letter of ordinary two-letter syllables.
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await search(pilot, app, "Tô Lâ")
        assert "Việt Nam consistently considers Japan" in widget_text(list_pane(app))
        assert message(app).startswith("1 article without “Lâ”, still being typed")
        app.focused.insert_text_at_cursor("m")
        await settle(pilot, app)
        assert message(app).startswith("1 article · enter") and "without" not in message(app)
        app.focused.insert_text_at_cursor(" xy")  # a word that matches nothing stays nothing, once typed
        await settle(pilot, app)
        assert message(app).startswith("1 article without “xy”")
        app.focused.insert_text_at_cursor("z ")
        await settle(pilot, app)
        assert message(app).startswith("0 articles")


async def test_slash_opens_the_bar_and_results_update_as_you_type(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert not app.screen.query_one(SearchBar).display
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.screen.query_one(SearchBar).display
        await pilot.press(*"da nan")  # the last word matches as a prefix while typing
        await settle(pilot, app)
        text = widget_text(list_pane(app))
        assert "Đà Nẵng đón khách quốc tế" in text
        assert "Japan" not in text
        assert app.screen.query_one("#list-pane").border_title == "Search (1)"
        assert message(app).startswith("1 article")
        # The snippet line comes from the accented text, with the hit in it.
        assert "ĐÀ NẴNG — Thành phố Đà Nẵng" in text
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press(*"HÀ NỘI")
        await settle(pilot, app)
        text = widget_text(list_pane(app))
        assert "Hà Nội" in text and "Đà Nẵng đón" not in text
        assert len(list_pane(app).window) == 2


async def test_the_list_marks_the_hits_in_title_and_snippet(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await search(pilot, app, unicodedata.normalize("NFD", "Đà Nẵng"))
        widget = list_pane(app)
        strip_lines = [widget.render_line(y) for y in range(3)]
        marked = [seg.text for line in strip_lines for seg in line if seg.style and seg.style.underline]
        assert "Đà Nẵng" in marked  # in the title and in the snippet, as accented text
        assert len(marked) >= 2


async def test_enter_opens_the_result_at_its_first_hit_and_n_steps_through_the_hits(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await search(pilot, app, "da nang")
        await pilot.press("enter")
        await settle_jobs(pilot)
        assert app.focused is list_pane(app)
        await pilot.press("enter")
        await settle_jobs(pilot)
        reading = app.screen.query_one(ReadingPane)
        assert app.focused is reading
        body = reading.article.body
        assert [body[s:e] for s, e in reading.hits] == ["ĐÀ NẴNG", "Đà Nẵng", "Đà Nẵng"]
        assert reading.hit_index == 0 and reading.cursor_span[0] == 0
        border = app.screen.query_one("#reading-pane")
        await pilot.pause()
        assert str(border.border_subtitle).startswith("hit 1/3 · ")
        await pilot.press("n")
        assert reading.hit_index == 1 and not isinstance(app.screen, NoteEditor)
        await pilot.press("n")
        assert reading.hit_index == 2
        await pilot.pause()
        assert str(border.border_subtitle).startswith("hit 3/3 · ")
        assert body[reading.cursor_span[0] :].startswith("Khách đến Đà Nẵng")  # the second paragraph
        await pilot.press("n")
        assert reading.hit_index == 0  # wraps around, and says so
        assert any("last of 3 hits: back to the first" in str(n.message) for n in app._notifications)
        await pilot.press("N")
        assert reading.hit_index == 2
        footer_keys = {b.binding.key: b.binding.description for b in app.screen.active_bindings.values()}
        assert footer_keys["n"] == "Next hit"
        # escape clears the hits; n is Note again.
        await pilot.press("escape")
        assert reading.hits == [] and app.screen.searching
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        # A second escape in the reading pane clears the search itself.
        await pilot.press("escape")
        assert not app.screen.searching
        assert app.screen.query_one("#list-pane").border_title == "Articles (3)"


async def test_escape_in_the_bar_restores_the_whole_list(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await search(pilot, app, "quang ninh")
        assert len(list_pane(app).window) == 1
        await pilot.press("escape")
        assert not app.screen.query_one(SearchBar).display
        assert len(list_pane(app).window) == 3
        assert app.focused is list_pane(app)
        assert app.screen.query_one("#list-pane").border_title == "Articles (3)"
        # Opening an article now marks nothing.
        await pilot.press("enter")
        await settle_jobs(pilot)
        assert app.screen.query_one(ReadingPane).hits == []
        # The bar opens empty next time.
        await pilot.press("slash")
        assert app.focused.value == ""


async def test_escape_in_the_list_clears_an_active_search(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await search(pilot, app, "japan")
        await pilot.press("enter")  # to the results
        assert app.focused is list_pane(app)
        await pilot.press("escape")
        assert not app.screen.searching and len(list_pane(app).window) == 3


@pytest.mark.parametrize("typed", ['"ha noi', "-", "*", "tag:", "😀", "after:2025 before:2024", '"'])
async def test_a_malformed_query_shows_a_message_and_nothing_breaks(library, typed):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await search(pilot, app, typed)
        assert app.is_running
        status = app.screen.query_one("#search-message")
        assert status.has_class("-error")
        assert message(app) and "Traceback" not in message(app)
        assert len(list_pane(app).window) == 3  # the list is left as it was
        # Fixing the query brings results, and the error goes.
        await pilot.press("escape", "slash", *"japan")
        await settle(pilot, app)
        assert len(list_pane(app).window) == 2 and not status.has_class("-error")


@pytest.mark.parametrize("extra", [" -", " *", " 😀", " AND OR (", " col:"])
async def test_stray_syntax_after_good_words_is_harmless(library, extra):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await search(pilot, app, "japan" + extra)
        status = app.screen.query_one("#search-message")
        assert app.is_running and not status.has_class("-error")
        if extra in (" -", " *", " 😀"):  # nothing to search for in them: "japan" alone
            assert len(list_pane(app).window) == 2


async def test_nothing_found(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await search(pilot, app, "xyzzy")
        assert "Nothing matches “xyzzy”." in widget_lines(list_pane(app))[0]
        assert message(app).startswith("0 articles")


async def test_typing_keys_that_are_bindings_elsewhere_goes_into_the_bar(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await search(pilot, app, "q/s?n")
        assert app.is_running and app.focused.value == "q/s?n"
        assert not isinstance(app.screen, HelpScreen)


async def test_s_cycles_the_sort_order(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        title = lambda: str(app.screen.query_one("#list-pane").border_title)  # noqa: E731
        first_titles = lambda: [line.strip("▶●  ") for line in widget_lines(list_pane(app))[0:6:2]]  # noqa: E731
        assert title() == "Articles (3)"
        await pilot.press("s")
        assert app.screen.sort == "title" and title() == "Articles (3) · by title"
        assert first_titles()[0].startswith("Đà Nẵng")  # Đ sorts after D but before P and V
        assert first_titles()[1].startswith("Prime Minister")
        await pilot.press("s")
        assert app.screen.sort == "place" and title() == "Articles (3) · by place"
        assert [s for s in first_titles()][0].startswith("Đà Nẵng")  # Đà Nẵng < Hà Nội < Quảng Ninh
        assert first_titles()[1].startswith("Việt Nam consistently")
        await pilot.press("s")
        assert app.screen.sort == "date" and title() == "Articles (3)"


async def test_help_lists_the_search_keys(library):
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("question_mark")
        text = app.screen.shown_text()
        assert "Search" in text and "Next hit" in text and "Previous hit" in text
        assert "Sort" in text
