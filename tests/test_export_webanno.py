"""Web Annotation export: W3C shape, determinism, render → parse round trip, readable refusals."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.exporters.webanno import render
from reader.importers.webanno import ParsedAnnotation, parse
from reader.model import Anchor, Article, Highlight
from reader.text import clean

BODY = "Prime Minister Phạm Minh Chính met the ambassador in Hà Nội.\n\nĐà Nẵng hosted the forum."


def article(**kw) -> Article:
    values = dict(title="Việt Nam – Japan", body=BODY, date="2025-11-25", content_hash="3997782e35ff9ea9", id=2)
    values.update(kw)
    return Article(**values)


def highlight(phrase: str, **kw) -> Highlight:
    start = BODY.index(phrase)
    values = dict(
        article_id=2,
        anchor=Anchor(
            start, start + len(phrase), phrase, BODY[max(0, start - 32) : start], BODY[start + len(phrase) :][:32]
        ),
        created="2025-11-25T08:00:00Z",
        modified="2025-11-25T09:30:00Z",
    )
    values.update(kw)
    return Highlight(**values)


HIGHLIGHTS = [
    highlight("Đà Nẵng", id=7, color=3, note="Where?\n\nCheck the venue.", tags=["ngoại giao", "Đà Nẵng"]),
    highlight("Phạm Minh Chính", id=5, color=2, tags=["people"]),
    highlight("the ambassador", id=9, orphan=True, note="moved"),
]


def test_collection_has_the_w3c_shape():
    doc = json.loads(render([(article(), HIGHLIGHTS)], "2025-11-26T10:00:00Z"))
    assert doc["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert doc["type"] == "AnnotationCollection" and doc["total"] == 3
    assert doc["id"].startswith("urn:reader:export:")
    page = doc["first"]
    assert page["type"] == "AnnotationPage" and page["startIndex"] == 0
    first = page["items"][0]
    assert first["type"] == "Annotation"
    assert first["id"] == "urn:reader:highlight:3997782e35ff9ea9:5"
    assert first["motivation"] == "highlighting"
    assert first["created"] == "2025-11-25T08:00:00Z" and first["modified"] == "2025-11-25T09:30:00Z"
    assert first["target"]["source"] == {
        "id": "urn:reader:article:3997782e35ff9ea9",
        "type": "Text",
        "format": "text/plain",
        "dc:title": "Việt Nam – Japan",
        "dc:date": "2025-11-25",
    }
    quote, position = first["target"]["selector"]
    start = BODY.index("Phạm Minh Chính")
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "Phạm Minh Chính",
        "prefix": "Prime Minister ",
        "suffix": BODY[start + 15 :][:32],
    }
    assert position == {"type": "TextPositionSelector", "start": start, "end": start + 15}
    assert first["body"] == [{"type": "TextualBody", "value": "people", "purpose": "tagging"}]
    assert first["reader:color"] == 2 and first["reader:orphan"] is False
    second = page["items"][1]
    assert second["body"][0] == {
        "type": "TextualBody",
        "value": "Where?\n\nCheck the venue.",
        "format": "text/plain",
        "purpose": "commenting",
    }
    assert [b["value"] for b in second["body"] if b["purpose"] == "tagging"] == ["ngoại giao", "Đà Nẵng"]
    # reading order, orphans last
    assert [a["id"].rsplit(":", 1)[1] for a in page["items"]] == ["5", "7", "9"]
    assert page["items"][2]["reader:orphan"] is True


def test_render_is_deterministic_and_pretty():
    one = render([(article(), HIGHLIGHTS)], "2025-11-26T10:00:00Z")
    two = render([(article(), list(reversed(HIGHLIGHTS)))], "2025-11-26T10:00:00Z")
    assert one == two
    assert one.endswith("}\n") and "\n  " in one
    assert "Phạm Minh Chính" in one  # ensure_ascii=False: names stay readable


def test_render_then_parse_gives_back_everything():
    parsed = parse(
        render([(article(), HIGHLIGHTS), (article(content_hash="", title="Other"), [highlight("Hà Nội")])], "now")
    )
    assert len(parsed) == 4
    by_quote = {p.anchor.quote: p for p in parsed}
    for h in HIGHLIGHTS:
        p = by_quote[h.quote]
        assert p.anchor == h.anchor
        assert (p.note, p.tags, p.color, p.orphan) == (h.note, h.tags, h.color, h.orphan)
        assert (p.created, p.modified) == (h.created, h.modified)
        assert p.article_source == "urn:reader:article:3997782e35ff9ea9"
        assert p.article_hash == "3997782e35ff9ea9"
        assert p.id == f"urn:reader:highlight:3997782e35ff9ea9:{h.id}"
        assert p.article_title == "Việt Nam – Japan"
    other = by_quote["Hà Nội"]
    # without a stored hash, the article is identified by the hash of its body
    from reader.text import content_hash

    assert other.article_hash == content_hash(BODY)
    assert other.id.endswith(":n1")


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


@settings(max_examples=300, deadline=None)
@given(
    quote=texts.filter(lambda q: clean(q) != ""),  # an empty quote is refused (S11)
    prefix=texts,
    suffix=texts,
    note=texts,
    tags=st.lists(texts, max_size=3),
    start=st.integers(0, 10**6),
    length=st.integers(1, 1000),
    color=st.integers(1, 5),
    orphan=st.booleans(),
    title=texts,
)
def test_any_text_round_trips(quote, prefix, suffix, note, tags, start, length, color, orphan, title):
    h = Highlight(
        1, Anchor(start, start + length, quote, prefix, suffix), color=color, note=note, tags=tags, orphan=orphan, id=1
    )
    (p,) = parse(render([(article(title=title), [h])], "now"))
    assert p.anchor == Anchor(
        start, start + length, clean(quote), clean(prefix) if prefix else "", clean(suffix) if suffix else ""
    )
    assert p.note == clean(note)
    assert p.tags == [clean(t) for t in tags]
    assert (p.color, p.orphan) == (color, orphan)
    assert p.article_title == clean(title)


def test_parse_cleans_what_it_reads():
    doc = json.loads(render([(article(), HIGHLIGHTS[:1])], "now"))
    anno = doc["first"]["items"][0]
    anno["body"][0]["value"] = "Ha\u0300 No\u0323\u0302i \x1b[31mred\x1b[0m"  # decomposed, with an escape sequence
    anno["target"]["selector"][0]["exact"] = "Đa\u0300 Nẵng"
    (p,) = parse(json.dumps(doc))
    assert p.note == "Hà Nội red"
    assert p.anchor.quote == "Đà Nẵng"


def test_parse_accepts_other_w3c_shapes():
    anno = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "http://example.org/anno1",
        "type": "Annotation",
        "bodyValue": "A comment",
        "target": {
            "source": "http://example.org/page1",
            "selector": {
                "type": "TextQuoteSelector",
                "exact": "anotation",
                "prefix": "this is an ",
                "suffix": " that has",
            },
        },
    }
    for data in (anno, [anno], {"type": "AnnotationPage", "items": [anno]}):
        (p,) = parse(json.dumps(data))
        assert p.note == "A comment" and p.anchor.quote == "anotation" and p.anchor.start == -1
        assert p.article_source == "http://example.org/page1" and p.article_hash == ""
        assert p.color == 1 and p.tags == []
    assert parse(json.dumps({"type": "AnnotationCollection", "total": 0})) == []
    assert isinstance(parse(render([(article(), HIGHLIGHTS)], "now"))[0], ParsedAnnotation)


def _valid() -> dict:
    return json.loads(render([(article(), HIGHLIGHTS[:1])], "now"))


def _break(change):
    doc = _valid()
    change(doc["first"]["items"][0])
    return json.dumps(doc)


@pytest.mark.parametrize(
    "data, message",
    [
        ("", "invalid JSON"),
        ("{not json", "invalid JSON at line 1"),
        ('"just a string"', "expected a JSON object"),
        ("42", "expected a JSON object"),
        ('{"type": "Something"}', "expected an AnnotationCollection"),
        ("[1, 2]", "Annotation 1 is not a Web Annotation"),
        ('{"type": "AnnotationCollection", "first": "http://example.org/page2"}', "pages elsewhere"),
        ('{"type": "AnnotationPage", "items": {}}', "should be a list"),
        (_break(lambda a: a.pop("target")), "does not point at a passage"),
        (_break(lambda a: a["target"].update(selector=[])), "neither a TextQuoteSelector"),
        (_break(lambda a: a["target"]["selector"][1].update(start="3")), "start position should be a whole number"),
        (_break(lambda a: a["target"]["selector"][1].update(start=True)), "start position should be a whole number"),
        (_break(lambda a: a["target"]["selector"][1].update(start=9, end=3)), "not a passage"),
        (_break(lambda a: a["target"]["selector"][0].pop("exact")), "the quote (exact) is missing"),
        (_break(lambda a: a["target"]["selector"][0].update(exact=["x"])), "should be text, not list"),
        (_break(lambda a: a.update({"reader:color": 9})), "reader:color should be 1 to 5"),
        (_break(lambda a: a.update({"reader:color": "red"})), "reader:color should be a whole number"),
        (_break(lambda a: a.update({"reader:orphan": "yes"})), "reader:orphan should be true or false"),
        (_break(lambda a: a.update(body=[42])), "a body should be an object"),
        (_break(lambda a: a.update(body=[{"value": 3}])), "body's value should be text"),
    ],
)
def test_bad_input_is_refused_with_a_readable_message(data, message):
    with pytest.raises(ValueError) as info:
        parse(data)
    assert message in str(info.value)
