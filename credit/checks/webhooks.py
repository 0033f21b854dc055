"""Webhook deliveries of the joint-punishment feed.

Every RestrictionChange after a subscription's start becomes one WebhookDelivery per
active subscription whose scenarios include the change's. A delivery is an HTTP POST of
the change (the same JSON as one feed item) with:

* ``X-Signature: sha256=<hex HMAC-SHA256 of the raw body with the subscription secret>``
* ``X-Delivery-Id``: the delivery's UUID;
* ``Idempotency-Key``: ``restriction-change-<change id>-subscription-<id>``, the same on
  every retry: receivers deduplicate on it (delivery is at least once).

Any 2xx answer is success; anything else (or no answer) is retried by Celery with
exponential backoff (see credit.checks.tasks).
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from credit.checks.feed import change_payload
from credit.models import (
    DeliveryStatus,
    FeedCursor,
    RestrictionChange,
    WebhookDelivery,
    WebhookSubscription,
)

CURSOR = "webhooks"
BATCH = 2000
# Changes are re-scanned this far behind the cursor, so a change whose transaction
# committed after a later one (PostgreSQL) is still delivered; pairs already delivered are
# skipped by the (subscription, change) unique constraint.
OVERLAP = 500
TIMEOUT = 5
USER_AGENT = "nongan-credit-webhooks/1"


class DeliveryFailed(Exception):
    pass


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def dispatch_new_changes() -> list[int]:
    """Create deliveries for changes not yet dispatched; returns the new delivery ids."""
    created: list[int] = []
    while True:
        with transaction.atomic():
            cursor, _ = FeedCursor.objects.select_for_update().get_or_create(name=CURSOR)
            start = max(0, cursor.last_id - OVERLAP)
            changes = list(
                RestrictionChange.objects.filter(id__gt=start)
                .select_related("restriction__producer")
                .order_by("id")[:BATCH]
            )
            fresh = [c for c in changes if c.id > cursor.last_id]
            if not fresh:
                new = _create(changes) if changes else []
                created += new
                return created
            created += _create(changes)
            cursor.last_id = fresh[-1].id
            cursor.save(update_fields=["last_id", "updated_at"])
            if len(changes) < BATCH:
                return created


def _create(changes) -> list[int]:
    """Deliveries for these changes that do not exist yet; returns the ids created."""
    subs = list(WebhookSubscription.objects.filter(active=True, organisation__active=True))
    if not subs:
        return []
    ids = [c.id for c in changes]
    existing = WebhookDelivery.objects.filter(change_id__in=ids)
    have = set(existing.values_list("subscription_id", "change_id"))
    rows = [
        WebhookDelivery(subscription=s, change=c, payload=change_payload(c))
        for c in changes
        for s in subs
        if c.id > s.since_change_id
        and c.scenario in (s.scenarios or [])
        and (s.id, c.id) not in have
    ]
    if not rows:
        return []
    before = set(existing.values_list("id", flat=True))
    WebhookDelivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return sorted(set(existing.values_list("id", flat=True)) - before)


def stale_pending(minutes: int = 10, limit: int = 1000) -> list[int]:
    """Deliveries created but never attempted (e.g. the queue lost them): queue again."""
    cutoff = timezone.now() - timedelta(minutes=minutes)
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, attempts=0, created_at__lt=cutoff
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def attempt(delivery: WebhookDelivery, final: bool) -> bool:
    """POST once and record the outcome. Returns True when delivered."""
    sub = delivery.subscription
    body = body_bytes(delivery.payload)
    request = urllib.request.Request(
        sub.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Signature": signature(sub.secret, body),
            "X-Delivery-Id": str(delivery.delivery_id),
            "Idempotency-Key": delivery.idempotency_key,
            "X-Event": "restriction.change",
        },
    )
    code, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            code = response.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    ok = code is not None and 200 <= code < 300
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = code
    delivery.last_error = "" if ok else error[:2000]
    if ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
    else:
        delivery.status = DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
        ]
    )
    return ok
