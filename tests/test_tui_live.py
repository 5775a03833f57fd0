"""Another program's changes show up in the open TUI within about a second, cursor kept."""

from __future__ import annotations

import asyncio

from reader.services.annotations import highlight_span
from reader.store import Library
from reader.ui.app import make_app
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.notes_pane import NotesPane
from reader.ui.widgets.reading_pane import ReadingPane
from tests.tui_helpers import library_with, settle, widget_text

WIDE = (180, 50)


async def wait_until(pilot, condition, seconds: float = 10.0) -> None:
    """Let the app run until `condition()` holds (the check runs each second), or fail after `seconds`."""
    for _ in range(int(seconds * 10)):
        await pilot.pause()
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the change never showed up")


async def test_another_programs_highlight_note_and_new_article_show_up_with_the_cursor_kept(tmp_path):
    library = library_with(tmp_path)
    other = Library(tmp_path / "tui.db")  # a second program: its own connection
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("j", "j")
        reading = app.screen.query_one(ReadingPane)
        cursor = reading.cursor
        article = app.screen.article
        start = article.body.index("Japan")
        highlight_span(other, article.id, start, start + len("Japan"), color=2, note="từ nơi khác")
        other.set_article_note(article.id, "Ghi chú của chương trình khác")
        notes = app.screen.query_one(NotesPane)
        await wait_until(pilot, lambda: "từ nơi khác" in widget_text(notes))
        assert "Ghi chú của chương trình khác" in widget_text(notes)
        assert reading.cursor == cursor and app.focused is reading
        assert any(h.note == "từ nơi khác" for h in reading.highlights)

        new = tmp_path / "tin-moi.txt"
        new.write_text(
            "Tin mới từ Đà Nẵng\n\nĐÀ NẴNG — Một bài báo mới, nhập bởi chương trình khác.\n", encoding="utf-8"
        )
        from reader.services.imports import import_paths

        assert [r.status for r in import_paths(other, [new])] == ["imported"]
        await wait_until(pilot, lambda: app.screen.query_one("#list-pane").border_title == "Articles (3)")
        assert app.screen.query_one(ArticleList).current is not None
    other.close()
    library.close()


async def test_an_article_deleted_by_another_program_closes_with_a_message(tmp_path):
    library = library_with(tmp_path)
    other = Library(tmp_path / "tui.db")
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        other.trash_article(app.screen.article.id)
        await wait_until(pilot, lambda: app.screen.article is None)
        assert "No article open" in widget_text(app.screen.query_one(ReadingPane))
        assert any("deleted by another program" in str(n.message) for n in app._notifications)
        assert app.screen.query_one("#list-pane").border_title == "Articles (1)"
    other.close()
    library.close()


async def test_a_newer_article_from_elsewhere_keeps_the_cursor_on_its_article(tmp_path):
    from reader.services.imports import import_paths

    library = library_with(tmp_path)
    other = Library(tmp_path / "tui.db")
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j")
        articles = app.screen.query_one(ArticleList)
        under = articles.current.id
        new = tmp_path / "moi.txt"
        new.write_text(" date 2026-11-30\nTin mới nhất\n\nHÀ NỘI — Bài mới nhất, đầu danh sách.\n", encoding="utf-8")
        assert [r.status for r in import_paths(other, [new])] == ["imported"]
        await wait_until(pilot, lambda: app.screen.query_one("#list-pane").border_title == "Articles (3)")
        await settle(pilot)
        assert articles.current.id == under and articles.cursor == 2
        assert "Tin mới nhất" in widget_text(articles).splitlines()[0]
    other.close()
    library.close()


async def test_an_article_another_program_inserts_by_hand_is_searchable_in_the_open_tui(tmp_path):
    import sqlite3

    from tests.test_search_index import FOREIGN

    library = library_with(tmp_path)
    app = make_app(library)

    def indexed() -> bool:  # both indexes hold it, as a plain SQLite connection sees them
        with sqlite3.connect(library.path) as look:
            exact = look.execute("SELECT rowid FROM search_exact WHERE search_exact MATCH 'Quốc'").fetchall()
            folded = look.execute("SELECT rowid FROM search_index WHERE search_index MATCH 'quoc'").fetchall()
        look.close()
        return bool(exact) and exact == folded

    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        with sqlite3.connect(library.path) as other:
            other.execute(FOREIGN, ("x", "Biển Phú Quốc", "Đảo Phú Quốc mùa khô.", "Phú Quốc"))
        other.close()
        await wait_until(pilot, lambda: app.screen.query_one("#list-pane").border_title == "Articles (3)")
        await wait_until(pilot, indexed)
        await pilot.press("slash", *"Phú Quốc", "enter")
        await settle(pilot)
        assert "Biển Phú Quốc" in widget_text(app.screen.query_one(ArticleList))
    library.close()
