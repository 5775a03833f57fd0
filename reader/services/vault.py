"""Sync a vault: one note per annotated article, updated in place, with the user's edits read back.

The reader remembers, in `.reader-sync.json` in the vault, a hash of each field it last wrote
(the article note and tags, and each highlight's note and tags). At the next sync each field is
compared three ways: changed only in the library → the note is updated; changed only in the
vault → the library takes the edit; changed on both sides → nothing is overwritten: a note keeps
both texts, marked as a conflict, and tags keep both sets. The library is written first, in one
transaction that checks nothing changed since it was read; then each note, atomically, only if it
still holds what was read; then the state. A sync killed between two steps loses nothing: the
next one finds the two sides equal.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from reader.exporters import vault as notes
from reader.exporters.paths import safe_join
from reader.fs import clean_stale_temporaries, write_atomic
from reader.model import Article, Highlight, NoteStyle
from reader.services.vault_files import (  # noqa: F401  (SyncOptions, remembered_vault: the CLI's and TUI's)
    DEFAULT_PATTERN,
    STATE_NAME,
    FoundNote,
    SyncOptions,
    SyncReport,
    fields_of,
    fields_text,
    load_state,
    note_name,
    remember_vault,
    remembered_vault,
    scan,
    state_text,
)
from reader.services.vault_merge import TextMerge, hash_of, merge_tags, merge_text, tag_forms
from reader.store import Library, LibraryError

# --------------------------------------------------------------------------- sync


@dataclass
class _NotePlan:
    article: Article
    found: FoundNote | None
    path: Path
    note: TextMerge
    tag_outcome: str
    highlights: dict[int, tuple[TextMerge, str]]  # id → (note merge, tags outcome)
    kept: list[str]  # raw blocks the user edited whose highlight reader deleted
    deleted: list[int] = field(default_factory=list)


class SyncAborted(ValueError):
    """The library changed while the sync was reading it; nothing was written."""


def _in_scope(h: Highlight, options: SyncOptions) -> bool:
    return (options.colors is None or h.color in options.colors) and (not options.only_noted or bool(h.note))


def sync(library: Library, vault: Path, options: SyncOptions | None = None) -> SyncReport:
    """Bring a vault folder and the library into agreement; see the module docstring."""
    options = options or SyncOptions()
    report = SyncReport()
    vault = Path(vault).expanduser()
    if vault.exists() and not vault.is_dir():
        raise ValueError(f"{vault} is not a folder")
    state = load_state(vault) if vault.is_dir() else {"notes": {}}
    found = scan(vault, report, state["notes"]) if vault.is_dir() else {}
    target = vault
    if Path(options.folder).is_absolute() or options.folder.startswith(("/", "\\")):
        raise ValueError(f"the folder {options.folder!r} should be inside the vault (a name like Reader/Inbox)")
    for part in options.folder.replace("\\", "/").split("/"):
        if part:  # "Reader/Inbox": each part a plain name inside the one before
            target = safe_join(target, part)
    ids = list(dict.fromkeys([*library.annotated_article_ids(), *found, *(int(i) for i in state["notes"])]))

    plans: list[_NotePlan] = []
    taken: set[Path] | None = None  # the notes' paths, resolved only if a new note needs a name
    ops: list = []  # library writes: (check, write, description)
    stamps = library.annotation_stamps()
    options.colour_names = library.colour_names()
    style = library.note_style()
    options.style = NoteStyle(options.form, style.callouts) if options.form else style
    # Renamed colours or another style: every note is rendered again.
    options.names_stamp = hash_of([sorted(options.colour_names.items()), options.style.form, options.style.callouts])
    for article_id in ids:
        note, st = found.get(article_id), state["notes"].get(str(article_id), {})
        if (
            note is not None
            and not st.get("open")  # a note with a conflict or a kept block is read each time, to say so again
            and st.get("file") == note.digest
            and st.get("lib") == _stamp(stamps, article_id, options)
        ):
            report.unchanged += 1  # neither side changed since the last sync: nothing to read or render
            continue
        if note is not None and note.unreadable:
            report.problems.append(f"{note.where}: not read ({note.unreadable})")
            continue
        plan = _plan_note(library, article_id, note, st, options, report, ops)
        if plan is None:
            continue
        if plan.found is None:
            if taken is None:
                taken = {p.path.resolve() for p in found.values()}
            plan.path = _new_path(target, plan.article, options.pattern, taken)
            taken.add(plan.path.resolve())
        plans.append(plan)

    if options.dry_run:
        for plan in plans:
            _render_and_write(library, plan, options, report, vault, state, "", dry_run=True)
        return report
    if ops:
        _apply(library, ops)
        stamps = library.annotation_stamps()
    if plans:
        target.mkdir(parents=True, exist_ok=True)
        # What killed syncs left, once per folder written to (not once per note: O(n²) in a big folder).
        for folder in {target, *(plan.found.path.parent for plan in plans if plan.found is not None)}:
            clean_stale_temporaries(folder)
    for plan in plans:
        stamp = _stamp(stamps, plan.article.id, options)
        _render_and_write(library, plan, options, report, vault, state, stamp, dry_run=False)
    if plans or any(st.get("deleted") for st in state["notes"].values()):
        write_atomic(vault / STATE_NAME, state_text(state), force=True)
    return report


def _stamp(stamps: dict[int, str], article_id: int, options: SyncOptions) -> str:
    """What the note of an article depends on: the library's stamp for it and the filters."""
    colours = ",".join(map(str, sorted(options.colors))) if options.colors else "all"
    return f"{stamps.get(article_id, '')}|{colours}|{int(options.only_noted)}|{options.names_stamp}"


