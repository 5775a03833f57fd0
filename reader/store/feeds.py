"""The SQL of feeds and of the web side of articles (url, author, structure, raw page), over a Library."""

from __future__ import annotations

import json
import zlib

from reader import text
from reader.model import Article, Block, Feed, Span
from reader.store import Library, LibraryError, clean_tags, now
from reader.store import rows as mapper

FULL_TEXT_MODES = ("auto", "always", "never")

_FEED_COLUMNS = """f.id, f.url, f.name, f.site_url, f.tags, f.full_text, f.etag, f.last_modified, f.last_fetched,
    f.last_error, f.gone,
    (SELECT count(*) FROM articles a WHERE a.feed_id = f.id) AS articles,
    (SELECT count(*) FROM articles a WHERE a.feed_id = f.id
        AND NOT EXISTS (SELECT 1 FROM reading_state r WHERE r.article_id = a.id AND r.read = 1)) AS unread"""


def encode_structure(blocks: list[Block], spans: list[Span]) -> str:
    """Blocks and spans as compact JSON offsets."""
    if not blocks and not spans:
        return ""
    return json.dumps(
        {
            "blocks": [[b.kind, b.start, b.end] for b in blocks],
            "spans": [[s.kind, s.start, s.end, s.url] for s in spans],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


class FeedStore:
    """Feeds and the web side of articles, in a Library's database and transactions."""

    def __init__(self, library: Library):
        self.library = library
        self.conn = library.conn

    # -- feeds -----------------------------------------------------------------------------

    def add_feed(self, url: str, name: str, tags: list[str], full_text: str = "auto", site_url: str = "") -> Feed:
        """Subscribe to a feed; raises LibraryError if it is already there."""
        if full_text not in FULL_TEXT_MODES:
            raise LibraryError(f"unknown full-text mode {full_text!r}; use one of: {', '.join(FULL_TEXT_MODES)}")
        with self.library.write() as conn:
            if conn.execute("SELECT 1 FROM feeds WHERE url = ?", (url,)).fetchone():
                raise LibraryError(f"already subscribed to {url}")
            cursor = conn.execute(
                "INSERT INTO feeds (url, name, site_url, tags, full_text, added_at) VALUES (?,?,?,?,?,?)",
                (url, name or url, site_url, json.dumps(clean_tags(tags), ensure_ascii=False), full_text, now()),
            )
        return self.feed(cursor.lastrowid)

    def feed(self, feed_id: int) -> Feed | None:
        """One feed with its counts, or None."""
        row = self.conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)).fetchone()
        return mapper.feed(row) if row else None

    def feeds(self) -> list[Feed]:
        """Every feed, by name."""
        rows = self.conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds f ORDER BY f.name COLLATE NOCASE, f.id")
        return [mapper.feed(r) for r in rows]

    def find(self, name_or_url: str) -> Feed | None:
        """The feed with this URL, else the one with this name (ignoring case), else None."""
        wanted = text.clean(name_or_url).strip()
        for feed in self.feeds():
            if feed.url == wanted:
                return feed
        matches = [f for f in self.feeds() if f.name.casefold() == wanted.casefold()]
        return matches[0] if len(matches) == 1 else None

    def remove(self, feed_id: int) -> int:
        """Unsubscribe; the feed's articles stay in the library (they lose the link). Returns how many stayed."""
        with self.library.write() as conn:
            kept = conn.execute("SELECT count(*) FROM articles WHERE feed_id = ?", (feed_id,)).fetchone()[0]
            conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
        return kept

    def rename(self, feed_id: int, name: str) -> None:
        """Give a feed its title (the first fetch names a feed subscribed without one)."""
        with self.library.write() as conn:
            conn.execute("UPDATE feeds SET name = ? WHERE id = ?", (name, feed_id))

    def record_fetch(
        self,
        feed_id: int,
        *,
        error: str | None = "",
        etag: str | None = None,
        last_modified: str | None = None,
        url: str | None = None,
        site_url: str | None = None,
        gone: bool = False,
    ) -> None:
        """What the last fetch of a feed said: its error (or none; None keeps the last one), new validators,
        a moved URL, 410 Gone."""
        sets, params = ["last_fetched = ?", "gone = ?"], [now(), int(gone)]
        for column, value in (
            ("last_error", error),
            ("etag", etag),
            ("last_modified", last_modified),
            ("site_url", site_url),
        ):
            if value is not None:
                sets.append(f"{column} = ?")
                params.append(value)
        with self.library.write() as conn:
            if url and not conn.execute("SELECT 1 FROM feeds WHERE url = ? AND id != ?", (url, feed_id)).fetchone():
                sets.append("url = ?")
                params.append(url)
            conn.execute(f"UPDATE feeds SET {', '.join(sets)} WHERE id = ?", (*params, feed_id))

    # -- articles from the web -------------------------------------------------------------

    def entry_article(self, feed_id: int, entry_id: str) -> int | None:
        """The article of a feed entry, if it was stored before."""
        row = self.conn.execute(
            "SELECT id FROM articles WHERE feed_id = ? AND entry_id = ?", (feed_id, entry_id)
        ).fetchone()
        return row[0] if row else None

    def entry_hashes(self, feed_id: int) -> dict[str, str]:
        """entry id → content hash of every stored entry of a feed: what a repeated fetch compares with."""
        rows = self.conn.execute(
            "SELECT entry_id, content_hash FROM articles WHERE feed_id = ? AND entry_id IS NOT NULL", (feed_id,)
        )
        return {r[0]: r[1] for r in rows}

    def article_by_url(self, url: str, feed_id: int | None = None) -> int | None:
        """The article saved from this URL, if any (`url != ''` lets SQLite use the partial index).

        For a feed's entry, only a page saved by hand or an article of that feed: the same page linked
        from another feed stays that feed's article, with its text and highlights.
        """
        row = self.conn.execute(
            """SELECT id FROM articles WHERE url = ? AND url != '' AND (? IS NULL OR feed_id IS NULL OR feed_id = ?)
               ORDER BY id LIMIT 1""",
            (url, feed_id, feed_id),
        ).fetchone()
        return row[0] if row else None

    def _new_path(self, article: Article, feed_id: int | None, entry_id: str | None) -> str:
        """Where a new web article came from: its URL, or its feed entry when another article has that path."""
        if feed_id and entry_id:
            taken = (
                article.url and self.conn.execute("SELECT 1 FROM articles WHERE path = ?", (article.url,)).fetchone()
            )
            if taken or not article.url:
                return f"feed:{feed_id}:{entry_id}"
        return article.url

    def save(
        self,
        article: Article,
        *,
        feed_id: int | None = None,
        entry_id: str | None = None,
        content_type: str = "",
    ) -> tuple[str, Article]:
        """Store a web article (new, or an update in place of the same entry/URL, re-anchored) in one transaction."""
        with self.library.write() as conn:
            existing = self.entry_article(feed_id, entry_id) if feed_id and entry_id else None
            if existing is None and article.url:
                existing = self.article_by_url(article.url, feed_id)
            if existing is not None:
                # The Library updates an article in place (re-anchoring its highlights) by its path.
                article.path = conn.execute("SELECT path FROM articles WHERE id = ?", (existing,)).fetchone()[0]
                if not article.path:
                    article.path = f"web:{existing}"
                    conn.execute("UPDATE articles SET path = ? WHERE id = ?", (article.path, existing))
            elif not article.path:
                article.path = self._new_path(article, feed_id, entry_id)
            status, stored = self.library.add_article(article)
            fields = {
                "url": article.url,
                "author": article.author,
                "language": article.language,
                "site": article.site,
                "structure": encode_structure(article.blocks, article.spans),
            }
            if status == "unchanged":  # the same text again (say, a saved copy of the page): keep what is known
                fields = {k: v for k, v in fields.items() if v}
            row = conn.execute("SELECT feed_id, entry_id FROM articles WHERE id = ?", (stored.id,)).fetchone()
            # The same text reached through another feed stays the first one's article.
            if feed_id and entry_id and (row["entry_id"] is None or status != "unchanged"):
                fields.update(feed_id=feed_id, entry_id=entry_id)
            if fields and (status != "unchanged" or row["entry_id"] is None):
                conn.execute(
                    f"UPDATE articles SET {', '.join(f'{k} = ?' for k in fields)} WHERE id = ?",
                    (*fields.values(), stored.id),
                )
                if article.raw:
                    conn.execute(
                        "INSERT OR REPLACE INTO article_raw (article_id, content_type, raw, stored_at) VALUES (?,?,?,?)",
                        (stored.id, content_type, zlib.compress(article.raw, 6), now()),
                    )
        # What was stored, without reading it back: an update of many entries stays one pass over them.
        stored.url, stored.author, stored.language, stored.site = (
            article.url,
            article.author,
            article.language,
            article.site,
        )
        stored.feed, stored.blocks, stored.spans = article.feed, article.blocks, article.spans
        return status, stored

    def add_new_entries(self, feed_id: int, entries: list[tuple[str, Article]]) -> list[int]:
        """Insert entries never seen before in one pass (insert all, then index once); returns the new ids.

        An entry whose text is already in the library (through another feed, or twice in this one)
        adds nothing. Uses the Library's bulk insert and tag helpers: this file belongs to the store.
        """
        if not entries:
            return []
        library = self.library
        with library.write() as conn:
            last_id = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
            for entry_id, article in entries:
                article.path = article.path or self._new_path(article, feed_id, entry_id)
                article.content_hash = article.content_hash or text.content_hash(article.title + "\n" + article.body)
            library.add_articles_bulk(a for _, a in entries)
            by_hash = {
                r[1]: r[0] for r in conn.execute("SELECT id, content_hash FROM articles WHERE id > ?", (last_id,))
            }
            new_ids, tagged, web_rows, raw_rows = [], [], [], []
            for entry_id, article in entries:
                article_id = by_hash.pop(article.content_hash, None)
                if article_id is None:
                    continue
                web_rows.append(
                    (
                        article.url,
                        article.author,
                        article.language,
                        article.site,
                        encode_structure(article.blocks, article.spans),
                        feed_id,
                        entry_id,
                        article_id,
                    )
                )
                if article.raw:
                    raw_rows.append((article_id, "text/html", zlib.compress(article.raw, 6), now()))
                if article.tags:
                    library._add_tags("article_tags", "article_id", article_id, clean_tags(article.tags))
                    tagged.append(article_id)
                new_ids.append(article_id)
            # One prepared statement for all of them: a first update writes thousands.
            conn.executemany(
                """UPDATE articles SET url = ?, author = ?, language = ?, site = ?, structure = ?,
                   feed_id = ?, entry_id = ? WHERE id = ?""",
                web_rows,
            )
            conn.executemany(
                "INSERT OR REPLACE INTO article_raw (article_id, content_type, raw, stored_at) VALUES (?,?,?,?)",
                raw_rows,
            )
            if tagged:
                library._index(tagged)  # the search rows were written before the tags
        return new_ids

    def set_structures(self, pairs: list[tuple[int, Article]]) -> None:
        """Store the structure of files' articles (Markdown) beside their bodies: (article id, article) pairs."""
        rows = [(encode_structure(a.blocks, a.spans), i) for i, a in pairs if a.blocks or a.spans]
        if rows:
            with self.library.write() as conn:
                conn.executemany("UPDATE articles SET structure = ? WHERE id = ?", rows)

    def get(self, article_id: int) -> Article | None:
        """An article with its web fields and structure (as get_article) and the name of its feed."""
        article = self.library.get_article(article_id)
        if article is None:
            return None
        row = self.conn.execute(
            "SELECT f.name FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?", (article_id,)
        ).fetchone()
        article.feed = mapper.text_of(row[0]) if row else ""
        return article

    def raw(self, article_id: int) -> tuple[bytes, str] | None:
        """The page an article was extracted from (decompressed) and its content type, if kept."""
        row = self.conn.execute(
            "SELECT raw, content_type FROM article_raw WHERE article_id = ?", (article_id,)
        ).fetchone()
        return (zlib.decompress(row[0]), row[1]) if row else None

    def raw_article_ids(self) -> list[int]:
        """The articles whose page is kept, so they can be extracted again."""
        return [r[0] for r in self.conn.execute("SELECT article_id FROM article_raw ORDER BY article_id")]

    def article_feed_id(self, article_id: int) -> int | None:
        """The feed an article came from, if any."""
        row = self.conn.execute("SELECT feed_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def counts(self) -> tuple[int, int, int]:
        """(articles, unread, pages added by hand from the web) of the whole library."""
        row = self.conn.execute(
            """SELECT count(*),
                      sum(NOT EXISTS (SELECT 1 FROM reading_state r WHERE r.article_id = a.id AND r.read = 1)),
                      sum(a.feed_id IS NULL AND a.url != '')
               FROM articles a"""
        ).fetchone()
        return row[0], row[1] or 0, row[2] or 0
