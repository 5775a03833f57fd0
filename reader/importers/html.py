"""HTML → Article: the main text of a page (trafilatura), as plain NFC text with its structure beside it.

Nothing of the page is kept as markup: the tree is walked and only its text, its paragraph kinds and
its emphasis/strong/link spans come out, every string through reader.text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate
from urllib.parse import urljoin

from reader import text
from reader.importers import common
from reader.model import Article, Block, Span

SUFFIXES = (".html", ".htm", ".xhtml")

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# Tags of trafilatura's output and of plain HTML (feed content), by what they mean here.
_BLOCK_KIND = {
    "head": "heading",
    **{f"h{n}": "heading" for n in range(1, 7)},
    "p": "paragraph",
    "quote": "quote",
    "blockquote": "quote",
    "item": "list item",
    "li": "list item",
    "code": "preformatted",
    "pre": "preformatted",
}
# Containers: they end the paragraph before them, and pass their kind (if any) down.
_CONTAINERS = frozenset(
    [
        "body",
        "div",
        "list",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "row",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "figure",
        "aside",
        "details",
        "summary",
        "center",
        "form",
        "fieldset",
        "html",
    ]
)
_ROW_CELLS = frozenset({"td", "th", "cell"})
_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "graphic",
        "img",
        "picture",
        "video",
        "audio",
        "iframe",
        "object",
        "embed",
        "button",
        "input",
        "select",
        "textarea",
        "nav",
        "figcaption",
    ]
)
_INLINE_KIND = {"em": "emphasis", "i": "emphasis", "cite": "emphasis", "strong": "strong", "b": "strong"}
_HI_KIND = {"#i": "emphasis", "#b": "strong", "#u": "emphasis", "#t": "emphasis"}
_SPACE = re.compile(r"\s+")
# The whitespace runs that collapsing changes: a lone interior space stays as it is, so it is skipped.
_SPACE_CHANGE = re.compile(r"\s{2,}|[^\S ]|^ | $")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> of its first 2 KB, if any."""
    m = _CHARSET.search(data[:2048])
    return m.group(1).decode("ascii") if m else None


def decode_page(data: bytes, charset: str | None = None, *, force: bool = False) -> str:
    """Decode HTML bytes: BOM, strict UTF-8, the declared charset, then detection (a wrong declaration is survived).

    With `force` (the user named the charset) that charset decodes the page, or it is refused.
    """
    if charset and force:
        return text.decode(data, charset, force=True)
    for encoding in (charset, declared_charset(data)):
        if encoding:
            try:
                return text.decode(data, encoding)
            except (text.InputError, LookupError):
                continue  # an unknown or wrong charset: fall back on detection
    return text.decode(data)


