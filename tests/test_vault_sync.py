"""`reader sync`: notes in a vault, updated in place, the user's edits read back, conflicts kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from reader import fs
from reader.cli import main
from reader.exporters import vault as notes
from reader.importers import vault_note
from reader.model import Anchor, Article, Highlight
from reader.services import vault as syncing
from reader.services.vault import SyncOptions, sync
from reader.store import Library
from tests.tui_helpers import library_with, settle

MD = MarkdownIt("commonmark")


@pytest.fixture
def library(tmp_path) -> Library:
    library = library_with(tmp_path)
    article = next(a for a in library.list_articles() if a.place == "Hà Nội")
    body = library.get_article(article.id).body
    library.add_highlight(article.id, Anchor(0, 8, body[:8]), note="first note", tags=["ngoại giao"])
    start = body.index("Political trust")
    library.add_highlight(article.id, Anchor(start, start + 15, body[start : start + 15]), color=3)
    return library


def hanoi(library: Library):
    return library.get_article(next(a.id for a in library.list_articles() if a.place == "Hà Nội"))


def the_note(vault: Path) -> Path:
    [path] = [p for p in vault.rglob("*.md")]
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def front(text: str) -> dict:
    return yaml.safe_load(text[4 : text.index("\n---\n", 3)])


def test_first_sync_writes_a_note_that_parses_and_a_second_changes_nothing(library, tmp_path):
    vault = tmp_path / "vault"
    report = sync(library, vault)
    assert len(report.created) == 1 and not report.updated
    text = the_note(vault).read_text(encoding="utf-8")
    meta = front(text)
    article = hanoi(library)
    assert meta["reader-id"] == article.id and meta["title"] == article.title and meta["highlights"] == 2
    assert meta["aliases"] == [article.title] and meta["place"] == "Hà Nội"
    assert None not in meta.values() and "" not in meta.values()
    assert text.count(notes.BEGIN) == 1 and text.count(notes.END) == 1
    assert "^h-" in text and "reader://open?article=" in text
    MD.parse(text)  # CommonMark reads it
    before = the_note(vault).read_bytes()
    again = sync(library, vault)
    assert (again.created, again.updated, again.unchanged) == ([], [], 1)
    assert the_note(vault).read_bytes() == before


def test_edits_in_the_region_come_back_and_user_text_outside_survives(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    edit(path, "**Note:** first note", "**Note:** sửa trong Obsidian\ndòng hai")
    edit(path, "**Tags:** #ngoại-giao", "**Tags:** #ngoại-giao #mới")
    edit(path, "## Article note\n", "## Article note\n\nghi chú của bài\n")
    edit(path, "---\n<!-- reader:begin", "cssclasses:\n  - wide\nmy-key: 'x: y'\n---\nMy intro.\n\n<!-- reader:begin")
    path.write_text(path.read_text(encoding="utf-8") + "\n## My section\n\n- [[link]] ^mine\n", encoding="utf-8")
    report = sync(library, vault)
    assert len(report.read_back) == 3 and not report.conflicts
    article = hanoi(library)
    first = library.highlights(article.id)[0]
    assert first.note == "sửa trong Obsidian\ndòng hai"
    assert set(first.tags) == {"ngoại giao", "mới"}  # the library's spelling is kept for the old tag
    assert article.note == "ghi chú của bài"
    text = path.read_text(encoding="utf-8")
    assert "cssclasses:\n  - wide\nmy-key: 'x: y'\n---\nMy intro.\n\n<!-- reader:begin" in text
    assert text.endswith("<!-- reader:end -->\n\n## My section\n\n- [[link]] ^mine\n")
    # The library changes next: the note follows, the user's text still stays.
    library.set_highlight_note(first.id, "changed in reader")
    assert len(sync(library, vault).updated) == 1
    text = path.read_text(encoding="utf-8")
    assert "**Note:** changed in reader" in text and "My intro." in text and "my-key: 'x: y'" in text


def _drop_paragraph(path: Path, label: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(label)
    path.write_text(text[:start] + text[text.index("\n\n", start) + 2 :], encoding="utf-8")


def _changed_on_both_sides(library: Library, vault: Path) -> tuple[Path, Highlight]:
    """A synced note whose first highlight's note then changes in the vault and in the library."""
    sync(library, vault)
    path = the_note(vault)
    first = library.highlights(hanoi(library).id)[0]
    edit(path, "**Note:** first note", "**Note:** the vault's text")
    library.set_highlight_note(first.id, "the library's text")
    return path, first


