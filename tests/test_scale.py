"""Large libraries from the command line: streamed list output, a closed pipe, what a read-only command imports."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.model import Article
from reader.store import Library


def _articles(n: int):
    for i in range(n):
        yield Article(
            title=f"Tin số {i}: Hà Nội",
            body=f"HÀ NỘI — Bài {i} về kinh tế.\n\nĐoạn hai của bài {i}.",
            date=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            place="Hà Nội",
            source="VNS",
        )


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("scale") / "big.db"
    library = Library(db)
    assert library.add_articles_bulk(_articles(1200)) == 1200
    library.close()
    return db


def _run(db, *args):
    result = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_list_json_is_one_array_with_one_compact_object_a_line(big_db):
    out = _run(big_db, "list", "--json")
    rows = json.loads(out)
    assert len(rows) == 1200 and len({r["id"] for r in rows}) == 1200
    lines = out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 1202
    # Every line between the brackets is one article, parseable alone once its comma is dropped.
    assert json.loads(lines[1].rstrip(",")) == rows[0]
    assert json.loads(lines[-2]) == rows[-1]
    assert set(rows[0]) == {"id", "date", "place", "title", "source", "read", "tags"}
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates, reverse=True)  # newest first, across the store's pages


def test_list_jsonl_and_pretty_give_the_same_rows(big_db):
    rows = json.loads(_run(big_db, "list", "--json"))
    jsonl = [json.loads(line) for line in _run(big_db, "list", "--jsonl").splitlines()]
    pretty = _run(big_db, "list", "--json", "--pretty")
    assert jsonl == rows
    assert json.loads(pretty) == rows
    assert '\n    "id": ' in pretty


def test_list_json_of_an_empty_library_is_an_empty_array(tmp_path):
    Library(tmp_path / "empty.db").close()
    assert json.loads(_run(tmp_path / "empty.db", "list", "--json")) == []
    assert _run(tmp_path / "empty.db", "list", "--jsonl") == ""


def test_plain_list_prints_every_row_once(big_db):
    lines = _run(big_db, "list").splitlines()
    assert len(lines) == 1200
    assert len({line.split()[0] for line in lines}) == 1200


@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["list", "--jsonl"]])
def test_a_closed_pipe_ends_the_listing_quietly(big_db, args):
    # `reader list | head -1`: the reader stops at once when the pipe closes, with no traceback.
    process = subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "--db", str(big_db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert first.strip()
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    assert stderr == ""


def test_a_read_only_command_does_not_load_the_parsers(big_db):
    # `reader list` and `reader show` need neither the query parser, re-anchoring nor the importers.
    code = (
        "import sys; from click.testing import CliRunner; from reader.cli import main;"
        f"r = CliRunner().invoke(main, ['--db', {str(big_db)!r}, 'show', '1']); assert r.exit_code == 0, r.output;"
        f"r = CliRunner().invoke(main, ['--db', {str(big_db)!r}, 'list']); assert r.exit_code == 0, r.output;"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('reader.', 'regex', 'yaml', 'markdown_it')))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "reader.store.listing" in loaded
    for heavy in ("reader.query", "reader.anchoring", "reader.importers", "regex", "yaml", "markdown_it"):
        assert heavy not in loaded


def test_show_loads_no_file_copying_nor_compression_modules(big_db):
    # Only `reader backup --raw` and `check --compact` use shutil (which loads bz2 and lzma, ~2.6 ms).
    # Run as the console script runs it: click.testing itself loads shutil.
    code = (
        "import contextlib, os, sys; from reader.cli import main\n"
        "with open(os.devnull, 'w') as out, contextlib.redirect_stdout(out):\n"
        f"    main(['--db', {str(big_db)!r}, 'show', '1'], standalone_mode=False)\n"
        "print(' '.join(sorted(m for m in ('shutil', 'bz2', 'lzma', 'reader.store.library') if m in sys.modules)))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == ["reader.store.library"]


def test_the_group_itself_loads_no_room_of_the_library():
    # `import reader.cli` (what every command pays first) and `reader --version` load no room of the store.
    code = (
        "import sys; from click.testing import CliRunner; from reader.cli import main;"
        "r = CliRunner().invoke(main, ['--version']); assert r.exit_code == 0 and 'reader' in r.output, r.output;"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('reader.'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "reader.cli" in loaded
    for room in (
        "reader.store.library",
        "reader.store.search",
        "reader.store.indexing",
        "reader.model",
        "reader.store.migrations",
    ):
        assert room not in loaded


def _failing_after(n: int):
    yield from _articles(n)
    raise OSError("the source broke")


def test_bulk_add_in_batches_keeps_the_committed_batches_searchable(tmp_path):
    library = Library(tmp_path / "batches.db")
    with pytest.raises(OSError):
        library.add_articles_bulk(_failing_after(250), batch_size=100)
    # Two whole batches were committed; the third, cut short, left nothing.
    assert library.count_articles() == 200
    assert len(library.search("Tin", limit=500)) == 200
    assert library.add_articles_bulk(_articles(250), batch_size=100) == 50  # the first 200 are already in
    assert library.count_articles() == 250
    library.close()


def test_bulk_add_without_batches_stays_all_or_nothing(tmp_path):
    library = Library(tmp_path / "whole.db")
    with pytest.raises(OSError):
        library.add_articles_bulk(_failing_after(250))
    assert library.count_articles() == 0
    library.close()


def _write_files(folder, n: int, word: str = "kinh tế"):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{i:03d}.txt").write_text(f"Bài số {i}\n\nHÀ NỘI — Bài {i} về {word}.\n", encoding="utf-8")


def test_import_in_batches_reports_each_file_and_undoes_a_refused_one_alone(tmp_path):
    from reader.services.imports import import_paths

    folder = tmp_path / "in"
    _write_files(folder, 7)
    library = Library(tmp_path / "lib.db")
    # The store refuses one file halfway through a batch (a trigger stands in for a write that fails).
    library.conn.execute(
        "CREATE TEMP TRIGGER poison BEFORE INSERT ON articles WHEN new.title = 'Bài số 3' "
        "BEGIN SELECT RAISE(ABORT, 'poisoned'); END"
    )
    results = list(import_paths(library, [folder], batch_files=5))
    assert [r.status for r in results] == ["imported"] * 3 + ["refused"] + ["imported"] * 3
    assert [r.path.name for r in results] == [f"{i:03d}.txt" for i in range(7)]
    assert library.count_articles() == 6
    assert {r.id for r in library.search("kinh te", limit=50)} == {
        r.article_id for r in results if r.status == "imported"
    }
    library.conn.execute("DROP TRIGGER temp.poison")
    again = list(import_paths(library, [folder], batch_files=5))
    assert [r.status for r in again] == ["unchanged"] * 3 + ["imported"] + ["unchanged"] * 3
    (folder / "002.txt").write_text("Bài số 2\n\nHÀ NỘI — Bài 2 về du lịch.\n", encoding="utf-8")
    changed = {r.path.name: r for r in import_paths(library, [folder], batch_files=5)}
    assert changed["002.txt"].status == "updated" and changed["002.txt"].article_id == results[2].article_id
    assert [r.id for r in library.search("du lich")] == [results[2].article_id]
    library.close()


def test_an_imported_file_is_committed_before_it_is_reported(tmp_path):
    import sqlite3

    from reader.services.imports import import_paths

    folder = tmp_path / "in"
    _write_files(folder, 6)
    library = Library(tmp_path / "lib.db")
    results = import_paths(library, [folder], batch_files=4)
    first = next(results)
    # Another program (or the same after a crash) sees every file reported so far.
    other = sqlite3.connect(tmp_path / "lib.db")
    assert other.execute("SELECT count(*) FROM articles WHERE id = ?", (first.article_id,)).fetchone()[0] == 1
    other.close()
    assert len(list(results)) == 5
    library.close()
