"""The public search page /search/ and the lists /blacklist/ and /certified-products/:
real requests against factory data and an index built by the project's indexing."""

from __future__ import annotations

import datetime
import re

import pytest

from search import indexing
from tests.credit.factories import (
    BlacklistFactory,
    CaseFactory,
    CertificationFactory,
    ProducerFactory,
    next_id_number,
    next_uscc,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.search.urls")]

TODAY = datetime.date.today()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def text_of(response) -> str:
    return response.content.decode()


def hit_titles(response) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h["title_html"]) for h in response.context["hits"]]


@pytest.fixture
def data(engine):
    lvyuan = ProducerFactory(
        name="农安县绿源蔬菜种植专业合作社", grade="A", categories=["vegetables"]
    )
    jinsui = ProducerFactory(
        name="双阳区金穗水稻专业合作社", region_id="220112", grade="D", categories=["grain"]
    )
    taigu = ProducerFactory(
        uscc=next_uscc(region="140703"),
        name="太谷区晋丰果品专业合作社",
        region_id="140703",
        categories=["fruit"],
    )
    grower = ProducerFactory(
        uscc=None,
        id_number=next_id_number(),
        name="张绿山",
        kind="grower",
        phone="13912345678",
        categories=["vegetables"],
    )
    cucumber = CertificationFactory(producer=lvyuan, product="黄瓜", type="green")
    rice = CertificationFactory(producer=jinsui, product="富硒大米", type="organic")
    expired = CertificationFactory(
        producer=taigu, product="酥梨", valid_from=days(-800), valid_to=days(-5)
    )
    listed = BlacklistFactory(
        producer=jinsui, reason="销售含禁用药物的大米", legal_basis="《农产品质量安全法》第七十一条"
    )
    ended = BlacklistFactory(
        producer=taigu, start_date=days(-400), end_date=days(-3), reason="已期满的记录"
    )
    case = CaseFactory(producer=jinsui, severity="serious", facts="销售的大米检出禁用药物")
    indexing.rebuild(engine)
    return {
        "lvyuan": lvyuan,
        "jinsui": jinsui,
        "taigu": taigu,
        "grower": grower,
        "cucumber": cucumber,
        "rice": rice,
        "expired": expired,
        "listed": listed,
        "ended": ended,
        "case": case,
    }


# --- /search/ ----------------------------------------------------------------------------


def test_two_characters_find_the_producer_highlighted_with_its_credit_facts(client, data):
    response = client.get("/search/", {"q": "绿源"})
    assert response.status_code == 200
    html = text_of(response)
    assert '<meta name="robots" content="noindex">' in html
    assert "农安县<mark>绿源</mark>蔬菜种植专业合作社" in html
    first = response.context["hits"][0]
    assert first["type"] == "producer"
    assert first["url"] == f"/credit/{data['lvyuan'].uscc}/"
    assert f'href="/credit/{data["lvyuan"].uscc}/"' in html
    assert first["grade"] == "A" and "A 守信" in html
    facts = dict(first["facts"])
    assert facts["统一社会信用代码"] == data["lvyuan"].uscc
    assert facts["所在地区"] == "吉林省长春市农安县"
    assert facts["认证产品"] == "黄瓜"
    # The certified product of the same producer is found too, under its own type.
    assert [h["type"] for h in response.context["hits"]] == ["producer", "product"]


def test_pinyin_and_initials_find_the_producer(client, data):
    for q in ("lvyuan", "lysc"):
        response = client.get("/search/", {"q": q, "type": "producer"})
        assert hit_titles(response) == ["农安县绿源蔬菜种植专业合作社"], q


def test_tabs_count_every_type_and_a_tab_restricts_the_hits(client, data):
    response = client.get("/search/", {"q": "大米"})
    tabs = {t["value"]: t["count"] for t in response.context["tabs"]}
    # 富硒大米 (product), the blacklist entry's reason and the case's facts; the producer
    # list shows its certified products only as facts, but they are indexed in its body.
    assert tabs == {
        "": 4,
        "producer": 1,
        "product": 1,
        "blacklist": 1,
        "case": 1,
        "page": 0,
    }
    response = client.get("/search/", {"q": "大米", "type": "blacklist"})
    assert [h["type"] for h in response.context["hits"]] == ["blacklist"]
    tabs = {t["value"]: (t["count"], t["current"]) for t in response.context["tabs"]}
    assert tabs["blacklist"] == (1, True) and tabs[""] == (4, False)
    html = text_of(response)
    assert 'aria-current="page">黑名单' in html
    hit = response.context["hits"][0]
    assert dict(hit["facts"])["决定文号"] == data["listed"].decision_number
    assert "禁用药物的<mark>大米</mark>" in hit["snippet_html"]


