"""Export from the command line and the TUI, and the W3C JSON round trip between two libraries."""

import json

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.ui.app import make_app
from tests.tui_helpers import SAMPLES, library_with, settle


@pytest.fixture
def run(tmp_path):
    def invoke(db_name, *args):
        return CliRunner().invoke(main, ["--db", str(tmp_path / db_name), *args], catch_exceptions=False)

    return invoke


def annotate(run, db="a.db"):
    """Import the samples into a library and annotate the Hà Nội article; returns its id."""
    run(db, "import", str(SAMPLES))
    rows = json.loads(run(db, "list", "--json").output)
    hanoi = next(r["id"] for r in rows if r["place"] == "Hà Nội")
    assert (
        run(
            db,
            "highlight",
            str(hanoi),
            "Political trust has been further strengthened",
            "--note",
            "# not a heading\n> nor a quote",
            "--tag",
            "ngoại giao",
            "--color",
            "3",
        ).exit_code
        == 0
    )
    assert run(db, "highlight", str(hanoi), "Tô Lâm", "--note", "Tổng Bí thư", "--tag", "people").exit_code == 0
    return hanoi


def test_export_markdown_to_stdout(run):
    annotate(run)
    out = run("a.db", "export").output
    assert out.startswith("---\n")
    assert "> Political trust has been further strengthened" in out
    assert "\\# not a heading" in out
    assert "#ngoại-giao" in out and "#people" in out
    assert out.index("Tô Lâm") < out.index("Political trust")  # reading order


def test_export_to_a_folder_never_overwrites_without_force(run, tmp_path):
    annotate(run)
    folder = tmp_path / "notes"
    result = run("a.db", "export", "-o", f"{folder}/")
    assert result.exit_code == 0, result.output
    [written] = list(folder.iterdir())
    assert written.name.startswith("2025-04-03-viet-nam-consistently-considers-japan")
    assert written.suffix == ".md"
    assert "Political trust" in written.read_text(encoding="utf-8")
    again = run("a.db", "export", "-o", f"{folder}/")
    assert again.exit_code == 1 and "--force" in again.output
    assert run("a.db", "export", "-o", f"{folder}/", "--force").exit_code == 0
    single = tmp_path / "all.md"
    assert run("a.db", "export", "-o", str(single)).exit_code == 0
    assert single.read_text(encoding="utf-8").startswith("---\n")


def test_export_filters_by_tag_and_date(run):
    annotate(run)
    tagged = run("a.db", "export", "--tag", "NGOẠI GIAO").output
    assert "Political trust" in tagged and "Tô Lâm”" not in tagged and "> Tô Lâm" not in tagged
    assert run("a.db", "export", "--since", "2999-01-01").stdout == ""
    assert "Nothing to export" in run("a.db", "export", "--tag", "nothing").output
    assert run("a.db", "export", "--article", "999").exit_code == 1


def annotations(json_text: str) -> list[dict]:
    """The annotations of an export, without the ids that differ between libraries."""
    items = json.loads(json_text)["first"]["items"]
    for item in items:
        item.pop("id")
    return items


def test_json_round_trip_into_a_fresh_library(run, tmp_path):
    annotate(run)
    exported = tmp_path / "notes.json"
    assert run("a.db", "export", "--format", "json", "-o", str(exported)).exit_code == 0
    run("b.db", "import", str(SAMPLES))
    result = run("b.db", "import-annotations", str(exported))
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("2 annotations: 2 added")
    again = run("b.db", "export", "--format", "json").output
    assert annotations(again) == annotations(exported.read_text(encoding="utf-8"))
    # Importing the same file twice adds nothing.
    assert "2 unchanged" in run("b.db", "import-annotations", str(exported)).output


def test_import_annotations_reports_missing_articles_and_bad_files(run, tmp_path):
    annotate(run)
    exported = tmp_path / "notes.json"
    run("a.db", "export", "--format", "json", "-o", str(exported))
    other = tmp_path / "other.txt"
    other.write_text("Another story\n\nNothing of the samples.\n", encoding="utf-8")
    run("empty.db", "import", str(other))  # a library without the annotated articles
    result = run("empty.db", "import-annotations", str(exported))
    assert result.exit_code == 1 and "skipped" in result.output and "article not in this library" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run("a.db", "import-annotations", str(bad))
    assert result.exit_code == 1 and "cannot read" in result.output and "Traceback" not in result.output


async def test_e_in_the_tui_exports_the_article(tmp_path, reader_home):
    library = library_with(tmp_path)
    app = make_app(library)
    async with app.run_test(size=(180, 50)) as pilot:
        await pilot.press("j", "enter", "h", "e")
        await settle(pilot)
        files = list((reader_home / "exports").iterdir())
        assert len(files) == 1 and files[0].suffix == ".md"
        assert "> Việt Nam consistently considers Japan" in files[0].read_text(encoding="utf-8")
        assert any(str(files[0]) in n.message for n in app._notifications)
        # Pressing e again after more notes asks, then (y) updates the same file.
        # e at once after ctrl+s: the export waits for the note's write, so it holds the note.
        await pilot.press("n", *"thêm ghi chú", "ctrl+s", "e")
        await settle(pilot)
        assert "thêm ghi chú" not in files[0].read_text(encoding="utf-8")
        await pilot.press("y")
        await settle(pilot)
        assert [f.name for f in (reader_home / "exports").iterdir()] == [files[0].name]
        assert "thêm ghi chú" in files[0].read_text(encoding="utf-8")
