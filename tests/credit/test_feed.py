"""GET /api/v1/restrictions/changes: the joint-punishment feed, by cursor, per token scope."""

import datetime
import json

import pytest

from credit.checks import feed
from credit.models import ApiToken, Organisation, RestrictionChange
from credit.services.records import void_fact
from tests.credit.factories import CaseFactory, ProducerFactory, SamplingFactory

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "testserver"}
TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def _no_throttle_leftovers():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def token_for(*scenarios):
    org, _ = Organisation.objects.get_or_create(name="品牌评选委员会")
    return ApiToken.issue(org, scenarios)[1]


def get(client, raw, **params):
    return client.get(
        "/api/v1/restrictions/changes", params, HTTP_AUTHORIZATION=f"Token {raw}", **HOST
    )


def read_all(client, raw, limit):
    """Follow `next` until has_more is false; returns the changes and the last cursor."""
    seen, cursor, pages = [], "", 0
    while True:
        body = get(client, raw, since=cursor, limit=limit).json()
        seen += body["results"]
        cursor, pages = body["next"], pages + 1
        if not body["has_more"]:
            return seen, cursor, pages


def test_feed_shows_imposed_amended_and_lifted_in_order(client, on_commit):
    producer = ProducerFactory(name="农安县稻花香大米专业合作社")
    # 2 of 3 samplings pass: C → brand_selection and honours imposed.
    for result in ("pass", "pass", "over_limit"):
        on_commit(SamplingFactory, producer=producer, result=result)
    # A general penalty: 56.7 → D: brand_selection and honours amended, the others imposed.
    case = on_commit(CaseFactory, producer=producer, severity="general")
    # Voided on objection: back to C: exhibition and project_application lifted.
    on_commit(void_fact, case, reason="异议成立")

    raw = token_for("exhibition", "brand_selection")
    changes, cursor, _pages = read_all(client, raw, limit=100)
    assert [(c["scenario"], c["change"]) for c in changes] == [
        ("brand_selection", "imposed"),  # C
        ("exhibition", "imposed"),  # D
        ("brand_selection", "amended"),
        ("brand_selection", "amended"),  # C again
        ("exhibition", "lifted"),
    ]
    assert [c["id"] for c in changes] == sorted(c["id"] for c in changes)
    first = changes[0]
    assert first["producer"] == {
        "uscc": producer.uscc,
        "key": producer.uscc,
        "name": "农安县稻花香大米专业合作社",
    }
    assert first["basis"].startswith("信用等级 C") and first["start"] == TODAY.isoformat()
    assert first["end"] is None
    assert changes[1]["basis"].startswith("信用等级 D")
    assert changes[2]["basis"].startswith("信用等级 D")
    assert changes[3]["basis"].startswith("信用等级 C")
    assert changes[-1]["end"] == (TODAY - datetime.timedelta(days=1)).isoformat()
    # Nothing new: the cursor stays put and the page is empty.
    body = get(client, raw, since=cursor).json()
    assert body == {"results": [], "next": cursor, "has_more": False}


def test_pagination_and_resume(client, on_commit):
    for _ in range(3):
        p = ProducerFactory()
        on_commit(SamplingFactory, producer=p, result="prohibited")  # D: 4 scenarios
    assert RestrictionChange.objects.count() == 12
    raw = token_for("exhibition", "brand_selection", "project_application", "honours")
    everything, cursor, pages = read_all(client, raw, limit=5)
    assert pages == 3 and len(everything) == 12
    assert len({c["id"] for c in everything}) == 12
    # Resume from the middle: the rest, once.
    middle = feed.encode_cursor(everything[6]["id"])
    rest, _, _ = read_all(client, raw, limit=1000)
    assert rest == everything
    tail = get(client, raw, since=middle, limit=100).json()
    assert [c["id"] for c in tail["results"]] == [c["id"] for c in everything[7:]]
    # New changes after the saved cursor appear on the next read.
    p = ProducerFactory()
    on_commit(SamplingFactory, producer=p, result="prohibited")
    later = get(client, raw, since=cursor).json()
    assert len(later["results"]) == 4 and {c["producer"]["uscc"] for c in later["results"]} == {
        p.uscc
    }


def test_feed_is_filtered_to_the_token_scenarios(client, on_commit):
    p = ProducerFactory()
    on_commit(SamplingFactory, producer=p, result="prohibited")
    body = get(client, token_for("honours")).json()
    assert [c["scenario"] for c in body["results"]] == ["honours"]


def test_feed_errors(client, on_commit):
    raw = token_for("exhibition")
    assert client.get("/api/v1/restrictions/changes", **HOST).status_code == 401
    for params, field in [
        ({"since": "not-a-cursor"}, "since"),
        ({"since": "cmM6MTI"}, "since"),  # base64 of "rc:12": wrong prefix
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "ten"}, "limit"),
    ]:
        r = get(client, raw, **params)
        assert r.status_code == 400, params
        error = r.json()["error"]
        assert error["code"] == "invalid" and [f["field"] for f in error["fields"]] == [field]
    assert feed.decode_cursor(feed.encode_cursor(123)) == 123
    assert feed.decode_cursor("") == 0
    assert get(client, raw, limit="1000").status_code == 200
    assert json.loads(get(client, raw).content)["next"] == feed.encode_cursor(0)
