"""Search quality on a generated data set of 20,000 producers (``queries.py``):
recall@10, MRR and zero-result rate per query kind against the substring oracle."""

from __future__ import annotations

import pytest

from tests.search import queries as qs
from tests.search.conftest import ranked_ids

pytestmark = pytest.mark.django_db


def test_query_set_covers_every_kind(corpus):
    kinds = {q.kind for q in corpus["queries"]}
    assert len(corpus["queries"]) >= 80
    assert kinds == set(qs.KINDS)
    assert all(corpus["oracle"].relevant(q) for q in corpus["queries"])


def test_recall_mrr_and_zero_results(quality_engine, corpus):
    results = {q.q: ranked_ids(quality_engine, q.q) for q in corpus["queries"]}
    metrics = qs.evaluate(results, corpus["queries"], corpus["oracle"])
    print("\n" + qs.format_metrics(metrics))
    overall = metrics["all"]
    assert overall.recall >= 0.95
    assert overall.mrr >= 0.9
    assert overall.zero_rate == 0.0
    for kind in qs.KINDS:
        assert metrics[kind].recall >= 0.85, (kind, metrics[kind].recall)
