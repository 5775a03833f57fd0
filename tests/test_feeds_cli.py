"""The feed and page commands through click's CliRunner, against a server on 127.0.0.1."""

import json

import pytest
from click.testing import CliRunner

from reader.cli import main
from tests.feeds_server import Reply, article_page, atom, rss

PARAS = [
    "HÀ NỘI — The National Assembly on Monday approved the revised Land Law, which takes effect next year "
    "and reshapes how farmland is valued across the country's 63 provinces and cities.",
    "Deputies voted 432 to 12. Prime Minister Phạm Minh Chính said the law would cut red tape for investors "
    "in Đà Nẵng and Quảng Ninh while protecting the rights of farmers who lose their land.",
    "Critics said compensation rules still favour developers over farmers, and asked for independent "
    "valuation boards in every province before the law takes effect in January.",
]


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "cli.db"

    def invoke(*args):
        return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def politics(server):
    server.routes["/page1"] = Reply(article_page("Land Law passes", PARAS), headers={"Content-Type": "text/html"})
    server.routes["/rss"] = Reply(
        rss(
            [
                {"title": "Land Law passes", "link": server.url("/page1"), "guid": "p1", "description": "A summary."},
                {"title": "Budget", "guid": "p2", "author": "Trần C", "content": "<p>The budget grew.</p>"},
            ],
            title="Politics",
        ),
        etag='"1"',
    )
    return server


def test_feed_add_subscribes_fetches_and_lists(run, politics):
    result = run("feed", "add", politics.url("/rss"), "--tag", "politics")
    assert result.exit_code == 0, result.output
    assert "subscribed to Politics" in result.output and "2 new, 0 updated, 0 failed" in result.output
    listed = json.loads(run("feed", "list", "--json").output)
    assert listed == [
        {
            "name": "Politics",
            "url": politics.url("/rss"),
            "tags": ["politics"],
            "full_text": "auto",
            "articles": 2,
            "unread": 2,
            "last_fetched": listed[0]["last_fetched"],
            "last_error": "",
            "gone": False,
        }
    ]
    assert listed[0]["last_fetched"]
    plain = run("feed", "list").output
    assert "Politics" in plain and "2 articles, 2 unread" in plain
    assert "not modified" in run("feed", "update").output
    assert "not modified" in run("feed", "update", "Politics").output


def test_show_json_has_the_web_fields_and_the_full_text(run, politics):
    run("feed", "add", politics.url("/rss"), "--tag", "politics")
    rows = json.loads(run("list", "--json").output)
    land = next(r for r in rows if r["title"] == "Land Law passes")
    shown = json.loads(run("show", str(land["id"]), "--json").output)
    assert set(shown) == {"id", "title", "date", "place", "source", "url", "author", "feed", "tags", "body"}
    assert shown["url"] == politics.url("/page1") and shown["feed"] == "Politics" and shown["tags"] == ["politics"]
    assert PARAS[2] in shown["body"] and "\n\n" in shown["body"]


def test_feed_add_with_a_bad_address_is_one_sentence(run, server):
    result = run("feed", "add", server.url("/nothing"))
    assert result.exit_code == 1 and "404" in result.output and "Traceback" not in result.output
    assert run("feed", "add", "ftp://example.org/feed").output.startswith("Error: only http and https")


def test_feed_update_reports_a_failure_and_exits_1(run, politics):
    run("feed", "add", politics.url("/rss"))
    politics.routes["/rss"] = Reply(b"down", 500)
    result = run("feed", "update")
    assert result.exit_code == 1 and "failed: " in result.output and "500" in result.output
    assert "last error: " in run("feed", "list").output


def test_feed_remove_keeps_the_articles(run, politics):
    run("feed", "add", politics.url("/rss"))
    result = run("feed", "remove", "Politics")
    assert result.exit_code == 0 and "its 2 articles stay" in result.output
    assert len(json.loads(run("list", "--json").output)) == 2
    assert run("feed", "remove", "Politics").exit_code == 1


