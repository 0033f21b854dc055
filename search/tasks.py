"""Celery tasks of the search index (eager on the embedded default).

Beat schedule (settings): ``search.tasks.daily_expire`` once a day after the credit
maintenance run — entries whose publicity or validity ended leave the public index, new
grades written in bulk reach it.
"""

from celery import shared_task
from django.db import DatabaseError

from search import indexing

_retry = dict(
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=6,
)


@shared_task(**_retry)
def process_pending(self) -> int:
    """Index the documents whose sources changed (keys recorded by the signal handlers)."""
    return indexing.process_pending()


@shared_task(**_retry)
def reindex_keys(self, keys: list[str]) -> list[int]:
    written, removed = indexing.reindex(indexing.expand(keys))
    return [written, removed]


@shared_task(**_retry)
def reindex_producers(self, producer_ids: list[int]) -> int:
    """Reindex these producers (and their record documents) now."""
    keys = indexing.expand(f"producer:{int(i)}" for i in producer_ids)
    written, removed = indexing.reindex(keys)
    return written + removed


@shared_task(acks_late=True)
def daily_expire() -> dict:
    """Daily: publicity and validity ends/starts, bulk-written grades, pending keys."""
    return indexing.update()


@shared_task(acks_late=True)
def rebuild_index() -> int:
    return indexing.rebuild()
