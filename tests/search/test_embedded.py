"""The embedded engine on the configured database (SQLite by default; PostgreSQL when
DATABASE_URL points there): matching, ranking, identifiers, filters, facets, sampling."""

from __future__ import annotations

import pytest

from search.doc import SearchDocument
from search.engines import SearchRequest
from search.engines.embedded import EmbeddedEngine
from search.ranking import EXACT_BONUS

pytestmark = pytest.mark.django_db

SHANXI = ["140000", "140700", "140726"]


def producer(
    pk,
    title,
    *,
    kind="cooperative",
    region=SHANXI,
    body="",
    names=(),
    uscc=None,
    grade="B",
    categories=(),
    cert=(),
):
    return SearchDocument(
        "producer",
        str(pk),
        title,
        names=list(names),
        body=body,
        identifiers=[uscc] if uscc else [],
        facets={
            "type": ["producer"],
            "region": list(region),
            "kind": [kind],
            "grade": [grade],
            "category": list(categories),
            "cert": list(cert),
        },
        fields={"key": uscc or f"id-{pk}"},
    )


DOCS = [
    producer(
        1,
        "太谷区绿源种植专业合作社",
        body="山西省晋中市太谷区 农民专业合作社 蔬菜",
        uscc="93140726MA0K00001X",
        categories=["vegetables"],
        grade="A",
    ),
    producer(
        2,
        "祁县绿丰家庭农场",
        kind="family_farm",
        region=["140000", "140700", "140727"],
        body="山西省晋中市祁县 家庭农场",
    ),
    producer(
        3,
        "長治市上黨區綠源農業科技有限公司",
        kind="enterprise",
        region=["140000", "140400", "140404"],
        body="山西省长治市上党区 企业",
        names=["长治绿源农业有限公司"],
        cert=["green"],
    ),
    producer(4, "绿源 源种", kind="grower", region=["220000", "220100", "220122"]),
    producer(5, "绿源", kind="enterprise", region=["220000", "220100", "220122"]),
    producer(6, "Green Valley 2024 生态园", kind="enterprise"),
    producer(
        7,
        "农安县王家庄家庭农场",
        kind="family_farm",
        region=["220000", "220100", "220122"],
        body="吉林省长春市农安县 家庭农场",
        names=["农安县老王家庭农场"],
    ),
    SearchDocument(
        "page",
        "20",
        "如何识别绿色食品标志",
        url="/kepu/lvse/",
        body="绿色食品标志由三部分构成。购买时认准绿源合作社的标志没有用。",
        facets={"type": ["page"], "locale": ["zh-hans"], "year": ["2025"]},
    ),
]


@pytest.fixture
def indexed(engine):
    engine.index_documents(DOCS)
    return engine


def keys(engine, q, **kwargs):
    return engine.search(SearchRequest(q=q, page_size=50, **kwargs)).keys


def test_two_characters_find_a_substring_of_a_name(indexed):
    found = keys(indexed, "绿源")
    assert {"producer:1", "producer:3", "producer:4", "producer:5", "page:20"} <= set(found)
    assert "producer:2" not in found


def test_exact_name_ranks_first_then_prefix(indexed):
    found = keys(indexed, "绿源")
    assert found[0] == "producer:5"  # exact name
    assert found[1] == "producer:4"  # title starts with 绿源
    resp = indexed.search(SearchRequest(q="绿源"))
    assert resp.hits[0].score >= EXACT_BONUS


def test_title_matches_outrank_body_only_matches(indexed):
    found = keys(indexed, "家庭农场")
    assert found.index("producer:2") < len(found)
    assert set(found[:2]) == {"producer:2", "producer:7"}


def test_phrase_does_not_cross_runs(indexed):
    assert "producer:4" not in keys(indexed, "绿源种")  # "绿源 源种": two runs
    assert "producer:1" in keys(indexed, "绿源种")


def test_one_character_matches_unigrams(indexed):
    found = keys(indexed, "社")
    assert "producer:1" in found and "producer:2" not in found


def test_traditional_and_full_width_fold(indexed):
    assert "producer:3" in keys(indexed, "綠源")
    assert "producer:1" in keys(indexed, "绿源\u3000合作社")
    assert keys(indexed, "ＧＲＥＥＮ") and keys(indexed, "ＧＲＥＥＮ")[0] == "producer:6"
    assert "producer:3" in keys(indexed, "上黨")


