"""GET /api/v1/blacklist/ and GET /api/v1/certified-products/ (DESIGN §9): public fields,
pages like /api/v1/producers/, the one JSON error shape, rate limits and the schema."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from search import indexing
from tests.credit.factories import (
    BlacklistFactory,
    CertificationFactory,
    ProducerFactory,
    next_id_number,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.search.urls")]

TODAY = datetime.date.today()
BLACKLIST_FIELDS = {
    "id",
    "producer_name",
    "producer_key",
    "uscc",
    "region_code",
    "region_name",
    "url",
    "decision_number",
    "start_date",
    "end_date",
    "reason",
    "legal_basis",
}


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def data(engine):
    lvyuan = ProducerFactory(name="农安县绿源蔬菜种植专业合作社")
    grower = ProducerFactory(
        uscc=None, id_number=next_id_number(), name="王金穗", kind="grower", phone="13912345678"
    )
    other = ProducerFactory(name="太谷区晋丰果品专业合作社", region_id="140703")
    listed = BlacklistFactory(producer=lvyuan, reason="销售含禁用药物的豇豆")
    by_grower = BlacklistFactory(producer=grower, start_date=days(-40))
    ended = BlacklistFactory(producer=other, start_date=days(-400), end_date=days(-1))
    green = CertificationFactory(producer=lvyuan, product="黄瓜", type="green")
    gi = CertificationFactory(producer=other, product="太谷壶瓶枣", type="gi")
    CertificationFactory(producer=other, product="酥梨", valid_to=days(-1))
    indexing.rebuild(engine)
    return {
        "lvyuan": lvyuan,
        "grower": grower,
        "listed": listed,
        "by_grower": by_grower,
        "ended": ended,
        "green": green,
        "gi": gi,
    }


def test_blacklist_lists_entries_in_force_with_public_fields_only(client, data):
    response = client.get("/api/v1/blacklist/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    first, second = body["results"]
    assert set(first) == BLACKLIST_FIELDS
    assert first["decision_number"] == data["listed"].decision_number  # newest first
    assert first["start_date"] == data["listed"].start_date.isoformat()
    assert first["url"] == f"/credit/{data['lvyuan'].uscc}/#blacklist"
    assert first["region_name"] == "吉林省长春市农安县"
    grower = data["grower"]
    assert second["producer_name"] == "王**" and second["uscc"] is None
    assert second["producer_key"] == grower.id_number[:6] + "********" + grower.id_number[-4:]
    text = response.content.decode()
    assert grower.id_number not in text and "13912345678" not in text and "王金穗" not in text
    assert data["ended"].decision_number not in text


def test_blacklist_query_region_and_year(client, data):
    for q in ("绿源", "lvyuan", "豇豆"):
        results = client.get("/api/v1/blacklist/", {"q": q}).json()["results"]
        assert [r["id"] for r in results] == [data["listed"].pk], q
    # The public index knows growers by surname only: the full name finds nothing.
    assert client.get("/api/v1/blacklist/", {"q": "王金穗"}).json()["count"] == 0
    assert client.get("/api/v1/blacklist/", {"q": "晋丰"}).json()["count"] == 0  # ended
    assert client.get("/api/v1/blacklist/", {"region": "140000"}).json()["count"] == 0
    assert client.get("/api/v1/blacklist/", {"region": "220122"}).json()["count"] == 2
    year = str(data["listed"].start_date.year)
    assert client.get("/api/v1/blacklist/", {"year": year}).json()["count"] >= 1
    assert client.get("/api/v1/blacklist/", {"year": "1999"}).json()["count"] == 0


def test_certified_products_valid_today_by_type_region_and_query(client, data):
    body = client.get("/api/v1/certified-products/").json()
    assert body["count"] == 2
    assert {r["product"] for r in body["results"]} == {"黄瓜", "太谷壶瓶枣"}  # 酥梨 expired
    gi = client.get("/api/v1/certified-products/", {"type": "gi"}).json()["results"]
    assert [(r["product"], r["type"], r["type_label"]) for r in gi] == [
        ("太谷壶瓶枣", "gi", "农产品地理标志")
    ]
    assert set(gi[0]) >= {"number", "producer_name", "producer_key", "valid_from", "valid_to"}
    assert gi[0]["valid_to"] == data["gi"].valid_to.isoformat()
    shanxi = client.get("/api/v1/certified-products/", {"region": "140000"}).json()
    assert [r["product"] for r in shanxi["results"]] == ["太谷壶瓶枣"]
    for q in ("壶瓶", "hupingzao", "绿源"):
        results = client.get("/api/v1/certified-products/", {"q": q}).json()["results"]
        assert len(results) == 1, q
    assert client.get("/api/v1/certified-products/", {"q": "酥梨"}).json()["count"] == 0


def test_pages_of_twenty_like_the_producer_api(client, engine):
    for _ in range(23):
        BlacklistFactory()
    first = client.get("/api/v1/blacklist/").json()
    assert first["count"] == 23 and len(first["results"]) == 20
    assert first["next"] == "http://testserver/api/v1/blacklist/?page=2"
    second = client.get("/api/v1/blacklist/", {"page": 2}).json()
    assert len(second["results"]) == 3 and second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/blacklist/"
    ids = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(ids) == 23


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/blacklist/", {"region": "22"}, "region"),
        ("/api/v1/blacklist/", {"year": "20x5"}, "year"),
        ("/api/v1/blacklist/", {"page": 0}, "page"),
        ("/api/v1/blacklist/", {"page": "x"}, "page"),
        ("/api/v1/blacklist/", {"q": "x" * 101}, "q"),
        ("/api/v1/certified-products/", {"type": "gold"}, "type"),
        ("/api/v1/certified-products/", {"region": "abcdef"}, "region"),
    ],
)
def test_bad_parameters_answer_in_the_one_error_shape(client, data, path, params, field):
    response = client.get(path, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert [f["field"] for f in error["fields"]] == [field]


def test_a_page_past_the_end_is_not_found(client, data):
    response = client.get("/api/v1/blacklist/", {"page": 3})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    # The first page of an empty list is a page (as in /api/v1/producers/).
    body = client.get("/api/v1/certified-products/", {"q": "不存在的产品"}).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_lists_are_rate_limited(client, data):
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "2/min"}}
    cache.clear()
    try:
        with override_settings(REST_FRAMEWORK=rest):
            codes = [client.get("/api/v1/certified-products/").status_code for _ in range(3)]
            limited = client.get("/api/v1/blacklist/")
    finally:
        cache.clear()
    assert codes == [200, 200, 429]
    assert limited.status_code == 429 and limited.json()["error"]["status"] == 429
    assert "Retry-After" in limited


def test_the_schema_documents_both_lists(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path, params in (
        ("/api/v1/blacklist/", {"q", "region", "year", "page"}),
        ("/api/v1/certified-products/", {"q", "type", "region", "page"}),
    ):
        operation = schema["paths"][path]["get"]
        assert {p["name"] for p in operation["parameters"]} == params
        assert set(operation["responses"]) == {"200", "400", "404", "429"}
        assert operation["responses"]["400"]["content"]["application/json"]["schema"][
            "$ref"
        ].endswith("/Error")


def test_without_an_index_a_query_still_answers(client, db):
    from search.engines import get_engine

    get_engine().clear()
    indexing.set_state("built_at", None)
    entry = BlacklistFactory(producer=ProducerFactory(name="农安县绿源蔬菜种植专业合作社"))
    body = client.get("/api/v1/blacklist/", {"q": "绿源"}).json()
    assert [r["id"] for r in body["results"]] == [entry.pk]
