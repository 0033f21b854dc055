"""Writing and verifying the audit hash chain.

Every event's hash covers its own content and the previous event's hash, so editing,
deleting or reordering any event breaks the chain from that point. `AuditHead` keeps the
newest hash and count so removing events from the end is caught as well.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from credit.models import AuditEvent
from credit.models.audit import GENESIS, AuditHead
from credit.services.bulk import insert_rows

# Any constant works: it just names the one lock every chain writer takes on PostgreSQL.
_PG_LOCK_KEY = 0x4E4F4E47


@dataclass
class Event:
    action: str
    object_type: str
    object_id: str
    actor: str = "system"
    reason: str = ""
    data: dict | None = None
    producer_id: int | None = None


EVENT_FIELDS = (
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "producer_id",
    "reason",
    "data",
    "prev_hash",
    "hash",
)


def _as_stored(data: dict | None) -> dict:
    """The data exactly as the JSON column will give it back (Decimals and dates become
    strings), so the hash computed now verifies after a round trip through the database."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def actor_name(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    return user.get_username()


def lock_chain():
    # SQLite serialises writers (IMMEDIATE transactions); PostgreSQL needs an explicit lock
    # so two writers never read the same previous hash.
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


@dataclass
class PreparedEvents:
    """Events turned into rows and canonical JSON bodies, ready to be chained."""

    rows: list[AuditEvent]
    bodies: list[str]


def prepare(events: Iterable[Event]) -> PreparedEvents:
    """Everything about the events except their place in the chain.

    Done before taking the chain's lock, so concurrent writers (Celery workers recomputing
    chunks) serialise only on the hashing and the insert.
    """
    now, rows = timezone.now(), []
    for e in events:
        rows.append(
            AuditEvent(
                at=now,
                actor=e.actor,
                action=e.action,
                object_type=e.object_type,
                object_id=str(e.object_id),
                producer_id=e.producer_id,
                reason=e.reason[:500],
                data=_as_stored(e.data),
            )
        )
    return PreparedEvents(rows, [row.body() for row in rows])


def append(prepared: PreparedEvents) -> int:
    """Chain prepared events after the current head and insert them; returns the count."""
    rows = prepared.rows
    if not rows:
        return 0
    with transaction.atomic():
        lock_chain()
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, last_hash=GENESIS, count=0)
        prev = head.last_hash
        for row, body in zip(rows, prepared.bodies, strict=True):
            row.prev_hash = prev
            row.hash = prev = row.compute_hash(body)
        insert_rows(AuditEvent, rows, EVENT_FIELDS)
        head.last_hash, head.count = prev, head.count + len(rows)
        head.save(update_fields=["last_hash", "count"])
    return len(rows)


def record_many(events: Iterable[Event]) -> int:
    """Append events to the chain in one transaction; returns how many were written."""
    return append(prepare(events))


def record(event: Event) -> None:
    record_many([event])


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""


def verify_chain(batch: int = 5000) -> VerifyResult:
    """Walk the chain in id order; report the first event that does not fit."""
    prev, checked, last_id = GENESIS, 0, 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev:
                return VerifyResult(
                    False,
                    checked,
                    row.id,
                    "prev_hash does not match the event before it (deleted or reordered events)",
                )
            if row.compute_hash() != row.hash:
                return VerifyResult(
                    False, checked, row.id, "content does not match its hash (edited event)"
                )
            prev, last_id, checked = row.hash, row.id, checked + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.count != checked):
        return VerifyResult(
            False,
            checked,
            last_id or None,
            "the chain ends before the recorded head (events removed from the end)",
        )
    return VerifyResult(True, checked)