def test_several_runs_are_all_required(indexed):
    found = keys(indexed, "太谷 合作社")
    assert found == ["producer:1"]


def test_pinyin_and_initials(indexed):
    assert "producer:1" in keys(indexed, "lvyuan")
    assert "producer:1" in keys(indexed, "lü yuan")
    assert "producer:1" in keys(indexed, "lv'yuan")
    assert keys(indexed, "lyzz") == ["producer:1"]  # 绿源种植 initials
    assert "producer:2" in keys(indexed, "qixian")


def test_former_names_are_searchable(indexed):
    assert keys(indexed, "老王")[0] == "producer:7"


def test_identifiers_are_exact_and_case_insensitive(indexed):
    resp = indexed.search(SearchRequest(q="93140726ma0k00001x"))
    assert resp.keys == ["producer:1"]
    assert resp.hits[0].score == EXACT_BONUS
    assert keys(indexed, "93140726MA0K0000") == []  # no prefix matching of codes


def test_filters_any_level_region_kind_and_type(indexed):
    assert set(keys(indexed, "绿源", filters={"region": ["140000"]})) == {
        "producer:1",
        "producer:3",
    }
    assert set(keys(indexed, "绿源", filters={"region": ["220122"]})) == {
        "producer:4",
        "producer:5",
    }
    assert keys(indexed, "绿源", filters={"kind": ["enterprise"], "region": ["140400"]}) == [
        "producer:3"
    ]
    assert keys(indexed, "绿源", types=["page"]) == ["page:20"]
    assert set(keys(indexed, "绿源", filters={"kind": ["grower", "enterprise"]})) == {
        "producer:3",
        "producer:4",
        "producer:5",
    }


def test_facets_count_matches(indexed):
    resp = indexed.search(SearchRequest(q="绿源"))
    facets = resp.facets
    assert ("producer", "生产经营主体", 4) in facets["type"]
    assert ("page", "页面", 1) in facets["type"]
    assert dict((v, c) for v, _l, c in facets["region"]) == {"140000": 2, "220000": 2}
    labels = {v: label for v, label, _c in facets["region"]}
    assert labels["140000"] == "山西省"
    assert dict((v, c) for v, _l, c in facets["kind"]) == {
        "cooperative": 1,
        "enterprise": 2,
        "grower": 1,
    }
    assert resp.facets_exact and resp.total_exact and resp.total == 5


def test_region_facet_drills_down(indexed):
    resp = indexed.search(SearchRequest(q="绿源", filters={"region": ["140000"]}))
    assert dict((v, c) for v, _l, c in resp.facets["region"]) == {"140700": 1, "140400": 1}


def test_pagination(indexed):
    first = indexed.search(SearchRequest(q="绿源", page_size=2))
    second = indexed.search(SearchRequest(q="绿源", page=2, page_size=2))
    third = indexed.search(SearchRequest(q="绿源", page=3, page_size=2))
    assert first.total == 5
    seen = first.keys + second.keys + third.keys
    assert len(seen) == 5 and len(set(seen)) == 5
    assert seen == keys(indexed, "绿源")


def test_highlight_marks_original_characters(indexed):
    resp = indexed.search(
        SearchRequest(
            q="绿源", types=["producer"], filters={"kind": ["enterprise"], "region": ["140400"]}
        )
    )
    assert resp.hits[0].highlight["title"] == "長治市上黨區<mark>綠源</mark>農業科技有限公司"
    page = indexed.search(SearchRequest(q="认准", types=["page"])).hits[0]
    assert "<mark>认准</mark>" in page.highlight["snippet"]
    assert page.url == "/kepu/lvse/"


def test_suggestion_for_a_homophone(indexed):
    resp = indexed.search(SearchRequest(q="绿园"))
    assert resp.total == 0 and resp.suggestion == "绿源"
    filtered = indexed.search(SearchRequest(q="绿园", filters={"region": ["140000"]}))
    assert filtered.total == 0 and filtered.suggestion == "绿源"


