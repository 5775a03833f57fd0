"""A vault's files: its notes found by reader-id, the sync state, new notes' names, the remembered vault."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from reader.exporters.paths import slugify
from reader.fs import write_atomic
from reader.importers import vault_note
from reader.locations import data_dir
from reader.model import HIGHLIGHT_FORMS, Article, NoteStyle

STATE_NAME = ".reader-sync.json"
DEFAULT_PATTERN = "{date}-{slug}"
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|#^\[\]]+')


@dataclass
class SyncOptions:
    """How to sync: where notes go, how they are named, which highlights, what may change."""

    folder: str = ""
    pattern: str = DEFAULT_PATTERN
    colors: frozenset[int] | None = None
    only_noted: bool = False
    accept_deletes: bool = False
    dry_run: bool = False
    form: str | None = None  # quote, callout or mark; None: the library's (`reader colors style`)
    names_stamp: str = ""  # set by sync: the colour names and style the notes were rendered with
    colour_names: dict[int, str] = field(default_factory=dict)  # set by sync
    style: NoteStyle | None = None  # set by sync: the form and callout types in effect


@dataclass
class SyncReport:
    """What a sync did (or, with dry_run, would do)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    read_back: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- state, scan, names


def load_state(vault: Path) -> dict:
    """What the last sync wrote: {"notes": {reader-id: {"path", "fields"}}}; empty when none."""
    try:
        state = json.loads((vault / STATE_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"notes": {}}
    except (OSError, ValueError) as error:
        raise ValueError(
            f"the sync state {vault / STATE_NAME} cannot be read ({error}); move it away to start afresh"
        ) from None
    if not isinstance(state, dict) or not isinstance(state.get("notes"), dict):
        raise ValueError(f"the sync state {vault / STATE_NAME} is not one reader wrote; move it away to start afresh")
    return state


class FoundNote:
    """A note of ours in the vault: where, its bytes as read, and (read only when needed) its text and parts.

    Most syncs find most notes as the last one wrote them: those are hashed, never decoded nor parsed.
    """

    def __init__(self, where: str, raw: bytes, reader_id: int) -> None:
        self.where = where  # a str: a Path for each of 5,000 notes costs more than reading them
        self.raw = raw
        self.reader_id = reader_id

    @cached_property
    def path(self) -> Path:
        """Where the note is."""
        return Path(self.where)

    @cached_property
    def text(self) -> str:
        """The text as read (UnicodeDecodeError if it is not UTF-8: see `unreadable`)."""
        return self.raw.decode("utf-8")

    @cached_property
    def unreadable(self) -> str:
        """Why the note's bytes are not text ("" if they are UTF-8)."""
        try:
            _ = self.text
        except UnicodeDecodeError as error:
            return str(error)
        return ""

    @cached_property
    def parsed(self) -> vault_note.ParsedNote:
        """The note's parts, read only when the note has to be merged (most syncs skip most notes)."""
        return vault_note.parse_note(self.lf_text)

    @cached_property
    def lf_text(self) -> str:
        """The text with every CRLF line ending read as LF (an editor on Windows writes CRLF)."""
        return self.text.replace("\r\n", "\n")

    @property
    def crlf(self) -> bool:
        """True if most of the note's lines end in CRLF: a rewrite keeps that ending."""
        return self.raw.count(b"\r\n") * 2 > self.raw.count(b"\n")

    def still_as_read(self) -> bool:
        """True if the file still holds, byte for byte, what the sync read."""
        try:
            with open(self.where, "rb") as f:
                return f.read() == self.raw
        except OSError:
            return False

    @cached_property
    def digest(self) -> str:
        """A hash of the bytes as read, to know a note is still what the last sync wrote."""
        return hashlib.sha256(self.raw).hexdigest()[:32]


def scan(vault: Path, report: SyncReport, known: dict | None = None) -> dict[int, FoundNote]:
    """Every note in the vault that carries a reader-id (hidden folders skipped), by id.

    Of two notes with one id (a copy of a note), the one at the path the last sync wrote (`known`: the
    state's notes) is synced, else the one holding what it wrote: a copy never takes the place of the
    note the user goes on editing, and a stale one never overwrites what was synced since.
    """
    found: dict[int, list[FoundNote]] = {}
    for root, dirs, files in os.walk(vault):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.endswith(".md") or name.startswith("."):
                continue
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as f:
                    head = f.read(4096)
                    if b"reader-id:" not in head:
                        continue
                    raw = head + f.read()
            except OSError as error:
                report.problems.append(f"{path}: not read ({error})")
                continue
            reader_id = vault_note.note_reader_id(raw)
            if reader_id is None:
                continue
            found.setdefault(reader_id, []).append(FoundNote(path, raw, reader_id))
    return {
        reader_id: _synced_one(vault, reader_id, notes, (known or {}).get(str(reader_id), {}), report)
        for reader_id, notes in found.items()
    }


def _synced_one(vault: Path, reader_id: int, notes: list[FoundNote], st: dict, report: SyncReport) -> FoundNote:
    """Which of the notes carrying one reader-id is synced; the others are reported."""
    if len(notes) == 1:
        return notes[0]
    at_path = os.path.normpath(os.path.join(vault, st["path"])) if st.get("path") else None
    chosen = (
        next((n for n in notes if os.path.normpath(n.where) == at_path), None)
        or next((n for n in notes if n.digest == st.get("file")), None)
        or notes[0]
    )
    for other in notes:
        if other is not chosen:
            report.problems.append(
                f"{other.where}: also carries reader-id {reader_id}, like {chosen.where}; only that one is synced"
            )
    return chosen


def note_name(article: Article, pattern: str) -> str:
    """A note's file name from the pattern's fields {date} {slug} {title} {id}; always ends in .md."""
    title = _UNSAFE_IN_NAME.sub(" ", article.title).strip(" .")[:100].strip() or "Untitled"
    try:
        name = pattern.format(date=(article.date or "")[:10], slug=slugify(article.title), title=title, id=article.id)
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(
            f"the file-name pattern {pattern!r} is not valid ({error}); use {{date}} {{slug}} {{title}} {{id}}"
        ) from None
    name = _UNSAFE_IN_NAME.sub("-", name).strip(" .-") or slugify(article.title)
    return name + ".md"


def fields_text(note: str, tags: str, highlights: dict[str, dict[str, str]]) -> str:
    """A note's field hashes as the state keeps them: "note:tags|id:note:tags|…" (hex hashes, nothing to escape).

    Not JSON inside JSON: the state of 5,000 notes is read at every sync, and escaped quotes double
    its size and its reading time.
    """
    return f"{note}:{tags}" + "".join(f"|{k}:{v['note']}:{v['tags']}" for k, v in highlights.items())


def fields_of(text: str) -> dict:
    """The field hashes of fields_text (or of the JSON an earlier version wrote): {"note", "tags", "h": {id: …}}."""
    try:
        if text.startswith("{"):
            return json.loads(text)
        head, *blocks = text.split("|")
        note, _, tags = head.partition(":")
        highlights = {}
        for block in blocks:
            key, note_hash, tag_hash = block.split(":")
            highlights[key] = {"note": note_hash, "tags": tag_hash}
    except ValueError:
        raise ValueError(
            f"the sync state {STATE_NAME} has an entry reader did not write; move it away to start afresh"
        ) from None
    return {"note": note, "tags": tags, "h": highlights}


def state_text(state: dict) -> str:
    # One line, no indent: the C encoder (indented JSON takes the pure-Python one, 20× slower).
    return json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


# --------------------------------------------------------------------------- the remembered vault


def _settings_path() -> Path:
    return data_dir() / "vault.json"


def remembered_vault() -> tuple[Path, SyncOptions] | None:
    """The vault the last sync used, if any, with its options (folder, names, style, which highlights)."""
    try:
        saved = json.loads(_settings_path().read_text(encoding="utf-8"))
        form = saved.get("form")
        colors = saved.get("colors")
        return Path(saved["dir"]), SyncOptions(
            folder=saved.get("folder", ""),
            pattern=saved.get("pattern", DEFAULT_PATTERN),
            form=form if form in HIGHLIGHT_FORMS else None,
            colors=frozenset(c for c in colors if c in range(1, 6)) or None if isinstance(colors, list) else None,
            only_noted=saved.get("only_noted") is True,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember_vault(vault: Path, options: SyncOptions) -> None:
    """Keep the vault for the next `reader sync` without a folder, and for the TUI's Sync vault."""
    path = _settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = {"dir": str(Path(vault).expanduser().resolve()), "folder": options.folder, "pattern": options.pattern}
    if options.form:
        saved["form"] = options.form
    if options.colors:
        saved["colors"] = sorted(options.colors)
    if options.only_noted:
        saved["only_noted"] = True
    write_atomic(path, json.dumps(saved, ensure_ascii=False) + "\n", force=True)
