"""Webhooks of the joint-punishment feed, delivered to a real HTTP server on 127.0.0.1:
signed bodies, idempotency keys, retries with backoff (Celery eager), the delivery log."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import credit.checks.receivers  # noqa: F401  (connects the feed to webhook dispatch)
from credit.checks import tasks, webhooks
from credit.models import (
    DeliveryStatus,
    FeedCursor,
    Organisation,
    RestrictionChange,
    WebhookDelivery,
    WebhookSubscription,
)
from tests.credit.factories import ProducerFactory, SamplingFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP server that answers with the scripted status codes, then 200."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/credit"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def subscribe(url, scenarios=("exhibition",)):
    org, _ = Organisation.objects.get_or_create(name="省农业品牌评选办")
    return WebhookSubscription.objects.create(
        organisation=org, url=url, secret="s3cret-for-tests", scenarios=list(scenarios)
    )


def valid_signature(secret, request):
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request["headers"]["X-Signature"])


def test_new_restriction_is_posted_signed_to_subscribers(on_commit):
    with Receiver() as server:
        sub = subscribe(server.url, ["exhibition", "honours"])
        other = subscribe(server.url + "/brand", ["brand_selection"])
        other.active = False
        other.save()
        producer = ProducerFactory()
        # The grade becomes D on commit; the feed's signal queues the dispatch (eager).
        on_commit(SamplingFactory, producer=producer, result="prohibited")
    assert RestrictionChange.objects.count() == 4
    assert len(server.requests) == 2  # exhibition and honours; the inactive one gets none
    payloads = [json.loads(r["body"]) for r in server.requests]
    assert sorted(p["scenario"] for p in payloads) == ["exhibition", "honours"]
    for request, payload in zip(server.requests, payloads, strict=True):
        assert valid_signature(sub.secret, request)
        headers = request["headers"]
        assert headers["Content-Type"].startswith("application/json")
        delivery = WebhookDelivery.objects.get(delivery_id=headers["X-Delivery-Id"])
        assert headers["Idempotency-Key"] == delivery.idempotency_key
        assert delivery.change_id == payload["id"]
        assert payload["change"] == "imposed" and payload["producer"]["uscc"] == producer.uscc
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            DeliveryStatus.DELIVERED,
            1,
            200,
        )
        assert delivery.delivered_at is not None
    # Dispatching again finds nothing new: no duplicate deliveries.
    assert tasks.dispatch_webhooks() == 0
    assert WebhookDelivery.objects.count() == 2


def test_retried_after_500_then_delivered_with_the_same_key(on_commit):
    with Receiver(statuses=[500, 503]) as server:
        sub = subscribe(server.url)
        ProducerFactory()
        p = ProducerFactory()
        on_commit(SamplingFactory, producer=p, result="prohibited")
    assert len(server.requests) == 3
    keys = {r["headers"]["Idempotency-Key"] for r in server.requests}
    ids = {r["headers"]["X-Delivery-Id"] for r in server.requests}
    assert len(keys) == 1 and len(ids) == 1
    assert len({r["body"] for r in server.requests}) == 1
    assert all(valid_signature(sub.secret, r) for r in server.requests)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        3,
        200,
    )
    assert delivery.last_error == ""


def test_gives_up_after_max_retries(on_commit, monkeypatch):
    monkeypatch.setattr(tasks, "MAX_RETRIES", 2)
    monkeypatch.setattr(tasks.deliver_webhook, "max_retries", 2)
    with Receiver(statuses=[500] * 10) as server:
        subscribe(server.url)
        p = ProducerFactory()
        on_commit(SamplingFactory, producer=p, result="prohibited")
    delivery = WebhookDelivery.objects.get()
    assert len(server.requests) == 3
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.FAILED,
        3,
        500,
    )
    assert delivery.last_error == "HTTP 500"


def test_unreachable_receiver_is_logged(on_commit, monkeypatch):
    monkeypatch.setattr(tasks, "MAX_RETRIES", 0)
    monkeypatch.setattr(tasks.deliver_webhook, "max_retries", 0)
    with Receiver() as server:
        url = server.url
    subscribe(url)  # the server is gone: connection refused
    p = ProducerFactory()
    on_commit(SamplingFactory, producer=p, result="prohibited")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_status_code is None
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error


def test_subscription_starts_after_existing_changes_and_beat_catches_up(on_commit):
    p = ProducerFactory()
    on_commit(SamplingFactory, producer=p, result="prohibited")  # before anyone subscribed
    with Receiver() as server:
        sub = subscribe(server.url)
        assert sub.since_change_id == RestrictionChange.objects.latest("id").id
        # A change written without the signal (e.g. the worker was down): beat's run finds it.
        q = ProducerFactory()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(tasks.dispatch_webhooks, "delay", lambda *a, **k: None)
            on_commit(SamplingFactory, producer=q, result="prohibited")
        assert server.requests == []
        assert tasks.dispatch_webhooks() == 1
    assert [json.loads(r["body"])["producer"]["uscc"] for r in server.requests] == [q.uscc]
    assert FeedCursor.objects.get(name=webhooks.CURSOR).last_id == (
        RestrictionChange.objects.latest("id").id
    )


def test_delivery_log_in_the_wagtail_admin(client, on_commit, monkeypatch):
    from django.contrib.auth import get_user_model
    from django.urls import NoReverseMatch, reverse

    try:
        index = reverse("credit_webhookdelivery:index")
    except NoReverseMatch:
        pytest.skip("credit/wagtail_hooks.py does not import credit.checks.wagtail_hooks yet")
    monkeypatch.setattr(tasks, "MAX_RETRIES", 0)
    monkeypatch.setattr(tasks.deliver_webhook, "max_retries", 0)
    with Receiver(statuses=[500]) as server:
        subscribe(server.url)
        p = ProducerFactory()
        on_commit(SamplingFactory, producer=p, result="prohibited")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    host = {"HTTP_HOST": "testserver"}
    page = client.get(index, **host).content.decode()
    assert server.url in page and "HTTP 500" in page
    inspect = client.get(reverse("credit_webhookdelivery:inspect", args=[delivery.pk]), **host)
    assert inspect.status_code == 200
    # The log is read-only.
    assert client.get(
        reverse("credit_webhookdelivery:edit", args=[delivery.pk]), **host
    ).status_code in (
        302,
        403,
    )
