"""Read W3C Web Annotation JSON into a library, re-anchoring each highlight by its selectors."""

from __future__ import annotations

from dataclasses import dataclass

from reader import anchoring
from reader.importers import webanno
from reader.model import Article, Highlight
from reader.store import Library, LibraryError


@dataclass(frozen=True)
class ImportedAnnotation:
    """What happened to one annotation read from a file: added, orphaned, unchanged or skipped (why)."""

    status: str
    quote: str
    detail: str = ""


def import_annotations(library: Library, data: str) -> list[ImportedAnnotation]:
    """Add W3C annotations to the library, re-anchoring them by their selectors; raises ValueError on a bad file."""
    results = []
    # Read each article and its highlights once, not once per annotation.
    articles: dict[str, Article | None] = {}
    present: dict[int, set[tuple]] = {}
    for parsed in webanno.parse(data):
        if parsed.article_hash and parsed.article_hash not in articles:
            articles[parsed.article_hash] = library.find_article_by_hash(parsed.article_hash)
        article = articles.get(parsed.article_hash)
        if article is None:
            results.append(
                ImportedAnnotation(
                    "skipped",
                    parsed.anchor.quote,
                    f"article not in this library: {parsed.article_title or parsed.article_source}",
                )
            )
            continue
        anchor = parsed.anchor
        found = None
        if not parsed.orphan:
            if anchor.start < 0:  # no position selector: let the quote and its context find it
                anchor = type(anchor)(0, len(anchor.quote), anchor.quote, anchor.prefix, anchor.suffix)
            found = anchoring.reanchor(article.body, anchor)
        placed = found or anchor
        if article.id not in present:
            present[article.id] = {(h.start, h.end, h.quote, h.note) for h in library.highlights(article.id)}
        key = (placed.start, placed.end, placed.quote, parsed.note)
        if key in present[article.id]:
            results.append(ImportedAnnotation("unchanged", parsed.anchor.quote))
            continue
        added = library.add_highlight(
            article.id,
            placed,
            color=parsed.color,
            note=parsed.note,
            tags=parsed.tags,
            created=parsed.created or None,
            modified=parsed.modified or None,
            orphan=found is None,
        )
        present[article.id].add((added.start, added.end, added.quote, added.note))
        results.append(ImportedAnnotation("added" if found else "orphaned", parsed.anchor.quote))
    return results


def highlight_span(
    library: Library,
    article_id: int,
    start: int,
    end: int,
    *,
    color: int = 1,
    note: str = "",
    tags: tuple[str, ...] | list[str] = (),
    reuse: bool = True,
) -> tuple[Highlight, bool]:
    """Highlight body[start:end] of a stored article (widened to whole graphemes); (highlight, created).

    With `reuse`, a highlight of exactly that passage is returned instead of a twin (the TUI's `h`).
    """
    article = library.get_article(article_id)
    if article is None:
        raise LibraryError("that article is no longer in the library")
    anchor = anchoring.make_anchor(article.body, start, end)
    if reuse:
        for highlight in library.highlights(article_id):
            if not highlight.orphan and (highlight.start, highlight.end) == (anchor.start, anchor.end):
                return highlight, False
    return library.add_highlight(article_id, anchor, color=color, note=note, tags=tags), True
