"""The library's schema as numbered migrations; a shipped migration is never edited."""

from sqlite_utils import Database, Migrations

migrations = Migrations("reader")


@migrations()
def m001_initial(db: Database) -> None:
    """Articles, tags, highlights, notes and reading state."""
    db.executescript(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            path TEXT,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            date TEXT,
            dateline TEXT NOT NULL DEFAULT '',
            place TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            note_modified TEXT,
            imported_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX articles_by_date ON articles (date DESC, id DESC);
        CREATE INDEX articles_by_path ON articles (path);

        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE  -- casefolded NFC name: one tag regardless of case
        );

        CREATE TABLE article_tags (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            PRIMARY KEY (article_id, tag_id)
        );
        CREATE INDEX article_tags_by_tag ON article_tags (tag_id, article_id);

        CREATE TABLE highlights (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL,
            prefix TEXT NOT NULL DEFAULT '',
            suffix TEXT NOT NULL DEFAULT '',
            color INTEGER NOT NULL DEFAULT 1,
            note TEXT NOT NULL DEFAULT '',
            orphan INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        );
        CREATE INDEX highlights_by_article ON highlights (article_id, start);

        CREATE TABLE highlight_tags (
            highlight_id INTEGER NOT NULL REFERENCES highlights(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            PRIMARY KEY (highlight_id, tag_id)
        );
        CREATE INDEX highlight_tags_by_tag ON highlight_tags (tag_id, highlight_id);

        CREATE TABLE reading_state (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            read INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0,
            opened_at TEXT
        );
        """
    )