def test_opml_export_then_import_round_trips(run, politics, tmp_path):
    run("feed", "add", politics.url("/rss"), "--tag", "politics", "--full-text", "never", "--name", "Chính trị & luật")
    out = tmp_path / "subs.opml"
    assert run("feed", "export", "-o", str(out)).exit_code == 0
    document = out.read_text(encoding="utf-8")
    assert 'text="Chính trị &amp; luật"' in document and 'readerFullText="never"' in document
    other = tmp_path / "other.db"
    result = CliRunner().invoke(main, ["--db", str(other), "feed", "import", str(out)], catch_exceptions=False)
    assert "added" in result.output and "1 feed added" in result.output
    listed = json.loads(CliRunner().invoke(main, ["--db", str(other), "feed", "list", "--json"]).output)
    assert [(f["name"], f["url"], f["tags"], f["full_text"]) for f in listed] == [
        ("Chính trị & luật", politics.url("/rss"), ["politics"], "never")
    ]


def test_feed_import_refuses_what_is_not_opml(run, tmp_path):
    bad = tmp_path / "bad.opml"
    bad.write_text("<html>no</html>")
    result = run("feed", "import", str(bad))
    assert result.exit_code == 1 and "not an OPML file" in result.output
    assert not (tmp_path / "cli.db").exists()  # no library made for a file that is not OPML


def test_add_url_prints_the_id_like_import(run, server):
    server.routes["/story"] = Reply(article_page("Land Law passes", PARAS), headers={"Content-Type": "text/html"})
    result = run("add", server.url("/story"))
    assert result.exit_code == 0, result.output
    assert "imported" in result.output and "→ #" in result.output and "Land Law passes" in result.output
    article_id = result.output.split("→ #")[1].split()[0]
    shown = json.loads(run("show", article_id, "--json").output)
    assert shown["url"] == server.url("/story") and PARAS[1] in shown["body"]


def test_add_url_failure_is_one_sentence(run, server):
    result = run("add", server.url("/missing"))
    assert result.exit_code == 1 and "404" in result.output and "Traceback" not in result.output


def test_import_saved_html_pages_and_folders(run, tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "a.html").write_bytes(article_page("First page", PARAS))
    (folder / "b.htm").write_bytes(article_page("Second page", PARAS[::-1]))
    (folder / "c.xhtml").write_bytes(article_page("Third page", PARAS[1:]))
    result = run("import", str(folder))
    assert result.exit_code == 0, result.output
    assert result.output.count("→ #") == 3 and "3 files: 3 imported" in result.output
    titles = sorted(r["title"] for r in json.loads(run("list", "--json").output))
    assert titles == ["First page", "Second page", "Third page"]


def test_hostile_titles_are_sanitised_on_the_cli(run, server):
    server.routes["/rss"] = Reply(
        rss(
            [{"title": "Bad &#27;[31mred &#27;]0;pwned&#7; title", "guid": "x", "content": "<p>Body.</p>"}],
            title="Evil &#27;[2J",
        )
    )
    result = run("feed", "add", server.url("/rss"))
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\x1b" not in run("feed", "list").output and "\x1b" not in run("list").output


def test_reextract_updates_in_place_and_keeps_highlights(run, server, tmp_path):
    from reader import anchoring
    from reader.store import Library
    from reader.store.feeds import FeedStore

    server.routes["/story"] = Reply(article_page("Land Law passes", PARAS), headers={"Content-Type": "text/html"})
    article_id = int(run("add", server.url("/story")).output.split("→ #")[1].split()[0])
    db = tmp_path / "cli.db"
    with Library(db) as lib:
        body = lib.get_article(article_id).body
        start = body.index("Phạm Minh Chính")
        lib.add_highlight(article_id, anchoring.make_anchor(body, start, start + 15), note="PM")
        # As if an older extractor had kept less: the body is cut, the page is still kept.
        lib.conn.execute("UPDATE articles SET body = ?, content_hash = 'old' WHERE id = ?", (body[:40], article_id))
    result = run("reextract")
    assert result.exit_code == 0 and f"updated    #{article_id} Land Law passes" in result.output
    with Library(db) as lib:
        again = FeedStore(lib).get(article_id)
        (h,) = lib.highlights(article_id)
        assert again.body == body and again.body[h.start : h.end] == "Phạm Minh Chính" and not h.orphan
    assert "no article with this id" in run("reextract", "999").output


