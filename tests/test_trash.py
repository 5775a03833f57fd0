"""The trash: delete an article, find it listed, bring it back whole (highlights, notes, tags, ids)."""

from __future__ import annotations

import pytest

from reader.services.annotations import highlight_span
from reader.services.imports import add_sample_articles
from reader.store import Library, LibraryError


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "library.db")
    add_sample_articles(lib)
    yield lib
    lib.close()


def annotate(library: Library, article_id: int) -> int:
    """A tagged, noted highlight on the article's first sentence, a note and tags on the article."""
    body = library.get_article(article_id).body
    highlight, _ = highlight_span(
        library, article_id, 0, body.index(" ", 20), color=3, note="Ghi chú", tags=["Ngoại giao"]
    )
    library.set_article_note(article_id, "Đọc lại")
    library.set_article_tags(article_id, ["Kinh tế", "Hà Nội"])
    library.set_reading_state(article_id, read=True, position=40)
    return highlight.id


def test_a_trashed_article_leaves_the_list_and_search_and_comes_back_whole(library):
    article_id = library.page_articles(limit=1)[0].id
    title = library.get_article(article_id).title
    highlight_id = annotate(library, article_id)
    before = library.count_articles()

    entry = library.trash_article(article_id)

    assert (entry.id, entry.title, entry.highlights) == (article_id, title, 1)
    assert library.get_article(article_id) is None
    assert library.count_articles() == before - 1
    assert article_id not in [r.id for r in library.search("Ghi chú")]
    assert "Ngoại giao" not in [t.name for t in library.tags()]  # no article carries it now
    assert [e.id for e in library.trashed()] == [article_id]

    restored = library.restore_article(article_id)

    assert restored.id == article_id
    article = library.get_article(article_id)
    assert (article.title, article.note, sorted(article.tags)) == (title, "Đọc lại", ["Hà Nội", "Kinh tế"])
    [highlight] = library.highlights(article_id)
    assert (highlight.id, highlight.color, highlight.note, highlight.tags) == (
        highlight_id,
        3,
        "Ghi chú",
        ["Ngoại giao"],
    )
    assert library.reading_state(article_id) == (True, 40)
    assert article_id in [r.id for r in library.search("Ghi chú")]
    assert article_id in [r.id for r in library.search("Ngoại giao")]
    assert library.trashed() == []
    assert library.count_articles() == before


def test_a_trashed_articles_id_is_not_given_to_the_next_import(library):
    from reader.model import Article

    newest = max(s.id for s in library.page_articles(limit=100))
    library.trash_article(newest)
    _, single = library.add_article(Article(id=None, title="Another", body="Another story entirely.", path="x.txt"))
    library.add_articles_bulk([Article(id=None, title="Bulk", body="A bulk story.", path="y.txt")])
    bulk = library.page_articles(limit=100)
    assert single.id > newest and all(s.id != newest for s in bulk)
    restored = library.restore_article(newest)
    assert restored.id == newest and library.get_article(newest).title != "Another"
    library.empty_trash()
    library.trash_article(newest)
    library.empty_trash()  # gone for good: its id still is never given out again
    _, later = library.add_article(Article(id=None, title="Later", body="A later story.", path="z.txt"))
    assert later.id > max(single.id, newest)


def test_restoring_text_the_library_already_holds_is_refused_and_kept_in_the_trash(library):
    article_id = library.page_articles(limit=1)[0].id
    article = library.get_article(article_id)
    highlight_id = annotate(library, article_id)
    library.trash_article(article_id)
    _, twin = library.add_article(article)  # the same file imported again
    with pytest.raises(LibraryError, match=f"same text already as #{twin.id} .*delete #{twin.id} first"):
        library.restore_article(article_id)
    assert [e.id for e in library.trashed()] == [article_id]
    # The way out the message gives: the copy goes, the article comes back with its highlight.
    library.trash_article(twin.id)
    library.restore_article(article_id)
    assert [h.id for h in library.highlights(article_id)] == [highlight_id]


