"""A huge article of tiny sentences opens at once: the reading pane finds sentences and wraps lines
only where the reader looks (issue 14, S12). No timing here: what is shown, and that keys still work."""

from reader.model import Anchor, Article
from reader.store import Library
from reader.ui.app import make_app
from reader.ui.widgets.reading_keys import HIGHLIGHT_COLOURS
from reader.ui.widgets.reading_pane import ReadingPane
from tests.tui_helpers import settle, widget_text

# 1.2 M sentences (5 MB): paragraphs of 100 sentences, then one paragraph of 200,000 with no break at all.
PARAGRAPHS = [f"Start{p}. " + " ".join(["Ab."] * 99) for p in range(10_000)]
GIANT = " ".join(["Cd."] * 200_000)
BODY = "First words here. " + "\n\n".join([*PARAGRAPHS, GIANT]) + " The very end."


async def test_a_huge_article_opens_and_G_shows_its_last_line(tmp_path):
    library = Library(tmp_path / "huge.db")
    _, article = library.add_article(Article(title="A huge article", body=BODY))
    end = len(BODY)
    library.add_highlight(article.id, Anchor(end - len("The very end."), end, "The very end."), color=2)
    app = make_app(library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        reading = app.screen.query_one(ReadingPane)
        shown = widget_text(reading)
        assert "A huge article" in shown and "First words here. Start0. Ab. Ab." in shown
        assert BODY[slice(*reading.cursor_span)] == "First words here."
        await pilot.press("G")
        await settle(pilot)
        lines = widget_text(reading).rstrip().split("\n")
        assert lines[-1].endswith("Cd. Cd. The very end.")
        assert BODY[slice(*reading.cursor_span)] == "The very end."
        assert reading.visible_offsets()[1] == end  # where the reader is, for progress and a saved place
        # The highlight on the last sentence is drawn there.
        last_y = next(y for y in range(30) if "The very end." in "".join(s.text for s in reading.render_line(y)))
        painted = [s for s in reading.render_line(last_y) if s.text == "The very end."]
        assert painted and painted[0].style.bgcolor.name == HIGHLIGHT_COLOURS[2]
        # The cursor walks back sentence by sentence, and a selection grows with it.
        await pilot.press("k", "v", "k")
        await settle(pilot)
        assert reading.selection_span == (end - len("Cd. Cd. The very end."), end - len(" The very end."))
        await pilot.press("escape")
        # A search hit far from the cursor: n brings it on screen, marked.
        hit = BODY.index("Start5000.")
        reading.set_hits([(hit, hit + len("Start5000"))])
        await pilot.press("n")
        await settle(pilot)
        assert "Start5000." in widget_text(reading)
        assert BODY[slice(*reading.cursor_span)] == "Start5000."
        await pilot.press("g")
        await settle(pilot)
        assert "First words here." in widget_text(reading)
        # Back to a saved place: the line holding it comes first on screen.
        place = BODY.index("Start7000.")
        reading.scroll_to_offset(place)
        await pilot.pause()
        start, _ = reading.visible_offsets()
        assert start <= place and widget_text(reading).split("\n")[0].lstrip().startswith("Start7000.")