class StructureBuilder:
    """Collects paragraphs of (kind, text) and spans while a tree (or Markdown's tokens) is walked."""

    def __init__(self, base_url: str = ""):
        self.base_url = base_url
        self.paragraphs: list[tuple[str, str, list[Span]]] = []
        self._kind = "paragraph"
        self._pieces: list[str] = []
        self._length = 0
        self._spans: list[Span] = []

    def add(self, s: str | None, kind: str) -> None:
        """Append text to the paragraph being built; its first piece decides the paragraph's kind."""
        if not s:
            return
        if not self._pieces:
            self._kind = kind
        self._pieces.append(s)
        self._length += len(s)

    def mark(self) -> int:
        """Where the next text goes in the paragraph being built (a span's start)."""
        return self._length

    def span(self, kind: str, start: int, url: str = "") -> None:
        """An inline span from `start` (a mark()) to what was added since; nothing if that is empty."""
        if self._length > start:
            self._spans.append(Span(kind, start, self._length, url))

    def flush(self) -> None:
        """End the paragraph being built: cleaned, whitespace collapsed (or lines kept, preformatted), spans moved with it."""
        raw, spans = self._cleaned()
        self._spans, self._pieces, self._length = [], [], 0
        if self._kind == "preformatted":
            lines = [line.rstrip() for line in raw.split("\n")]
            kept = [line.replace("\t", "    ") for line in lines if line.strip()]
            # No blank line inside: a blank line is what separates paragraphs in the body.
            para, mapping = _remap(raw, "\n".join(kept))
        else:
            para, mapping = _collapse(raw)
        if not para:
            return
        moved = []
        for span in spans:
            start, end = mapping(span.start), mapping(span.end)
            if end > start:
                moved.append(Span(span.kind, start, end, span.url))
        self.paragraphs.append((self._kind, para, moved))

    def _cleaned(self) -> tuple[str, list[Span]]:
        """The paragraph's text through text.clean, and its spans where the cleaned text has them.

        Cleaned whole when that changes nothing (nearly always: one call a paragraph); else piece by
        piece as before, a span's ends (always between pieces) moved by what cleaning changed.
        """
        raw = "".join(self._pieces)
        if text.clean(raw) == raw:
            return raw, self._spans
        moved, old, new = {0: 0}, 0, []
        for piece in self._pieces:
            old += len(piece)
            new.append(text.clean(piece))
            moved[old] = moved[old - len(piece)] + len(new[-1])
        spans = [Span(s.kind, moved[s.start], moved[s.end], s.url) for s in self._spans]
        return "".join(new), spans

    def walk(self, el, kind: str) -> None:
        """Walk an lxml element: blocks end paragraphs, inline elements become spans."""
        tag = _tag(el)
        if tag in _SKIP or not isinstance(tag, str):
            self.add(el.tail, kind)
            return
        if tag in _BLOCK_KIND or tag in _CONTAINERS:
            self.flush()
            inner = _BLOCK_KIND.get(tag, kind)
            if tag == "p" and kind in ("quote", "list item"):
                inner = kind  # a paragraph inside a quote or an item is still the quote or the item
            if tag == "code" and el.getparent() is not None and _tag(el.getparent()) in ("p", "item", "li"):
                inner = kind  # inline code
            self.add(el.text, inner)
            cells = 0
            for child in el:
                if tag in ("tr", "row") and _tag(child) in _ROW_CELLS:
                    cells += 1
                    if cells > 1:
                        self.add(" · ", inner)
                self.walk(child, inner)
            self.flush()
            self.add(el.tail, kind)
            return
        if tag in ("lb", "br"):
            self.add("\n" if kind == "preformatted" else " ", kind)
            self.add(el.tail, kind)
            return
        span_kind, url = None, ""
        if tag in _INLINE_KIND:
            span_kind = _INLINE_KIND[tag]
        elif tag == "hi":
            span_kind = _HI_KIND.get(el.get("rend", ""), "emphasis")
        elif tag in ("a", "ref"):
            url = link_url(el.get("href") or el.get("target") or "", self.base_url)
            span_kind = "link" if url else None
        start = self.mark()
        self.add(el.text, kind)
        for child in el:
            self.walk(child, kind)
        if span_kind:
            self.span(span_kind, start, url)
        self.add(el.tail, kind)

    def result(self) -> tuple[str, list[Block], list[Span]]:
        """The body, its blocks and its spans as offsets into the body."""
        self.flush()
        body_parts, blocks, spans, offset = [], [], [], 0
        for kind, para, para_spans in self.paragraphs:
            if body_parts:
                offset += 2
            body_parts.append(para)
            blocks.append(Block(kind, offset, offset + len(para)))
            spans.extend(Span(s.kind, s.start + offset, s.end + offset, s.url) for s in para_spans)
            offset += len(para)
        return "\n\n".join(body_parts), blocks, spans


def _tag(el) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None  # a comment or processing instruction
    return tag.rsplit("}", 1)[-1].lower()


def link_url(href: str, base: str = "", schemes: tuple[str, ...] = text.LINK_SCHEMES) -> str:
    """An absolute http(s) or mailto URL (or of `schemes`) as one line of plain text, or "" for anything
    else (javascript:, file:, an application's own scheme: what opening it would hand to a program)."""
    href = common.one_line(text.clean(href))
    if not href or href.startswith("#"):
        return ""
    try:
        url = urljoin(base, href) if base else href
    except ValueError:
        return ""
    return url if url.split(":", 1)[0].lower() in schemes else ""


