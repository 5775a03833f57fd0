"""The command line, through click's CliRunner, asserting on output, exit codes and the database."""

import json
import shutil

import pytest
from click.testing import CliRunner

from reader import __version__
from reader.cli import main
from reader.store import Library
from tests.helpers import SAMPLES


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "cli.db"

    def invoke(*args, default_library=False):
        argv = list(args) if default_library else ["--db", str(db), *args]
        return CliRunner().invoke(main, argv, catch_exceptions=False)

    invoke.db = db
    return invoke


def test_help_and_version(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in ("import", "list", "show", "highlight", "notes", "tag", "tags"):
        assert command in result.output
    assert run("--version").output.strip() == f"reader, version {__version__}"


def test_default_library_starts_with_the_samples_in_reader_home(run, reader_home):
    result = run("list", "--json", default_library=True)
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert sorted(r["place"] for r in rows) == ["Hà Nội", "Quảng Ninh"]
    assert (reader_home / "library.db").exists()
    # A second run does not import them again.
    assert len(json.loads(run("list", "--json", default_library=True).output)) == 2


def test_import_reports_each_file_and_summary(run, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for seed in SAMPLES.glob("*.txt"):
        shutil.copy(seed, folder / "sub" / seed.name)
    (folder / "binary.txt").write_bytes(b"abc\x00def")
    (folder / "empty.md").write_bytes(b"")
    (folder / "ignored.pdf").write_bytes(b"%PDF")
    result = run("import", str(folder))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert sum(line.startswith("imported") for line in lines) == 2
    assert any(line.startswith("refused") and "binary.txt" in line and "binary" in line.lower() for line in lines)
    assert any(line.startswith("refused") and "empty.md" in line and "empty" in line for line in lines)
    assert not any("ignored.pdf" in line for line in lines)
    assert lines[-1] == "4 files: 2 imported, 0 updated, 0 unchanged, 2 refused"
    # Importing again changes nothing and succeeds.
    again = run("import", str(folder / "sub"))
    assert again.exit_code == 0
    assert again.output.splitlines()[-1] == "2 files: 0 imported, 0 updated, 2 unchanged, 0 refused"
    with Library(run.db) as library:
        assert library.count_articles() == 2


def test_import_updates_a_changed_file_in_place(run, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("A title\n\nFirst version of the text.\n", encoding="utf-8")
    first = run("import", str(path)).output.splitlines()
    assert first[0] == f"Created a new library at {run.db}" and first[1].startswith("imported")
    path.write_text("A title\n\nSecond version of the text.\n", encoding="utf-8")
    result = run("import", str(path))
    assert result.output.startswith("updated")
    shown = run("show", "1").output
    assert "Second version" in shown and "First version" not in shown


def test_import_with_encoding_and_missing_file(run, tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Café title\n\nDéjà vu.\n".encode("cp1252"))
    assert run("import", "--encoding", "cp1252", str(path)).exit_code == 0
    assert "Déjà vu." in run("show", "1").output
    result = run("import", str(tmp_path / "nope.txt"))
    assert result.exit_code == 1
    assert "no such file" in result.output
    bad = run("import", "--encoding", "no-such-codec", str(path))
    assert bad.exit_code == 1 and "refused" in bad.output


def test_list_and_show(run):
    run("import", str(SAMPLES))
    listing = run("list").output
    assert "Quảng Ninh" in listing and "Hà Nội" in listing
    rows = json.loads(run("list", "--json").output)
    assert [r["date"] for r in rows] == ["2025-11-25", "2025-04-03"]  # newest first
    shown = run("show", str(rows[1]["id"])).output
    assert "Hà Nội · 2025-04-03 · VNA/VNS" in shown
    assert shown.rstrip().endswith("in all areas.")
    missing = run("show", "999")
    assert missing.exit_code == 1 and "no article with id 999" in missing.output


def test_highlight_notes_and_tags_from_the_command_line(run):
    run("import", str(SAMPLES))
    rows = json.loads(run("list", "--json").output)
    hanoi = next(r["id"] for r in rows if r["place"] == "Hà Nội")
    result = run("highlight", str(hanoi), "Tô Lâm", "--note", "Tổng Bí thư", "--tag", "Lãnh đạo", "--color", "2")
    assert result.exit_code == 0, result.output
    notes = json.loads(run("notes", str(hanoi), "--json").output)
    [h] = notes["highlights"]
    assert (h["quote"], h["note"], h["tags"], h["color"], h["paragraph"]) == (
        "Tô Lâm",
        "Tổng Bí thư",
        ["Lãnh đạo"],
        2,
        1,
    )
    # NFD input finds the NFC text.
    import unicodedata

    assert run("highlight", str(hanoi), unicodedata.normalize("NFD", "Lâm praised")).exit_code == 0
    missing = run("highlight", str(hanoi), "not in the article")
    assert missing.exit_code == 1 and "not in article" in missing.output
    ambiguous = run("highlight", str(hanoi), "Japan")
    assert ambiguous.exit_code == 1 and "--occurrence" in ambiguous.output
    assert run("highlight", str(hanoi), "Japan", "--occurrence", "2").exit_code == 0
    assert (
        run("tag", str(hanoi), "Ngoại giao", "ngoại giao", "Nhật Bản").output.strip().endswith("Ngoại giao, Nhật Bản")
    )
    assert [r["id"] for r in json.loads(run("list", "--tag", "NGOẠI GIAO", "--json").output)] == [hanoi]
    tags = run("tags").output
    assert "Lãnh đạo" in tags and "Ngoại giao" in tags
    assert run("tags", "rename", "Nhật Bản", "Japan").exit_code == 0
    assert run("tags", "merge", "Japan", "Ngoại giao").exit_code == 0
    assert "Japan" not in run("tags").output
    assert run("tags", "delete", "nothing-here").exit_code == 1


def test_refuses_a_database_from_the_future(run):
    run("import", str(SAMPLES))  # creates the library
    import sqlite3

    conn = sqlite3.connect(run.db)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('reader', 'm999', 'x')")
    conn.commit()
    conn.close()
    result = run("list")
    assert result.exit_code == 1
    assert "newer version of reader" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [["import", ""], ["--db", "", "list"], ["export", "-o", ""], ["sync", ""], ["import-annotations", ""]],
)
def test_an_empty_file_name_is_refused_not_read_as_the_current_folder(tmp_path, monkeypatch, args):
    # `reader import "$UNSET"` used to import every file under the current folder.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.txt").write_text("Secret draft\n\nNot for the library.\n")
    out = CliRunner().invoke(main, args if args[0] == "--db" else ["--db", str(tmp_path / "lib.db"), *args])
    assert out.exit_code == 2
    assert "an empty name is not a file or folder" in out.output and "Traceback" not in out.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.txt"]


@pytest.mark.parametrize(
    "args",
    [
        ["tag", "1", "x"],
        ["highlight", "1", "words"],
        ["tags", "rename", "a", "b"],
        ["colors", "set", "1", "red"],
        ["sync", "vault"],
        ["reextract"],
        ["feed", "update"],
        ["feed", "remove", "x"],
    ],
)
def test_a_command_that_changes_what_a_library_holds_creates_none(tmp_path, args):
    # A mistyped --db would otherwise leave an empty library behind (and the command then fails anyway).
    missing = tmp_path / "typo.db"
    out = CliRunner().invoke(main, ["--db", str(missing), *args])
    assert out.exit_code == 1 and "there is no library at" in out.output
    assert not missing.exists() and not (tmp_path / "vault").exists()