def test_facet_filters_narrow_the_results_and_drill_down_regions(client, data):
    everything = client.get("/search/", {"q": "合作社", "type": "producer"})
    assert len(everything.context["hits"]) == 3
    regions = {g["name"]: g for g in everything.context["facet_groups"]}["region"]
    assert [(i["label"], i["count"]) for i in regions["items"]] == [("吉林省", 2), ("山西省", 1)]

    jilin = client.get("/search/", {"q": "合作社", "type": "producer", "region": "220000"})
    assert sorted(hit_titles(jilin)) == ["农安县绿源蔬菜种植专业合作社", "双阳区金穗水稻专业合作社"]
    regions = {g["name"]: g for g in jilin.context["facet_groups"]}["region"]
    assert [c["label"] for c in regions["chain"]] == ["吉林省"]
    assert [(i["label"], i["count"]) for i in regions["items"]] == [("长春市", 2)]

    graded = client.get(
        "/search/", {"q": "合作社", "type": "producer", "region": "220000", "grade": "D"}
    )
    assert hit_titles(graded) == ["双阳区金穗水稻专业合作社"]
    html = text_of(graded)
    assert "信用等级：D 严重失信" in html  # the chosen filter, with a link to remove it
    grades = {g["name"]: g for g in graded.context["facet_groups"]}["grade"]
    chosen = [i for i in grades["items"] if i["current"]]
    assert chosen and "grade=" not in chosen[0]["url"]


def test_did_you_mean_for_a_misspelled_han_query(client, data):
    response = client.get("/search/", {"q": "绿圆"})  # same pinyin as 绿源
    assert response.context["hits"] == []
    html = text_of(response)
    assert "您是不是要找：" in html
    assert response.context["suggestion"]["text"] == "绿源"
    assert 'href="?q=%E7%BB%BF%E6%BA%90"' in html
    followed = client.get("/search/" + response.context["suggestion"]["url"])
    assert hit_titles(followed)[0] == "农安县绿源蔬菜种植专业合作社"


def test_empty_states_give_tips(client, data):
    blank = client.get("/search/")
    html = text_of(blank)
    assert blank.status_code == 200 and "noindex" not in html
    assert "搜索提示" in html and "lvyuan" in html
    nothing = client.get("/search/", {"q": "完全不存在的词语"})
    html = text_of(nothing)
    assert "没有找到与“完全不存在的词语”相关的结果。" in html
    assert 'href="/blacklist/"' in html and 'href="/certified-products/"' in html


def test_growers_show_the_surname_and_a_masked_id_never_the_number_or_phone(client, data):
    grower = data["grower"]
    response = client.get("/search/", {"q": "种养大户"})
    html = text_of(response)
    (hit,) = response.context["hits"]
    assert re.sub(r"<[^>]+>", "", hit["title_html"]) == "张**"
    masked = dict(hit["facts"])["身份证号码（已脱敏）"]
    assert masked == grower.id_number[:6] + "********" + grower.id_number[-4:]
    assert grower.id_number not in html and "13912345678" not in html and "张绿山" not in html
    assert grower.id_number[:6] not in hit["url"]


def test_pagination_walks_the_results(client, engine):
    for n in range(23):
        ProducerFactory(name=f"农安县绿源第{n:02d}号家庭农场", kind="family_farm")
    indexing.rebuild(engine)
    first = client.get("/search/", {"q": "绿源"})
    assert first.context["page_obj"].paginator.num_pages == 3
    assert 'rel="next"' in text_of(first) and "第 1 / 3 页，共 23 条" in text_of(first)
    second = client.get("/search/", {"q": "绿源", "page": 2})
    third = client.get("/search/", {"q": "绿源", "page": 3})
    titles = hit_titles(first) + hit_titles(second) + hit_titles(third)
    assert len(titles) == 23 and len(set(titles)) == 23
    # A page past the end (a stale link) shows the last one.
    assert hit_titles(client.get("/search/", {"q": "绿源", "page": 9})) == hit_titles(third)


def test_bad_parameters_are_ignored_not_errors(client, data):
    response = client.get(
        "/search/", {"q": "绿源", "type": "secret", "region": "22", "page": "x", "grade": "Z"}
    )
    assert response.status_code == 200
    assert response.context["params"].filters == {}
    assert hit_titles(response)[0] == "农安县绿源蔬菜种植专业合作社"


# --- /blacklist/ -------------------------------------------------------------------------


def test_blacklist_lists_entries_in_force_not_ended_ones(client, data):
    response = client.get("/blacklist/")
    assert response.status_code == 200
    html = text_of(response)
    rows = response.context["rows"]
    assert [r["decision_number"] for r in rows] == [data["listed"].decision_number]
    assert data["ended"].decision_number not in html and "已期满的记录" not in html
    row = rows[0]
    assert row["producer_name"] == "双阳区金穗水稻专业合作社"
    assert row["start_date"] == data["listed"].start_date
    assert "销售含禁用药物的大米" in html and "《农产品质量安全法》第七十一条" in html
    # The producer's credit page, at its blacklist section.
    assert f'href="/credit/{data["jinsui"].uscc}/#blacklist"' in html
    assert "noindex" not in html


