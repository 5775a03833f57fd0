"""The fast feed reader (lxml) gives the same entries as feedparser, or leaves the document to it."""

import pytest

from reader.importers import feed, feed_fast
from tests.feeds_server import atom, rss

RSS_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
    "<title>Tin &amp; bài</title><link>http://127.0.0.1/site</link>"
)


def _rss(*items: str) -> bytes:
    return (RSS_HEAD + "".join(f"<item>{i}</item>" for i in items) + "</channel></rss>").encode()


READ_FAST = {
    "full content": rss(
        [
            {
                "title": "Đà Nẵng mở cửa",
                "link": "http://127.0.0.1/a",
                "guid": "a",
                "author": "Nguyễn Văn A",
                "date": "Mon, 30 Nov 2026 08:01:00 GMT",
                "description": "<p>Short.</p>",
                "content": "<p>Thành phố <b>Đà Nẵng</b> <a href='/x'>mở cửa</a>.</p><ul><li>Một</li></ul>",
            },
            {"title": "No date", "guid": "b", "content": "<p>Body.</p>"},
        ]
    ),
    "summaries only": rss([{"title": "S", "link": "http://127.0.0.1/s", "description": "<p>Only this &amp; that</p>"}]),
    "markup in a title": _rss(
        "<title>A &lt;b&gt;bold&lt;/b&gt; [bold]x[/] &amp;amp;</title><guid>t</guid><description>d</description>",
        "<title><![CDATA[B <i>y</i> & z]]></title><guid>u</guid><description>d</description>",
    ),
    "hostile text": _rss(
        "<title>Evil \u202egnp.exe [link=x]click[/link]</title><guid>h</guid><dc:creator>A\u200bB \u2066x</dc:creator>"
        "<content:encoded><![CDATA[<script>alert(1)</script><p onclick='x'>Body \u202e<a href='javascript:x'>j</a>"
        "<a href='//127.0.0.1/rel'>r</a></p>]]></content:encoded>"
    ),
    "guid as the link, or not": _rss(
        "<title>P</title><guid>http://127.0.0.1/p</guid><description>d</description>",
        '<title>Q</title><guid isPermaLink="false">q-1</guid><description>d</description>',
        "<title>R</title><description>no guid, no link</description>",
    ),
    "tags, dc:date, media beside": _rss(
        "<title>T</title><link>http://127.0.0.1/t</link><category>Kinh tế</category><category> Xã hội </category>"
        "<dc:date>2026-11-29T23:30:00+07:00</dc:date><media:content url='http://127.0.0.1/i.jpg'/>"
        "<comments>http://127.0.0.1/c</comments><content:encoded>plain text, no tags</content:encoded>"
    ),
    "the bench's shape": _rss(
        "<title>Feed 3 story 1</title><link>http://127.0.0.1/3/1</link><guid>3-1</guid>"
        "<pubDate>Mon, 30 Nov 2026 08:01:00 GMT</pubDate>"
        "<content:encoded><![CDATA[<p>Hà Nội the assembly (3-1-0).</p><p>Đà Nẵng law (3-1-1).</p>]]></content:encoded>"
    ),
    "atom": atom(
        [
            {"id": "urn:1", "title": "Một", "link": "http://127.0.0.1/1", "author": "Lan", "content": "<p>A</p>"},
            {
                "id": "urn:2",
                "title": "Hai &amp; ba",
                "link": "https://127.0.0.1/2",
                "content": "<p>B <em>b</em></p>",
                "updated": "2026-01-02T03:04:05Z",
            },
        ]
    ),
    "atom with email and published": (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title type="html">F &amp;lt;i&amp;gt;</title>'
        b'<link href="http://127.0.0.1/"/><link rel="self" href="http://127.0.0.1/f"/>'
        b'<entry><title type="html">E &lt;b&gt;1&lt;/b&gt;</title><link rel="alternate" href="http://127.0.0.1/1"/>'
        b"<id>urn:1</id><updated>2026-11-30T08:00:00Z</updated><published>2026-11-29T08:00:00+07:00</published>"
        b"<author><name>Ann</name><email>a@example.org</email></author><summary>sum</summary>"
        b'<content type="html">&lt;p&gt;body&lt;/p&gt;</content><category term="k"/></entry>'
        b'<entry><title>E2</title><id>urn:2</id><summary type="text">only a summary</summary></entry></feed>'
    ),
}

LEFT_TO_FEEDPARSER = {
    "RSS 0.91": READ_FAST["summaries only"].replace(b'version="2.0"', b'version="0.91"'),
    "a wrong charset": READ_FAST["full content"].replace(b'encoding="utf-8"', b'encoding="iso-8859-1"'),
    "a DTD": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]>' + READ_FAST["summaries only"].split(b"?>", 1)[1],
    "markup inside a title": _rss("<title>A <b>b</b></title><guid>1</guid><description>d</description>"),
    "an e-mail author": _rss(
        "<title>A</title><guid>1</guid><author>a@example.org (A)</author><description>d</description>"
    ),
    "two links": _rss("<title>A</title><link>http://127.0.0.1/1</link><link>http://127.0.0.1/2</link>"),
    "media:title": _rss("<title>A</title><guid>1</guid><media:title>B</media:title><description>d</description>"),
    "media:title in a picture": _rss(
        "<title>A</title><guid>1</guid><media:content url='x'><media:title>B</media:title></media:content>"
    ),
    "a summary in RSS": _rss("<title>A</title><guid>1</guid><summary>B</summary>"),
    "an odd date": _rss("<title>A</title><guid>1</guid><pubDate>someday</pubDate><description>d</description>"),
    "xhtml content": (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry><id>1</id>'
        b'<title>T</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x</div></content></entry></feed>'
    ),
    "a relative link": atom([{"id": "1", "title": "T", "link": "/rel", "content": "<p>x</p>"}]),
    "malformed": READ_FAST["summaries only"][:-20],
}


def _slow(data: bytes, monkeypatch) -> feed.ParsedFeed:
    with monkeypatch.context() as m:
        m.setattr(feed_fast, "parse", lambda data: None)
        return feed.parse(data, "http://127.0.0.1/feed")


@pytest.mark.parametrize("name", READ_FAST)
def test_the_fast_reader_gives_what_feedparser_gives(name, monkeypatch):
    data = READ_FAST[name]
    assert feed_fast.parse(data) is not None, "this document should be read fast"
    fast = feed.parse(data, "http://127.0.0.1/feed")
    assert fast.entries, "the document has entries"
    assert fast == _slow(data, monkeypatch)


@pytest.mark.parametrize("name", LEFT_TO_FEEDPARSER)
def test_what_the_fast_reader_does_not_know_goes_to_feedparser(name):
    assert feed_fast.parse(LEFT_TO_FEEDPARSER[name]) is None
