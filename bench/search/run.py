"""Search over many excerpts: Expediente's search path against a raw FTS5 query, one run.

Builds a throwaway SQLite database with the search app's tables (the same migration SQL), fills
it with N synthetic excerpts (Spanish narrative fragments drawn from a fixed vocabulary; no real
person), then times, for the same queries:

- raw: `SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT 20` plus a
  `COUNT(*)` — the least any FTS5 search page needs;
- expediente: `backends.count` + `backends.matching_ids` (the case filter and ranking) + the
  facet counts, i.e. everything `access_search` asks the database for, with the query parsed
  by `expediente.search`.

Reports p50 and p95 of each and their ratio. Goal (issue: search): p95 within 2× of raw.

    nice .venv/bin/python bench/search/run.py --excerpts 1000000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

WORDS = (
    "me", "detuvieron", "en", "la", "plaza", "durante", "la", "noche", "y", "me", "llevaron", "a",
    "la", "sede", "donde", "me", "golpearon", "con", "un", "tubo", "torturas", "electricidad",
    "asfixia", "bolsa", "celda", "sótano", "calabozo", "incomunicado", "días", "sin", "comida",
    "ni", "agua", "mis", "familiares", "presentaron", "habeas", "corpus", "nadie", "respondió",
    "funcionarios", "encapuchados", "guardia", "nacional", "policía", "colectivos", "armados",
    "amenazas", "a", "mi", "madre", "liberado", "desaparecido", "tribunal", "militar", "fiscal",
    "juez", "audiencia", "abogado", "golpes", "patadas", "fracturas", "hospital", "médico",
    "forense", "declaración", "testigo", "vecinos", "vieron", "camioneta", "sin", "placas",
)
QUERIES = ["golpes", "tortura electricidad", "habeas corpus", "detención noche", "desapar*",
           "tribunal militar", "asfixia bolsa", "incomunicado", "sótano celda", "camioneta placas"]


def setup_django(data: Path) -> None:
    os.environ["EXPEDIENTE_DATA_DIR"] = str(data)
    os.environ.pop("DATABASE_URL", None)
    from expediente_web.protection.keyring import new_keyring

    os.environ["EXPEDIENTE_KEYS"] = new_keyring().to_json()
    os.environ["EXPEDIENTE_SECRET_KEY"] = "bench-" + "k" * 60
    os.environ["DJANGO_SETTINGS_MODULE"] = "expediente_web.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def fill(n: int, seed: int = 11) -> int:
    from django.db import connection

    from expediente.search import index_terms
    from expediente_web.cases.models import Case

    case = Case.objects.create(code="bench", title="Benchmark (synthetic)")
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not a secret)
    facets = ["act.torture", "act.detention.arrest", "act.disappearance.whereabouts_unknown",
              "act.threat", "act.killing.extrajudicial"]
    batch, facet_rows = [], []
    with connection.cursor() as cursor:
        for i in range(1, n + 1):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40)))
            batch.append((i, case.id, "excerpt", i, index_terms(text)))
            facet_rows.append((i, "act_type", rng.choice(facets)))
            facet_rows.append((i, "year", str(rng.randint(2014, 2019))))
            if len(batch) == 20_000:
                _flush(cursor, batch, facet_rows)
        _flush(cursor, batch, facet_rows)
    return case.id


def _flush(cursor, batch, facet_rows) -> None:  # type: ignore[no-untyped-def]
    cursor.executemany(
        "INSERT INTO search_searchdocument (id, case_id, object_type, object_id, terms, "
        "updated_at) VALUES (%s, %s, %s, %s, %s, CURRENT_TIMESTAMP)", batch)
    cursor.executemany("INSERT INTO search_searchfacet (document_id, facet, value) "
                       "VALUES (%s, %s, %s)", facet_rows)
    batch.clear()
    facet_rows.clear()


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    fn()  # warm the page cache
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--excerpts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="expediente-bench-search-") as tmp:
        setup_django(Path(tmp))
        from django.db import connection

        from expediente.search import parse_query
        from expediente_web.search import backends

        start = time.perf_counter()
        case_id = fill(args.excerpts)
        print(f"{args.excerpts:,} excerpts indexed in {time.perf_counter() - start:.1f} s")
        raw_all: list[float] = []
        ours_all: list[float] = []
        print(f"{'query':<22} {'hits':>9} {'raw p95':>9} {'ours p95':>9} {'ratio':>6}")
        for text in QUERIES:
            query = parse_query(text)
            match = backends._fts5_match(query)
            where = backends.Where(case_id)

            def raw(match=match):  # type: ignore[no-untyped-def]
                with connection.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH %s",
                                   [match])
                    cursor.fetchone()
                    cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                                   "ORDER BY rank LIMIT 20", [match])
                    cursor.fetchall()

            def ours(query=query, where=where):  # type: ignore[no-untyped-def]
                backends.count(query, where)
                backends.matching_ids(query, where, limit=20, offset=0)
                backends.facet_counts(query, where)

            r, o = timed(raw, args.repeat), timed(ours, args.repeat)
            raw_all += r
            ours_all += o
            hits = backends.count(query, where)
            print(f"{text:<22} {hits:>9,} {p95(r) * 1000:>8.1f}ms {p95(o) * 1000:>8.1f}ms "
                  f"{p95(o) / p95(r):>5.2f}×")
        print(f"all queries: raw p95 {p95(raw_all) * 1000:.1f} ms, expediente p95 "
              f"{p95(ours_all) * 1000:.1f} ms, ratio {p95(ours_all) / p95(raw_all):.2f}×")


if __name__ == "__main__":
    main()
