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