def test_a_note_changed_on_both_sides_keeps_both_texts(library, tmp_path):
    vault = tmp_path / "vault"
    path, first = _changed_on_both_sides(library, vault)
    report = sync(library, vault)
    assert len(report.conflicts) == 1 and "both texts" in report.conflicts[0]
    assert library.get_highlight(first.id).note == "the library's text"  # not overwritten
    text = path.read_text(encoding="utf-8")
    assert "**Note:** the vault's text" in text and "**Note in reader:** the library's text" in text
    assert "**Conflict:**" in text
    # Unresolved, the conflict stays; resolved in the vault, the resolution comes back.
    assert len(sync(library, vault).conflicts) == 1
    _drop_paragraph(path, "**Note in reader:**")
    report = sync(library, vault)
    assert not report.conflicts and len(report.read_back) == 1
    assert library.get_highlight(first.id).note == "the vault's text"
    assert "**Conflict:**" not in path.read_text(encoding="utf-8")


def test_a_conflict_resolved_by_keeping_the_readers_text_stays_resolved(library, tmp_path):
    vault = tmp_path / "vault"
    path, first = _changed_on_both_sides(library, vault)
    assert len(sync(library, vault).conflicts) == 1
    _drop_paragraph(path, "**Note:** the vault's text")  # the reader's paragraph is the one kept
    report = sync(library, vault)
    assert not report.conflicts
    assert library.get_highlight(first.id).note == "the library's text"
    text = path.read_text(encoding="utf-8")
    assert "**Conflict:**" not in text and "**Note:** the library's text" in text
    assert not sync(library, vault).conflicts  # and it does not come back


