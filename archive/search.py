"""Accent-insensitive full-text search over archive records, on either database.

Archivists type Vietnamese with or without its marks: "bien ban hop" must find
"biên bản họp", and "đ" must match "d" (unaccent folds đ; FTS5's unicode61 tokenizer
does not, since đ is a letter of its own, not d with a combining mark).

* PostgreSQL: the `unaccent` extension, a text search configuration `archive_vi`
  (the `simple` parser and dictionary, with unaccent before it), and a generated
  `tsvector` column `search` with a GIN index. The query is built with
  `plainto_tsquery`/`phraseto_tsquery`, which read plain text: no query syntax exists
  for a user to break.
* SQLite: an FTS5 table `archive_record_fts` (tokenizer unicode61 remove_diacritics 2)
  holding the folded text, keyed by the record's id. The MATCH expression is built here
  from folded words that contain letters and digits only, each inside double quotes.

The user's text is read the same way on both: words are all required; a part inside
double quotes is a phrase. Nothing else in it means anything.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

QUERY_MAX_CHARS = 500
MAX_TERMS = 32
_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def fold(text: str) -> str:
    """Lower case, without diacritics, đ as d: the form both search indexes compare."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def clean(text: str) -> str:
    """Control characters (NUL included) read as spaces: PostgreSQL refuses NUL in text."""
    return _CONTROL.sub(" ", text)


@dataclass(frozen=True)
class Query:
    """What a user asked for: single words and phrases, every one required."""

    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases


def parse(text: str) -> Query:
    """Split the user's text into folded words and quoted phrases. An unclosed quote
    runs to the end; any other punctuation only separates words."""
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for n, part in enumerate(clean(text).split('"')):
        tokens = _WORD.findall(fold(part))
        if n % 2 == 1 and len(tokens) > 1:
            phrases.append(tuple(tokens))
        else:
            words.extend(tokens)
    unique_words = tuple(dict.fromkeys(words))[:MAX_TERMS]
    return Query(words=unique_words, phrases=tuple(dict.fromkeys(phrases))[:MAX_TERMS])


def document_text(*, title: str, number: str, text: str) -> str:
    return clean(f"{title}\n{number}\n{text}")


# --- PostgreSQL -----------------------------------------------------------------------

PG_CONFIG = "archive_vi"


def _pg_filter(qs: QuerySet, query: Query) -> QuerySet:
    parts, params = [], []
    if query.words:
        parts.append(f"plainto_tsquery('{PG_CONFIG}', %s)")
        params.append(" ".join(query.words))
    for phrase in query.phrases:
        parts.append(f"phraseto_tsquery('{PG_CONFIG}', %s)")
        params.append(" ".join(phrase))
    table = qs.model._meta.db_table
    sql = f'"{table}"."search" @@ ({" && ".join(parts)})'  # noqa: S608 (fixed names)
    # The user's words travel only as parameters; the SQL text is fixed.
    matches = RawSQL(sql, params, output_field=BooleanField())  # noqa: S611
    return qs.alias(_matches=matches).filter(_matches=True)


# --- SQLite ---------------------------------------------------------------------------

FTS_TABLE = "archive_record_fts"


def _fts_expression(query: Query) -> str:
    # Every term is letters and digits only, so a double-quoted FTS5 string cannot be
    # closed early or read as an operator.
    terms = [f'"{word}"' for word in query.words]
    terms += ['"' + " ".join(phrase) + '"' for phrase in query.phrases]
    return " AND ".join(terms)


def _sqlite_filter(qs: QuerySet, query: Query) -> QuerySet:
    sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
    return qs.filter(pk__in=RawSQL(sql, [_fts_expression(query)]))  # noqa: S611 (a parameter)


def index_record(*, record_id: int, title: str, number: str, text: str) -> None:
    """Add a record to the SQLite index (PostgreSQL computes its column by itself)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, content) VALUES (%s, %s)",  # noqa: S608
            [record_id, fold(document_text(title=title, number=number, text=text))],
        )


def filter_matching(qs: QuerySet, query: Query) -> QuerySet:
    if query.empty:
        return qs
    if connection.vendor == "postgresql":
        return _pg_filter(qs, query)
    if connection.vendor == "sqlite":
        return _sqlite_filter(qs, query)
    raise NotImplementedError(connection.vendor)
