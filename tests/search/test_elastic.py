"""The Elasticsearch engine.

Always run: the index mapping (``Index.to_dict()``), the query bodies (``Search.to_dict()``),
the similarity scripts against ``search.ranking``, and the rebuild / alias-swap / bulk /
response choreography against a recording fake node (``fake_es.py``).
Live (ELASTICSEARCH_URL set): the analyzers through the _analyze API, and indexing plus
searching on a real cluster.
"""

from __future__ import annotations

import os
import re
import uuid

import pytest

from search.doc import DOC_TYPES, SearchDocument
from search.engines import SearchRequest
from search.engines.elastic import (
    SIMILARITY,
    ElasticsearchEngine,
    index_definition,
    similarity_script,
    to_source,
)
from search.fields import analyse
from search.ranking import AVG_LEN, WEIGHTS, lucene_length, tf_norm
from tests.search import fake_es

ES_URL = os.environ.get("ELASTICSEARCH_URL", "")
live = pytest.mark.skipif(not ES_URL, reason="needs a live Elasticsearch: set ELASTICSEARCH_URL")

DOC = SearchDocument(
    "producer",
    "1",
    "長治市上黨區綠源農業科技有限公司",
    names=["长治绿源农业有限公司"],
    body="山西省长治市上党区 企业 绿色食品 大米",
    identifiers=["91140404MA0K0000X1"],
    facets={
        "type": ["producer"],
        "region": ["140000", "140400", "140404"],
        "kind": ["enterprise"],
        "grade": ["A"],
        "cert": ["green"],
    },
    fields={"key": "91140404MA0K0000X1", "uscc": "91140404MA0K0000X1"},
)


def engine(client=None) -> ElasticsearchEngine:
    return ElasticsearchEngine("http://fake-es:9200", prefix="t", client=client, replicas=0)


# --- mapping -------------------------------------------------------------------------------


def test_mapping_uses_the_design_analyzers():
    body = index_definition("nongan-producer-20260101").to_dict()
    analysis = body["settings"]["analysis"]
    assert analysis["analyzer"]["nongan_cjk_index"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["cjk_width", "lowercase", "nongan_cjk_bigram_index"],
    }
    assert analysis["analyzer"]["nongan_cjk_search"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["cjk_width", "lowercase", "nongan_cjk_bigram_search"],
    }
    assert analysis["filter"]["nongan_cjk_bigram_index"] == {
        "type": "cjk_bigram",
        "output_unigrams": True,
    }
    assert analysis["filter"]["nongan_cjk_bigram_search"] == {
        "type": "cjk_bigram",
        "output_unigrams": False,
    }
    assert analysis["analyzer"]["nongan_tokens"] == {"type": "custom", "tokenizer": "whitespace"}
    props = body["mappings"]["properties"]
    for field, family in (("title", "title"), ("names", "names"), ("body", "body")):
        assert props[field]["type"] == "text"
        assert props[field]["analyzer"] == "nongan_cjk_index"
        assert props[field]["search_analyzer"] == "nongan_cjk_search"
        assert props[field]["similarity"] == f"nongan_{family}"
    assert props["title"]["fields"]["keyword"]["type"] == "keyword"
    for field in ("p_uni", "p_bi", "i_uni", "i_bi"):
        assert props[field]["analyzer"] == "nongan_tokens"
    for field in (
        "key",
        "type",
        "title_key",
        "title_py",
        "title_ini",
        "identifiers",
        "facet_region",
        "facet_kind",
        "facet_category",
        "facet_grade",
        "facet_cert",
        "facet_year",
        "facet_locale",
    ):
        assert props[field]["type"] == "keyword", field
    assert props["fields"] == {"type": "object", "enabled": False}
    assert body["settings"]["number_of_shards"] == 1
    assert set(body["settings"]["similarity"]) == {f"nongan_{f}" for f in WEIGHTS}


