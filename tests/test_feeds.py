"""Feeds end to end against a real server on 127.0.0.1: subscribe, update, full text, errors, identity."""

import pytest

from reader import anchoring
from reader.fetch import Fetcher
from reader.services import feeds as service
from reader.store import Library
from reader.store.feeds import FeedStore
from tests.feeds_server import Reply, article_page, atom, rss
from tests.helpers import DATA, SAMPLES

LONG = [
    "HÀ NỘI — The National Assembly on Monday approved the revised Land Law, which takes effect next year "
    "and reshapes how farmland is valued across the country's 63 provinces and cities.",
    "Deputies voted 432 to 12. Prime Minister Phạm Minh Chính said the law would cut red tape for investors "
    "in Đà Nẵng and Quảng Ninh while protecting the rights of farmers who lose their land.",
    "Critics said compensation rules still favour developers over farmers, and asked for independent "
    "valuation boards in every province before the law takes effect in January.",
]


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "lib.db")
    yield lib
    lib.close()


@pytest.fixture
def fetcher():
    f = Fetcher(connect_timeout=2, total_timeout=3, max_retry_wait=0.5)
    yield f
    f.close()


def subscribe_and_update(library, fetcher, url, **options):
    feed = service.subscribe(library, fetcher, url, **options)
    results = list(service.update(library, fetcher, [feed]))
    return FeedStore(library).feed(feed.id), results


def articles(library):
    store = FeedStore(library)
    return [store.get(s.id) for s in library.list_articles()]


def test_full_content_entries_become_articles_with_their_metadata(server, library, fetcher):
    server.routes["/rss"] = Reply(
        rss(
            [
                {
                    "title": "Assembly passes Land Law",
                    "link": server.url("/land"),
                    "guid": "land-1",
                    "author": "Nguyễn Văn A",
                    "date": "Mon, 30 Nov 2026 08:00:00 GMT",
                    "content": "".join(f"<p>{p}</p>" for p in LONG[:2]) + "<blockquote>We will listen.</blockquote>",
                }
            ],
            title="Politics &amp; Laws",
        )
    )
    feed, results = subscribe_and_update(library, fetcher, server.url("/rss"), tags=["politics"])
    assert feed.name == "Politics & Laws" and feed.articles == 1 and feed.unread == 1 and not feed.last_error
    assert results[0].new == 1
    (article,) = articles(library)
    assert article.title == "Assembly passes Land Law"
    assert article.author == "Nguyễn Văn A" and article.date == "2026-11-30" and article.feed == "Politics & Laws"
    assert article.url == server.url("/land") and article.tags == ["politics"]
    assert article.body == "\n\n".join([*LONG[:2], "We will listen."])
    assert [b.kind for b in article.blocks] == ["paragraph", "paragraph", "quote"]
    assert server.hits("/land") == 0  # the entry was whole: no page fetched


def test_a_repeated_update_creates_nothing_and_uses_the_etag(server, library, fetcher):
    items = [{"title": f"Story {i}", "guid": f"g{i}", "content": f"<p>{LONG[i]}</p>"} for i in range(3)]
    server.routes["/rss"] = Reply(rss(items), etag='"abc"')
    feed, _ = subscribe_and_update(library, fetcher, server.url("/rss"))
    assert feed.articles == 3 and feed.etag == '"abc"'
    (again,) = service.update(library, fetcher)
    assert again.not_modified and again.new == 0
    assert server.log[-1][1]["if-none-match"] == '"abc"'
    server.routes["/rss"] = Reply(rss(items))  # no validators now: a full answer with the same entries
    (third,) = service.update(library, fetcher)
    assert (third.new, third.updated) == (0, 0) and library.count_articles() == 3


def test_an_edited_entry_updates_its_article_in_place_and_highlights_follow(server, library, fetcher):
    server.routes["/rss"] = Reply(rss([{"title": "Story", "guid": "same", "content": f"<p>{LONG[1]}</p>"}]))
    subscribe_and_update(library, fetcher, server.url("/rss"))
    (article,) = articles(library)
    start = article.body.index("Phạm Minh Chính")
    library.add_highlight(article.id, anchoring.make_anchor(article.body, start, start + len("Phạm Minh Chính")))
    edited = f"<p>Updated at noon.</p><p>{LONG[1]}</p>"
    server.routes["/rss"] = Reply(rss([{"title": "Story (updated)", "guid": "same", "content": edited}]))
    (result,) = service.update(library, fetcher)
    assert result.updated == 1 and result.new == 0
    (after,) = articles(library)
    assert after.id == article.id and after.title == "Story (updated)"
    (h,) = library.highlights(article.id)
    assert not h.orphan and after.body[h.start : h.end] == "Phạm Minh Chính"