def test_the_cli_starts_without_the_network_and_html_libraries():
    import subprocess
    import sys

    code = (
        "import sys, reader.cli; print([m for m in ('httpx', 'lxml', 'trafilatura', 'feedparser') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"  # they are imported by the commands that need them, so `reader list` stays fast


def test_the_same_page_linked_from_another_feed_keeps_the_first_feeds_article(run, politics):
    # A mirror links to the page the first feed's article was fetched from, with a text of its own.
    assert run("feed", "add", politics.url("/rss")).exit_code == 0
    first = next(a for a in json.loads(run("list", "--json").output) if a["title"] == "Land Law passes")
    assert run("highlight", str(first["id"]), "Deputies voted 432 to 12", "--note", "vote").exit_code == 0
    politics.routes["/mirror"] = Reply(
        atom([{"id": "urn:m1", "title": "Mirror copy", "link": politics.url("/page1"), "content": "<p>Huế news.</p>"}])
    )
    for _ in range(2):  # the second update must not flip the article back and forth either
        result = run("feed", "add" if _ == 0 else "update", politics.url("/mirror"))
        assert result.exit_code == 0, result.output
    shown = run("show", str(first["id"])).output
    assert shown.startswith("Land Law passes\n") and "Deputies voted 432 to 12." in shown
    notes = run("notes", str(first["id"])).output
    assert "orphan" not in notes and "Deputies voted 432 to 12" in notes
    titles = sorted(a["title"] for a in json.loads(run("list", "--json").output))
    assert titles == ["Budget", "Land Law passes", "Mirror copy"]
    updated = run("feed", "update").output
    assert updated.count("0 new, 0 updated") == 2, updated


def test_a_saved_copy_of_a_page_added_from_the_web_keeps_its_url(run, politics, tmp_path):
    url = politics.url("/page1")
    assert run("add", url).exit_code == 0
    article = json.loads(run("list", "--json").output)[0]
    copy = tmp_path / "page1.html"
    copy.write_bytes(article_page("Land Law passes", PARAS))
    result = run("import", str(copy))
    assert result.exit_code == 0 and "unchanged" in result.output, result.output
    assert json.loads(run("show", str(article["id"]), "--json").output)["url"] == url


def test_feed_import_subscribes_only_what_feed_add_would(run, tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline type="rss" text="Local" xmlUrl="file:///etc/passwd"/>'
        '<outline type="rss" text="Script" xmlUrl="javascript:alert(1)"/>'
        '<outline type="rss" text="Good" xmlUrl="https://news.example/rss"/>'
        "</body></opml>"
    )
    result = run("feed", "import", str(opml))
    assert result.exit_code == 0, result.output
    assert result.output.count("refused (not an http or https address") == 2 and "1 feed added" in result.output
    assert [f["url"] for f in json.loads(run("feed", "list", "--json").output)] == ["https://news.example/rss"]


def test_an_entry_linking_to_another_scheme_gets_no_url(run, server):
    server.routes["/rss"] = Reply(
        rss(
            [
                {"title": "Script", "link": "javascript:alert(1)", "guid": "s", "content": "<p>One.</p>"},
                {"title": "File", "link": "file:///etc/passwd", "guid": "f", "content": "<p>Two.</p>"},
                {"title": "Web", "link": server.url("/w"), "guid": "w", "content": "<p>Three.</p>"},
            ]
        )
    )
    assert run("feed", "add", server.url("/rss"), "--full-text", "never").exit_code == 0
    urls = {
        a["title"]: json.loads(run("show", str(a["id"]), "--json").output)["url"]
        for a in json.loads(run("list", "--json").output)
    }
    assert urls == {"Script": "", "File": "", "Web": server.url("/w")}


def test_adding_a_feed_articles_page_by_hand_keeps_what_the_feed_said(run, politics):
    assert run("feed", "add", politics.url("/rss"), "--full-text", "never").exit_code == 0
    before = next(a for a in json.loads(run("list", "--json").output) if a["title"] == "Land Law passes")
    result = run("add", politics.url("/page1"))  # the full page of the feed's summary entry
    assert result.exit_code == 0 and "updated" in result.output, result.output
    after = json.loads(run("show", str(before["id"]), "--json").output)
    assert (after["title"], after["date"], after["source"]) == (before["title"], before["date"], before["source"])
    assert "Deputies voted 432 to 12." in after["body"]
