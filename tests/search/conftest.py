"""Fixtures for the search tests: a clean embedded index, the generated corpus and a
module-wide index of it (committed outside the per-test transactions, removed afterwards)."""

from __future__ import annotations

import pytest

from tests.search import queries as qs

QUALITY_PRODUCERS = 20_000


@pytest.fixture
def engine(db):
    from search.engines.embedded import EmbeddedEngine

    e = EmbeddedEngine()
    e.clear()
    return e


@pytest.fixture(scope="session")
def corpus():
    producers = qs.generate_producers(QUALITY_PRODUCERS, seed=2026)
    oracle = qs.Oracle(producers)
    return {
        "producers": producers,
        "queries": qs.make_queries(producers, oracle=oracle),
        "oracle": oracle,
    }


@pytest.fixture(scope="module")
def quality_engine(django_db_setup, django_db_blocker, corpus):
    """The embedded engine over the whole generated corpus (default candidate limit)."""
    from search.engines.embedded import EmbeddedEngine

    with django_db_blocker.unblock():
        e = EmbeddedEngine()
        docs = qs.producer_documents(corpus["producers"])
        e.rebuild([docs[i : i + 2000] for i in range(0, len(docs), 2000)])
        try:
            yield e
        finally:
            e.clear()


def ranked_ids(engine, q: str, size: int = 10, **kwargs) -> list[int]:
    from search.engines import SearchRequest

    resp = engine.search(
        SearchRequest(q=q, page_size=size, facets=False, highlight=False, **kwargs)
    )
    return [int(h.id) for h in resp.hits]
