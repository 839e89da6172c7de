"""The two full-text backends behind one interface: SQLite FTS5 and PostgreSQL tsvector.

Both index `SearchDocument.terms` — stems made by `expediente.search` — with a tokenizer that
only splits on spaces and lower-cases (FTS5 `unicode61`, PostgreSQL `simple`), so a query
matches the same documents on either. They differ only in ranking (FTS5's bm25, PostgreSQL's
ts_rank_cd), which orders the hits but never changes which they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from expediente.search import Query

DOCS = "search_searchdocument"
FACETS = "search_searchfacet"
FTS = "search_fts"

SQLITE_SETUP = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(terms, content='{DOCS}', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER search_fts_insert AFTER INSERT ON {DOCS} BEGIN "  # noqa: S608 (identifiers from the models, values bound as parameters)
    f"INSERT INTO {FTS}(rowid, terms) VALUES (new.id, new.terms); END",
    f"CREATE TRIGGER search_fts_delete AFTER DELETE ON {DOCS} BEGIN "  # noqa: S608 (identifiers from the models, values bound as parameters)
    f"INSERT INTO {FTS}({FTS}, rowid, terms) VALUES ('delete', old.id, old.terms); END",
    f"CREATE TRIGGER search_fts_update AFTER UPDATE OF terms ON {DOCS} BEGIN "  # noqa: S608 (identifiers from the models, values bound as parameters)
    f"INSERT INTO {FTS}({FTS}, rowid, terms) VALUES ('delete', old.id, old.terms); "
    f"INSERT INTO {FTS}(rowid, terms) VALUES (new.id, new.terms); END",
)
SQLITE_TEARDOWN = (
    "DROP TRIGGER IF EXISTS search_fts_insert", "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_update", f"DROP TABLE IF EXISTS {FTS}",
)
POSTGRES_SETUP = (
    f"ALTER TABLE {DOCS} ADD COLUMN vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED",
    f"CREATE INDEX search_doc_vector ON {DOCS} USING GIN (vector)",
)
POSTGRES_TEARDOWN = (
    "DROP INDEX IF EXISTS search_doc_vector", f"ALTER TABLE {DOCS} DROP COLUMN IF EXISTS vector",
)


def setup_statements(vendor: str) -> Sequence[str]:
    return {"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}.get(vendor, ())


def teardown_statements(vendor: str) -> Sequence[str]:
    return {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}.get(vendor, ())


@dataclass
class Where:
    """The conditions of a search besides the words: case, kinds of record, facet values."""

    case_id: int
    object_types: Sequence[str] = ()
    facets: dict[str, str] = field(default_factory=dict)
    #: (object type, SQL selecting object ids, its parameters) of records left out whatever
    #: they match: the testimonies and excerpts whose words the reader may not read.
    excluded: Sequence[tuple[str, str, Sequence[Any]]] = ()

    def sql(self, alias: str = "d") -> tuple[str, list[Any]]:
        parts = [f"{alias}.case_id = %s"]
        params: list[Any] = [self.case_id]
        for object_type, ids_sql, ids_params in self.excluded:
            parts.append(f"NOT ({alias}.object_type = %s AND {alias}.object_id IN ({ids_sql}))")
            params.extend([object_type, *ids_params])
        if self.object_types:
            parts.append(f"{alias}.object_type IN ({', '.join('%s' for _ in self.object_types)})")
            params.extend(self.object_types)
        for name, value in sorted(self.facets.items()):
            parts.append(f"{alias}.id IN (SELECT document_id FROM {FACETS} "  # noqa: S608 (identifiers from the models, values bound as parameters)
                         "WHERE facet = %s AND value = %s)")
            params.extend([name, value])
        return " AND ".join(parts), params


def _fts5_match(query: Query) -> str:
    groups = [" OR ".join(_quoted(t) for t in alternatives) for alternatives in query.words]
    groups += [f"{_quoted(p)}*" for p in query.prefixes]
    return " AND ".join(f"({g})" for g in groups)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _tsquery(query: Query) -> str:
    groups = [" | ".join(_lexeme(t) for t in alternatives) for alternatives in query.words]
    groups += [f"{_lexeme(p)}:*" for p in query.prefixes]
    return " & ".join(f"({g})" for g in groups)


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _matched(query: Query | None, where: Where) -> tuple[str, list[Any], str]:
    """FROM … WHERE … of the matching documents, its parameters, and the rank expression."""
    condition, params = where.sql()
    if query is None:
        return f"FROM {DOCS} d WHERE {condition}", params, "0"
    if connection.vendor == "postgresql":
        return (f"FROM {DOCS} d WHERE d.vector @@ to_tsquery('simple', %s) AND {condition}",
                [_tsquery(query), *params],
                "-ts_rank_cd(d.vector, to_tsquery('simple', %s))")
    # CROSS JOIN fixes SQLite's join order: the full-text match first, then its documents
    # (the other order runs the match once per document of the case).
    return (f"FROM {FTS} CROSS JOIN {DOCS} d ON d.id = {FTS}.rowid WHERE {FTS} MATCH %s "
            f"AND {condition}", [_fts5_match(query), *params], f"bm25({FTS})")


def matching_ids(query: Query | None, where: Where, *, limit: int, offset: int) -> list[int]:
    """Ids of the matching documents, best first (newest first without a query)."""
    source, params, rank = _matched(query, where)
    rank_params = [_tsquery(query)] if query is not None and "%s" in rank else []
    order = f"{rank}, d.id" if query is not None else "d.id DESC"
    sql = f"SELECT d.id {source} ORDER BY {order} LIMIT %s OFFSET %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *rank_params, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def count(query: Query | None, where: Where) -> int:
    source, params, _ = _matched(query, where)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {source}", params)
        return int(cursor.fetchone()[0])


def facet_counts(query: Query | None, where: Where) -> dict[str, dict[str, int]]:
    """For each facet, each value's number of matching documents."""
    source, params, _ = _matched(query, where)
    sql = (f"SELECT f.facet, f.value, COUNT(DISTINCT f.document_id) FROM {FACETS} f "  # noqa: S608 (identifiers from the models, values bound as parameters)
           f"WHERE f.document_id IN (SELECT d.id {source}) GROUP BY f.facet, f.value")
    counts: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, n in cursor.fetchall():
            counts.setdefault(facet, {})[value] = int(n)
    return counts
