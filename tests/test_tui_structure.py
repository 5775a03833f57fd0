"""A saved web page shows its structure in the reading pane: headings stand out, links are marked,
list items bulleted, quotes barred; the text on screen is the body exactly (issue 10)."""

from reader.services.imports import import_paths
from reader.store import Library
from reader.ui.app import make_app
from reader.ui.widgets.reading_pane import ReadingPane
from tests.tui_helpers import settle

PAGE = """<!doctype html><html><head><title>Hà Nội builds a metro line</title></head><body>
<article>
<h1>Hà Nội builds a metro line</h1>
<p>The city of <a href="https://example.org/hanoi">Hà Nội</a> opened its <strong>second</strong> metro line
on Thursday, after years of delays and a long public debate about its cost and its route.</p>
<h2>What riders say</h2>
<blockquote><p>It takes me twenty minutes instead of an hour, said Nguyễn Thị Lan, a teacher.</p></blockquote>
<ul><li>Twelve stations along the line.</li><li>Trains every six minutes at rush hour.</li></ul>
<p>More lines are planned for the next decade, the city's transport department said in a statement.</p>
</article></body></html>
"""


def _row(reading, needle):
    """(y, segments) of the first drawn line holding `needle`."""
    for y in range(reading.scrollable_content_region.height):
        segments = list(reading.render_line(y))
        if needle in "".join(s.text for s in segments):
            return segments
    raise AssertionError(f"{needle!r} is not on screen")


async def test_a_saved_page_shows_headings_links_lists_and_quotes(tmp_path):
    page = tmp_path / "metro.html"
    page.write_text(PAGE, encoding="utf-8")
    library = Library(tmp_path / "l.db")
    [result] = import_paths(library, [page])
    assert result.status == "imported", result
    app = make_app(library)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        reading = app.screen.query_one(ReadingPane)
        heading = _row(reading, "What riders say")
        assert any(s.style and s.style.bold for s in heading if "What riders" in s.text)
        link = _row(reading, "opened its")
        assert any(s.style and s.style.underline for s in link if s.text == "Hà Nội")
        item = _row(reading, "Twelve stations")
        assert item[0].text == "•"  # the bullet is in the margin, not in the text
        quote = _row(reading, "twenty minutes")
        assert quote[0].text == "│"
        # What is drawn after the margin is the body itself: offsets and selection stay true.
        body = reading.article.body
        assert "".join(s.text for s in item[1:]).strip() in body
        # A note or tag edit re-reads the article (get_article): its structure comes with it.
        reading.set_article(library.get_article(reading.article.id))
        assert _row(reading, "Twelve stations")[0].text == "•"
        assert library.get_article(reading.article.id).url == ""  # a saved file has no URL