def test_no_suggestion_when_only_the_filters_empty_the_results(indexed):
    indexed.index_documents([producer(8, "吕峰农业有限公司", kind="enterprise")])
    # 绿丰 is spelled as indexed (a family farm) and the kind filter excludes it: the
    # same-sounding enterprise 吕峰 is not what the visitor meant.
    resp = indexed.search(SearchRequest(q="绿丰", filters={"kind": ["enterprise"]}))
    assert resp.total == 0 and resp.suggestion is None
    # Without a match for the words themselves, the filtered homophone is offered.
    resp = indexed.search(SearchRequest(q="律风", filters={"kind": ["enterprise"]}))
    assert resp.total == 0 and resp.suggestion == "吕峰"


def test_browse_by_filters_without_query(indexed):
    resp = indexed.search(SearchRequest(q="", filters={"region": ["220122"]}))
    assert set(resp.keys) == {"producer:4", "producer:5", "producer:7"}
    assert indexed.search(SearchRequest(q="")).total == 0


def test_upsert_keeps_one_document_per_key_and_delete_removes(indexed):
    indexed.index_documents([producer(5, "绿源农业")])
    assert keys(indexed, "绿源农业")[0] == "producer:5"
    assert keys(indexed, "绿源").count("producer:5") == 1
    indexed.delete_documents(["producer:5", "producer:999"])
    assert "producer:5" not in keys(indexed, "绿源")
    assert indexed.status()["by_type"]["producer"] == 6


def test_rebuild_replaces_everything(indexed):
    indexed.rebuild([[producer(100, "新的合作社")]])
    assert keys(indexed, "合作社") == ["producer:100"]
    assert indexed.indexed_keys("producer") == {"100"}
    assert indexed.indexed_keys("page") == set()


def test_large_result_sets_are_sampled_but_keep_exact_and_title_matches(engine):
    """With a candidate limit far below the match count: the exact name, the prefix match
    and the title tier are still found; totals and facets are flagged as estimates."""
    small = EmbeddedEngine(candidates=20)
    docs = [
        producer(i, f"第{i}号蔬菜种植专业合作社", region=["140000"], body="蔬菜 合作社")
        for i in range(1, 301)
    ]
    docs += [producer(1000 + i, f"第{i}号果园", body="合作社") for i in range(1, 101)]
    docs += [producer(5000, "合作社"), producer(5001, "合作社联合总社")]
    engine.index_documents(docs)
    resp = small.search(SearchRequest(q="合作社", page_size=5))
    assert resp.keys[:2] == ["producer:5000", "producer:5001"]
    assert resp.total == 402 and resp.total_exact
    assert not resp.facets_exact
    counts = dict((v, c) for v, _l, c in resp.facets["type"])
    assert 300 <= counts["producer"] <= 500  # estimated from a sample, scaled to the total
    # Body-only matches (the 果园 docs) never outrank title matches.
    resp = small.search(SearchRequest(q="合作社", page_size=20))
    assert all("合作社" in h.title for h in resp.hits)


def test_total_is_a_lower_bound_beyond_the_tracking_limit(engine, monkeypatch):
    from search.engines import embedded

    monkeypatch.setattr(embedded, "TRACK_TOTAL_HITS", 50)
    engine.index_documents([producer(i, f"绿源{i}号") for i in range(1, 121)])
    resp = EmbeddedEngine(candidates=30).search(SearchRequest(q="绿源"))
    assert resp.total == 50 and not resp.total_exact
    assert len(resp.hits) == 10


def test_query_with_only_punctuation_is_empty(indexed):
    resp = indexed.search(SearchRequest(q="（）—— !!"))
    assert resp.total == 0 and resp.hits == []


def test_quotes_and_operators_are_plain_text(indexed):
    for q in ['"绿源"', "绿源 OR 祁县", "NEAR(绿源)", "绿源*", "-绿源", "{t_bi}:绿源", "'; DROP"]:
        indexed.search(SearchRequest(q=q))  # no FTS/tsquery syntax error
    assert "producer:2" not in keys(indexed, "绿源 OR 祁县")


def test_rebuild_with_analysis_workers_gives_the_same_index(engine):
    from tests.search import queries as qs

    docs = qs.producer_documents(qs.generate_producers(300, seed=5))
    engine.rebuild([docs[:150], docs[150:]], workers=0)
    before = {q: keys(engine, q) for q in ("合作社", "家庭农场", "lvyuan", "有限公司")}
    engine.rebuild([docs[:100], docs[100:200], docs[200:]], workers=1)
    assert {q: keys(engine, q) for q in before} == before
    assert engine.status()["documents"] == 300