def _new_path(folder: Path, article: Article, pattern: str, taken: set[Path]) -> Path:
    name = note_name(article, pattern)
    path, n = safe_join(folder, name), 1
    while path.resolve() in taken or os.path.lexists(path):
        # Another article's note (or a file of the user's) has the name: never write over it.
        n += 1
        path = safe_join(folder, name.removesuffix(".md") + f"-{article.id}" + (f"-{n}" if n > 2 else "") + ".md")
    return path


def _plan_note(library, article_id, found, st, options, report, ops) -> _NotePlan | None:
    article = library.get_article(article_id)
    if article is None:
        if found is not None:
            report.problems.append(f"{found.path}: its article is no longer in the library; the note was left as is")
        return None
    highlights = library.highlights(article_id)
    chosen = [h for h in highlights if _in_scope(h, options)]
    title = f"“{article.title[:60]}”"
    fields = st.get("fields", {})
    if isinstance(fields, str):  # kept as text in the state: parsed only for a note that changed
        fields = fields_of(fields)
    if found is None:
        if not chosen and not article.note:
            return None
        if st.get("deleted"):
            return None
        if st.get("path"):
            if options.accept_deletes:
                report.deleted.append(f"note {st['path']} (deleted in the vault; the library keeps {title})")
                st["deleted"] = True
                return None
            report.restored.append(f"note {st['path']} of {title} (deleted in the vault)")
        fields = {}  # a new or restored note: the library's values
    parsed = found.parsed if found else None
    if parsed is not None and parsed.problem:
        report.problems.append(f"{found.path}: not synced: {parsed.problem}")
        return None

    if parsed is not None and parsed.stray:
        report.restored.append(
            f"{found.path.name}: {len(parsed.stray)} paragraphs you wrote inside the managed region, outside any "
            "note, were moved below it"
        )
    vault_note = parsed.note if parsed is not None and parsed.has_region else None
    note = merge_text(
        fields.get("note"), vault_note, article.note, pending=bool(parsed and parsed.note_theirs is not None)
    )
    _note_outcome(note, f"the article note of {title}", report)
    if note.to_library is not None:
        ops.append(
            (
                lambda a=article: library.get_article(a.id).note == a.note,
                lambda a=article, v=note.to_library: library.set_article_note(a.id, v),
            )
        )
    new_tags, tag_outcome = merge_tags(fields.get("tags"), parsed.tags if parsed else None, article.tags)
    if new_tags is not None:
        (report.conflicts if tag_outcome == "conflict" else report.read_back).append(
            f"the tags of {title}" + (": changed on both sides, both kept" if tag_outcome == "conflict" else "")
        )
        ops.append(
            (
                lambda a=article: library.get_article(a.id).tags == a.tags,
                lambda a=article, t=new_tags: library.set_article_tags(a.id, t),
            )
        )

    blocks = parsed.blocks if parsed is not None and parsed.has_region else {}
    block_state = fields.get("h", {})
    if parsed is not None and not parsed.has_region:
        # The whole region is gone: more likely an accident than a wish to delete every highlight.
        report.restored.append(f"the managed region of {found.path.name} (deleted in the vault)")
        block_state = {}
    by_id = {h.id: h for h in highlights}
    plan = _NotePlan(article, found, found.path if found else Path(), note, tag_outcome, {}, [])
    for h in highlights:
        block = blocks.get(h.id)
        if block is None and not _in_scope(h, options):
            continue
        where = f"the highlight “{h.quote[:40]}” of {title}"
        base = block_state.get(str(h.id), {})
        if block is None:
            if found is not None and base:
                if options.accept_deletes:
                    report.deleted.append(f"{where} (its block was deleted in the vault)")
                    ops.append(
                        (
                            lambda h=h: library.get_highlight(h.id) is not None,
                            lambda h=h: library.delete_highlight(h.id),
                        )
                    )
                    plan.deleted.append(h.id)
                    continue
                report.restored.append(f"{where} (its block was deleted in the vault; --accept-deletes deletes it)")
            plan.highlights[h.id] = (merge_text(None, None, h.note), "same")
            continue
        merged = merge_text(base.get("note"), block.note, h.note, pending=block.theirs is not None)
        _note_outcome(merged, f"the note of {where}", report)
        if merged.to_library is not None:
            ops.append(
                (
                    lambda h=h: library.get_highlight(h.id).note == h.note,
                    lambda h=h, v=merged.to_library: library.set_highlight_note(h.id, v),
                )
            )
        tags, outcome = merge_tags(base.get("tags"), block.tags, h.tags)
        if tags is not None:
            (report.conflicts if outcome == "conflict" else report.read_back).append(
                f"the tags of {where}" + (": changed on both sides, both kept" if outcome == "conflict" else "")
            )
            ops.append(
                (
                    lambda h=h: library.get_highlight(h.id).tags == h.tags,
                    lambda h=h, t=tags: library.set_highlight_tags(h.id, t),
                )
            )
        plan.highlights[h.id] = (merged, outcome)
    for highlight_id, block in blocks.items():
        if highlight_id in by_id:
            continue
        base = block_state.get(str(highlight_id))
        if base and hash_of(block.note) == base.get("note") and hash_of(tag_forms(block.tags)) == base.get("tags"):
            report.deleted.append(f"a highlight of {title} (deleted in reader; its block is removed)")
        else:
            report.conflicts.append(
                f"a highlight of {title} was deleted in reader but edited in the vault: its block is kept"
            )
            plan.kept.append(block.raw)
    return plan


