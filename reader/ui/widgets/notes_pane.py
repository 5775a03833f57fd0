"""The notes pane: the article note and the article's highlights in reading order, orphans last."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader import wording
from reader.model import COLOUR_NAMES, Article, Highlight
from reader.tags import tag_label
from reader.ui.messages import (
    ArticleNoteRequested,
    ArticleTagsRequested,
    DeleteRequested,
    HighlightNoteRequested,
    HighlightTagsRequested,
    JumpRequested,
    UndoRequested,
)
from reader.ui.widgets.reading_pane import HIGHLIGHT_COLOURS

ARTICLE_NOTE = "article-note"
QUOTE_LENGTH = 140


def trim(s: str, length: int) -> str:
    """Cut text to `length` characters at a word, with an ellipsis (never inside a letter and its marks)."""
    return wording.shorten(s, length)


def note_lines(note: str, length: int = 400) -> str:
    """A note as the pane shows it, indented under its quote: its own line breaks kept, cut at `length`."""
    shown: list[str] = []
    left = length
    for line in note.splitlines():
        if left <= 0:
            shown[-1] = shown[-1].rstrip("…") + "…"
            break
        line = " ".join(line.split())
        if not line and (not shown or not shown[-1]):
            continue  # runs of blank lines show as one
        shown.append(trim(line, left) if len(line) > left else line)
        left -= len(line) + 1
    while shown and not shown[-1]:
        shown.pop()
    return "\n  ".join(shown)


def length_of(quote: str) -> str:
    """A passage's length as the notes pane says it: "12 words" ("1 word")."""
    words = len(quote.split())
    return f"{words} word{'s' if words != 1 else ''}"


def highlight_prompt(h: Highlight, names: dict[int, str] | None = None) -> Content:
    """How one highlight reads in the list: colour swatch and name, length, quote, note, tags.

    The colour's name and the passage's length tell apart highlights that start alike (overlapping ones).
    """
    colour = HIGHLIGHT_COLOURS.get(h.color, HIGHLIGHT_COLOURS[1])
    name = (names or {}).get(h.color) or COLOUR_NAMES.get(h.color, f"colour {h.color}")
    parts = [
        Content.styled("▌ ", colour),
        Content.styled(name, f"bold {colour}"),
        Content.styled(f" · {length_of(h.quote)}\n  ", "dim"),
        Content.styled(f"“{trim(h.quote, QUOTE_LENGTH)}”", "italic"),
    ]
    if h.note:
        parts += [Content("\n  "), Content(note_lines(h.note))]
    if h.tags:
        parts += [Content("\n  "), Content.styled(" ".join(tag_label(t) for t in h.tags), "$accent")]
    if h.id is None:
        parts += [Content("\n  "), Content.styled("saving…", "dim italic")]
    return Content("").join(parts)


def _option_id(h: Highlight) -> str:
    """A highlight's entry: by id once stored, by passage while it is being saved."""
    return f"h{h.id}" if h.id is not None else f"p{h.start}-{h.end}"


class NotesPane(OptionList):
    """Lists what the user wrote; enter jumps the reading pane to the passage."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", id="notes.down", show=False),
        Binding("k,up", "cursor_up", "Up", id="notes.up", show=False),
        Binding("g,home", "first", "First", id="notes.first", show=False),
        Binding("G,end", "last", "Last", id="notes.last", show=False),
        Binding("enter", "select", "Go to passage", id="notes.jump"),
        Binding("n", "note", "Note", id="notes.note"),
        Binding("t", "tags", "Tags", id="notes.tags", show=False),
        Binding("d", "delete", "Delete", id="notes.delete", show=False),
        Binding("u", "undo", "Undo delete", id="notes.undo", show=False),
        Binding("y", "copy", "Copy the note (the quote if it has none)", id="notes.copy", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.highlights: list[Highlight] = []

    def show(self, article: Article | None, highlights: list[Highlight]) -> None:
        """List an article's note and highlights, keeping the cursor on the same item if it is still there."""
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        self.article, self.highlights = article, highlights
        names = self.app.colour_names() if article is not None and highlights else {}
        options: list[Option | None] = []
        if article is None:
            options.append(Option(Content.styled("Open an article to see its notes here.", "dim"), disabled=True))
        else:
            note = (
                Content(article.note)
                if article.note
                else Content.styled("No article note — press n here, or a in the list.", "dim")
            )
            options.append(Option(Content("").join([Content.styled("Article note\n", "bold"), note]), id=ARTICLE_NOTE))
            placed = [h for h in highlights if not h.orphan]
            orphans = [h for h in highlights if h.orphan]
            options.append(None)
            if not placed:
                options.append(
                    Option(
                        Content.styled(
                            "No highlights yet. In the reading pane, move with j/k, press v to select, h to highlight, n to write a note.",
                            "dim",
                        ),
                        disabled=True,
                    )
                )
            options += [Option(highlight_prompt(h, names), id=_option_id(h)) for h in placed]
            if orphans:
                options.append(None)
                options.append(
                    Option(
                        Content.styled(
                            f"Orphans ({len(orphans)}): passages no longer found in the text", "bold $warning"
                        ),
                        disabled=True,
                    )
                )
                options += [Option(highlight_prompt(h, names), id=_option_id(h)) for h in orphans]
        self.clear_options()
        self.add_options(options)
        ids = [o.id for o in self.options]
        if keep in ids:
            self.highlighted = ids.index(keep)
        elif self.option_count:
            self.highlighted = 0

    def select_highlight(self, highlight: Highlight) -> None:
        """Move the cursor to a highlight's entry."""
        ids = [o.id for o in self.options]
        if _option_id(highlight) in ids:
            self.highlighted = ids.index(_option_id(highlight))

    @property
    def current_highlight(self) -> Highlight | None:
        """The highlight under the cursor."""
        option = self.highlighted_option
        if option is None or not option.id:
            return None
        return next((h for h in self.highlights if _option_id(h) == option.id), None)

    def _on_article_note(self) -> bool:
        option = self.highlighted_option
        return option is not None and option.id == ARTICLE_NOTE

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == ARTICLE_NOTE:
            self.post_message(ArticleNoteRequested())
        elif self.current_highlight is not None and self.current_highlight.id is not None:
            self.post_message(JumpRequested(self.current_highlight.id))

    def _request(self, message_type) -> None:
        highlight = self.current_highlight
        if highlight is not None:
            self.post_message(message_type(highlight.id, (highlight.start, highlight.end)))
        else:
            self.notify("Move to a highlight first.", severity="warning")

    def action_note(self) -> None:
        if self._on_article_note():
            self.post_message(ArticleNoteRequested())
        else:
            self._request(HighlightNoteRequested)

    def action_tags(self) -> None:
        if self._on_article_note():
            self.post_message(ArticleTagsRequested())
        else:
            self._request(HighlightTagsRequested)

    def action_delete(self) -> None:
        self._request(DeleteRequested)

    def action_undo(self) -> None:
        self.post_message(UndoRequested())

    def action_copy(self) -> None:
        if self._on_article_note():
            text, what = (self.article.note if self.article else ""), "the article note"
        elif (highlight := self.current_highlight) is not None:
            text, what = (highlight.note, "the note") if highlight.note.strip() else (highlight.quote, "the quote")
        else:
            text, what = "", ""
        if not text.strip():
            self.notify("Nothing to copy here.", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied {what}.")
