"""`reader check` says how much of the file is unused, and `reader check --compact` gives it back."""

from __future__ import annotations

from click.testing import CliRunner

from reader.cli import main
from reader.model import Article
from reader.store import Library


def _library_with_deletions(path):
    library = Library(path)
    ids = []
    for i in range(60):
        status, stored = library.add_article(
            Article(title=f"Bài {i} ở Đà Nẵng", body=f"ĐÀ NẴNG — Giao thông số {i}. " + "Một câu dài về Huế. " * 300)
        )
        ids.append(stored.id)
    for article_id in ids[:50]:
        library.trash_article(article_id)
    library.empty_trash()
    library.close()
    return ids[50:]


def test_check_says_what_is_unused_and_compact_gives_it_back(tmp_path):
    path = tmp_path / "lib.db"
    kept = _library_with_deletions(path)
    runner = CliRunner()
    before = path.stat().st_size
    out = runner.invoke(main, ["--db", str(path), "check"])
    assert out.exit_code == 0, out.output
    assert "unused: `reader check --compact` gives it back)" in out.output

    out = runner.invoke(main, ["--db", str(path), "check", "--compact"])
    assert out.exit_code == 0, out.output
    assert "compacting the library" in out.output and "given back" in out.output
    assert "integrity   ok" in out.output and "articles    10" in out.output
    assert "gives it back" not in out.output
    assert path.stat().st_size < before / 2
    library = Library(path)  # everything still there, and found
    assert [s.id for s in library.list_articles()] == sorted(kept, reverse=True)
    assert {r.id for r in library.search("giao thong")} == set(kept)
    assert {r.id for r in library.search("Huế")} == set(kept)
    library.close()


def test_compact_without_the_disk_space_it_needs_changes_nothing(tmp_path, monkeypatch):
    import shutil

    path = tmp_path / "lib.db"
    _library_with_deletions(path)
    before = path.read_bytes()
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=100 * 1024))
    out = CliRunner().invoke(main, ["--db", str(path), "check", "--compact"])
    assert out.exit_code == 1
    assert (
        "compacting needs about" in out.output
        and "MB of free disk space in" in out.output
        and "0.1 MB is free; nothing was changed" in out.output
    )
    assert "Traceback" not in out.output
    assert path.read_bytes() == before


def test_a_damaged_library_is_not_compacted_and_is_marked(tmp_path):
    from tests.test_damaged_library import list_index_flipped

    path = list_index_flipped(tmp_path / "lib.db")
    before = path.read_bytes()
    out = CliRunner().invoke(main, ["--db", str(path), "check", "--compact"])
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "the library is damaged (" in out.output and "it was not compacted" in out.output
    assert "`reader backup --raw COPY`" in out.output
    assert path.read_bytes() == before  # a rewrite would have dropped what the damaged pages hide
    assert (tmp_path / "lib.db.damaged").exists()


def test_with_another_reader_open_compact_says_the_file_shrinks_when_it_closes(tmp_path):
    import sqlite3

    path = tmp_path / "lib.db"
    kept = _library_with_deletions(path)
    before = path.stat().st_size
    other = sqlite3.connect(path)  # another program in the middle of a read (an open TUI, say)
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM articles").fetchone()
    out = CliRunner().invoke(main, ["--db", str(path), "check", "--compact"])
    assert out.exit_code == 0, out.output
    assert "another program has the library open: the file shrinks once it closes it" in out.output
    other.rollback()
    other.close()
    Library(path).close()  # the last program to close it finishes the checkpoint
    assert path.stat().st_size < before / 2
    library = Library(path)
    assert {r.id for r in library.search("Huế")} == set(kept)
    library.close()
