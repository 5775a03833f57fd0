"""The feed keys of the TUI with Pilot: F picks a view, R updates in a worker, o and L open web addresses."""

import datetime
import sqlite3
from datetime import timedelta

import pytest

from reader.fetch import Fetcher
from reader.model import Article
from reader.services import feeds as service
from reader.store import Library
from reader.store.feeds import FeedStore
from reader.ui.app import make_app
from reader.ui.screens.picker import PickerScreen
from reader.ui.widgets.article_list import ArticleList
from tests.feeds_server import Reply, article_page, rss
from tests.tui_helpers import settle, widget_text

WIDE = (180, 50)
PARAS = [
    "HÀ NỘI — The National Assembly on Monday approved the revised Land Law, which takes effect next year "
    "and reshapes how farmland is valued across the country's 63 provinces and cities.",
    "Deputies voted 432 to 12. Prime Minister Phạm Minh Chính said the law would cut red tape for investors "
    "in Đà Nẵng and Quảng Ninh while protecting the rights of farmers who lose their land.",
]


def feed_library(tmp_path, server):
    server.routes["/rss"] = Reply(
        rss(
            [
                {"title": "Budget grows [bold]x[/]", "guid": "b", "content": "<p>The budget grew.</p>"},
                {
                    "title": "Land Law passes",
                    "guid": "l",
                    "link": server.url("/land"),
                    "content": f"<p>{PARAS[0]} See <a href='https://laws.example/land'>the text</a>.</p>",
                },
            ],
            title="Politics",
        )
    )
    library = Library(tmp_path / "tui.db")
    with Fetcher() as fetcher:
        list(service.update(library, fetcher, [service.subscribe(library, fetcher, server.url("/rss"))]))
        server.routes["/page"] = Reply(article_page("A saved page", PARAS), headers={"Content-Type": "text/html"})
        service.add_page(library, fetcher, server.url("/page"))
    return library


async def test_F_picks_a_feed_and_the_list_shows_only_its_articles(tmp_path, server):
    library = feed_library(tmp_path, server)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        labels = [label for label, _ in app.screen.choices]
        assert labels[:3] == ["All articles (3)", "Unread (3)", "Pages added by hand (1)"]
        assert labels[3] == "Politics (2 unread of 2)"
        await pilot.press("j", "j", "k", "down", "down", "enter")  # j and k move as the arrows do
        await pilot.pause()
        listed = widget_text(app.main.query_one(ArticleList))
        assert "Land Law passes" in listed and "Budget grows [bold]x[/]" in listed and "A saved page" not in listed
        assert app.main.query_one("#list-pane").border_title == "Politics (2)"
        await pilot.press("F", "home", "down", "down", "enter")  # the picker opens on the current view
        await pilot.pause()
        listed = widget_text(app.main.query_one(ArticleList))
        assert "A saved page" in listed and "Land Law" not in listed


async def test_reading_an_article_in_the_unread_view_takes_it_out_at_once(tmp_path, server):
    library = feed_library(tmp_path, server)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("F", "down", "enter")  # Unread
        await pilot.pause()
        assert app.main.query_one("#list-pane").border_title == "Unread (3)"
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.query_one("#list-pane").border_title == "Unread (2)"
        assert len([line for line in widget_text(app.main.query_one(ArticleList)).splitlines() if "●" in line]) == 2


async def test_R_updates_in_a_worker_and_the_list_refreshes(tmp_path, server):
    library = feed_library(tmp_path, server)
    server.routes["/rss"] = Reply(
        rss([{"title": "Fresh news", "guid": "new", "content": "<p>Just in.</p>"}], title="Politics")
    )
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("R")
        for _ in range(500):  # the update runs in a thread of its own: wait until it has answered
            await pilot.pause(0.02)
            if not app.main.updating:
                break
        await pilot.pause()
        assert "Fresh news" in widget_text(app.main.query_one(ArticleList))
        assert library.count_articles() == 4
        assert not app.main.updating


def test_quitting_while_feeds_are_fetched_does_not_wait_for_the_server(tmp_path, server, monkeypatch):
    # A server that answers slowly held the exit (a blank screen) until it answered or timed out.
    import threading
    import time

    from reader.cli import run_app

    library = feed_library(tmp_path, server)
    answered = threading.Event()

    def slow(_headers):
        time.sleep(6)
        answered.set()
        return Reply(b"")

    server.routes["/rss"] = slow
    app = make_app(library)

    async def quit_during_the_update(pilot):
        await pilot.press("R")
        await pilot.pause(0.3)
        assert app.main.updating
        await pilot.press("q")

    def run():  # app.run() as a user runs it, keys pressed by Pilot
        import asyncio

        async def go():
            async with app.run_test(size=WIDE) as pilot:
                await quit_during_the_update(pilot)

        asyncio.run(go())

    exits = []
    monkeypatch.setattr(app, "run", run)
    monkeypatch.setattr("os._exit", lambda code: exits.append(code))
    run_app(app, library)
    assert app.left_fetching and exits == [0]
    assert not answered.is_set()  # the app ended while the server was still on its answer


