"""Read W3C Web Annotation JSON into a library, re-anchoring each highlight by its selectors.

One file is all or nothing: every annotation is checked and placed first, then all are written
in one transaction; a bad one refuses the file (ValueError) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reader import anchoring
from reader.importers import webanno
from reader.model import Anchor, Article, Highlight
from reader.store import Library, clean_tags, tag_key
from reader.store.errors import article_gone


@dataclass(frozen=True)
class ImportedAnnotation:
    """What happened to one annotation read from a file: added, orphaned, unchanged or skipped (why)."""

    status: str
    quote: str
    detail: str = ""


@dataclass
class _Plan:
    """The writes one file asks for, worked out before any is made."""

    highlights: list[tuple[int, Anchor, webanno.ParsedAnnotation, bool]] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)
    tags: dict[int, list[str]] = field(default_factory=dict)


def _placed(article: Article, parsed: webanno.ParsedAnnotation, n: int) -> tuple[Anchor, bool]:
    """Where an annotation lands in the article (and whether it was found); ValueError if it cannot."""
    anchor = parsed.anchor
    if not anchor.quote:
        # Only a position: the passage is what the article holds there.
        if anchor.end > len(article.body):
            raise ValueError(
                f"Annotation {n} has no quote and its positions {anchor.start}-{anchor.end} fall outside "
                f"the article “{article.title[:60]}” ({len(article.body)} characters)."
            )
        return anchoring.make_anchor(article.body, anchor.start, anchor.end), True
    if parsed.orphan:
        return anchor, False
    if anchor.start < 0:  # no position selector: let the quote and its context find it
        anchor = Anchor(0, len(anchor.quote), anchor.quote, anchor.prefix, anchor.suffix)
    found = anchoring.reanchor(article.body, anchor)
    return (found, True) if found else (anchor, False)


def import_annotations(library: Library, data: str) -> list[ImportedAnnotation]:
    """Add W3C annotations to the library, re-anchoring them by their selectors; raises ValueError on a bad file."""
    results = []
    # Read each article and its highlights once, not once per annotation.
    articles: dict[str, Article | None] = {}
    present: dict[int, set[tuple]] = {}
    plan = _Plan()
    for n, parsed in enumerate(webanno.parse(data), 1):
        if parsed.article_hash and parsed.article_hash not in articles:
            articles[parsed.article_hash] = library.find_article_by_hash(parsed.article_hash)
        article = articles.get(parsed.article_hash)
        what = parsed.anchor.quote or ("the article's note and tags" if parsed.scope == "article" else "")
        if article is None:
            detail = f"article not in this library: {parsed.article_title or parsed.article_source}"
            results.append(ImportedAnnotation("skipped", what, detail))
            continue
        if parsed.scope == "article":
            results.append(_plan_article(plan, article, parsed))
            continue
        placed, found = _placed(article, parsed, n)
        if article.id not in present:
            present[article.id] = {(h.start, h.end, h.quote, h.note) for h in library.highlights(article.id)}
        key = (placed.start, placed.end, placed.quote, parsed.note)
        if key in present[article.id]:
            results.append(ImportedAnnotation("unchanged", placed.quote))
            continue
        present[article.id].add(key)
        plan.highlights.append((article.id, placed, parsed, found))
        results.append(ImportedAnnotation("added" if found else "orphaned", placed.quote))

    with library.write():  # one transaction: a failure half way writes nothing
        for article_id, note in plan.notes.items():
            library.set_article_note(article_id, note)
        for article_id, tags in plan.tags.items():
            library.add_article_tags(article_id, tags)
        for article_id, placed, parsed, found in plan.highlights:
            library.add_highlight(
                article_id,
                placed,
                color=parsed.color,
                note=parsed.note,
                tags=parsed.tags,
                created=parsed.created or None,
                modified=parsed.modified or None,
                orphan=not found,
            )
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
    seen: Anchor | None = None,
) -> tuple[Highlight, bool]:
    """Highlight body[start:end] of a stored article (widened to whole graphemes); (highlight, created).

    With `reuse`, a highlight of exactly that passage is returned instead of a twin (the TUI's `h`).
    `seen` is the passage as the caller showed it: if the article changed since, the store finds it
    again from its quote and context, or refuses, instead of highlighting what now stands there.
    """
    article = library.get_article(article_id)
    if article is None:
        raise article_gone(article_id)
    anchor = seen if seen is not None else anchoring.make_anchor(article.body, start, end)
    if reuse:
        for highlight in library.highlights(article_id):
            if not highlight.orphan and (highlight.start, highlight.end) == (anchor.start, anchor.end):
                return highlight, False
    return library.add_highlight(article_id, anchor, color=color, note=note, tags=tags), True


def _plan_article(plan: _Plan, article: Article, parsed: webanno.ParsedAnnotation) -> ImportedAnnotation:
    """Plan an article's own note and tags: a note is set only where there is none (never replaced)."""
    what = "the article's note and tags"
    changes = []
    if parsed.note and parsed.note != article.note:
        if article.note:
            return ImportedAnnotation(
                "kept", what, f"“{article.title[:60]}” has a different note here; this library's note was kept"
            )
        plan.notes[article.id] = parsed.note
        changes.append("note")
    known = {tag_key(t) for t in article.tags}
    new_tags = [t for t in clean_tags(parsed.tags) if tag_key(t) not in known]
    if new_tags:
        plan.tags.setdefault(article.id, []).extend(new_tags)
        changes.append("tags")
    return ImportedAnnotation("added" if changes else "unchanged", what, " and ".join(changes))
