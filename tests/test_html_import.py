"""HTML → Article: the main text, its paragraph kinds and spans as offsets, decoding, and hostile pages."""

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader import text
from reader.exporters import opml as opml_export
from reader.importers import feed, html, opml
from reader.importers import parse as import_parse
from reader.model import Feed
from tests.helpers import DATA

BENCH = DATA / "article-extraction-benchmark"  # three pages of it, with its licence

LEAD = (
    "The National Assembly on Monday approved the revised Land Law, which takes effect next year and reshapes "
    "how farmland is valued across the country's 63 provinces and cities, officials said."
)
MORE = (
    "Deputies voted 432 to 12 after a debate that lasted three days. The government said the law would cut red "
    "tape for investors in Đà Nẵng and Quảng Ninh while protecting farmers who lose their land to projects."
)


def page(inner: str, head: str = "<meta charset='utf-8'>") -> bytes:
    return (
        f"<!doctype html><html><head>{head}<title>Land Law | News</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/w'>World</a></nav>"
        f"<article><h1>Land Law passes</h1>{inner}</article><footer>© News · Share</footer></body></html>"
    ).encode()


def check_offsets(article):
    paragraphs = article.body.split("\n\n")
    assert [article.body[b.start : b.end] for b in article.blocks] == paragraphs
    for span in article.spans:
        assert 0 <= span.start < span.end <= len(article.body)


def test_paragraph_kinds_and_spans_are_kept_beside_plain_text():
    inner = (
        f"<p>{LEAD}</p><h2>What changes</h2><p>{MORE} See <a href='/docs/law.pdf'>the text</a> and "
        "<a href='javascript:alert(1)'>this</a>, <em>in full</em>, <strong>today</strong>.</p>"
        "<blockquote><p>The land belongs to the people, and the State manages it on their behalf.</p></blockquote>"
        "<ul><li>Prices follow the market every year.</li><li>Farmers are paid before they move.</li></ul>"
        "<pre>Article 1\n\n  Scope of the law</pre>"
    )
    article = html.parse(page(inner), "law.html", url="https://news.example/vn/law")
    kinds = {article.body[b.start : b.end]: b.kind for b in article.blocks}
    assert kinds[LEAD] == "paragraph" and kinds["What changes"] == "heading"
    assert kinds["The land belongs to the people, and the State manages it on their behalf."] == "quote"
    assert kinds["Prices follow the market every year."] == "list item"
    check_offsets(article)
    links = {article.body[s.start : s.end]: s.url for s in article.links}
    assert links.get("the text") == "https://news.example/docs/law.pdf"
    assert "this" not in links  # javascript: is no link
    styled = {(s.kind, article.body[s.start : s.end]) for s in article.spans}
    assert ("emphasis", "in full") in styled and ("strong", "today") in styled
    assert "Home" not in article.body and "Share" not in article.body and "<" not in article.body


def test_the_import_registry_takes_html_and_keeps_the_raw_page():
    data = page(f"<p>{LEAD}</p><p>{MORE}</p>")
    article = import_parse(data, "saved.htm")
    assert article.title == "Land Law passes" and LEAD in article.body and article.raw == data
    assert article.body == text.clean(article.body)


def test_a_wrong_charset_declaration_is_survived_and_a_right_one_is_used():
    utf8_declared_latin1 = page(f"<p>{LEAD} Hà Nội.</p><p>{MORE}</p>", head="<meta charset='iso-8859-1'>")
    assert "Hà Nội" in html.parse(utf8_declared_latin1, "a.html").body
    latin1 = page(
        f"<p>{LEAD} Café crème.</p><p>{MORE}</p>".replace("Đà Nẵng", "Hue").replace("Quảng", "Quang"),
        head="<meta charset='windows-1252'>",
    )
    latin1 = latin1.decode("utf-8").encode("cp1252")
    assert "Café crème" in html.parse(latin1, "b.html").body


def test_a_page_without_an_article_or_a_binary_file_is_refused():
    with pytest.raises(text.InputError, match="no article text"):
        html.parse(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "empty.html")
    with pytest.raises(text.InputError):
        html.parse(b"\x89PNG\r\n\x1a\n\0\0\0binary", "image.html")


