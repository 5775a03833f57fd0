"""The Markdown export reads back, through a CommonMark parser, as exactly the text that went in.

Every quote, note, title, hashtag and the place · date · source line is extracted from
markdown-it-py's token stream and compared with `text.clean(input)`; the front matter must load
back with yaml.safe_load to the same values. CI runs the "ci" Hypothesis profile (a few hundred
examples); READER_HYPOTHESIS=thorough runs 10,000 (see tests/conftest.py).
"""

from __future__ import annotations

import string
import unicodedata

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from reader.exporters.markdown import COLOUR_NAMES, obsidian_tags, reading_order, render
from reader.model import Anchor, Article, Highlight
from reader.text import clean

MD = MarkdownIt("commonmark")


# --------------------------------------------------------------------------- reading back


def split_front_matter(doc: str) -> tuple[dict, str]:
    """The loaded YAML front matter and the Markdown after it."""
    assert doc.startswith("---\n")
    end = doc.index("\n---\n", 3)
    return yaml.safe_load(doc[4 : end + 1]), doc[end + len("\n---\n") :]


def inline_text(children) -> str:
    """Plain text of inline tokens; anything but text and hard breaks is leaked structure."""
    parts = []
    for child in children:
        if child.type == "text":
            parts.append(child.content)
        elif child.type == "hardbreak":
            parts.append("\n")
        else:
            raise AssertionError(f"user text turned into Markdown structure: {child.type}")
    return "".join(parts)


def labelled(children) -> tuple[str | None, str]:
    """(label, text) of a paragraph starting with a bold label like **Note:**, else (None, text)."""
    # markdown-it-py sometimes leaves an empty text token in front; it carries nothing.
    children = [c for c in children if not (c.type == "text" and c.content == "")]
    if len(children) >= 3 and [c.type for c in children[:3]] == ["strong_open", "text", "strong_close"]:
        label = children[1].content
        rest = children[3:]
        assert rest and rest[0].type == "text" and rest[0].content.startswith(" ")
        text = inline_text(rest)
        return label, text[1:]
    return None, inline_text(children)


def read_back(markdown: str) -> dict:
    """The export's structure as plain data: title, meta line, article note, sections of highlights."""
    tokens = MD.parse(markdown)
    doc: dict = {"title": None, "meta": None, "note": None, "sections": {}, "explanations": []}
    section = None
    item = None
    last = None  # the kind of the last block, so a note's later paragraphs find their note
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        assert tok.level == 0, f"unexpected nesting at {tok.type}"
        if tok.type == "heading_open":
            text = inline_text(tokens[i + 1].children)
            if tok.tag == "h1":
                assert doc["title"] is None
                doc["title"] = text
            elif tok.tag == "h2":
                section = doc["sections"].setdefault(text, [])
                item = None
            else:
                assert tok.tag == "h3" and section is not None
                item = {"heading": text, "quote": None, "note": None, "tags": None}
                section.append(item)
            last = tok.tag
            i += 3
        elif tok.type == "blockquote_open":
            assert item is not None and item["quote"] is None
            paragraphs = []
            i += 1
            while tokens[i].type != "blockquote_close":
                assert tokens[i].type == "paragraph_open", tokens[i].type
                paragraphs.append(inline_text(tokens[i + 1].children))
                i += 3
            item["quote"] = "\n\n".join(paragraphs)
            last = "quote"
            i += 1
        elif tok.type == "paragraph_open":
            label, text = labelled(tokens[i + 1].children)
            owner = item if item is not None else doc
            if label == "Note:":
                assert owner["note"] is None
                owner["note"] = text
                last = "note"
            elif label == "Tags:":
                assert item is not None and item["tags"] is None
                item["tags"] = text
                last = "tags"
            elif label is not None:
                raise AssertionError(f"unknown label {label!r}")
            elif last == "note":
                owner["note"] += "\n\n" + text
            elif last == "h1":
                doc["meta"] = text
                last = "meta"
            elif last == "h2" and item is None:
                doc["explanations"].append(text)
                last = "explanation"
            else:
                raise AssertionError(f"stray paragraph after {last}: {text!r}")
            i += 3
        else:
            raise AssertionError(f"unexpected block {tok.type}")
    return doc


