"""The Markdown export of the two sample articles, byte for byte (UPDATE_GOLDEN=1 rewrites the files).

Read a changed golden file before accepting it: it is what a user opens in their notes app.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from reader.exporters.markdown import render
from reader.model import Anchor, Article, Highlight
from reader.text import content_hash
from tests.helpers import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
EXPORTED_AT = "2025-11-26T09:00:00Z"


def load_sample(name: str, title: str, place: str, article_id: int) -> Article:
    """An Article from a sample file: ' date YYYY-MM-DD DATELINE — body … — CREDIT'."""
    raw = next((ROOT / "sample_data").glob(f"{name}_*.txt")).read_text(encoding="utf-8")
    m = re.match(r"\s*date (\d{4}-\d\d-\d\d) (.+?) — ", raw)
    assert m, "sample file does not start with a date and a dateline"
    body, credit = raw[m.end() :].rstrip().rsplit(" — ", 1)
    return Article(
        title=title,
        body=body,
        date=m.group(1),
        dateline=m.group(2),
        place=place,
        source=credit,
        id=article_id,
        content_hash=content_hash(body),
    )


def at(article: Article, phrase: str, **kw) -> Highlight:
    """A highlight on `phrase`, anchored the way the store does it (offsets, quote, 32 chars of context)."""
    start = article.body.index(phrase)
    end = start + len(phrase)
    anchor = Anchor(start, end, phrase, article.body[max(0, start - 32) : start], article.body[end : end + 32])
    return Highlight(article_id=article.id, anchor=anchor, **kw)


def seed_000() -> tuple[Article, list[Highlight]]:
    article = load_sample("000", "Việt Nam considers Japan a top important partner: Party chief Tô Lâm", "Hà Nội", 1)
    article.tags = ["Japan", "diplomacy"]
    article.note = "Read alongside the November forum in Quảng Ninh (seed 002): same framing, two ministries later."
    highlights = [
        at(
            article,
            "a revolution to streamline its political apparatus",
            id=12,
            color=2,
            note="Compare with the 2024 restructuring:\n- fewer ministries\n- merged provinces\n\nFollow up: which agencies were merged *first*?",
            tags=["reform", "bộ máy nhà nước"],
        ),
        at(
            article,
            "Political trust has been further strengthened",
            id=11,
            color=1,
            note="Key claim.",
            tags=["ngoại giao", "economy"],
        ),
        at(article, "a top important partner", id=10, color=3, tags=["Japan"]),
        Highlight(
            article_id=1,
            anchor=Anchor(2410, 2446, "the diplomat's remarks at the reception", "Lâm praised ", " and said"),
            id=13,
            color=4,
            note="This sentence was rewritten in the updated story.",
            tags=["check"],
            orphan=True,
        ),
    ]
    return article, highlights


def seed_002() -> tuple[Article, list[Highlight]]:
    article = load_sample(
        "002", "PM Phạm Minh Chính calls on Japanese localities to keep accompanying Việt Nam", "Quảng Ninh", 2
    )
    article.tags = ["Japan", "local cooperation", "investment"]
    highlights = [
        at(
            article,
            "count more than cooperation agreements",
            id=21,
            color=4,
            note="A number is missing: “more than … cooperation agreements”. Check the VNA original.",
            tags=["fact check"],
        ),
        at(
            article,
            "Japanese investments in Việt Nam have risen by US$8 billion",
            id=22,
            color=1,
            note="US$8 billion over what period? #1 question for the interview.",
            tags=["investment", "số liệu"],
        ),
        at(article, "AEON Mall in Hải Phòng City", id=23, color=5, tags=["Hải Phòng"]),
        at(article, "double-digit growth from 2026", id=24, color=2),
    ]
    return article, highlights


CASES = {"seed-000.md": seed_000, "seed-002.md": seed_002}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name):
    article, highlights = CASES[name]()
    rendered = render(article, highlights, EXPORTED_AT)
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(rendered.encode("utf-8"))
    assert rendered.encode("utf-8") == path.read_bytes(), f"{name} changed; inspect it, then rerun with UPDATE_GOLDEN=1"


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_is_deterministic_and_order_free(name):
    article, highlights = CASES[name]()
    one = render(article, highlights, EXPORTED_AT)
    assert render(article, list(reversed(highlights)), EXPORTED_AT) == one
    assert one.endswith("\n") and not one.endswith("\n\n")


def test_golden_reads_as_intended():
    article, highlights = seed_000()
    markdown = render(article, highlights, EXPORTED_AT).split("\n---\n", 1)[1]
    html = MarkdownIt("commonmark").render(markdown)
    assert "<li>" not in html and "<em>" not in html  # the note's "- " lines and *first* stay text
    assert "- fewer ministries<br />" in html
    assert "<h3>Paragraph 1 · blue</h3>" in html
    assert (
        html.index("Paragraph 1 ·") < html.index("Paragraph 3 ·") < html.index("Paragraph 4 ·") < html.index("Orphan 1")
    )
