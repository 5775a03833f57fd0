"""A highlight made on an article that changed on disk meanwhile lands on the passage the reader saw (S6)."""

from reader.services.imports import import_paths
from reader.store import Library
from reader.ui.app import make_app
from reader.ui.widgets.reading_pane import ReadingPane
from tests.tui_helpers import settle


async def test_a_highlight_on_a_stale_article_lands_on_the_text_the_reader_saw(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Alpha title\n\nAlpha sentence one. Bravo sentence two.\n", encoding="utf-8")
    library = Library(tmp_path / "l.db")
    [result] = import_paths(library, [source])
    app = make_app(library)
    async with app.run_test(size=(180, 50)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        reading = app.screen.query_one(ReadingPane)
        # Another program re-imports the file with a paragraph on top while the article is open.
        source.write_text(
            "Alpha title\n\nH WAS ADDED HERE BY another program. It moves everything.\n\n"
            "Alpha sentence one. Bravo sentence two.\n",
            encoding="utf-8",
        )
        other = Library(tmp_path / "l.db")
        assert [r.status for r in import_paths(other, [source])] == ["updated"]
        other.close()
        while "Bravo" not in reading.article.body[slice(*reading.cursor_span)]:
            await pilot.press("j")
        await pilot.press("h")
        await settle(pilot)
    [highlight] = library.highlights(result.article_id)
    body = library.get_article(result.article_id).body
    assert highlight.quote == "Bravo sentence two."
    assert body[highlight.start : highlight.end] == "Bravo sentence two."
