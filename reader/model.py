"""Plain dataclasses shared by every layer: articles, highlights with their anchors, tags."""

from __future__ import annotations

from dataclasses import dataclass, field

# The five highlight colours, by number: their default names (a user can rename them: `reader colors`).
COLOUR_NAMES = {1: "yellow", 2: "green", 3: "blue", 4: "pink", 5: "purple"}

# How a highlight's passage is written in Markdown: a blockquote, an Obsidian callout, ==marked== text.
HIGHLIGHT_FORMS = ("quote", "callout", "mark")
# The Obsidian callout type of each colour, chosen for its colour there (warning is orange, danger red).
DEFAULT_CALLOUTS = {1: "warning", 2: "success", 3: "info", 4: "danger", 5: "example"}


@dataclass(frozen=True)
class NoteStyle:
    """How Markdown shows highlights: the form, and the callout type of each colour (defaults if absent)."""

    form: str = "quote"
    callouts: tuple[tuple[int, str], ...] = ()

    def callout(self, color: int) -> str:
        """The callout type of a colour: the user's, else the default."""
        return dict(self.callouts).get(color) or DEFAULT_CALLOUTS.get(color, "quote")


@dataclass
class Article:
    """One news article; `body` is NFC text whose paragraphs are separated by a blank line."""

    title: str
    body: str
    date: str | None = None  # ISO "YYYY-MM-DD"
    dateline: str = ""  # as written, e.g. "HÀ NỘI"
    place: str = ""  # display form, e.g. "Hà Nội"
    source: str = ""  # agency credit, e.g. "VNA/VNS"
    tags: list[str] = field(default_factory=list)
    path: str | None = None  # file it was imported from
    note: str = ""  # the article-level note
    id: int | None = None  # row id once stored
    content_hash: str = ""
    # From a web page or a feed entry (empty for files): where it came from and who wrote it.
    url: str = ""
    author: str = ""
    feed: str = ""  # the name of the feed it came from
    language: str = ""
    site: str = ""
    # The structure beside the plain body: NFC code-point offsets into `body`, never markup.
    blocks: list[Block] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    raw: bytes | None = None  # the page as fetched or read, for a later re-extraction

    @property
    def links(self) -> list[Span]:
        """The link spans of the body, in reading order."""
        return [s for s in self.spans if s.kind == "link"]

    @property
    def paragraphs(self) -> list[str]:
        """The body split into paragraphs."""
        return self.body.split("\n\n") if self.body else []


BLOCK_KINDS = ("heading", "paragraph", "quote", "list item", "preformatted")
SPAN_KINDS = ("emphasis", "strong", "link")


@dataclass(frozen=True)
class Block:
    """One paragraph of a body and its kind (one of BLOCK_KINDS); `end` is exclusive."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Span:
    """An inline span of a body (one of SPAN_KINDS); a link carries its URL as plain text."""

    kind: str
    start: int
    end: int
    url: str = ""


@dataclass
class Feed:
    """A subscription: where to fetch it, how to name and tag its articles, what the last fetch said."""

    url: str
    name: str = ""
    tags: list[str] = field(default_factory=list)
    full_text: str = "auto"  # auto | always | never: fetch the linked page when an entry is a summary
    site_url: str = ""
    etag: str = ""
    last_modified: str = ""
    last_fetched: str = ""
    last_error: str = ""
    gone: bool = False  # the server answered 410 Gone
    id: int | None = None
    articles: int = 0
    unread: int = 0


@dataclass(frozen=True)
class ArticleSummary:
    """One row of the article list: what the list pane shows, without the body."""

    id: int
    title: str
    date: str | None
    place: str
    source: str
    read: bool = False
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Anchor:
    """Where a highlight sits: the exact quote, its context, and NFC code-point offsets into the body."""

    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""


@dataclass
class Highlight:
    """A highlighted passage of an article, with its colour, note and tags."""

    article_id: int
    anchor: Anchor
    color: int = 1  # 1-5
    note: str = ""
    tags: list[str] = field(default_factory=list)
    orphan: bool = False  # the passage could not be found after the article changed
    id: int | None = None
    created: str = ""  # ISO 8601 UTC
    modified: str = ""

    @property
    def start(self) -> int:
        """Start offset in the article body."""
        return self.anchor.start

    @property
    def end(self) -> int:
        """End offset in the article body (exclusive)."""
        return self.anchor.end

    @property
    def quote(self) -> str:
        """The highlighted text."""
        return self.anchor.quote


@dataclass(frozen=True)
class Tag:
    """A tag and how many articles and highlights carry it."""

    name: str
    count: int = 0


@dataclass(frozen=True)
class SearchResult(ArticleSummary):
    """An article found by a search: its list row, an excerpt with the hits, and where the hits are.

    Every span is (start, end) in NFC code points of the original, accented text.
    """

    snippet: str = ""  # one line from the body (or a note) around the first hit
    snippet_hits: tuple[tuple[int, int], ...] = ()  # the hits, as offsets into `snippet`
    title_hits: tuple[tuple[int, int], ...] = ()  # hits in the title
    body_hits: tuple[tuple[int, int], ...] = ()  # every hit in the body, in reading order
    snippet_from: str = "body"  # "body" or "notes": where the snippet was taken from
    rank: float = 0.0  # bm25: lower is better
