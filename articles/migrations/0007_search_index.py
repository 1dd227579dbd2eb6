"""The full-text search index: PostgreSQL text search or SQLite FTS5 (see articles/search.py).

Neither is a model field. The SQL is copied here as it was when this migration was
written, so later changes to articles/search.py cannot change what this one did.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # english, with accents removed before stemming: "cafe" finds "café" and back.
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'newsroom') THEN
            CREATE TEXT SEARCH CONFIGURATION newsroom (COPY = english);
            ALTER TEXT SEARCH CONFIGURATION newsroom
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
        END IF;
    END $$
    """,
    """
    CREATE FUNCTION articles_search_vector(headline text, standfirst text, body_text text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('newsroom'::regconfig, coalesce(headline, '')), 'A')
            || setweight(to_tsvector('newsroom'::regconfig, coalesce(standfirst, '')), 'B')
            || setweight(to_tsvector('newsroom'::regconfig, coalesce(body_text, '')), 'C')
    $$
    """,
    # What ranks a match: the headline, the standfirst and the body's opening, small
    # enough to stay in the row; the full vector is read only to find matches.
    """
    CREATE FUNCTION articles_search_rank_vector(headline text, standfirst text, body_text text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('newsroom'::regconfig, coalesce(headline, '')), 'A')
            || setweight(to_tsvector('newsroom'::regconfig, coalesce(standfirst, '')), 'B')
            || setweight(to_tsvector('newsroom'::regconfig, left(coalesce(body_text, ''), 600)), 'C')
    $$
    """,
    """
    CREATE FUNCTION articles_article_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := articles_search_vector(NEW.headline, NEW.standfirst, NEW.body_text);
        NEW.search_rank_vector :=
            articles_search_rank_vector(NEW.headline, NEW.standfirst, NEW.body_text);
        RETURN NEW;
    END $$
    """,
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector",
    "ALTER TABLE articles_article ADD COLUMN search_rank_vector tsvector",
    # Search asks the planner how many articles a word is in: keep statistics for the
    # 10,000 commonest words, not the default 1,000, so "common" is known, not guessed.
    "ALTER TABLE articles_article ALTER COLUMN search_vector SET STATISTICS 1000",
    # lz4 reads back several times faster than the default pglz.
    """
    DO $$ BEGIN
        ALTER TABLE articles_article ALTER COLUMN search_vector SET COMPRESSION lz4;
        ALTER TABLE articles_article ALTER COLUMN search_rank_vector SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
    END $$
    """,
    # Row triggers fire for save(), update(), bulk_create() and COPY alike; an update
    # that leaves the text alone (publishing, a correction's date) skips the work.
    """
    CREATE TRIGGER articles_article_search_insert BEFORE INSERT ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_trigger()
    """,
    """
    CREATE TRIGGER articles_article_search_update
    BEFORE UPDATE OF headline, standfirst, body_text ON articles_article
    FOR EACH ROW WHEN (
        OLD.headline IS DISTINCT FROM NEW.headline
        OR OLD.standfirst IS DISTINCT FROM NEW.standfirst
        OR OLD.body_text IS DISTINCT FROM NEW.body_text
    ) EXECUTE FUNCTION articles_article_search_trigger()
    """,
    """
    UPDATE articles_article
    SET search_vector = articles_search_vector(headline, standfirst, body_text),
        search_rank_vector = articles_search_rank_vector(headline, standfirst, body_text)
    """,
    "CREATE INDEX articles_article_search_idx ON articles_article USING gin (search_vector)",
]

POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS articles_article_search_update ON articles_article",
    "DROP TRIGGER IF EXISTS articles_article_search_insert ON articles_article",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_rank_vector",
    "DROP FUNCTION IF EXISTS articles_article_search_trigger()",
    "DROP FUNCTION IF EXISTS articles_search_vector(text, text, text)",
    "DROP FUNCTION IF EXISTS articles_search_rank_vector(text, text, text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS newsroom",
]

SQLITE_FORWARD = [
    # External content: the text stays in articles_article; snippet() reads it there.
    """
    CREATE VIRTUAL TABLE articles_article_search USING fts5(
        headline, standfirst, body_text,
        content='articles_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS articles_article_search_insert
    AFTER INSERT ON articles_article BEGIN
        INSERT INTO articles_article_search(rowid, headline, standfirst, body_text)
        VALUES (new.id, new.headline, new.standfirst, new.body_text);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS articles_article_search_delete
    AFTER DELETE ON articles_article BEGIN
        INSERT INTO articles_article_search(articles_article_search, rowid, headline,
            standfirst, body_text)
        VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS articles_article_search_update
    AFTER UPDATE OF id, headline, standfirst, body_text ON articles_article
    WHEN old.id IS NOT new.id OR old.headline IS NOT new.headline
        OR old.standfirst IS NOT new.standfirst OR old.body_text IS NOT new.body_text
    BEGIN
        INSERT INTO articles_article_search(articles_article_search, rowid, headline,
            standfirst, body_text)
        VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
        INSERT INTO articles_article_search(rowid, headline, standfirst, body_text)
        VALUES (new.id, new.headline, new.standfirst, new.body_text);
    END
    """,
    # Search checks each match's status and date here, without reading the long row.
    """
    CREATE INDEX IF NOT EXISTS articles_article_search_cover
    ON articles_article (id, status, published_at)
    """,
    "INSERT INTO articles_article_search(articles_article_search) VALUES ('rebuild')",
]

SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS articles_article_search_cover",
    "DROP TRIGGER IF EXISTS articles_article_search_update",
    "DROP TRIGGER IF EXISTS articles_article_search_delete",
    "DROP TRIGGER IF EXISTS articles_article_search_insert",
    "DROP TABLE IF EXISTS articles_article_search",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError(
                f"Search supports PostgreSQL and SQLite, not {schema_editor.connection.vendor}."
            )
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_article_body_text"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