def _collapse(raw: str) -> tuple[str, Callable[[int], int]]:
    """`raw` with each whitespace run made one space and the ends trimmed; and where a raw offset went."""
    runs: list[tuple[int, int, int]] = []  # (start, end, characters kept) of each whitespace run
    pieces, last = [], 0
    for m in _SPACE_CHANGE.finditer(raw):
        keep = 0 if m.start() == 0 or m.end() == len(raw) else 1
        pieces.append(raw[last : m.start()] + " " * keep)
        last = m.end()
        runs.append((m.start(), m.end(), keep))
    pieces.append(raw[last:])
    out = "".join(pieces)
    if not runs:
        return out, lambda offset: offset
    starts = [r[0] for r in runs]
    removed_through = list(accumulate(e - s - k for s, e, k in runs))

    def position(offset: int) -> int:
        i = bisect_right(starts, offset) - 1
        if i < 0:
            return offset
        s, e, _keep = runs[i]
        before = removed_through[i - 1] if i else 0
        if offset < e:  # inside the run: onto its kept space (before it: a span never ends on a space)
            return min(s - before, len(out))
        return min(offset - removed_through[i], len(out))

    return out, position


def _remap(raw: str, kept: str) -> tuple[str, Callable[[int], int]]:
    """For preformatted text: map offsets of `raw` onto `kept` (raw minus some whitespace) greedily."""
    mapping = [0] * (len(raw) + 1)
    j = 0
    for i, ch in enumerate(raw):
        mapping[i] = j
        if j < len(kept) and kept[j] == ch:
            j += 1
    mapping[len(raw)] = j
    return kept, mapping.__getitem__


def structure_from_tree(root, base_url: str = "") -> tuple[str, list[Block], list[Span]]:
    """Walk an lxml tree (trafilatura's output or plain HTML) into a body, its blocks and spans."""
    builder = StructureBuilder(base_url)
    builder.walk(root, "paragraph")
    return builder.result()


def structure_from_fragment(html: str, base_url: str = "") -> tuple[str, list[Block], list[Span]]:
    """A body with its structure from an HTML fragment (a feed entry's content)."""
    import lxml.html

    if not html.strip():
        return "", [], []
    if "<" not in html:  # plain text: paragraphs at blank lines
        body = common.paragraphs(text.clean(html))
        return _plain_structure(body)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # lxml raises several types on hostile input; then the text alone is kept
        return _plain_structure(common.paragraphs(text.clean(re.sub(r"<[^>]*>", " ", html))))
    return structure_from_tree(root, base_url)


def _plain_structure(body: str) -> tuple[str, list[Block], list[Span]]:
    blocks, offset = [], 0
    for para in body.split("\n\n") if body else []:
        blocks.append(Block("paragraph", offset, offset + len(para)))
        offset += len(para) + 2
    return body, blocks, []


def extract(page: str, url: str = "") -> Article | None:
    """The main article of a decoded page, with its metadata; None when no article text is found."""
    import trafilatura

    document = trafilatura.bare_extraction(
        page,
        url=url or None,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        include_formatting=True,
        include_links=True,
        with_metadata=True,
    )
    if document is None or document.body is None:
        return None
    body, blocks, spans = structure_from_tree(document.body, url)
    if not body:
        return None
    return Article(
        title=document.title or "",
        body=body,
        date=(document.date or "")[:10] or None,
        source=document.sitename or document.hostname or "",
        author=document.author or "",
        language=document.language or "",
        site=document.sitename or document.hostname or "",
        url=url or document.url or "",
        blocks=blocks,
        spans=spans,
    )


def parse(data: bytes, name: str, *, url: str = "", charset: str | None = None, force: bool = False) -> Article:
    """Decode a page's bytes and extract its article; raises text.InputError when there is none."""
    page = decode_page(data, charset, force=force)
    try:
        article = extract(page, url)
    except (ValueError, TypeError, RecursionError, AttributeError) as error:
        # lxml and trafilatura raise these on pages broken in ways nobody foresaw: one sentence, not a traceback.
        raise text.InputError(f"the page could not be read as HTML ({type(error).__name__})") from None
    if article is None:
        raise text.InputError("no article text was found in the page")
    if not article.title:
        article.title = common.title_from_body(article.body, name)
    article.path = name
    article.raw = data
    article.content_hash = text.content_hash(article.title + "\n" + article.body)
    return finish(article)


def finish(article: Article, *, body_is_clean: bool = False) -> Article:
    """common.finish for an article with structure: the body is clean already, so offsets keep their meaning."""
    body = article.body
    article = common.finish(article, body_is_clean=body_is_clean)
    if article.body != body:  # cannot happen with text cleaned piece by piece; if it did, drop the offsets
        article.blocks, article.spans = [], []
    article.url = common.one_line(article.url)
    article.author = common.one_line(article.author)
    article.site = common.one_line(article.site)
    return article