# --------------------------------------------------------------------------- strategies

VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
CHARS = string.punctuation + string.ascii_letters + string.digits + VIETNAMESE + VIETNAMESE.upper() + "Đ  \t\n"
TOKENS = [
    "```",
    "~~~",
    "---",
    "===",
    "***",
    "___",
    "1.",
    "1)",
    "2025.",
    "    ",
    "\t",
    "  \n",
    "\\\n",
    "\\",
    "\n\n",
    "\n\n\n",
    "> ",
    "# ",
    "## x ##",
    "- ",
    "+ ",
    "* ",
    "<script>",
    "</script>",
    "<div>",
    "*emphasis*",
    "_x_",
    "**b**",
    "`code`",
    "``",
    "[link](x)",
    "![img](x)",
    "[x]: /url",
    "[x]",
    "&amp;",
    "&#65;",
    "&#x41;",
    "&nbsp;",
    "&",
    "<http://autolink>",
    "<a@b.c>",
    "<!-- c -->",
    "| a | b |\n|---|---|",
    "~~del~~",
    "\u00a0",
    "\u3000",
    "\u2028",
    "\u0301",
    "=\u0338",
    "\r\n",
    "Hà Nội",
    "Phạm Minh Chính",
    "Đà Nẵng",
    "Quảng Ninh",
    "Việt Nam’s",
    "e.g.",
    "$5",
    "www.x.com",
]
# One choice per piece (a character or a token) keeps generation cheap; a quarter of pieces are tokens.
markdownish = st.lists(st.sampled_from(list(CHARS) + TOKENS), max_size=24).map("".join)
printable = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t "), max_size=24
)
texts = st.one_of(markdownish, printable)

BODY = "First paragraph.\n\nSecond paragraph, a little longer.\n\nThird."


@st.composite
def exports(draw):
    """An article and 1-2 highlights whose every text field comes from a small pool of drawn texts.

    Drawing a few texts and sharing them between fields keeps an example cheap (generation, not
    rendering, is what costs), while over many examples every field still sees every kind of text.
    """
    pool = draw(st.lists(texts, min_size=1, max_size=4))
    pick = st.sampled_from(pool)
    tags = st.lists(pick, max_size=2)
    article = Article(
        title=draw(pick),
        body=BODY,
        date=draw(st.one_of(st.none(), st.just("2025-04-03"), pick)),
        place=draw(pick),
        source=draw(pick),
        tags=draw(tags),
        note=draw(pick),
        id=draw(st.one_of(st.none(), st.integers(1, 10**6))),
        content_hash="7e6c3dc501d06e4e",
    )
    highlights = []
    for n in range(draw(st.integers(1, 2))):
        start = draw(st.integers(0, len(BODY)))
        highlights.append(
            Highlight(
                article_id=1,
                anchor=Anchor(start=start, end=start, quote=draw(pick)),
                color=draw(st.integers(1, 5)),
                note=draw(pick),
                tags=draw(tags),
                orphan=draw(st.booleans()),
                id=n,
            )
        )
    return article, highlights


# --------------------------------------------------------------------------- checks