def test_a_note_emptied_in_the_vault_against_a_change_in_reader_stays_a_conflict(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    first = library.highlights(hanoi(library).id)[0]
    _drop_paragraph(path, "**Note:** first note")
    library.set_highlight_note(first.id, "the library's text")
    assert len(sync(library, vault).conflicts) == 1
    assert "**Note:** (empty)" in path.read_text(encoding="utf-8")
    assert len(sync(library, vault).conflicts) == 1  # untouched, it is not decided for the user
    _drop_paragraph(path, "**Note in reader:**")  # keep the vault's side: no note
    assert not sync(library, vault).conflicts
    assert library.get_highlight(first.id).note == ""


def test_tags_changed_on_both_sides_keep_both(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    first = library.highlights(hanoi(library).id)[0]
    edit(path, "**Tags:** #ngoại-giao", "**Tags:** #ngoại-giao #from-vault")
    library.set_highlight_tags(first.id, ["ngoại giao", "from reader"])
    report = sync(library, vault)
    assert len(report.conflicts) == 1
    assert set(library.get_highlight(first.id).tags) == {"ngoại giao", "from reader", "from-vault"}
    assert "#from-reader" in path.read_text(encoding="utf-8")


def test_a_renamed_and_moved_note_is_found_by_its_reader_id(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    (vault / "Reading" / "Deep").mkdir(parents=True)
    moved = vault / "Reading" / "Deep" / "Nhật Bản.md"
    path.rename(moved)
    library.set_highlight_note(library.highlights(hanoi(library).id)[0].id, "after the move")
    report = sync(library, vault)
    assert report.created == [] and len(report.updated) == 1
    assert list(vault.rglob("*.md")) == [moved]
    assert "after the move" in moved.read_text(encoding="utf-8")


def test_a_stale_copy_of_a_note_never_overwrites_what_was_synced_since(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    original = the_note(vault)
    first = library.highlights(hanoi(library).id)[0]
    library.set_highlight_note(first.id, "reader side edit")
    sync(library, vault)  # the note now says "reader side edit"
    copy = original.with_name("0-copy.md")  # sorted before the original
    copy.write_bytes(original.read_bytes())
    edit(copy, "**Note:** reader side edit", "**Note:** edited in the copy")
    report = sync(library, vault)
    assert library.get_highlight(first.id).note == "reader side edit"  # the note the last sync wrote is synced
    assert any("0-copy.md: also carries reader-id" in p and original.name in p for p in report.problems)
    copy.unlink()
    library.set_highlight_note(first.id, "newer in reader")
    sync(library, vault)
    assert library.get_highlight(first.id).note == "newer in reader"
    assert "**Note:** newer in reader" in original.read_text(encoding="utf-8")


def test_the_original_is_synced_when_a_copy_is_made_and_the_original_edited(library, tmp_path):
    # Obsidian's "Make a copy" leaves an untouched copy beside the note the user goes on editing.
    vault = tmp_path / "vault"
    sync(library, vault)
    original = the_note(vault)
    copy = original.with_name("0-copy.md")
    copy.write_bytes(original.read_bytes())
    edit(original, "**Note:** first note", "**Note:** edited in the original")
    sync(library, vault)
    first = library.highlights(hanoi(library).id)[0]
    assert first.note == "edited in the original"
    library.set_highlight_note(first.id, "changed in reader")
    sync(library, vault)
    assert "**Note:** changed in reader" in original.read_text(encoding="utf-8")
    copy.unlink()
    report = sync(library, vault)
    assert library.get_highlight(first.id).note == "changed in reader" and not report.conflicts


def test_a_block_deleted_in_the_vault_is_restored_unless_deletes_are_accepted(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    text = path.read_text(encoding="utf-8")
    start = text.index("### Paragraph 3")
    end = text.index("\n", text.index("^h-", start)) + 1
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    report = sync(library, vault)
    assert len(report.restored) == 1 and len(library.highlights(hanoi(library).id)) == 2
    assert "### Paragraph 3" in path.read_text(encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    start = text.index("### Paragraph 3")
    end = text.index("\n", text.index("^h-", start)) + 1
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    report = sync(library, vault, SyncOptions(accept_deletes=True))
    assert len(report.deleted) == 1 and len(library.highlights(hanoi(library).id)) == 1


def test_a_highlight_deleted_in_reader_leaves_the_note_unless_edited_there(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    first, second = library.highlights(hanoi(library).id)
    edit(path, "**Note:** first note", "**Note:** I wrote more here")
    library.delete_highlight(first.id)
    library.delete_highlight(second.id)
    report = sync(library, vault)
    text = path.read_text(encoding="utf-8")
    assert "Political trust" not in text  # unedited: removed with its highlight
    assert "I wrote more here" in text  # edited in the vault: kept, and said so
    assert any("edited in the vault" in c for c in report.conflicts)


def test_dry_run_writes_nothing_and_says_what_would_change(library, tmp_path):
    vault = tmp_path / "vault"
    report = sync(library, vault, SyncOptions(dry_run=True))
    assert len(report.created) == 1 and not vault.exists()
    sync(library, vault)
    path = the_note(vault)
    edit(path, "**Note:** first note", "**Note:** edited")
    before = {p: p.read_bytes() for p in vault.rglob("*") if p.is_file()}
    report = sync(library, vault, SyncOptions(dry_run=True))
    assert len(report.read_back) == 1
    assert {p: p.read_bytes() for p in vault.rglob("*") if p.is_file()} == before
    assert library.highlights(hanoi(library).id)[0].note == "first note"


def test_filters_by_colour_and_only_noted(library, tmp_path):
    text = lambda v: the_note(v).read_text(encoding="utf-8")  # noqa: E731
    sync(library, tmp_path / "a", SyncOptions(colors=frozenset({3})))
    assert "Political trust" in text(tmp_path / "a") and "first note" not in text(tmp_path / "a")
    sync(library, tmp_path / "b", SyncOptions(only_noted=True))
    assert "Political trust" not in text(tmp_path / "b") and "first note" in text(tmp_path / "b")


def test_a_killed_sync_leaves_each_file_old_or_new(library, tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    old = path.read_bytes()
    library.set_highlight_note(library.highlights(hanoi(library).id)[0].id, "new text")
    real = fs.os.replace

    def killed(src, dst):
        raise KeyboardInterrupt  # as if killed between writing the temporary file and renaming it

    monkeypatch.setattr(fs.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        sync(library, vault)
    monkeypatch.setattr(fs.os, "replace", real)
    assert path.read_bytes() == old
    assert [p.name for p in vault.iterdir() if p.name.endswith(".tmp")] == []
    report = sync(library, vault)  # the next sync finishes the job, with nothing taken for an edit
    assert not report.read_back and not report.conflicts
    assert "new text" in path.read_text(encoding="utf-8")


HOSTILE = [
    "---",
    "<!-- reader:end -->",
    "<!--",
    "-->",
    "^h-1",
    "[↗ reader](reader://open?article=1&highlight=1) ^h-1",
    "### Paragraph 1 · yellow",
    "## Article note",
    "key: value",
    "\"quoted\" and 'single'",
    "**Note:** fake",
    "**Tags:** #fake",
    "a\n---\nb",
    "line\n\n\n\nwith gaps\n",
    "  spaces  ",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_in_notes_cannot_break_the_region_or_the_front_matter(tmp_path, text):
    library = library_with(tmp_path)
    article = next(a for a in library.list_articles() if a.place == "Hà Nội")
    body = library.get_article(article.id).body
    h = library.add_highlight(article.id, Anchor(0, 8, body[:8]), note=text, tags=[text])
    library.set_article_note(article.id, text)
    library.set_article_tags(article.id, [text])
    vault = tmp_path / "vault"
    sync(library, vault)
    written = the_note(vault).read_text(encoding="utf-8")
    assert front(written)["reader-id"] == article.id
    lines = written.split("\n")
    assert lines.count(notes.END) == 1 and sum(line.startswith("<!-- reader:begin") for line in lines) == 1
    assert lines.count("---") == 2
    parsed = vault_note.parse_note(written)
    from reader.text import clean

    assert parsed.blocks[h.id].note == clean(text) and parsed.note == clean(text)
    report = sync(library, vault)  # reads back as itself: no edit seen
    assert (report.read_back, report.conflicts, report.unchanged) == ([], [], 1)


user_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=80).map(
    lambda s: s.replace("\r", "")
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=user_text, after=user_text, key=st.sampled_from(["", "rating: 5\n", "x: 'a: b'\n", "list:\n  - a\n"]))
def test_user_text_around_the_region_survives_repeated_syncs(tmp_path_factory, before, after, key):
    tmp = tmp_path_factory.mktemp("prop")
    library = library_with(tmp)
    article = next(a for a in library.list_articles() if a.place == "Hà Nội")
    body = library.get_article(article.id).body
    h = library.add_highlight(article.id, Anchor(0, 8, body[:8]), note="n")
    vault = tmp / "vault"
    sync(library, vault)
    path = the_note(vault)
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("\n---\n", 1)
    before = before if before.endswith("\n") or not before else before + "\n"
    after = "\n" + after if after else ""
    path.write_text(head + "\n" + key + "---\n" + before + rest + after, encoding="utf-8")
    for n in range(3):
        library.set_highlight_note(h.id, f"round {n}")
        report = sync(library, vault)
        assert not report.problems and not report.conflicts, report
        now = path.read_text(encoding="utf-8")
        assert f"round {n}" in now
        assert now.split("\n---\n", 1)[1].startswith(before + "<!-- reader:begin")
        assert now.endswith("<!-- reader:end -->\n" + after)
        assert key in now.split("\n---\n", 1)[0] + "\n"


def test_the_cli_syncs_remembers_the_vault_and_reports(library, tmp_path, reader_home):
    vault = tmp_path / "vault"
    run = lambda *args: CliRunner().invoke(main, ["--db", str(library.path), *args])  # noqa: E731
    result = run("sync", str(vault), "--folder", "Reader", "--dry-run")
    assert result.exit_code == 0 and "would be created" in result.output and not vault.exists()
    result = run("sync", str(vault), "--folder", "Reader")
    assert result.exit_code == 0, result.output
    assert len(list((vault / "Reader").glob("*.md"))) == 1
    edit(the_note(vault), "**Note:** first note", "**Note:** from the vault")
    result = run("sync")  # the vault and its folder are remembered
    assert result.exit_code == 0 and "read back" in result.output and "1 edit read back" in result.output
    assert len(list(vault.rglob("*.md"))) == 1
    assert json.loads((reader_home / "vault.json").read_text())["folder"] == "Reader"
    assert run("sync", str(vault), "--color", "7").exit_code == 2
    (vault / ".reader-sync.json").write_text("{broken", encoding="utf-8")
    result = run("sync")
    assert result.exit_code == 1 and "move it away" in result.output and "Traceback" not in result.output


def test_which_highlights_a_vault_shows_is_remembered_too(library, tmp_path, reader_home):
    # The library has a yellow highlight with a note and a blue one without.
    vault = tmp_path / "vault"
    run = lambda *args: CliRunner().invoke(main, ["--db", str(library.path), *args])  # noqa: E731
    assert run("sync", str(vault), "--only-noted").exit_code == 0
    assert "Political trust" not in the_note(vault).read_text(encoding="utf-8")
    library.set_highlight_note(library.highlights(hanoi(library).id)[0].id, "changed")
    assert run("sync").exit_code == 0  # --only-noted is remembered: the blue one stays out
    text = the_note(vault).read_text(encoding="utf-8")
    assert "**Note:** changed" in text and "Political trust" not in text
    assert run("sync", "--all-highlights").exit_code == 0
    assert "Political trust" in the_note(vault).read_text(encoding="utf-8")
    assert run("sync", "--color", "3").exit_code == 0 and run("sync").exit_code == 0
    assert json.loads((reader_home / "vault.json").read_text()).get("colors") == [3]


def test_a_note_changed_during_the_sync_is_left_alone(library, tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    library.set_highlight_note(library.highlights(hanoi(library).id)[0].id, "library change")
    real_scan = syncing.scan

    def scan_then_user_saves(*args):
        found = real_scan(*args)
        edit(path, "**Note:** first note", "**Note:** typed while syncing")
        return found

    monkeypatch.setattr(syncing, "scan", scan_then_user_saves)
    report = sync(library, vault)
    assert any("changed while syncing" in p for p in report.problems)
    assert "typed while syncing" in path.read_text(encoding="utf-8")
    monkeypatch.setattr(syncing, "scan", real_scan)
    report = sync(library, vault)
    assert len(report.conflicts) == 1  # now seen as changed on both sides: both kept
    assert os.path.exists(path)


async def test_the_palette_syncs_the_remembered_vault(library, tmp_path):
    from reader.ui.app import make_app

    vault = tmp_path / "vault"
    syncing.remember_vault(vault, SyncOptions(folder="Reader"))
    app = make_app(library)
    async with app.run_test(size=(180, 50)) as pilot:
        assert any(c.title == "Sync vault" for c in app.get_system_commands(app.screen))
        app.main.sync_vault()
        await settle(pilot)
        assert len(list((vault / "Reader").glob("*.md"))) == 1
        edit(the_note(vault), "**Note:** first note", "**Note:** typed in the vault")
        app.main.sync_vault()
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("1 edit read back" in m for m in messages), messages
    assert library.highlights(hanoi(library).id)[0].note == "typed in the vault"


async def test_the_palette_asks_for_a_vault_the_first_time(library, tmp_path):
    from reader.ui.app import make_app

    vault = tmp_path / "new vault"
    app = make_app(library)
    async with app.run_test(size=(180, 50)) as pilot:
        app.main.sync_vault()
        await pilot.pause()
        await pilot.press(*str(vault), "enter")
        await pilot.pause()
        assert len(list(vault.glob("*.md"))) == 1
    assert syncing.remembered_vault()[0] == vault.resolve()


async def test_a_reader_link_opens_the_tui_on_the_passage(library):
    from reader.ui.app import make_app

    article = hanoi(library)
    second = library.highlights(article.id)[1]
    uri = notes.open_uri(article.id, second.id)
    assert vault_note.parse_open_uri(uri) == (article.id, second.id)
    app = make_app(library, open_at=vault_note.parse_open_uri(uri))
    async with app.run_test(size=(180, 50)) as pilot:
        await pilot.pause()
        assert app.main.article.id == article.id
        start, _ = app.main.reading.cursor_span
        assert start <= second.start < start + 200
        assert app.focused is app.main.reading


@pytest.mark.parametrize(
    "uri",
    [
        "https://x/open?article=1",
        "reader://open?highlight=2",
        "reader://open?article=1e9",
        "reader://open?article=" + "9" * 40,
    ],
)
def test_a_bad_reader_link_is_one_sentence(uri, library):
    result = CliRunner().invoke(main, ["--db", str(library.path), "open", uri])
    assert result.exit_code == 1 and "Traceback" not in result.output and result.output.startswith("Error: ")


def test_the_folder_may_be_nested_but_never_leaves_the_vault(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault, SyncOptions(folder="Reader/Inbox", pattern="{title}"))
    [path] = list(vault.rglob("*.md"))
    assert path.parent == vault / "Reader" / "Inbox" and path.name.startswith("Việt Nam consistently")
    for folder in ("../out", "/etc", "a/../../b"):
        with pytest.raises(ValueError):
            sync(library, tmp_path / "other", SyncOptions(folder=folder))
    assert not (tmp_path / "out").exists()


def test_the_stamp_moves_with_every_change_a_note_shows(library):
    article = hanoi(library)
    first = library.highlights(article.id)[0]
    seen = [library.annotation_stamps()[article.id]]

    def moved():
        # Each change moves the stamp from the state before it. (It may come back to an earlier
        # stamp when the state does: deleting a tag can restore what the note showed before, and
        # two edits can fall in the same millisecond.)
        stamp = library.annotation_stamps()[article.id]
        assert stamp != seen[-1]
        seen.append(stamp)

    library.set_highlight_note(first.id, "x")
    moved()
    library.set_highlight_color(first.id, 4)
    moved()
    library.set_highlight_tags(first.id, ["ngoại giao", "b"])
    moved()
    library.rename_tag("b", "c")
    moved()
    library.delete_tag("c")
    moved()
    library.add_article_tags(article.id, ["d"])
    moved()
    library.set_article_note(article.id, "note")
    moved()
    library.delete_highlight(first.id)
    moved()
    other = next(a.id for a in library.list_articles() if a.id != article.id)
    assert other not in library.annotation_stamps()  # nothing to sync there


def test_text_written_between_blocks_inside_the_region_is_moved_out_not_lost(library, tmp_path):
    vault = tmp_path / "vault"
    sync(library, vault)
    path = the_note(vault)
    edit(path, "\n### Paragraph 3", "\nMy thought between two highlights.\n\n### Paragraph 3")
    report = sync(library, vault)
    assert any("moved below it" in r for r in report.restored)
    text = path.read_text(encoding="utf-8")
    region_end = text.index(notes.END)
    assert text.index("My thought between two highlights.") > region_end
    assert text.count("My thought between two highlights.") == 1
    again = sync(library, vault)
    assert (again.updated, again.restored) == ([], [])
    assert path.read_text(encoding="utf-8") == text


note_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(note=note_text, tags=st.lists(note_text, max_size=3))
def test_any_note_reads_back_as_itself(note, tags):
    from reader.exporters.markdown import obsidian_tags
    from reader.text import clean

    h = Highlight(12, Anchor(0, 3, "Một"), note=clean(note), tags=tags, id=5)
    article = Article(title="T", body="Một câu.", note=clean(note), id=12)
    text = notes.assemble(
        None,
        notes.owned_front_matter(article, [], 1, ""),
        notes.render_region(article, h.note, [notes.HighlightBlock(h, h.note, tags)], []),
    )
    parsed = vault_note.parse_note(text)
    assert parsed.note == clean(note) and parsed.blocks[5].note == clean(note)
    assert parsed.blocks[5].tags == obsidian_tags(tags)
    assert parsed.stray == []


def test_colours_named_once_show_in_exports_and_vault_notes(library, tmp_path):
    run = lambda *args: CliRunner().invoke(main, ["--db", str(library.path), *args])  # noqa: E731
    assert run("colors", "set", "3", "key claim").exit_code == 0
    assert "3  key claim  (blue)" in run("colors").output
    assert "### Paragraph 3 · key claim" in run("export").output
    vault = tmp_path / "vault"
    sync(library, vault)
    assert "· key claim" in the_note(vault).read_text(encoding="utf-8")
    run("colors", "set", "3", "#bằng chứng")  # renamed: every note follows, the name stays text
    report = sync(library, vault)
    assert len(report.updated) == 1 and not report.read_back
    assert "· \\#bằng chứng" in the_note(vault).read_text(encoding="utf-8")
    run("colors", "set", "3", "")
    assert "3  blue" in run("colors").output
    assert run("colors", "set", "6", "x").exit_code == 2