def _painless_to_python(source: str):
    """Evaluate our one-line Painless similarity in Python (it is plain arithmetic)."""
    py = (
        source.replace("double ", "")
        .replace("doc.freq", "freq")
        .replace("doc.length", "length")
        .replace("query.boost", "boost")
        .replace("return ", "result = ")
    )
    code = compile(py.replace("; ", "\n").rstrip(";"), "<painless>", "exec")

    def run(freq, length, boost):
        env = {"freq": freq, "length": length, "boost": boost}
        exec(code, {}, env)  # noqa: S102 - our own constant script
        return env["result"]

    return run


@pytest.mark.parametrize("family", list(WEIGHTS))
def test_similarity_script_is_the_python_ranking(family):
    script = SIMILARITY[f"nongan_{family}"]["script"]["source"]
    assert script == similarity_script(family)
    assert re.fullmatch(r"[\w\s.;=+*/()-]+", script)
    run = _painless_to_python(script)
    for freq in (1, 2, 3):
        for length in (1, 5, 16, 23, 24, 30, 57, 200, 1000):
            # Lucene hands the script the length decoded from its one-byte norm.
            expected = WEIGHTS[family] * tf_norm(freq, length, AVG_LEN[family])
            assert run(freq, lucene_length(length), WEIGHTS[family]) == pytest.approx(expected)


def test_lucene_length_quantisation():
    assert [lucene_length(n) for n in range(24)] == list(range(24))
    assert lucene_length(24) == 24 and lucene_length(25) == 25
    assert lucene_length(1000) <= 1000 and lucene_length(1000) > 850


def test_source_is_normalised_and_pre_analysed():
    src = to_source(DOC)
    fields = analyse(DOC)
    assert src["title"] == "长治市上党区绿源农业科技有限公司"
    assert src["display_title"] == DOC.title
    assert src["names"] == ["长治绿源农业有限公司"]
    assert src["p_bi"] == fields.stream_text("p_bi") and "lvyuan" in src["p_bi"].split()
    assert src["i_uni"] == fields.stream_text("i_uni") and src["i_uni"].startswith(
        "z z s s d q l y"
    )
    assert src["identifiers"] == ["91140404ma0k0000x1"]
    assert src["facet_region"] == ["140000", "140400", "140404"]
    assert src["title_key"] == "长治市上党区绿源农业科技有限公司"
    assert src["title_len"] == 16 and src["type_rank"] == 0


# --- query bodies --------------------------------------------------------------------------


def _body(**kwargs) -> dict:
    return engine().build(SearchRequest(**kwargs)).to_dict()


def test_text_query_body():
    body = _body(
        q="绿源 合作社 社",
        filters={"kind": ["cooperative"]},
        types=["producer"],
        page=2,
        page_size=5,
        facets=False,
    )
    query = body["query"]["bool"]
    assert query["filter"] == [
        {"terms": {"facet_kind": ["cooperative"]}},
        {"terms": {"type": ["producer"]}},
    ]
    (alternatives,) = query["must"]
    (text,) = alternatives["bool"]["should"]
    phrases = text["bool"]["must"]
    assert [p["bool"]["should"][0]["match_phrase"]["title"]["query"] for p in phrases] == [
        "绿源",
        "合作社",
        "社",
    ]
    assert phrases[0]["bool"]["should"] == [
        {"match_phrase": {"title": {"query": "绿源", "boost": 10.0}}},
        {"match_phrase": {"names": {"query": "绿源", "boost": 5.0}}},
        {"match_phrase": {"body": {"query": "绿源", "boost": 1.0}}},
    ]
    assert phrases[0]["bool"]["minimum_should_match"] == 1
    assert query["should"] == [
        {"constant_score": {"filter": {"term": {"title_key": "绿源合作社社"}}, "boost": 1000.0}},
        {"constant_score": {"filter": {"prefix": {"title_key": "绿源合作社社"}}, "boost": 100.0}},
    ]
    assert body["sort"] == [
        {"_score": "desc"},
        {"type_rank": "asc"},
        {"title_len": "asc"},
        {"key": "asc"},
    ]
    assert (body["from"], body["size"], body["track_total_hits"]) == (5, 5, 10000)
    assert "aggs" not in body