def test_emptying_the_trash_removes_for_good(library):
    ids = [s.id for s in library.page_articles(limit=2)]
    for article_id in ids:
        library.trash_article(article_id)
    assert library.empty_trash([ids[0]]) == 1
    assert [e.id for e in library.trashed()] == [ids[1]]
    assert library.empty_trash() == 1
    with pytest.raises(LibraryError, match="no article with id"):
        library.restore_article(ids[1])


def test_unknown_ids_are_refused_with_a_sentence(library):
    with pytest.raises(LibraryError, match="no article with id 999"):
        library.trash_article(999)
    with pytest.raises(LibraryError, match="in the trash"):
        library.restore_article(999)


def test_places_remember_values_and_forget_none(library):
    library.set_places({"article": "3", "pane": "reading"})
    library.set_places({"pane": None, "sort": "title"})
    assert library.places() == {"article": "3", "sort": "title"}


def test_a_feed_update_does_not_bring_back_an_entry_in_the_trash(server, tmp_path):
    from reader.fetch import Fetcher
    from reader.services import feeds as service
    from tests.feeds_server import Reply, rss

    body = "HÀ NỘI — The National Assembly on Monday approved the revised Land Law, which takes effect next year."
    items = [{"title": f"Story {i}", "guid": f"g{i}", "content": f"<p>{body} Part {i}.</p>"} for i in range(2)]
    server.routes["/rss"] = Reply(rss(items))
    library = Library(tmp_path / "feeds.db")
    fetcher = Fetcher(connect_timeout=2, total_timeout=3, max_retry_wait=0.5)
    try:
        feed = service.subscribe(library, fetcher, server.url("/rss"))
        list(service.update(library, fetcher, [feed]))
        first = library.page_articles(limit=10)[-1]
        library.trash_article(first.id)
        (again,) = service.update(library, fetcher)
        assert again.new == 0 and library.count_articles() == 1
        restored = library.restore_article(first.id)
        assert restored.id == first.id and library.count_articles() == 2
        (third,) = service.update(library, fetcher)
        assert (third.new, third.updated) == (0, 0)
    finally:
        fetcher.close()
        library.close()


def test_the_cli_deletes_lists_restores_and_empties(tmp_path):
    from tests.helpers import SAMPLES, cli

    db = tmp_path / "cli.db"
    assert cli(db, "import", str(SAMPLES)).returncode == 0
    assert cli(db, "highlight", "1", "Hà Nội", "--occurrence", "1").returncode == 0
    deleted = cli(db, "delete", "1", "77")
    assert deleted.returncode == 1
    assert deleted.stdout.startswith("trashed    #1 ") and "with 1 highlight" in deleted.stdout
    assert "no article with id 77" in deleted.stderr
    listed = cli(db, "trash")
    assert listed.stdout.startswith("#1 ") and "1 highlight" in listed.stdout
    assert "#1 " not in cli(db, "list").stdout
    restored = cli(db, "restore", "1")
    assert restored.returncode == 0 and restored.stdout.startswith("restored   #1 ")
    assert "Hà Nội" in cli(db, "notes", "1").stdout
    assert cli(db, "trash").stdout == "The trash is empty.\n"
    cli(db, "delete", "2")
    assert cli(db, "trash", "--empty").stdout == "Removed 1 article from the trash for good.\n"
    gone = cli(db, "restore", "2")
    assert gone.returncode == 1 and "no article with id 2 in the trash" in gone.stderr


def test_delete_and_restore_on_a_library_that_does_not_exist_create_nothing(tmp_path):
    from tests.helpers import cli

    db = tmp_path / "none.db"
    for command in ("delete", "restore"):
        result = cli(db, command, "3")
        assert result.returncode == 1 and "there is no library at" in result.stderr
    assert not db.exists()


def test_a_change_to_an_article_deleted_meanwhile_says_how_to_bring_it_back(library):
    from reader.services.annotations import highlight_span
    from reader.ui import work

    article_id = library.page_articles(limit=1)[0].id
    library.trash_article(article_id)
    for change in (
        lambda: work.save_article_note(library, article_id, "", "typed before the delete"),
        lambda: highlight_span(library, article_id, 0, 5),
    ):
        with pytest.raises(LibraryError, match=rf"article {article_id} is no longer .*`reader restore {article_id}`"):
            change()