def test_blacklist_query_uses_the_engine_with_pinyin_and_filters(client, data):
    for q in ("金穗", "jinsui", "jssd"):
        response = client.get("/blacklist/", {"q": q})
        assert response.context["result"].source == "engine", q
        assert [r["id"] for r in response.context["rows"]] == [str(data["listed"].pk)], q
    html = text_of(client.get("/blacklist/", {"q": "金穗"}))
    assert "双阳区<mark>金穗</mark>水稻专业合作社" in html
    assert 'content="noindex, follow"' in html
    # An ended entry stays out even when the query names it.
    assert client.get("/blacklist/", {"q": "晋丰"}).context["rows"] == []
    assert client.get("/blacklist/", {"region": "140000"}).context["rows"] == []
    assert len(client.get("/blacklist/", {"region": "220100"}).context["rows"]) == 1
    year = str(data["listed"].start_date.year)
    assert client.get("/blacklist/", {"year": year}).context["result"].years == [year]
    assert client.get("/blacklist/", {"year": "1999"}).context["rows"] == []


def test_blacklist_csv_export(client, data):
    response = client.get("/blacklist/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff主体名称,")
    assert data["listed"].decision_number in body and data["ended"].decision_number not in body
    assert f"/credit/{data['jinsui'].uscc}/" in body


def test_blacklist_paginates(client, engine):
    for _ in range(23):
        BlacklistFactory()
    response = client.get("/blacklist/")
    assert len(response.context["rows"]) == 20 and response.context["result"].total == 23
    second = client.get("/blacklist/", {"page": 2})
    assert len(second.context["rows"]) == 3
    assert "第 2 / 2 页，共 23 条" in text_of(second)


# --- /certified-products/ ----------------------------------------------------------------


def test_certified_products_list_valid_certifications_with_filters(client, data):
    response = client.get("/certified-products/")
    assert response.status_code == 200
    products = [r["product"] for r in response.context["rows"]]
    assert sorted(products) == ["富硒大米", "黄瓜"]  # 酥梨's certificate expired
    html = text_of(response)
    assert "酥梨" not in html and data["cucumber"].number in html and "绿色食品" in html
    organic = client.get("/certified-products/", {"type": "organic"})
    assert [r["product"] for r in organic.context["rows"]] == ["富硒大米"]
    county = client.get("/certified-products/", {"region": "220122"})
    assert [r["product"] for r in county.context["rows"]] == ["黄瓜"]


def test_certified_products_query_matches_product_and_producer(client, data):
    for q in ("大米", "dami", "绿源", "lvyuan"):
        response = client.get("/certified-products/", {"q": q})
        assert response.context["result"].source == "engine", q
        assert len(response.context["rows"]) == 1, q
    assert client.get("/certified-products/", {"q": "酥梨"}).context["rows"] == []
    both = client.get("/certified-products/", {"q": "合作社", "type": "green"})
    assert [r["product"] for r in both.context["rows"]] == ["黄瓜"]


def test_lists_answer_before_the_index_is_built(client, db):
    from search.engines import get_engine

    get_engine().clear()
    indexing.set_state("built_at", None)
    entry = BlacklistFactory(producer=ProducerFactory(name="农安县金穗水稻专业合作社"))
    response = client.get("/blacklist/", {"q": "金穗"})
    assert response.context["result"].source == "database"
    assert [r["id"] for r in response.context["rows"]] == [str(entry.pk)]


# --- the portal's data pages -------------------------------------------------------------


def test_data_pages_of_the_lists_show_them_in_their_language(client, data):
    from wagtail.models import Page

    from portal.models import DataPage
    from tests.search.helpers import make_home

    home = make_home()
    page = home.add_child(
        instance=DataPage(
            title="黑名单", slug="heimingdan", kind="blacklist", intro="<p>说明。</p>"
        )
    )
    html = text_of(client.get(Page.objects.get(pk=page.pk).url))
    assert "说明。" in html and data["listed"].decision_number in html
    assert data["ended"].decision_number not in html

    # /blacklist/ itself, when the data page lives there, is that page (in Chinese).
    home.add_child(
        instance=DataPage(
            title="认证产品", slug="certified-products", kind="certified", intro="<p>认证说明。</p>"
        )
    )
    response = client.get("/certified-products/", HTTP_ACCEPT_LANGUAGE="en")
    assert "认证说明。" in text_of(response) and response["Content-Language"] == "zh-hans"


def test_english_interface(client, data):
    response = client.get("/search/", {"q": "绿源"}, HTTP_ACCEPT_LANGUAGE="en")
    html = text_of(response)
    assert response["Content-Language"] == "en"
    assert "Certified products" in html and "Search" in html
    html = text_of(client.get("/blacklist/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Decision number" in html


def test_engine_queries_from_the_pages_are_rate_limited_per_ip(client, data, settings):
    from django.core.cache import cache

    settings.PUBLIC_RATE_LIMITS = {"search": (2, 60)}
    cache.clear()
    assert client.get("/search/", {"q": "绿源"}).status_code == 200
    assert client.get("/blacklist/", {"q": "绿源"}).status_code == 200
    blocked = client.get("/search/", {"q": "绿源"})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) >= 1
    # Browsing without a query never reaches the engine and is not counted.
    assert client.get("/blacklist/").status_code == 200
    cache.clear()