def _note_outcome(merge: TextMerge, what: str, report: SyncReport) -> None:
    if merge.outcome == "vault":
        report.read_back.append(what)
    elif merge.outcome == "conflict":
        report.conflicts.append(f"{what}: changed in the vault and in reader; both texts are in the note")


def _apply(library: Library, ops: list) -> None:
    """The library's side, in one transaction that first checks nothing changed since it was read."""
    try:
        with library.write():
            for check, _write in ops:
                if not check():
                    raise SyncAborted(
                        "the library changed while the sync read it; nothing was written, run the sync again"
                    )
            for _check, write in ops:
                write()
    except LibraryError as error:
        raise SyncAborted(f"the library could not be written ({error}); nothing was written") from error


def _render_and_write(
    library, plan: _NotePlan, options, report, vault: Path, state: dict, stamp: str, *, dry_run: bool
) -> None:
    article = plan.article if dry_run else library.get_article(plan.article.id)
    # Read again after the library's writes, so the note shows the times and tags it now holds.
    highlights = [h for h in library.highlights(article.id) if h.id in plan.highlights]
    blocks = []
    block_state = {}
    for h in highlights:
        merged, _ = plan.highlights[h.id]
        shown = merged.shown if merged.outcome in ("vault", "conflict") else h.note
        theirs = h.note if merged.outcome == "conflict" else None
        blocks.append(notes.HighlightBlock(h, shown, h.tags, theirs))
        block_state[str(h.id)] = {
            "note": merged.base if merged.outcome == "conflict" else hash_of(shown),
            "tags": hash_of(tag_forms(h.tags)),
        }
    article_note = plan.note.shown if plan.note.outcome in ("vault", "conflict") else article.note
    note_theirs = article.note if plan.note.outcome == "conflict" else None
    region = notes.render_region(
        article, article_note, blocks, plan.kept, note_theirs, options.colour_names, options.style
    )
    updated = max((h.modified for h in highlights), default="")
    owned = notes.owned_front_matter(article, article.tags, len(highlights), updated)
    text = notes.assemble(plan.found.parsed if plan.found else None, owned, region)
    unchanged = plan.found is not None and text == plan.found.lf_text
    if unchanged:
        text = plan.found.text  # as it is, line endings and all: nothing to write
    elif plan.found is not None and plan.found.crlf:
        text = text.replace("\n", "\r\n")  # the note keeps the line endings its editor writes
    relative = plan.path.relative_to(vault) if plan.path.is_relative_to(vault) else plan.path
    entry = {
        "path": str(relative),
        "file": hashlib.sha256(text.encode("utf-8")).hexdigest()[:32],
        "lib": stamp,
        "open": bool(plan.kept or note_theirs is not None or any(b.theirs is not None for b in blocks)),
        "fields": fields_text(
            plan.note.base if plan.note.outcome == "conflict" else hash_of(article_note),
            hash_of(tag_forms(article.tags)),
            block_state,
        ),
    }
    if unchanged:
        report.unchanged += 1
    elif dry_run:
        (report.updated if plan.found else report.created).append(str(relative))
    else:
        try:
            if plan.found is not None:
                if not plan.found.still_as_read():
                    report.problems.append(f"{relative}: changed while syncing; left as is, sync again")
                    return
                write_atomic(plan.found.path, text, force=True, clean=False)
                report.updated.append(str(relative))
            else:
                write_atomic(plan.path, text, clean=False)
                report.created.append(str(relative))
        except (OSError, ValueError) as error:
            report.problems.append(f"{relative}: not written ({error})")
            return
    if not dry_run:
        state["notes"][str(article.id)] = entry
