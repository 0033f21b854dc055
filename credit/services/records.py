"""Changing the record the only ways append-only facts allow: correct, void, remove."""

from django.db import transaction
from django.utils import timezone

from credit.models.facts import AppendOnlyError


@transaction.atomic
def void_fact(fact, user=None, reason: str = "") -> None:
    if not reason.strip():
        raise AppendOnlyError({"void_reason": "作废必须说明原因。"})
    if fact.voided_at is not None:
        return  # already void: voiding twice is a no-op, so retries are safe
    fact.voided_at, fact.voided_by, fact.void_reason = timezone.now(), user, reason[:500]
    fact.save(update_fields=["voided_at", "voided_by", "void_reason"])


@transaction.atomic
def correct_fact(fact, changes: dict, user=None, reason: str = ""):
    """Insert a corrected copy of `fact` and void the original; returns the new fact."""
    model = type(fact)
    data = {
        f.attname: getattr(fact, f.attname)
        for f in model._meta.concrete_fields
        if f.name
        not in (
            "id",
            "recorded_at",
            "recorded_by",
            "corrects",
            "voided_at",
            "voided_by",
            "void_reason",
            "source",
        )  # a blacklist removal stamp carries over: correcting must not re-list
    }
    data.update(changes)
    void_fact(fact, user, reason or "更正")
    new = model(**data, recorded_by=user, corrects=fact, source="correction")
    new.full_clean()
    new.save()
    return new


@transaction.atomic
def remove_from_blacklist(entry, day, reason: str) -> None:
    if not reason.strip():
        raise AppendOnlyError({"removal_reason": "移出黑名单必须说明原因。"})
    entry.removed_on, entry.removal_reason = day, reason[:500]
    entry.save(update_fields=["removed_on", "removal_reason"])
