"""The engine contract: one query set, the same answers.

* embedded vs a pure-Python substring oracle: on title-only documents the embedded engine's
  match set equals the oracle's relevant set for every text, initials and USCC query (and
  contains it for pinyin, where an unsegmented query such as 'fangan' also matches fan|gan);
* embedded vs Elasticsearch: equal match sets and ≥ 0.8 top-10 overlap for every query.
  Needs a live cluster: skipped unless ELASTICSEARCH_URL is set.
"""

from __future__ import annotations

import os
import uuid

import pytest

from search.engines import SearchRequest
from search.engines.embedded import EmbeddedEngine
from tests.search import queries as qs

pytestmark = pytest.mark.django_db

CONTRACT_PRODUCERS = 5000
ES_URL = os.environ.get("ELASTICSEARCH_URL", "")
needs_es = pytest.mark.skipif(
    not ES_URL,
    reason="needs a live Elasticsearch: set ELASTICSEARCH_URL (e.g. http://127.0.0.1:9200) "
    "to run the Elasticsearch half of the contract",
)


def all_keys(engine, q: str) -> set[str]:
    out: set[str] = set()
    page = 1
    while True:
        resp = engine.search(
            SearchRequest(q=q, page=page, page_size=1000, facets=False, highlight=False)
        )
        out.update(resp.keys)
        if len(resp.hits) < 1000:
            return out
        page += 1


def top(engine, q: str, n: int = 10) -> list[str]:
    return engine.search(SearchRequest(q=q, page_size=n, facets=False, highlight=False)).keys


@pytest.fixture(scope="module")
def contract_set(corpus):
    producers = corpus["producers"][:CONTRACT_PRODUCERS]
    oracle = qs.Oracle(producers)
    queries = [q for q in corpus["queries"] if oracle.relevant(q)]
    return {"producers": producers, "oracle": oracle, "queries": queries}


@pytest.fixture(scope="module")
def names_engine(django_db_setup, django_db_blocker, contract_set):
    """Title-only documents, no candidate limit: the exact match set of every query."""
    with django_db_blocker.unblock():
        engine = EmbeddedEngine(candidates=1_000_000)
        engine.rebuild([qs.producer_documents(contract_set["producers"], names_only=True)])
        try:
            yield engine
        finally:
            engine.clear()


def test_embedded_matches_the_substring_oracle(names_engine, contract_set):
    oracle = contract_set["oracle"]
    assert len(contract_set["queries"]) >= 60
    for query in contract_set["queries"]:
        found = {int(k.partition(":")[2]) for k in all_keys(names_engine, query.q)}
        relevant = oracle.relevant(query)
        if query.oracle == "pinyin":
            assert relevant <= found, query
        else:
            assert found == relevant, (query, sorted(found ^ relevant)[:5])


def test_contract_query_set_is_mixed(contract_set):
    kinds = {q.kind for q in contract_set["queries"]}
    assert {"cjk1", "cjk2", "suffix", "pinyin", "initials", "traditional", "uscc"} <= kinds


# --- Elasticsearch ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def both_engines(django_db_setup, django_db_blocker, contract_set):
    from search.engines.elastic import ElasticsearchEngine

    docs = qs.producer_documents(contract_set["producers"])
    es = ElasticsearchEngine(ES_URL, prefix=f"nongan-contract-{uuid.uuid4().hex[:8]}", replicas=0)
    with django_db_blocker.unblock():
        embedded = EmbeddedEngine(candidates=1_000_000)
        embedded.rebuild([docs])
        es.rebuild([docs])
        try:
            yield embedded, es
        finally:
            embedded.clear()
            for name in es.client.indices.get(index=f"{es.prefix}-*").body:
                es.client.indices.delete(index=name)


@pytest.mark.elasticsearch
@needs_es
def test_engines_agree_on_match_sets_and_top_ten(both_engines, contract_set):
    embedded, es = both_engines
    worst = 1.0
    for query in contract_set["queries"]:
        a, b = all_keys(embedded, query.q), all_keys(es, query.q)
        assert a == b, (query, sorted(a ^ b)[:5])
        ta, tb = top(embedded, query.q), top(es, query.q)
        overlap = len(set(ta) & set(tb)) / max(1, min(10, len(ta)))
        worst = min(worst, overlap)
        assert overlap >= 0.8, (query, ta, tb)
    print(f"worst top-10 overlap: {worst:.2f}")