@pytest.mark.parametrize(
    ("mode", "fetched"),
    [("auto", True), ("never", False)],
)
def test_a_summary_only_entry_gets_the_full_page_unless_never(server, library, fetcher, mode, fetched):
    server.routes["/page"] = Reply(
        article_page("Assembly passes Land Law", LONG), headers={"Content-Type": "text/html"}
    )
    server.routes["/rss"] = Reply(
        rss([{"title": "Land Law", "link": server.url("/page"), "description": "The Assembly voted on Monday."}])
    )
    subscribe_and_update(library, fetcher, server.url("/rss"), full_text=mode)
    (article,) = articles(library)
    assert server.hits("/page") == int(fetched)
    if fetched:
        assert LONG[2] in article.body and "Share on social" not in article.body and "About us" not in article.body
        assert article.title == "Land Law"  # the feed's title wins over the page's
    else:
        assert article.body == "The Assembly voted on Monday."
    (again,) = service.update(library, fetcher)
    assert again.new == 0 and server.hits("/page") == int(fetched)  # fetched once, not on every update


def test_always_fetches_the_page_even_when_the_entry_has_content(server, library, fetcher):
    server.routes["/page"] = Reply(article_page("Land Law", LONG), headers={"Content-Type": "text/html"})
    server.routes["/rss"] = Reply(rss([{"title": "Land Law", "link": server.url("/page"), "content": "<p>Short.</p>"}]))
    subscribe_and_update(library, fetcher, server.url("/rss"), full_text="always")
    (article,) = articles(library)
    assert LONG[1] in article.body


def test_a_failed_page_keeps_the_summary_with_a_warning(server, library, fetcher):
    server.routes["/rss"] = Reply(rss([{"title": "T", "link": server.url("/missing"), "description": "Summary."}]))
    feed, (result,) = subscribe_and_update(library, fetcher, server.url("/rss"))
    assert articles(library)[0].body == "Summary."
    assert "could not be fetched" in result.warning and "404" in feed.last_error


def test_not_modified_keeps_the_warning_of_the_fetch_it_answers(server, library, fetcher):
    server.routes["/rss"] = Reply(
        rss([{"title": "T", "link": server.url("/missing"), "description": "Summary."}]), etag='"v1"'
    )
    feed, _ = subscribe_and_update(library, fetcher, server.url("/rss"))
    (again,) = service.update(library, fetcher)
    assert again.not_modified
    assert "404" in FeedStore(library).feed(feed.id).last_error  # why the article is only a summary


def test_after_a_failed_fetch_the_next_one_asks_in_full_and_clears_the_error(server, library, fetcher):
    server.routes["/rss"] = Reply(rss([{"title": "A", "guid": "a", "content": "<p>A.</p>"}]), etag='"v1"')
    feed, _ = subscribe_and_update(library, fetcher, server.url("/rss"))
    kept = server.routes["/rss"]
    server.routes["/rss"] = Reply(b"broken", 500)
    list(service.update(library, fetcher))
    assert "500" in FeedStore(library).feed(feed.id).last_error
    server.routes["/rss"] = kept
    (result,) = service.update(library, fetcher)
    assert not result.not_modified and not result.error
    assert "if-none-match" not in server.log[-1][1]
    assert FeedStore(library).feed(feed.id).last_error == ""