def test_traditional_and_full_width_queries_are_normalised_before_sending():
    body = _body(q="綠源　ＡＢＣ", facets=False)
    (text,) = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert [
        p["bool"]["should"][0]["match_phrase"]["title"]["query"] for p in text["bool"]["must"]
    ] == ["绿源", "abc"]


def test_pinyin_and_initials_query_bodies():
    body = _body(q="lvyuan", facets=False)
    text, pinyin = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert pinyin == {
        "bool": {"must": [{"match_phrase": {"p_bi": {"query": "lvyuan", "boost": 6.0}}}]}
    }
    assert {
        "constant_score": {"filter": {"term": {"title_py": "lvyuan"}}, "boost": 1000.0}
    } in body["query"]["bool"]["should"]
    body = _body(q="lyzz", facets=False)
    _text, initials = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert initials["bool"]["must"][0]["match_phrase"]["i_bi"]["query"] == "ly yz zz"
    body = _body(q="shang hai qing pu", facets=False)
    _text, pinyin = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert pinyin["bool"]["must"][0]["match_phrase"]["p_bi"]["query"] == "shanghai haiqing qingpu"


def test_browse_and_aggregation_bodies(db):
    body = _body(q="", filters={"region": ["140000"]})
    assert body["query"] == {"bool": {"filter": [{"terms": {"facet_region": ["140000"]}}]}}
    assert body["sort"][0] == {"sort_date": {"order": "desc", "missing": "_last"}}
    aggs = body["aggs"]
    assert set(aggs) == {"type", "region", "kind", "category", "grade", "cert", "year", "locale"}
    assert aggs["type"] == {"terms": {"field": "type", "size": 20}}
    include = aggs["region"]["terms"]["include"]
    assert "140100" in include and "140700" in include and "140000" not in include


# --- choreography against the fake node ---------------------------------------------------


@pytest.fixture
def fake():
    fake_es.reset()
    return engine(fake_es.client())


def _docs(n=3):
    return [
        SearchDocument(
            "producer",
            str(i),
            f"绿源{i}号合作社",
            facets={"type": ["producer"], "kind": ["cooperative"]},
        )
        for i in range(1, n + 1)
    ] + [SearchDocument("page", "9", "绿色食品", url="/p/", facets={"type": ["page"]})]


def test_rebuild_builds_timestamped_indices_and_swaps_aliases_atomically(fake):
    cluster = fake_es.CLUSTER
    assert fake.rebuild([_docs()]) == 4
    first = {i for i in cluster["indices"]}
    assert len(first) == len(DOC_TYPES)
    for name in first:
        assert re.fullmatch(r"t-(producer|product|blacklist|case|page)-\d{20}", name)
        body = cluster["indices"][name]["body"]
        assert (
            body["settings"]["analysis"]["filter"]["nongan_cjk_bigram_index"]["output_unigrams"]
            is True
        )
        assert body["settings"]["refresh_interval"] == "-1"  # off while loading ...
        assert cluster["indices"][name]["settings_updates"][0]["index"]["refresh_interval"] == "1s"
    (actions,) = cluster["alias_actions"]
    assert sorted(a["add"]["alias"] for a in actions) == sorted(f"t-{t}" for t in DOC_TYPES)
    producer_index = next(i for i in first if i.startswith("t-producer-"))
    assert set(cluster["indices"][producer_index]["docs"]) == {
        "producer:1",
        "producer:2",
        "producer:3",
    }
    # Second rebuild: one update_aliases call removes the old and adds the new, then the old
    # indices are deleted.
    assert fake.rebuild([_docs(2)]) == 3
    second = set(cluster["indices"])
    assert second.isdisjoint(first) and len(second) == len(DOC_TYPES)
    actions = cluster["alias_actions"][-1]
    assert {a["remove"]["index"] for a in actions if "remove" in a} == first
    assert {a["add"]["index"] for a in actions if "add" in a} == second


