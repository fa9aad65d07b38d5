"""The full-text index for the database in use (see archive/search.py).

PostgreSQL: the unaccent extension (creating it needs a role allowed to, once per
database), a text search configuration that folds accents, a generated tsvector column
and its GIN index. SQLite: an FTS5 table; records are added to it by record_file.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'archive_vi') THEN
           CREATE TEXT SEARCH CONFIGURATION archive_vi (COPY = simple);
           ALTER TEXT SEARCH CONFIGURATION archive_vi
             ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
             WITH unaccent, simple;
         END IF;
       END $$""",
    # ASCII punctuation becomes a space first, so that "12/2026/NĐ-CP" is read as the
    # words 12, 2026, NĐ and CP (the parser would take it for a file path) exactly as
    # archive.search.parse reads a query.
    """ALTER TABLE archive_record ADD COLUMN search tsvector GENERATED ALWAYS AS (
         to_tsvector('archive_vi'::regconfig, regexp_replace(
           title || ' ' || number || ' ' || text, '[!-/:-@[-`{-~]+', ' ', 'g'))
       ) STORED""",
    "CREATE INDEX archive_record_search ON archive_record USING GIN (search)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS archive_record_search",
    "ALTER TABLE archive_record DROP COLUMN IF EXISTS search",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS archive_vi",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE archive_record_fts USING fts5("
    "content, content='', tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS archive_record_fts"]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD})


def backward(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
