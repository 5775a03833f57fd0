"""Read W3C Web Annotation JSON into a library, re-anchoring each highlight by its selectors."""

from __future__ import annotations

from dataclasses import dataclass

from reader import anchoring
from reader.importers import webanno
from reader.model import Article
from reader.store import Library


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