def test_hostile_markup_in_a_fragment_stays_text():
    body, blocks, spans = html.structure_from_fragment(
        "<p>[bold]x[/] \x1b[31mred <script>evil()</script><style>p{}</style>"
        "<a href='http://x/\x1b]8;;'>[link=http://y]</a> \u202edone</p>"
    )
    assert body == "[bold]x[/] red [link=http://y] ⟨U+202E⟩done"
    assert spans[0].url == "http://x/" and blocks[0].kind == "paragraph"  # the escape sequence went whole


def test_feed_discovery_reads_link_alternate_only():
    found = feed.discover(
        '<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
        '<link rel="stylesheet" href="/s.css"><link rel="alternate" type="application/rss+xml" href="rss">'
        '<link rel="alternate" type="application/rss+xml" href="javascript:x">',
        "https://site.example/news/",
    )
    assert found == ["https://site.example/atom.xml", "https://site.example/news/rss"]


def test_opml_reads_folders_as_tags_and_never_reads_an_external_entity():
    data = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/hostname">]><opml version="1.0"><body>
      <outline text="News"><outline text="VN" title="Vi&#7879;t Nam News" xmlUrl="https://vn.example/rss"/>
        <outline text="Dup" xmlUrl="https://vn.example/rss"/></outline>
      <outline text="Solo &amp; co" xmlUrl="https://solo.example/feed" category="tech,/science"/>
      <outline text="&ext;" xmlUrl="https://ent.example/feed"/></body></opml>"""
    subs = opml.parse(data)
    assert [(s.url, s.name, s.tags) for s in subs] == [
        ("https://vn.example/rss", "Việt Nam News", ["News"]),
        ("https://solo.example/feed", "Solo & co", ["tech", "science"]),
        ("https://ent.example/feed", "", []),
    ]
    with pytest.raises(text.InputError):
        opml.parse(b"<rss/>")


def test_opml_export_escapes_and_reads_back():
    feeds = [Feed(url="https://a.example/rss?x=1&y=2", name='A "quoted" <name>', tags=["t1", "t2"], full_text="always")]
    document = opml_export.render(feeds)
    (back,) = opml.parse(document.encode())
    assert (back.url, back.name, back.tags, back.full_text) == (feeds[0].url, feeds[0].name, ["t1", "t2"], "always")


def test_a_real_news_page_from_the_benchmark_is_extracted():
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    key = sorted(truth)[0]
    data = gzip.decompress((BENCH / "html" / f"{key}.html.gz").read_bytes())
    article = html.parse(data, "page.html", url=truth[key]["url"])
    expected = truth[key]["articleBody"].split("\n")[0].strip()
    assert expected[:80] in article.body
    check_offsets(article)


@given(st.text(alphabet="ab \n\t\u00a0é", max_size=30))
def test_whitespace_collapse_keeps_offsets_in_step(raw):
    out, position = html._collapse(raw)
    assert out == " ".join(raw.split())
    mapped = [position(i) for i in range(len(raw) + 1)]
    assert mapped == sorted(mapped) and mapped[-1] == len(out) and all(0 <= m <= len(out) for m in mapped)
    for i, ch in enumerate(raw):
        if not ch.isspace():
            assert out[mapped[i]] == ch  # every kept character is where its offset says


@given(st.binary(max_size=300) | st.text(alphabet="<>/=\"' abpdivhtml&;#x\n", max_size=200).map(str.encode))
def test_any_bytes_give_an_article_or_one_input_error(data):
    try:
        article = html.parse(data, "x.html")
    except text.InputError:
        return
    check_offsets(article)


def test_only_reader_fetch_imports_httpx():
    root = Path(__file__).resolve().parent.parent / "reader"
    users = sorted(
        str(p.relative_to(root)) for p in root.rglob("*.py") if "import httpx" in p.read_text(encoding="utf-8")
    )
    assert users == ["fetch/__init__.py"]


def test_spans_stay_on_their_words_when_cleaning_changes_the_length():
    """A paragraph is cleaned whole when that changes nothing, else piece by piece with its spans moved."""
    from reader.importers.html import structure_from_fragment

    body, _, spans = structure_from_fragment(
        '<p>Evil \u202e<b>bold\u200b text</b> and <a href="http://x.org">a link</a>.</p>'
    )
    assert body == "Evil ⟨U+202E⟩bold⟨U+200B⟩ text and a link."
    assert [(s.kind, body[s.start : s.end]) for s in spans] == [("strong", "bold⟨U+200B⟩ text"), ("link", "a link")]
