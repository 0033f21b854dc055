"""GET /api/v1/search/ and the engine behind /api/v1/producers/?q=."""

from __future__ import annotations

import pytest

from search import indexing
from tests.credit.factories import CertificationFactory, ProducerFactory, next_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.search.urls")]


@pytest.fixture
def data(engine):
    a = ProducerFactory(name="农安县绿源蔬菜种植专业合作社")
    b = ProducerFactory(name="农安县金穗水稻专业合作社", kind="cooperative")
    g = ProducerFactory(
        uscc=None, id_number=next_id_number(), name="绿源大户", kind="grower", phone="13912345678"
    )
    c = CertificationFactory(producer=a, product="黄瓜")
    indexing.rebuild(engine)
    return {"a": a, "b": b, "grower": g, "cert": c}


def test_search_api_hits_and_facets(client, data):
    resp = client.get("/api/v1/search/", {"q": "绿源"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["total"] == 2 and body["total_exact"] is True
    first = body["results"][0]
    assert set(first) >= {"type", "id", "title", "url", "highlight", "score", "fields"}
    assert (first["type"], first["id"]) == ("producer", str(data["a"].pk))
    assert first["highlight"]["title"] == "农安县<mark>绿源</mark>蔬菜种植专业合作社"
    # The portal's public producer page when it has one, else the JSON credit record.
    assert first["url"].endswith(f"/{data['a'].uscc}/")
    product = next(r for r in body["results"] if r["type"] == "product")
    assert product["id"] == str(data["cert"].pk)
    types = {f["value"]: f["count"] for f in body["facets"]["type"]}
    assert types == {"producer": 1, "product": 1}
    assert body["facets"]["region"][0] == {"value": "220000", "label": "吉林省", "count": 2}


def test_search_api_type_filter_paging_and_pinyin(client, data):
    body = client.get("/api/v1/search/", {"q": "lvyuan", "type": "product"}).json()
    assert [r["type"] for r in body["results"]] == ["product"]
    body = client.get("/api/v1/search/", {"q": "合作社", "page_size": 1, "page": 2}).json()
    assert body["total"] == 3 and len(body["results"]) == 1 and body["page"] == 2
    body = client.get(
        "/api/v1/search/",
        {"q": "合作社", "kind": "cooperative", "region": "220100", "type": "producer"},
    ).json()
    assert body["total"] == 2


def test_search_api_never_shows_personal_numbers(client, data):
    resp = client.get("/api/v1/search/", {"q": "大户"})
    text = resp.content.decode()
    assert data["grower"].id_number not in text and "13912345678" not in text
    (hit,) = resp.json()["results"]
    assert hit["title"] == "绿***"  # a grower is a natural person: surname only
    assert "*" not in hit["url"] and data["grower"].id_number[:6] not in hit["url"]
    body = client.get("/api/v1/search/", {"q": data["grower"].id_number}).json()
    assert body["results"] == []  # ID numbers are not identifiers of the public index


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x", "type": "producer,secret"}, "type"),
        ({"q": "x", "page_size": 500}, "page_size"),
        ({"q": "x", "page": 0}, "page"),
        ({"q": "x", "region": "22"}, "region"),
        ({"q": "x", "year": "20x5"}, "year"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_search_api_errors_use_the_one_shape(client, data, params, field):
    resp = client.get("/api/v1/search/", params)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert [f["field"] for f in error["fields"]] == [field]


def test_search_api_engine_outage_is_503(client, data, monkeypatch):
    import search.api

    class Broken:
        def search(self, request):
            raise ConnectionError("cluster down")

    monkeypatch.setattr(search.api, "get_engine", lambda: Broken())
    resp = client.get("/api/v1/search/", {"q": "绿源"})
    assert resp.status_code == 503
    assert resp.json()["error"]["code"] == "search_unavailable"


def test_producer_api_uses_the_chinese_engine(client, data):
    body = client.get("/api/v1/producers/", {"q": "lvyuan"}).json()
    names = [r["name"] for r in body["results"]]
    assert names == ["农安县绿源蔬菜种植专业合作社"]  # pinyin: only the engine can do this
    body = client.get("/api/v1/producers/", {"q": "合作社"}).json()
    assert {r["name"] for r in body["results"]} == {
        "农安县绿源蔬菜种植专业合作社",
        "农安县金穗水稻专业合作社",
    }
    body = client.get("/api/v1/producers/", {"q": data["b"].uscc.lower()}).json()
    assert [r["uscc"] for r in body["results"]] == [data["b"].uscc]
    # A grower is in the public index by surname only, but this API finds its full name.
    body = client.get("/api/v1/producers/", {"q": "绿源大户"}).json()
    assert [r["name"] for r in body["results"]] == ["绿源大户"]


def test_producer_api_catches_up_with_pending_changes(
    client, data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        ProducerFactory(name="农安县刚刚登记合作社")
    body = client.get("/api/v1/producers/", {"q": "刚刚登记"}).json()
    assert [r["name"] for r in body["results"]] == ["农安县刚刚登记合作社"]


def test_producer_api_falls_back_before_the_index_is_built(client, engine):
    indexing.set_state("built_at", None)  # a database that held data before the index
    ProducerFactory(name="农安县未建索引合作社")
    assert not indexing.is_built()
    body = client.get("/api/v1/producers/", {"q": "未建索引"}).json()
    assert [r["name"] for r in body["results"]] == ["农安县未建索引合作社"]


def test_openapi_schema_documents_the_search_endpoint(client, db):
    resp = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert resp.status_code == 200
    text = resp.content.decode()
    assert "/api/v1/search/" in text and "SearchHit" in text
