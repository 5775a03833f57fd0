"""CLI details a careful user meets: a mistyped --db, the TUI without a terminal, refused arguments, plurals."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.store import Library
from tests.helpers import ROOT, SAMPLES, child_env, cli


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def samples_db(tmp_path):
    db = tmp_path / "lib.db"
    assert run("--db", str(db), "import", str(SAMPLES)).exit_code == 0
    return db


READING_COMMANDS = [
    ["list"],
    ["list", "--json"],
    ["show", "1"],
    ["show", "1", "--json"],
    ["search", "japan"],
    ["export"],
    ["export", "--format", "json"],
    ["notes", "1"],
    ["tags"],
    ["colors"],
    ["feed", "list"],
    ["feed", "export"],
    ["backup", "copy.db"],
]


@pytest.mark.parametrize("args", READING_COMMANDS, ids=" ".join)
def test_a_reading_command_on_a_missing_library_says_so_and_creates_nothing(tmp_path, args):
    db = tmp_path / "nope.db"
    result = run("--db", str(db), *args)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: there is no library at {db}; a command that adds something (import, add, feed add, feed import) creates one\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_reading_command_on_an_empty_file_says_it_is_empty(tmp_path):
    db = tmp_path / "zero.db"
    db.write_bytes(b"")
    result = run("--db", str(db), "list")
    assert result.exit_code == 1 and result.output.startswith(f"Error: {db} is empty (0 bytes);")
    assert db.read_bytes() == b""


def test_a_writing_command_creates_the_library_and_says_so_on_stderr(tmp_path):
    db = tmp_path / "new.db"
    done = cli(db, "import", str(SAMPLES / "000_7e6c3dc501d06e4e.txt"))
    assert done.returncode == 0
    assert done.stderr == f"Created a new library at {db}\n"
    assert done.stdout.startswith("imported")
    again = cli(db, "tag", "1", "x")
    assert again.returncode == 0 and again.stderr == ""  # said once, when it was created
    assert cli(db, "list").stdout.count("\n") == 1


def test_the_reader_without_a_terminal_refuses_before_touching_anything(tmp_path):
    db = tmp_path / "lib.db"
    done = subprocess.run(
        [sys.executable, "-m", "reader.cli", "--db", str(db)],
        cwd=ROOT,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""  # no escape codes in the pipe
    assert done.stderr == (
        "Error: the reader's screen needs a terminal, and standard input and output are not one; "
        "in a script, use its commands (see `reader --help`)\n"
    )
    assert not db.exists()


def test_the_reader_names_the_one_stream_that_is_not_a_terminal(monkeypatch, tmp_path):
    import reader.cli

    monkeypatch.setattr(reader.cli, "_is_terminal", lambda stream: stream is sys.stdin)
    result = run("--db", str(tmp_path / "lib.db"))
    assert result.exit_code == 1
    assert "standard output is not one;" in result.output


@pytest.mark.parametrize("occurrence", ["0", "-1", "2", "999"])
def test_a_highlight_occurrence_outside_the_quote_s_occurrences_is_refused(samples_db, occurrence):
    result = run("--db", str(samples_db), "highlight", "1", "Tô Lâm said", "--occurrence", occurrence)
    assert result.exit_code == 1
    assert result.output == "Error: --occurrence must be 1: the quote occurs once\n"
    assert Library(samples_db).highlights(1) == []


def test_occurrence_1_of_a_single_quote_is_kept(samples_db):
    result = run("--db", str(samples_db), "highlight", "1", "Tô Lâm said", "--occurrence", "1")
    assert result.exit_code == 0
    assert [h.quote for h in Library(samples_db).highlights(1)] == ["Tô Lâm said"]


def test_occurrence_0_among_several_names_the_range(samples_db):
    result = run("--db", str(samples_db), "highlight", "1", "Japan", "--occurrence", "0")
    assert result.exit_code == 1
    assert result.output.startswith("Error: --occurrence must be between 1 and ")


@pytest.mark.parametrize("quote", ["", "   ", "\n\t"])
def test_an_empty_quote_is_called_empty(samples_db, quote):
    result = run("--db", str(samples_db), "highlight", "1", quote)
    assert result.exit_code == 1
    assert result.output == "Error: the quote is empty: give the words to highlight\n"


@pytest.mark.parametrize("tags", [["  "], ["ok", ""], ["\t"]])
def test_a_blank_tag_is_refused(samples_db, tags):
    result = run("--db", str(samples_db), "tag", "1", *tags)
    assert result.exit_code == 1 and result.output == "Error: a tag name cannot be blank\n"
    assert Library(samples_db).get_article(1).tags == []
    noted = run("--db", str(samples_db), "highlight", "1", "Tô Lâm said", *[f"--tag={t}" for t in tags])
    assert noted.exit_code == 1 and Library(samples_db).highlights(1) == []


def test_counts_of_one_are_singular(samples_db, tmp_path):
    db = str(samples_db)
    assert run("--db", db, "search", '"Phạm Minh Chính"').output.splitlines()[-1] == "1 article"
    assert run("--db", db, "highlight", "1", "Tô Lâm said").exit_code == 0
    out = tmp_path / "one.md"
    assert run("--db", db, "export", "-o", str(out)).output == f"wrote {out} (1 article)\n"
    backup = run("--db", db, "backup", str(tmp_path / "b.db")).output
    assert "2 articles, 1 highlight)" in backup
    exported = tmp_path / "one.json"
    run("--db", db, "export", "--format", "json", "-o", str(exported))
    fresh = str(tmp_path / "fresh.db")
    run("--db", fresh, "import", str(SAMPLES))
    assert run("--db", fresh, "import-annotations", str(exported)).output.endswith("1 annotation: 1 added\n")


def test_export_help_names_the_date_format_a_person_types():
    shown = run("export", "--help").output
    assert "--since DATE" in shown and "(YYYY-MM-DD)" in shown and "%Y" not in shown


def test_an_existing_library_is_read_as_before(samples_db):
    rows = json.loads(run("--db", str(samples_db), "list", "--json").output)
    assert len(rows) == 2


def test_messages_name_the_real_problem(tmp_path):
    from reader.importers.vault_note import parse_open_uri

    invoke = run
    db = str(tmp_path / "lib.db")
    assert invoke("--db", db, "import", str(SAMPLES)).exit_code == 0
    assert invoke("--db", db, "highlight", "1", "Việt Nam", "--occurrence", "1").exit_code == 0
    (tmp_path / "precious.txt").write_text("keep me")
    for force in ([], ["--force"]):
        out = invoke("--db", db, "export", "-o", str(tmp_path / "precious.txt" / "x.md"), *force)
        assert out.exit_code == 1 and "precious.txt is a file, not a folder" in out.output, out.output
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    out = invoke("--db", db, "reextract", "999")
    assert "#999 there is no article with this id" in out.output
    with pytest.raises(ValueError, match="names 2 values of article: it should name one"):
        parse_open_uri("reader://open?article=3&article=4")


@pytest.mark.parametrize(
    "args, said",
    [
        (["list", "--pretty"], "give --json too"),
        (["search", "--pretty", "ha noi"], "give --json too"),
        (["list", "--json", "--jsonl"], "give one of them"),
        (["export", "--pretty"], "give --format json too"),
        (["import", "--encoding", "", "x.txt"], "needs the name of a codec"),
    ],
)
def test_options_that_mean_nothing_together_are_refused(tmp_path, args, said):
    out = run("--db", str(tmp_path / "lib.db"), *args)
    assert out.exit_code == 2 and said in out.output and "Traceback" not in out.output