def test_atom_rss1_and_rss091_are_read(server, library, fetcher):
    server.routes["/atom"] = Reply(
        atom([{"id": "urn:1", "title": "Atom story", "author": "Lê B", "content": f"<p>{LONG[0]}</p>"}])
    )
    server.routes["/rdf"] = Reply(
        b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>RDF feed</title><link>http://127.0.0.1/</link>
        <description>d</description></channel><item rdf:about="http://127.0.0.1/r1"><title>RDF story</title>
        <link>http://127.0.0.1/r1</link><description>An RSS 1.0 item.</description></item></rdf:RDF>"""
    )
    server.routes["/091"] = Reply(
        b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old feed</title><link>http://127.0.0.1/</link>
        <description>d</description><item><title>Old story</title><link>http://127.0.0.1/o1</link>
        <description>An RSS 0.91 item.</description></item></channel></rss>"""
    )
    for path in ("/atom", "/rdf", "/091"):
        service.subscribe(library, fetcher, server.url(path), full_text="never")
    results = list(service.update(library, fetcher))
    assert sorted(r.feed.name for r in results if r.new == 1) == ["Atom feed", "Old feed", "RDF feed"]
    by_title = {a.title: a for a in articles(library)}
    assert by_title["Atom story"].author == "Lê B" and by_title["RDF story"].body == "An RSS 1.0 item."


def test_a_home_page_leads_to_its_feed(server, library, fetcher):
    server.routes["/feed.xml"] = Reply(rss([{"title": "Found", "guid": "1", "content": "<p>Body.</p>"}], title="Site"))
    server.routes["/"] = Reply(
        b'<html><head><link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml"></head>'
        b"<body>Welcome</body></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    feed, _ = subscribe_and_update(library, fetcher, server.url("/"))
    assert feed.url == server.url("/feed.xml") and feed.name == "Site" and feed.articles == 1


def test_a_page_that_names_no_feed_is_a_clear_error(server, library, fetcher):
    server.routes["/"] = Reply(b"<html><body>No feed here</body></html>", headers={"Content-Type": "text/html"})
    with pytest.raises(service.FeedError, match="not a feed and the page names none"):
        service.subscribe(library, fetcher, server.url("/"))


def test_failures_are_recorded_per_feed_and_the_others_go_on(server, library, fetcher):
    server.routes["/ok"] = Reply(rss([{"title": "Fine", "guid": "1", "content": "<p>Fine.</p>"}], title="Good"))
    server.routes["/flaky"] = Reply(rss([{"title": "Kept", "guid": "k", "content": "<p>Kept.</p>"}], title="Flaky"))
    good = service.subscribe(library, fetcher, server.url("/ok"))
    flaky = service.subscribe(library, fetcher, server.url("/flaky"))
    list(service.update(library, fetcher))
    server.routes["/flaky"] = Reply(b"broken", 500)
    server.routes["/ok"] = Reply(rss([{"title": "Fine 2", "guid": "2", "content": "<p>Also fine.</p>"}], title="Good"))
    results = {r.feed.id: r for r in service.update(library, fetcher)}
    assert results[good.id].new == 1 and not results[good.id].error
    assert "500" in results[flaky.id].error
    store = FeedStore(library)
    assert "500" in store.feed(flaky.id).last_error and store.feed(flaky.id).articles == 1  # its article stays


def test_410_marks_the_feed_gone_and_updates_skip_it(server, library, fetcher):
    server.routes["/rss"] = Reply(rss([{"title": "A", "guid": "a", "content": "<p>A.</p>"}]))
    feed, _ = subscribe_and_update(library, fetcher, server.url("/rss"))
    server.routes["/rss"] = Reply(b"", 410)
    list(service.update(library, fetcher))
    feed = FeedStore(library).feed(feed.id)
    assert feed.gone and "gone" in feed.last_error and feed.articles == 1
    hits = server.hits("/rss")
    assert list(service.update(library, fetcher)) == [] and server.hits("/rss") == hits


def test_a_permanent_redirect_moves_the_stored_url(server, library, fetcher):
    server.routes["/old"] = Reply(rss([{"title": "A", "guid": "a", "content": "<p>A.</p>"}]))
    feed, _ = subscribe_and_update(library, fetcher, server.url("/old"))
    server.routes["/new"] = server.routes["/old"]
    server.routes["/old"] = Reply(status=301, headers={"Location": "/new"})
    list(service.update(library, fetcher))
    assert FeedStore(library).feed(feed.id).url == server.url("/new")


def test_a_malformed_feed_keeps_what_parses_with_a_warning(server, library, fetcher):
    broken = rss([{"title": "Survivor", "guid": "s", "content": "<p>Still here.</p>"}]).replace(
        b"</channel></rss>", b"<item><title>cut"
    )
    server.routes["/bad"] = Reply(broken)
    feed, (result,) = subscribe_and_update(library, fetcher, server.url("/bad"))
    assert result.new == 1 and "malformed" in result.warning and "malformed" in feed.last_error


def test_a_wrong_charset_declaration_is_survived(server, library, fetcher):
    body = rss([{"title": "Đà Nẵng mở cửa", "guid": "1", "content": "<p>Thành phố Đà Nẵng.</p>"}])
    server.routes["/rss"] = Reply(body.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"'))
    subscribe_and_update(library, fetcher, server.url("/rss"))
    (article,) = articles(library)
    assert article.title == "Đà Nẵng mở cửa" and article.body == "Thành phố Đà Nẵng."


def test_hostile_entries_come_out_as_clean_plain_text(server, library, fetcher):
    server.routes["/rss"] = Reply(
        rss(
            [
                {
                    "title": "Evil \x1b]8;;http://x\x07title\x1b]8;;\x07 [bold]red[/] <b>bold</b> \u202eoops",
                    "author": "Mallory \x1b[31m&lt;script&gt;",
                    "guid": "evil",
                    "content": "<p>Body \x1b[2J with <script>alert(1)</script><b>[link=http://x]</b> \u2066text</p>",
                }
            ]
        ).replace(b"\x1b", b"&#27;")  # XML 1.0 forbids a raw ESC; an entity brings it in anyway
    )
    subscribe_and_update(library, fetcher, server.url("/rss"))
    (article,) = articles(library)
    for value in (article.title, article.author, article.body):
        assert "\x1b" not in value and "\u202e" not in value and "\u2066" not in value
    assert "[bold]red[/]" in article.title and "<b>" not in article.title
    assert "alert(1)" not in article.body and "[link=http://x]" in article.body
    assert "⟨U+202E⟩" in article.title


def test_vietnamese_feed_from_real_text(server, library, fetcher):
    corpus = DATA / "binhvq-news-sample" / "excerpt.txt"
    lines = corpus.read_text(encoding="utf-8").splitlines()
    seed = (SAMPLES / "000_7e6c3dc501d06e4e.txt").read_text(encoding="utf-8")
    items = [
        {"title": lines[0], "guid": "vi-1", "content": "".join(f"<p>{line}</p>" for line in lines[1:])},
        {
            "title": "Việt Nam – Japan",
            "guid": "vi-2",
            "content": "".join(f"<p>{p}</p>" for p in seed.split("\n\n")[1:4]),
        },
    ]
    server.routes["/vi"] = Reply(rss(items, title="Tin tức"))
    feed, _ = subscribe_and_update(library, fetcher, server.url("/vi"))
    assert feed.name == "Tin tức" and feed.articles == 2
    by_id = {a.title: a for a in articles(library)}
    assert by_id[lines[0]].body == "\n\n".join(line.strip() for line in lines[1:] if line.strip())
    assert [r.id for r in library.search("phat nguoi")]  # the folded search finds it


def test_an_entry_without_guid_is_known_by_its_link_then_by_title_and_date(server, library, fetcher):
    items = [
        {"title": "Linked", "link": "http://127.0.0.1/linked", "content": "<p>One.</p>"},
        {"title": "Bare", "date": "Mon, 30 Nov 2026 08:00:00 GMT", "content": "<p>Two.</p>"},
    ]
    server.routes["/rss"] = Reply(rss(items))
    feed, _ = subscribe_and_update(library, fetcher, server.url("/rss"), full_text="never")
    entries = set(FeedStore(library).entry_hashes(feed.id))
    assert "http://127.0.0.1/linked" in entries and any(e.startswith("sha1:") for e in entries)
    list(service.update(library, fetcher))
    assert library.count_articles() == 2


def test_removing_a_feed_keeps_its_articles_and_notes(server, library, fetcher):
    server.routes["/rss"] = Reply(rss([{"title": "Keep me", "guid": "k", "content": f"<p>{LONG[0]}</p>"}]))
    feed, _ = subscribe_and_update(library, fetcher, server.url("/rss"))
    (article,) = articles(library)
    library.add_highlight(article.id, anchoring.make_anchor(article.body, 0, 6), note="mine")
    removed, kept = service.remove(library, feed.name)
    assert kept == 1 and FeedStore(library).feeds() == []
    assert library.get_article(article.id) is not None and library.highlights(article.id)[0].note == "mine"


def test_add_page_saves_one_page_with_its_structure_and_raw_html(server, library, fetcher):
    page = article_page("Assembly passes Land Law", LONG)
    server.routes["/story"] = Reply(page, headers={"Content-Type": "text/html; charset=utf-8"})
    status, article = service.add_page(library, fetcher, server.url("/story"))
    assert status == "imported" and article.url == server.url("/story") and LONG[1] in article.body
    assert FeedStore(library).raw(article.id) == (page, "text/html")
    assert service.add_page(library, fetcher, server.url("/story"))[0] == "unchanged"


def test_add_page_refuses_a_feed(server, library, fetcher):
    server.routes["/rss"] = Reply(rss([]))
    with pytest.raises(service.FeedError, match="is a feed, not a page"):
        service.add_page(library, fetcher, server.url("/rss"))