def test_index_and_delete_go_through_the_aliases(fake):
    fake.rebuild([])
    fake.index_documents(_docs(2))
    producer_index = next(i for i in fake_es.CLUSTER["indices"] if i.startswith("t-producer-"))
    assert set(fake_es.CLUSTER["indices"][producer_index]["docs"]) == {"producer:1", "producer:2"}
    fake.delete_documents(["producer:1", "page:9"])
    assert set(fake_es.CLUSTER["indices"][producer_index]["docs"]) == {"producer:2"}
    assert fake.indexed_keys("producer") == {"2"}
    status = fake.status()
    assert status["ready"] and status["by_type"]["producer"] == 1


def test_index_documents_creates_missing_indices(fake):
    fake.index_documents(_docs(1))
    assert {a for aliases in fake_es.CLUSTER["aliases"].values() for a in aliases} == {
        f"t-{t}" for t in DOC_TYPES
    }


def test_search_parses_hits_into_the_shared_shape(fake, db):
    fake.rebuild([_docs(2)])
    resp = fake.search(SearchRequest(q="绿源", facets=False))
    assert resp.total == 3 and resp.total_exact
    hit = next(h for h in resp.hits if h.type == "producer")
    assert hit.title.startswith("绿源") and hit.highlight["title"].startswith("<mark>绿源</mark>")
    page = next(h for h in resp.hits if h.type == "page")
    assert page.url == "/p/"
    request = fake_es.CLUSTER["searches"][-1]
    assert request["sort"][0] == {"_score": "desc"}


def test_identifier_query_is_tried_first(fake, db):
    fake.rebuild([_docs(1)])
    fake.search(SearchRequest(q="91140404MA0K0000X1", facets=False))
    first = fake_es.CLUSTER["searches"][0]
    assert first["query"]["constant_score"]["filter"]["bool"]["filter"][0] == {
        "term": {"identifiers": "91140404ma0k0000x1"}
    }


# --- live ----------------------------------------------------------------------------------


@pytest.fixture
def live_engine(db):
    e = ElasticsearchEngine(ES_URL, prefix=f"nongan-test-{uuid.uuid4().hex[:8]}", replicas=0)
    yield e
    for name in e.client.indices.get(index=f"{e.prefix}-*").body:
        e.client.indices.delete(index=name)


@pytest.mark.elasticsearch
@live
def test_live_analyzers_match_our_streams(live_engine):
    live_engine.rebuild([])
    index = live_engine.alias("producer")
    tokens = live_engine.client.indices.analyze(
        index=index, analyzer="nongan_cjk_search", text="绿源种植"
    )["tokens"]
    assert [t["token"] for t in tokens] == ["绿源", "源种", "种植"]
    tokens = live_engine.client.indices.analyze(
        index=index, analyzer="nongan_cjk_index", text="绿源 社"
    )["tokens"]
    assert {t["token"] for t in tokens} >= {"绿", "源", "绿源", "社"}


@pytest.mark.elasticsearch
@live
def test_live_index_search_and_alias_swap(live_engine):
    from dataclasses import replace

    docs = _docs(3) + [replace(DOC, id="100")]
    live_engine.rebuild([docs])
    resp = live_engine.search(SearchRequest(q="綠源"))
    assert set(resp.keys) == {"producer:1", "producer:2", "producer:3", "producer:100"}
    assert resp.keys[0] == "producer:1"  # prefix match (绿源1号…) before the contained one
    assert live_engine.search(SearchRequest(q="lvyuan")).total == 4
    assert live_engine.search(SearchRequest(q="91140404MA0K0000X1")).keys == ["producer:100"]
    assert live_engine.search(SearchRequest(q="绿源", types=["page"])).total == 0
    before = live_engine.status()["indices"]["producer"]
    live_engine.rebuild([docs[:1]])
    after = live_engine.status()["indices"]["producer"]
    assert before != after and len(after) == 1
    assert not live_engine.client.indices.exists(index=before[0])
