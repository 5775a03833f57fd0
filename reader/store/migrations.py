"""The library's schema as numbered migrations (the runner that applies them is reader.store.migrating).

A shipped migration is never edited. The list at the end is the only place migrations are named: the
Library's fast path (an up-to-date library) compares it with the applied ones.
"""

from __future__ import annotations

import sqlite3

from reader.store.migrating import Migrations, light


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # One statement at a time: executescript() would COMMIT the migration's transaction first.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def m001_initial(db: sqlite3.Connection) -> None:
    """Articles, tags, highlights, notes and reading state."""
    _run_script(
        db,
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
        """,
    )


def m002_search(db: sqlite3.Connection) -> None:
    """Accent-insensitive full-text search, and Vietnamese sort keys for the list.

    The folding and the sort keys are Python (reader.text): the Library registers them on its
    connection as reader_fold(), reader_sort_key() and reader_place_key() before it migrates.
    One statement at a time (not executescript, which would COMMIT the migration's transaction).
    """
    for statement in (
        "ALTER TABLE articles ADD COLUMN title_key TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE articles ADD COLUMN place_key TEXT NOT NULL DEFAULT ''",
        "UPDATE articles SET title_key = reader_sort_key(title), place_key = reader_place_key(place, date)",
        # Covering indexes: a page of the list is read from the index alone, never from the rows,
        # whose bodies would otherwise be paged in (13 ms per random page at 100k articles).
        "CREATE INDEX articles_by_title ON articles (title_key, id, title, date, place, source)",
        "CREATE INDEX articles_by_place ON articles (place_key, id, title, date, place, source)",
        "DROP INDEX articles_by_date",
        "CREATE INDEX articles_by_date ON articles (date DESC, id DESC, title, place, source)",
        # Rows hold the folded text, so offsets found in a folded column are offsets in the original
        # (body_exact: 1 when the body folds letter for letter, as Vietnamese does).
        # remove_diacritics 0: the text is folded already, and unicode61 alone never maps đ to d.
        """CREATE VIRTUAL TABLE search_index USING fts5(
               title, place, source, body, tags, notes, body_exact UNINDEXED,
               tokenize = 'unicode61 remove_diacritics 0')""",
        "INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(8.0, 3.0, 2.0, 1.0, 4.0, 2.0, 0.0)')",
        # Inserts and updates are indexed by the Library (in bulk after an import); a deletion by
        # any path must not leave a row behind, and one trigger per deleted row costs nothing.
        """CREATE TRIGGER articles_leave_search_index AFTER DELETE ON articles
           BEGIN DELETE FROM search_index WHERE rowid = old.id; END""",
        """INSERT INTO search_index (rowid, title, place, source, body, tags, notes, body_exact)
           SELECT a.id, reader_fold(a.title),
                  reader_fold(a.place) || CASE WHEN reader_fold(a.dateline) = reader_fold(a.place) THEN ''
                                               ELSE ' ' || reader_fold(a.dateline) END,
                  reader_fold(a.source), reader_fold(a.body),
                  reader_fold(coalesce((
                      SELECT group_concat(name, ' ; ') FROM (
                          SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id
                          UNION
                          SELECT t.name FROM highlights h JOIN highlight_tags x ON x.highlight_id = h.id
                                 JOIN tags t ON t.id = x.tag_id WHERE h.article_id = a.id)), '')),
                  reader_fold(a.note || char(10) || coalesce((
                      SELECT group_concat(h.quote || char(10) || h.note, char(10))
                      FROM highlights h WHERE h.article_id = a.id), '')),
                  reader_folds_exactly(a.body)
           FROM articles a""",
    ):
        db.execute(statement)


def m003_feeds(db: sqlite3.Connection) -> None:
    """Feeds, the web metadata of articles, their structure, and the raw page kept compressed."""
    for statement in (
        """CREATE TABLE feeds (
               id INTEGER PRIMARY KEY,
               url TEXT NOT NULL UNIQUE,
               name TEXT NOT NULL,
               site_url TEXT NOT NULL DEFAULT '',
               tags TEXT NOT NULL DEFAULT '[]',  -- a JSON list of tag names
               full_text TEXT NOT NULL DEFAULT 'auto' CHECK (full_text IN ('auto', 'always', 'never')),
               etag TEXT NOT NULL DEFAULT '',
               last_modified TEXT NOT NULL DEFAULT '',
               last_fetched TEXT NOT NULL DEFAULT '',
               last_error TEXT NOT NULL DEFAULT '',
               gone INTEGER NOT NULL DEFAULT 0,
               added_at TEXT NOT NULL
           )""",
        "ALTER TABLE articles ADD COLUMN url TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE articles ADD COLUMN author TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE articles ADD COLUMN language TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE articles ADD COLUMN site TEXT NOT NULL DEFAULT ''",
        # Removing a feed keeps its articles (and so their annotations): they only lose the link.
        "ALTER TABLE articles ADD COLUMN feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL",
        "ALTER TABLE articles ADD COLUMN entry_id TEXT",
        # The paragraphs and spans of the body as JSON offsets: [[kind, start, end], ...].
        "ALTER TABLE articles ADD COLUMN structure TEXT NOT NULL DEFAULT ''",
        # Unique, not partial: NULLs are distinct in SQLite, and `feed_id = ?` alone can use it (counts).
        "CREATE UNIQUE INDEX articles_by_entry ON articles (feed_id, entry_id)",
        "CREATE INDEX articles_by_url ON articles (url) WHERE url != ''",
        """CREATE TABLE article_raw (
               article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
               content_type TEXT NOT NULL DEFAULT '',
               raw BLOB NOT NULL,  -- zlib-compressed bytes as fetched or read
               stored_at TEXT NOT NULL
           )""",
    ):
        db.execute(statement)


def m004_colour_names(db: sqlite3.Connection) -> None:
    """The names the user gives colours ("key claim"); a colour without a row keeps its default name."""
    db.execute(
        """CREATE TABLE colour_names (
               color INTEGER PRIMARY KEY CHECK (color BETWEEN 1 AND 5),
               name TEXT NOT NULL
           )"""
    )


def m005_accent_search(db: sqlite3.Connection) -> None:
    """An accent-kept index beside the folded one, for words typed with diacritics (smart accents).

    External content: it reads the text from `articles` and stores only its own index, no second
    copy. unicode61 with remove_diacritics 0 keeps the marks and lowers the case; tone placement
    and the look-alikes of Đ are handled by the query, which asks for every spelling of a word
    (reader.vietnamese.spelling_variants). Triggers keep it in step with every change and deletion: an
    external-content index must be told the old values of a row to forget it. New rows are indexed
    by the Library in one statement after inserting (a trigger per row makes a bulk import ~30% slower).
    """
    columns = "title, place, source, body, note"
    old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
    new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
    for statement in (
        f"""CREATE VIRTUAL TABLE search_exact USING fts5({columns}, content='articles', content_rowid='id',
               tokenize = 'unicode61 remove_diacritics 0')""",
        f"""CREATE TRIGGER articles_leave_search_exact AFTER DELETE ON articles
            BEGIN INSERT INTO search_exact (search_exact, rowid, {columns}) VALUES ('delete', old.id, {old}); END""",
        f"""CREATE TRIGGER articles_change_search_exact AFTER UPDATE OF {columns} ON articles
            BEGIN
                INSERT INTO search_exact (search_exact, rowid, {columns}) VALUES ('delete', old.id, {old});
                INSERT INTO search_exact (rowid, {columns}) VALUES (new.id, {new});
            END""",
        "INSERT INTO search_exact (search_exact) VALUES ('rebuild')",
        # Tags and highlights (quotes and notes) are not columns of `articles`: their accent-kept
        # text is a small table of its own, kept by the Library as it keeps search_index.
        """CREATE VIRTUAL TABLE search_exact_notes USING fts5(tags, notes,
               tokenize = 'unicode61 remove_diacritics 0')""",
        """INSERT INTO search_exact_notes (rowid, tags, notes)
           SELECT id, tags, notes FROM (SELECT a.id,
               coalesce((SELECT group_concat(name, ' ; ') FROM (
                   SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id
                   UNION
                   SELECT t.name FROM highlights h JOIN highlight_tags x ON x.highlight_id = h.id
                          JOIN tags t ON t.id = x.tag_id WHERE h.article_id = a.id)), '') AS tags,
               coalesce((SELECT group_concat(h.quote || char(10) || h.note, char(10))
                         FROM highlights h WHERE h.article_id = a.id), '') AS notes
           FROM articles a) WHERE tags != '' OR notes != ''""",
        """CREATE TRIGGER articles_leave_search_exact_notes AFTER DELETE ON articles
           BEGIN DELETE FROM search_exact_notes WHERE rowid = old.id; END""",
    ):
        db.execute(statement)


def m006_trash_and_places(db: sqlite3.Connection) -> None:
    """The trash (a deleted article kept whole until restored), and what the TUI remembers between launches."""
    for statement in (
        """CREATE TABLE trash (
               article_id INTEGER PRIMARY KEY,  -- its id before it was deleted (and after restoring, if free)
               title TEXT NOT NULL,
               deleted_at TEXT NOT NULL,
               feed_id INTEGER,  -- with entry_id: a feed update does not bring a deleted entry back
               entry_id TEXT,
               url TEXT NOT NULL DEFAULT '',
               highlights INTEGER NOT NULL DEFAULT 0,
               snapshot TEXT NOT NULL  -- JSON: the article's rows, its highlights and their tags
           )""",
        "CREATE INDEX trash_by_entry ON trash (feed_id, entry_id)",
        """CREATE TABLE ui_places (
               name TEXT PRIMARY KEY,  -- "article", "pane", "sort", "filter", ...
               value TEXT NOT NULL
           )""",
    ):
        db.execute(statement)


def m011_article_ids(db: sqlite3.Connection) -> None:
    """Article ids never reused, as m008 does for highlights.

    SQLite gives a new row the highest id + 1, so deleting (or trashing) the newest article handed
    its id to the next import: a vault note's `reader-id`, a `reader://` link or a restore from the
    trash would then find another article. The highest id ever deleted is kept by a trigger, and a
    new article's id is above it.
    """
    db.execute(
        """CREATE TABLE article_id_mark (
               one INTEGER PRIMARY KEY CHECK (one = 1),
               highest INTEGER NOT NULL
           )"""
    )
    db.execute(
        """INSERT INTO article_id_mark (one, highest) SELECT 1, max(coalesce((SELECT max(id) FROM articles), 0),
                                                            coalesce((SELECT max(article_id) FROM trash), 0))"""
    )
    db.execute(
        """CREATE TRIGGER articles_keep_their_ids AFTER DELETE ON articles BEGIN
               UPDATE article_id_mark SET highest = max(highest, old.id) WHERE one = 1;
           END"""
    )


def m008_note_settings(db: sqlite3.Connection) -> None:
    """How notes are written (the highlight form, each colour's callout type), and highlight ids never reused.

    SQLite gives a new row the highest id + 1, so deleting the newest highlight handed its id to the
    next one: an undone delete could not get its id back, and a vault's `^h-ID` link pointed to
    another passage. The highest id ever deleted is kept (by a trigger, so that an article's deletion
    counts too), and a new highlight's id is above it.
    """
    db.execute(
        """CREATE TABLE note_settings (
               key TEXT PRIMARY KEY,
               value TEXT NOT NULL
           )"""
    )
    db.execute(
        """CREATE TABLE highlight_id_mark (
               one INTEGER PRIMARY KEY CHECK (one = 1),
               highest INTEGER NOT NULL
           )"""
    )
    db.execute("INSERT INTO highlight_id_mark (one, highest) SELECT 1, coalesce(max(id), 0) FROM highlights")
    db.execute(
        """CREATE TRIGGER highlights_keep_their_ids AFTER DELETE ON highlights BEGIN
               UPDATE highlight_id_mark SET highest = max(highest, old.id) WHERE one = 1;
           END"""
    )


def m009_feed_view_index(db: sqlite3.Connection) -> None:
    """One feed's articles newest first, by the index alone: the TUI's feed view pages them (100k open at once)."""
    db.execute("CREATE INDEX articles_by_feed ON articles (feed_id, date DESC, id DESC)")


def m012_contentless_search_index(db: sqlite3.Connection) -> None:
    """The folded index keeps no copy of the text (4 KB an article): contentless, kept by plain-SQL triggers.

    A contentless FTS5 table forgets a row only when told the values it indexed, and those are
    folded by Python (reader_fold), which another program writing to the library does not have.
    So the triggers, in plain SQL, set aside the indexed state of an article before its first change
    (its columns, and its tags and notes as search_exact_notes holds them) in `search_stale`; the
    reader folds and forgets it, then indexes the article anew, before the next COMMIT it makes
    (reader.store.indexing). A change of reader.text.fold needs a migration that rebuilds the index;
    so does a Python with another Unicode version (its folding of newly assigned characters
    differs), which the Library notices by `search_fold` when it opens the library.
    """
    import unicodedata

    columns = "title, place, dateline, source, body, note"
    capture = f"""INSERT INTO search_stale (article_id, {columns}, tags, notes)
        SELECT old.id, {", ".join(f"old.{c.strip()}" for c in columns.split(","))},
               (SELECT tags FROM search_exact_notes WHERE rowid = old.id),
               (SELECT notes FROM search_exact_notes WHERE rowid = old.id)
        WHERE NOT EXISTS (SELECT 1 FROM search_stale WHERE article_id = old.id)
          AND EXISTS (SELECT 1 FROM search_index WHERE rowid = old.id);"""
    for statement in (
        "DROP TRIGGER articles_leave_search_index",
        "DROP TABLE search_index",
        """CREATE VIRTUAL TABLE search_index USING fts5(title, place, source, body, tags, notes, content='',
               tokenize = 'unicode61 remove_diacritics 0')""",
        "INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(8.0, 3.0, 2.0, 1.0, 4.0, 2.0)')",
        f"""CREATE TABLE search_stale (
               article_id INTEGER PRIMARY KEY,  -- what the folded index holds for it, until the reader forgets it
               {", ".join(f"{c.strip()} TEXT" for c in columns.split(","))}, tags TEXT, notes TEXT
           )""",
        f"CREATE TRIGGER articles_set_aside_search_row BEFORE UPDATE OF {columns} ON articles BEGIN {capture} END",
        f"CREATE TRIGGER articles_set_aside_deleted_search_row BEFORE DELETE ON articles BEGIN {capture} END",
        """INSERT INTO search_index (rowid, title, place, source, body, tags, notes)
            SELECT a.id, reader_fold(a.title),
                   reader_fold(a.place) || CASE WHEN reader_fold(a.dateline) = reader_fold(a.place) THEN ''
                                                ELSE ' ' || reader_fold(a.dateline) END,
                   reader_fold(a.source), reader_fold(a.body), reader_fold(coalesce(n.tags, '')),
                   reader_fold(a.note || char(10) || coalesce(n.notes, ''))
            FROM articles a LEFT JOIN search_exact_notes n ON n.rowid = a.id""",
        "INSERT INTO search_index (search_index) VALUES ('optimize')",
        """CREATE TABLE search_fold (
               one INTEGER PRIMARY KEY CHECK (one = 1),
               unicode TEXT NOT NULL  -- the Unicode version of the Python that folded the index
           )""",
    ):
        db.execute(statement)
    db.execute("INSERT INTO search_fold (one, unicode) VALUES (1, ?)", (unicodedata.unidata_version,))


@light
def m013_exact_index_forgets_only_what_it_holds(db: sqlite3.Connection) -> None:
    """The accent-kept index is told to forget a row only when it holds that row.

    Another program's row is in neither index until the reader sees it (reader.store.indexing
    adopts it then). Changed or deleted before that, m005's triggers told the external-content
    index to forget values it was never given, which corrupts it. A changed row goes in either way.
    """
    columns = "title, place, source, body, note"
    old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
    new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
    held = "EXISTS (SELECT 1 FROM search_exact_docsize WHERE id = old.id)"
    forget = f"INSERT INTO search_exact (search_exact, rowid, {columns}) SELECT 'delete', old.id, {old} WHERE {held}"
    for statement in (
        "DROP TRIGGER articles_leave_search_exact",
        "DROP TRIGGER articles_change_search_exact",
        f"CREATE TRIGGER articles_leave_search_exact AFTER DELETE ON articles BEGIN {forget}; END",
        f"""CREATE TRIGGER articles_change_search_exact AFTER UPDATE OF {columns} ON articles
            BEGIN
                {forget};
                INSERT INTO search_exact (rowid, {columns}) VALUES (new.id, {new});
            END""",
    ):
        db.execute(statement)


migrations = Migrations(
    m001_initial,
    m002_search,
    m003_feeds,
    m004_colour_names,
    m005_accent_search,
    m006_trash_and_places,
    m008_note_settings,
    m009_feed_view_index,
    m011_article_ids,
    m012_contentless_search_index,
    m013_exact_index_forgets_only_what_it_holds,
)
