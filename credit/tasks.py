"""Background work for the credit engine. Eager on the embedded default."""

from datetime import date

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from credit.services import grading, maintenance


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=6,
)
def recompute_producer(self, producer_id: int, reason: str = "") -> str:
    """Idempotent: running it again, or late, stores the grade of the newest facts."""
    stats = grading.recompute([producer_id], reason=reason or "facts changed")
    return f"{stats.producers} producer, {stats.grades_changed} changed"


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=6,
)
def recompute_chunk(
    self, producer_ids: list[int], as_of: str | None = None, reason: str = ""
) -> dict:
    day = date.fromisoformat(as_of) if as_of else None
    stats = grading.recompute(producer_ids, as_of=day, reason=reason or "batch recompute")
    return {"producers": stats.producers, "grades_changed": stats.grades_changed}


@shared_task(acks_late=True)
def daily_credit_maintenance() -> dict:
    """Celery beat, daily: grades whose inputs left the window, and ended restrictions."""
    return maintenance.run_daily(timezone.localdate())
