"""Each backend returns exactly the hits the analysis says a query has.

The suite runs on SQLite and again on PostgreSQL; both compare against the same oracle (every
word of the query shares a stem with some word of the text), so passing on both means they
return the same hits for the same queries.
"""

from __future__ import annotations

import random

import pytest

from expediente.search import parse_query, tokens

WORDS = (
    "detención", "detenido", "detuvieron", "golpe", "golpes", "golpearon", "tortura",
    "torturaron", "tortured", "electricidad", "eléctrica", "asfixia", "bolsa", "celda", "sótano",
    "calabozo", "noche", "madrugada", "plaza", "beaten", "beating", "cell", "shocks", "night",
    "released", "liberado", "desaparecido", "desaparición", "Helicoide", "Tumba", "sede",
    "inteligencia", "militar", "policía", "guardia", "colectivo",
)


def _oracle(texts, query_text):
    query = parse_query(query_text)
    found = set()
    for n, text in enumerate(texts):
        toks = tokens(text)
        if all(any(set(alts) & set(t.terms) for t in toks) for alts in query.words) and all(
                any(term.startswith(p) for t in toks for term in t.terms)
                for p in query.prefixes):
            found.add(n)
    return found


@pytest.fixture
def corpus(case, documenter, source):
    from expediente_web.records.actions import do_create_testimony

    rng = random.Random(20171)
    texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) + "."
             for _ in range(120)]
    made = [do_create_testimony(documenter, case, text, "es", source=source) for text in texts]
    return texts, {t.pk: n for n, t in enumerate(made)}


QUERIES = ["golpe", "detencion", "torturas", "tortured celda", "electrico", "beat", "noche plaza",
           "desaparecida", "inteligencia militar", "HELICOIDE", "sotano asfixia bolsa",
           "tortur*", "desapar*", "calab* noche", "liberada", "shock"]


def test_the_backend_returns_exactly_the_oracles_hits(case, documenter, corpus):
    from expediente_web.search.access import access_search

    texts, index_of = corpus
    for query in QUERIES:
        expected = _oracle(texts, query)
        results = access_search(documenter, case, query, page_size=500)
        assert {index_of[h.record.pk] for h in results.hits} == expected, query
        assert results.total == len(expected), query
    assert any(_oracle(texts, q) for q in QUERIES) and not all(
        len(_oracle(texts, q)) == len(texts) for q in QUERIES), "the corpus tells queries apart"