async def test_o_opens_the_url_and_L_lists_the_links(tmp_path, server):
    library = feed_library(tmp_path, server)
    land = next(s.id for s in library.list_articles() if s.title == "Land Law passes")
    opened = []
    app = make_app(library)
    app.open_url = lambda url, new_tab=True: opened.append(url)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.main.open_article(land)
        await settle(pilot)  # the article opens in a worker
        await pilot.press("o")
        assert opened == [server.url("/land")]
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.choices == [("the text — https://laws.example/land", "https://laws.example/land")]
        await pilot.press("enter")
        assert opened[-1] == "https://laws.example/land"
    assert FeedStore(library).get(land).links


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "vscode://file/x", "http://a\nb"])
async def test_o_hands_only_web_addresses_to_the_browser(tmp_path, server, url):
    # A library written before link schemes were checked (or by another program) may hold any URL.
    library = feed_library(tmp_path, server)
    land = next(s.id for s in library.list_articles() if s.title == "Land Law passes")
    conn = sqlite3.connect(library.path)
    with conn:
        conn.execute("UPDATE articles SET url = ? WHERE id = ?", (url, land))
    conn.close()
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        opened = []
        app._driver.open_url = lambda url, new_tab=True: opened.append(url)
        await pilot.pause()
        app.main.open_article(land)
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert opened == []
        assert any("is not a web address" in n.message for n in app._notifications)


class _Browser:
    def __init__(self, name: str):
        self.name, self.opened = name, []

    def open(self, url, new=0):
        self.opened.append(url)
        return True


@pytest.mark.parametrize("found", ["none", "lynx", "firefox"])
async def test_o_says_when_there_is_no_browser_to_open_the_address_with(tmp_path, server, monkeypatch, found):
    import webbrowser

    browser = _Browser(found)

    def get():
        if found == "none":
            raise webbrowser.Error("could not locate runnable browser")
        return browser

    monkeypatch.setattr(webbrowser, "get", get)
    library = feed_library(tmp_path, server)
    land = next(s.id for s in library.list_articles() if s.title == "Land Law passes")
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.main.open_article(land)
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        if found == "firefox":
            assert browser.opened == [server.url("/land")] and f"Opening {server.url('/land')}" in said
        else:  # none, or one that would run inside this terminal, over the reader's screen
            assert browser.opened == [] and any("No web browser to open" in m for m in said)


async def test_a_long_feed_view_is_paged_and_G_shows_its_oldest_article(tmp_path):
    """A feed view reads keyset pages as the list needs them, like the main list (issue 10)."""
    library = Library(tmp_path / "long.db")
    store = FeedStore(library)
    feed = store.add_feed("http://127.0.0.1:9/long.rss", "Long feed", [])
    other = store.add_feed("http://127.0.0.1:9/other.rss", "Other", [])
    day = datetime.date(2020, 1, 1)
    entries = [
        (f"e{n}", Article(title=f"Story {n:04d}", body=f"Body of story {n}.", date=str(day + timedelta(n))))
        for n in range(1500)
    ]
    store.add_new_entries(feed.id, entries)
    store.add_new_entries(other.id, [("x", Article(title="Not in the long feed", body="Elsewhere."))])
    newest, oldest = "Story 1499", "Story 0000"
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("F")
        await pilot.pause()
        labels = [label for label, _ in app.screen.choices]
        await pilot.press(*["down"] * labels.index("Long feed (1500 unread of 1500)"), "enter")
        await settle(pilot)
        article_list = app.main.query_one(ArticleList)
        assert app.main.query_one("#list-pane").border_title == "Long feed (1,500)"
        listed = widget_text(article_list)
        assert newest in listed and "Not in the long feed" not in listed
        assert len(article_list.window._pages) <= 2  # pages read, not 1,500 rows
        await pilot.press("G")
        await settle(pilot)
        assert oldest in widget_text(article_list)


def test_view_pages_keep_to_their_view_in_keyset_order(tmp_path):
    """The list's keyset pages, kept to a feed, the unread articles or the pages added by hand."""
    library = Library(tmp_path / "views.db")
    store = FeedStore(library)
    feed = store.add_feed("http://127.0.0.1:9/a.rss", "A", [])
    day = datetime.date(2020, 1, 1)
    store.add_new_entries(
        feed.id, [(f"e{n}", Article(title=f"A{n}", body=f"a {n}.", date=str(day + timedelta(n)))) for n in range(7)]
    )
    library.add_article(Article(title="A file", body="Not from a feed.", path="/f.txt"))
    view = ("feed", feed.id)
    assert library.count_articles(view=view) == 7
    first = library.page_articles(limit=3, view=view)
    assert [s.title for s in first] == ["A6", "A5", "A4"]
    after = library.page_articles(after=library.summary_key(first[-1]), limit=3, view=view)
    assert [s.title for s in after] == ["A3", "A2", "A1"]
    assert [s.title for s in library.page_articles(last=True, limit=2, view=view)] == ["A1", "A0"]
    assert library.key_at(6, view=view)[1] == library.page_articles(last=True, limit=1, view=view)[0].id
    library.set_reading_state(first[0].id, read=True)
    assert library.count_articles(view=("unread", None)) == 7  # 8 articles, one read
    assert library.count_articles(view=("pages", None)) == 0
