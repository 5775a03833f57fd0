"""Each idea is defined once: the title's lead sentence is the reading pane's first sentence."""

import pytest

from reader import segment
from reader.importers.common import lead_sentence

CASES = [
    "Mr. Lâm met PGS.TS. Nguyễn Văn A in Hà Nội. Then they left.",
    "No. 5 Lê Duẩn Street opened on Jan. 5 at 9 a.m. The crowd cheered.",
    "“We will go,” he said. “Today.”",
    "The ministry said 14A-130... 23 cars were checked. More followed.",
    "U.S. President Trump met Gen. Lương Cường. Talks went on.",
    "A line with no stop at all",
]


@pytest.mark.parametrize("paragraph", CASES)
def test_lead_sentence_is_the_first_sentence_the_reading_pane_shows(paragraph):
    start, end = segment.sentence_spans(paragraph)[0]
    assert lead_sentence(paragraph) == paragraph[start:end]


def test_the_ui_and_the_titles_shorten_text_the_same_way_and_never_split_a_letter():
    from reader.importers.common import shorten
    from reader.ui.widgets.notes_pane import trim

    word = "Nghệ" + "\u0323" * 0 + "ệ" * 60  # one enormous word of stacked marks
    for s in ("Việt Nam consistently considers Japan as a top important partner", word):
        for limit in (10, 25, 40):
            assert trim(s, limit) == shorten(s, limit)
            cut = trim(s, limit)
            assert len(cut) <= limit
            assert cut.endswith("…") or cut == s


def test_colour_names_are_defined_once():
    from reader.exporters import markdown
    from reader.model import COLOUR_NAMES
    from reader.ui.widgets import reading_pane

    assert markdown.COLOUR_NAMES is COLOUR_NAMES and reading_pane.COLOUR_NAMES is COLOUR_NAMES
