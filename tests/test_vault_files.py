"""Vault files as editors and crashes leave them: CRLF line endings kept (no churn), killed syncs' leftovers, a damaged state."""

from __future__ import annotations

import pytest

from reader.model import Anchor
from reader.services.vault import sync
from reader.store import Library
from tests.tui_helpers import library_with


@pytest.fixture
def library(tmp_path) -> Library:
    library = library_with(tmp_path)
    article = next(a for a in library.list_articles() if a.place == "Hà Nội")
    body = library.get_article(article.id).body
    library.add_highlight(article.id, Anchor(0, 8, body[:8]), note="first note")
    return library


def the_note(vault):
    [path] = list(vault.rglob("*.md"))
    return path


def lone_lf(data: bytes) -> int:
    return data.count(b"\n") - data.count(b"\r\n")


def test_a_crlf_note_edited_in_the_vault_is_read_back_and_stays_crlf(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    data = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(data.replace(b"**Note:** first note", b"**Note:** edited\\\r\nline two"))
    report = sync(library, vault)
    assert not report.problems and len(report.read_back) == 1 and len(report.updated) == 1
    [h] = library.highlights(next(a.id for a in library.list_articles() if a.place == "Hà Nội"))
    assert h.note == "edited\nline two"  # the library holds LF text
    written = path.read_bytes()
    assert lone_lf(written) == 0 and b"**Note:** edited\\\r\nline two\r\n" in written
    # The library changes: the note is rewritten, still in CRLF.
    library.set_highlight_note(h.id, "from reader")
    report = sync(library, vault)
    assert len(report.updated) == 1 and not report.problems
    assert lone_lf(path.read_bytes()) == 0 and b"**Note:** from reader\r\n" in path.read_bytes()
    for _ in range(2):  # and then it is left alone
        before = path.read_bytes()
        report = sync(library, vault)
        assert (report.updated, report.read_back, report.problems, report.unchanged) == ([], [], [], 1)
        assert path.read_bytes() == before


def test_a_note_saved_again_in_crlf_with_nothing_changed_is_not_rewritten(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    for _ in range(3):
        report = sync(library, vault)
        assert (report.updated, report.read_back, report.problems) == ([], [], [])
        assert path.read_bytes() == crlf


def test_mixed_line_endings_outside_the_region_are_kept_byte_for_byte(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    mixed = path.read_bytes() + b"\r\n## Mine\r\nwritten on Windows\r\n\nand on Linux\n"
    path.write_bytes(mixed)
    report = sync(library, vault)
    assert (report.updated, report.problems) == ([], [])
    assert path.read_bytes() == mixed


def test_a_sync_cleans_what_a_killed_sync_left_and_nothing_else(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    left = path.with_name(f".{path.name}.999999999-0badc0de.tmp")  # a killed sync's, its process gone
    mine = vault / ".my-notes.tmp"  # the user's own hidden file
    left.write_text("half", encoding="utf-8")
    mine.write_text("mine", encoding="utf-8")
    library.set_highlight_note(library.highlights(library.get_highlight(1).article_id)[0].id, "changed")
    assert len(sync(library, vault).updated) == 1
    assert not left.exists() and mine.read_text(encoding="utf-8") == "mine"


def test_a_damaged_state_entry_gives_one_sentence(library, tmp_path):
    import json

    from click.testing import CliRunner

    from reader.cli import main

    vault = tmp_path / "vault"
    sync(library, vault)
    state_path = vault / ".reader-sync.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    for entry in state["notes"].values():
        entry["fields"], entry["file"] = "x|y", "changed"
    state_path.write_text(json.dumps(state), encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(library.path), "sync", str(vault)])
    assert result.exit_code == 1 and "has an entry reader did not write" in result.output
    assert "Traceback" not in result.output
