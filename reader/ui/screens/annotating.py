"""Annotating on the main screen: the session decides, a worker writes, the answer refreshes the panes.

Kept apart from main.py as a mixin of MainScreen, which provides `library`, `session`, `jobs`,
`article`, `highlights`, `reading`, `notes`, `article_list`, `focus_pane` and `_list_changed`.
"""

from __future__ import annotations

from functools import partial

from textual.content import Content

from reader.model import Article, Highlight
from reader.store import Library, LibraryError
from reader.ui import work
from reader.ui.jobs import Job
from reader.ui.messages import (
    ArticleNoteRequested,
    ArticleTagsRequested,
    ColourRequested,
    DeleteRequested,
    HighlightNoteRequested,
    HighlightRequested,
    HighlightTagsRequested,
    JumpRequested,
    RangeRequested,
    UndoRequested,
)
from reader.ui.session import SaveOutcome, parse_tags, ref
from reader.ui.widgets.notes_pane import length_of, trim


def editors():
    """The dialogs, imported when first needed: TextArea is slow to import and not needed to start."""
    from reader.ui.screens import editors as module

    return module


class AnnotatingMixin:
    """Highlights, colours, deletes and undo; the note and tag editors of highlights and articles.

    Handlers are named on_… (not @on): Textual collects @on handlers only from widget classes.
    """

    # -- annotations: the session decides, a worker writes, the answer refreshes the panes -----

    def _show_annotations(self) -> None:
        """Draw the session's highlights in the reading and notes panes."""
        if self.article is None:
            return
        self.reading.set_highlights(self.highlights)
        self.notes.show(self.article, self.highlights)
        self._title_notes()

    def _title_notes(self) -> None:
        self.query_one("#notes-pane").border_title = Content(f"Notes ({self.session.placed_count})")

    def _annotate(self, job_work, *, failed: str, then=None, on_error=None) -> None:
        """Queue a highlight change; its answer (the article's highlights as stored) refreshes the panes."""

        def done(result: work.Annotations) -> None:
            if self.session.reload(result.article_id, result.highlights):
                self._show_annotations()
            if then is not None:
                then(result)

        def error(message: str) -> None:
            if on_error is not None:
                on_error(message)
            else:
                self.notify(f"{failed}: {message}", severity="error", timeout=8)
            self._reread_annotations()  # show what the library really holds

        self.jobs.write(Job(job_work, done=done, on_error=error, failed=failed))

    def _reread_annotations(self) -> None:
        article = self.article
        if article is None:
            return

        def done(highlights: list[Highlight]) -> None:
            if self.session.is_open(article.id):
                self.session.highlights = [h for h in self.session.highlights if h.id is not None]
                if self.session.reload(article.id, highlights):
                    self._show_annotations()

        self.jobs.read_after_writes(
            Job(lambda library: library.highlights(article.id), done=done, failed="Could not read")
        )

    def _pending(self, highlight: Highlight) -> None:
        """A highlight the session just made: show it at once and queue its creation."""
        self._show_annotations()
        target = ref(highlight)

        def saved(result: work.Annotations) -> None:
            if result.highlight is None:
                return
            if result.created:  # confirmed only now, after COMMIT
                self.notify(f"Highlighted: “{trim(result.highlight.quote, 50)}”")
            else:
                self.notify("Already highlighted.")
            self.notes.select_highlight(result.highlight)

        def refused(message: str) -> None:
            self.session.forget(target)
            self._show_annotations()
            self.notify(f"Highlight not saved: {message}", severity="error", timeout=8)

        self._annotate(
            partial(work.add_highlight, target=target), failed="Highlight not saved", then=saved, on_error=refused
        )

    def on_highlight_requested(self, request: HighlightRequested) -> None:
        request.stop()
        if self.article is None:
            return
        highlight, created = self.session.highlight(request.span)
        if created:
            self._pending(highlight)
        else:
            self.notify("Already highlighted.")
        self.notes.select_highlight(highlight)

    def _under(self, highlight_id: int | None, span: tuple[int, int] | None) -> Highlight | None:
        return self.session.find(highlight_id) if highlight_id is not None else self.session.under(span)

    def on_colour_requested(self, request: ColourRequested) -> None:
        request.stop()
        highlight = self._under(request.highlight_id, request.span)
        created = False
        if highlight is None and request.highlight_id is None and self.article is not None:
            highlight, created = self.session.highlight(request.span)  # a selection: highlighted in that colour
        if highlight is None:
            return
        target = ref(highlight)
        self.session.recolour(target, request.color)
        self._show_annotations()
        if created:
            self.notes.select_highlight(highlight)

        def refused(message: str) -> None:
            if created:
                self.session.forget(target)
                self._show_annotations()
            self.notify(f"Colour not saved: {message}", severity="error", timeout=8)

        self._annotate(
            partial(work.set_colour, target=target, color=request.color), failed="Colour not saved", on_error=refused
        )

    def on_range_requested(self, request: RangeRequested) -> None:
        request.stop()
        highlight = self.session.find(request.highlight_id)
        if highlight is None:
            return
        if self.session.at_span(request.span) not in (None, highlight):
            self.notify("Another highlight covers exactly that passage; nothing changed.", severity="warning")
            return
        target = ref(highlight)
        self.session.move(target, request.span)
        self._show_annotations()

        def moved(result: work.Annotations) -> None:
            self.notify(f"The highlight now reads “{trim(result.highlight.quote, 50)}”.")
            self.notes.select_highlight(result.highlight)

        self._annotate(
            partial(work.set_range, target=target, span=request.span), failed="Passage not changed", then=moved
        )

    def on_delete_requested(self, request: DeleteRequested) -> None:
        request.stop()
        highlight = self._under(request.highlight_id, request.span)
        if highlight is None:
            return
        target = ref(highlight)
        # Found before it is forgotten: the message says which of the highlights over these words went.
        others = [h for h in self.session.overlapping(highlight) if h.id != highlight.id]
        self.session.forget(target)
        self._show_annotations()

        def deleted(result: work.Annotations) -> None:
            self.session.push_deleted(result.highlight)
            names = self.app.colour_names()
            gone = result.highlight
            kept = ""
            if len(others) == 1:
                kept = f" The {names.get(others[0].color, '')} highlight over the same words stays."
            elif others:
                kept = f" The {len(others)} highlights over the same words stay."
            self.notify(
                f"Deleted the {names.get(gone.color, '')} highlight “{trim(gone.quote, 40)}” "
                f"({length_of(gone.quote)}) — press u to undo.{kept}"
            )

        self._annotate(partial(work.delete, target=target), failed="Not deleted", then=deleted)

    def on_undo_requested(self, request: UndoRequested) -> None:
        request.stop()
        highlight = self.session.pop_deleted()
        if highlight is None:
            self.notify("Nothing to undo.")
            return

        def restored(result: work.Annotations) -> None:
            back = result.highlight
            self.notify(
                f"Restored the {self.app.colour_names().get(back.color, '')} highlight “{trim(back.quote, 40)}”."
            )
            self.notes.select_highlight(back)

        def refused(message: str) -> None:
            self.session.push_deleted(highlight)  # still undoable
            self.notify(f"Not restored: {message}", severity="error", timeout=8)

        self._annotate(
            partial(work.restore, highlight=highlight), failed="Not restored", then=restored, on_error=refused
        )

    def on_jump_requested(self, request: JumpRequested) -> None:
        request.stop()
        highlight = self.session.find(request.highlight_id)
        if highlight is None:
            return
        if highlight.orphan:
            self.notify("This passage is no longer in the article's text.", severity="warning")
            return
        self.reading.move_to(highlight.start)
        self.focus_pane(self.reading)

    # -- editors: opened on the row as it is now, saved as a change against it -------------

    def _saved(self, outcome: SaveOutcome, saved: str, what: str) -> None:
        if outcome is SaveOutcome.MERGED:
            self.notify(
                f"{saved} {what} had been changed in another program meanwhile: both versions are kept.",
                severity="warning",
                timeout=10,
            )
        else:
            self.notify(saved)

    def _target(self, highlight_id: int | None, span: tuple[int, int] | None) -> Highlight | None:
        """The highlight a note/tags key is about; for a passage with none, a draft that its editor's save
        stores (with the note or tags), so an editor closed without saving leaves nothing behind."""
        if highlight_id is not None:
            return self.session.find(highlight_id)
        if self.article is None or span is None:
            return None
        return self.session.at_span(span) or self.session.draft(span)

    def _is_draft(self, highlight: Highlight) -> bool:
        """True for a highlight made for an editor, not stored nor being stored."""
        return highlight.id is None and all(h is not highlight for h in self.session.highlights)

    def _current(self, highlight: Highlight) -> Highlight:
        """The highlight as the library holds it now (another program may have changed it)."""
        if highlight.id is None:
            return highlight  # still being saved: nobody else has seen it
        try:
            return self.library.get_highlight(highlight.id) or highlight
        except LibraryError:
            return highlight

    def on_highlight_note_requested(self, request: HighlightNoteRequested) -> None:
        request.stop()
        highlight = self._target(request.highlight_id, request.span)
        if highlight is None:
            return
        start = self._current(highlight).note
        target = ref(highlight)
        draft = self._is_draft(highlight)

        def save(typed: str, done) -> None:
            if draft and not typed.strip():
                done(None)  # nothing written for a passage that had no highlight: none is made
                return
            self._annotate(
                partial(work.save_highlight_note, target=target, start=start, typed=typed),
                failed="Note not saved",
                then=lambda result: (done(None), self._saved(result.outcome, "Note saved.", "The note")),
                on_error=done,
            )

        heading = f"Note on “{trim(highlight.quote, 120)}”"
        self.app.push_screen(editors().NoteEditor(heading, start, save))

    def on_highlight_tags_requested(self, request: HighlightTagsRequested) -> None:
        request.stop()
        highlight = self._target(request.highlight_id, request.span)
        if highlight is None:
            return
        start = list(self._current(highlight).tags)
        target = ref(highlight)
        draft = self._is_draft(highlight)

        def save(value: str, done) -> None:
            if draft and not parse_tags(value, start):
                done(None)  # no tag for a passage that had no highlight: none is made
                return
            self._annotate(
                partial(work.save_highlight_tags, target=target, start=start, typed=parse_tags(value, start)),
                failed="Tags not saved",
                then=lambda result: (done(None), self._saved(result.outcome, "Tags saved.", "The tags")),
                on_error=done,
            )

        known = [t.name for t in self.library.tags()]
        editor = editors().TagEditor(f"Tags for “{trim(highlight.quote, 120)}”", start, known, save)
        self.app.push_screen(editor)

    def on_article_note_requested(self, request: ArticleNoteRequested) -> None:
        request.stop()
        if self.article is not None:
            self.edit_article_note(self.article.id)

    def on_article_tags_requested(self, request: ArticleTagsRequested) -> None:
        request.stop()
        if self.article is not None:
            self.edit_article_tags(self.article.id)

    def _article_saver(self, job_work, saved: str, what: str):
        """A save callback for an article editor: queue the write, then show and confirm; or say why not."""

        def save(value: str, done) -> None:
            def finished(result: work.ArticleEdit) -> None:
                done(None)
                self._article_changed(result.article)
                self._saved(result.outcome, saved, what)

            self.jobs.write(Job(partial(job_work, value), done=finished, on_error=done))

        return save

    def edit_article_note(self, article_id: int) -> None:
        """Open the note editor on an article's own note, as the library holds it now."""
        article = self.library.get_article(article_id)
        if article is None:
            return
        start = article.note

        def write(typed: str, library: Library) -> work.ArticleEdit:
            return work.save_article_note(library, article_id, start, typed)

        save = self._article_saver(write, "Article note saved.", "The article note")
        self.app.push_screen(
            editors().NoteEditor(f"Note on the article “{trim(article.title, 100)}”", article.note, save)
        )

    def edit_article_tags(self, article_id: int) -> None:
        """Open the tag editor on an article's tags, as the library holds them now."""
        article = self.library.get_article(article_id)
        if article is None:
            return
        start = list(article.tags)

        def write(value: str, library: Library) -> work.ArticleEdit:
            return work.save_article_tags(library, article_id, start, parse_tags(value, start))

        save = self._article_saver(write, "Tags saved.", "The tags")
        known = [t.name for t in self.library.tags()]
        self.app.push_screen(editors().TagEditor(f"Tags for “{trim(article.title, 100)}”", start, known, save))

    def _article_changed(self, article: Article) -> None:
        """Show an article's new note or tags everywhere they appear."""
        if self.session.is_open(article.id):
            self.session.article = article
            self.reading.set_article(article)
            self.notes.show(article, self.highlights)
        self._list_changed()