def check_export(article: Article, highlights: list[Highlight]) -> None:
    doc = render(article, highlights, "2025-11-25T08:00:00Z")
    assert doc.endswith("\n") and not doc.endswith("\n\n")
    assert unicodedata.normalize("NFC", doc) == doc

    meta, markdown = split_front_matter(doc)
    assert meta.get("title") == (clean(article.title) or None)
    # Obsidian's tag form, each spelling once; empty fields are left out (never null or "").
    assert meta.get("tags") == (obsidian_tags(article.tags) or None)
    assert all(" " not in t and t for t in meta.get("tags", []))
    assert meta.get("place") == (clean(article.place) or None)
    assert meta.get("source") == (clean(article.source) or None)
    assert meta.get("date") == (clean(article.date or "") or None)
    assert None not in meta.values() and "" not in meta.values()
    assert meta.get("article_id") == article.id
    assert meta["exported_at"] == "2025-11-25T08:00:00Z"

    got = read_back(markdown)
    title = clean(article.title)
    assert got["title"] == (title if title.strip() else "Untitled")
    parts = [p for p in (clean(article.place), clean(article.date or ""), clean(article.source)) if p]
    assert got["meta"] == (" · ".join(parts) if parts else None)
    assert got["note"] == (clean(article.note) or None)

    expected = {
        "Highlights": sorted((h for h in highlights if not h.orphan), key=reading_order),
        "Orphaned highlights": sorted((h for h in highlights if h.orphan), key=reading_order),
    }
    expected = {k: v for k, v in expected.items() if v}
    assert list(got["sections"]) == list(expected)
    for name, hs in expected.items():
        items = got["sections"][name]
        assert len(items) == len(hs)
        for number, (h, item) in enumerate(zip(hs, items), 1):
            where = f"Orphan {number}" if h.orphan else f"Paragraph {BODY[: h.start].count(chr(10) * 2) + 1}"
            assert item["heading"] == f"{where} · {COLOUR_NAMES[h.color]}"
            assert item["quote"] == clean(h.quote)
            assert item["note"] == (clean(h.note) or None)
            tags = " ".join("#" + t for t in obsidian_tags(h.tags))
            assert item["tags"] == (tags or None)
    if "Orphaned highlights" in expected:
        assert got["explanations"] == ["These passages were not found in the current text of the article."]


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(exports())
def test_export_reads_back_as_the_same_text(export):
    check_export(*export)


NASTY = [
    "# heading",
    "## x ##",
    "> quote",
    "- item",
    "+ item",
    "* item",
    "1. item",
    "1) item",
    "```",
    "~~~",
    "---",
    "===",
    "***",
    "| a | b |",
    "    indented",
    "\tindented",
    "<script>alert(1)</script>",
    "<div>",
    "*emphasis*",
    "_x_",
    "`code`",
    "[link](x)",
    "![img](x)",
    "&amp;",
    "&#65;",
    "&#x41;",
    "back\\slash",
    "\\",
    "hard  \nbreak",
    "hard\\\nbreak",
    "trailing  ",
    "trailing\\",
    "<http://autolink>",
    "  leading",
    " ",
    "\n",
    "\n\n",
    "\n\n\n",
    "a\n\nb",
    "a\n\n\nb",
    "a\nb",
    "\na\n",
    "a\n \nb",
    "x\t",
    "Hà Nội\n\nPhạm Minh Chính",
    "[x]: /url\n\ntext",
    "a\n===",
    "a\n---",
    "<!-- c -->",
    "~~del~~",
    "  # not a heading  ",
    "\u00a0nbsp\u00a0",
    "\u3000ideographic\u3000",
    "R&D",
    "C# and F#",
    "1.5 billion",
]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_text_round_trips_everywhere(text):
    article = Article(title=text, body=BODY, place=text, source=text, tags=[text], note=text, content_hash="x")
    highlights = [
        Highlight(1, Anchor(0, 5, text), note=text, tags=[text, "ngoại giao"], id=1),
        Highlight(1, Anchor(20, 25, text), note=text, orphan=True, id=2),
    ]
    check_export(article, highlights)


@pytest.mark.parametrize("title", ['"a: b" #x', "---", "[x]", "yes", "null", "  lead", "a\n---\nb", "~", "'", "*"])
def test_front_matter_survives_yaml_lookalikes(title):
    article = Article(title=title, body=BODY, tags=[title, "ngoại giao"])
    doc = render(article, [], "2025-11-25T08:00:00Z")
    meta, markdown = split_front_matter(doc)
    assert meta["title"] == title and meta.get("tags") == obsidian_tags([title, "ngoại giao"])
    assert read_back(markdown)["title"] == title
