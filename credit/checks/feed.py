"""The joint-punishment feed (联合惩戒变更): RestrictionChange rows in id order, one shape
for the API (GET /api/v1/restrictions/changes) and webhooks."""

import base64
import binascii

from credit.identifiers import mask_id_number
from credit.models import RestrictionChange

CURSOR_PREFIX = "rc1:"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class BadCursor(ValueError):
    pass


def encode_cursor(last_id: int) -> str:
    raw = f"{CURSOR_PREFIX}{int(last_id)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """'' or None → 0 (from the beginning)."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor(cursor) from None
    if not raw.startswith(CURSOR_PREFIX) or not raw[len(CURSOR_PREFIX) :].isdigit():
        raise BadCursor(cursor)
    value = int(raw[len(CURSOR_PREFIX) :])
    if value > 2**63 - 1:
        raise BadCursor(cursor)
    return value


def change_payload(change: RestrictionChange) -> dict:
    producer = change.restriction.producer
    return {
        "id": change.id,
        "change": change.change,
        "at": change.at.isoformat().replace("+00:00", "Z"),
        "producer": {
            "uscc": producer.uscc,
            "key": producer.uscc or mask_id_number(producer.id_number),
            "name": producer.name,
        },
        "scenario": change.scenario,
        "start": change.start.isoformat(),
        "end": change.end.isoformat() if change.end else None,
        "basis": change.basis,
    }


def changes_after(last_id: int, scenarios, limit: int) -> tuple[list[dict], bool]:
    """Up to `limit` changes after `last_id` in these scenarios; and whether more follow."""
    rows = list(
        RestrictionChange.objects.filter(id__gt=last_id, scenario__in=list(scenarios))
        .select_related("restriction__producer")
        .order_by("id")[: limit + 1]
    )
    return [change_payload(r) for r in rows[:limit]], len(rows) > limit
