"""Keeping the index current: full rebuilds, pending keys from signals, and the daily update.

* ``mark_dirty(keys)`` — called by signal handlers inside the writer's transaction: the keys
  go into ``PendingKey`` (an outbox) and ``process_pending`` is queued for after the commit.
* ``process_pending()`` — indexes or removes the pending documents (a producer key brings
  its product / blacklist / case documents along, which carry its name).
* ``update()`` — the daily run (and ``manage.py search_index update``): pending keys, every
  producer whose row, facts or grade changed since the last run (grades are written with
  ``bulk_update``, which sends no signal), and a reconciliation of the small, date-driven
  types (products, blacklist entries, cases, pages) against what is public *today*: entries
  whose publicity or validity ended leave, those that began enter.
* ``rebuild()`` — everything from scratch into new tables / indexes, swapped in at the end;
  keys marked meanwhile wait and are processed after the swap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from itertools import chain

from django.db import connection, transaction
from django.utils import timezone

from search.documents import DOC_TYPES, REGISTRY, documents_for_keys, split_key
from search.engines import get_engine
from search.models import IndexState, PendingKey

log = logging.getLogger(__name__)

BATCH = 2000
PENDING_BATCH = 500
REBUILD_STALE = timedelta(hours=12)  # a rebuild flag older than this is from a crashed run


# --- state -------------------------------------------------------------------------------


def get_state(name: str) -> str | None:
    row = IndexState.objects.filter(name=name).first()
    return row.value if row else None


def set_state(name: str, value: str | None) -> None:
    if value is None:
        IndexState.objects.filter(name=name).delete()
    else:
        IndexState.objects.update_or_create(name=name, defaults={"value": value})


def _state_time(name: str) -> datetime | None:
    value = get_state(name)
    return datetime.fromisoformat(value) if value else None


def rebuilding() -> bool:
    started = _state_time("rebuild_started")
    return started is not None and timezone.now() - started < REBUILD_STALE


def is_built() -> bool:
    return get_state("built_at") is not None


# --- pending keys ------------------------------------------------------------------------


def mark_dirty(keys: Iterable[str]) -> None:
    """Record keys whose documents must be rebuilt; process them after the commit."""
    keys = sorted({k for k in keys if k})
    if not keys:
        return
    now = timezone.now()
    PendingKey.objects.bulk_create(
        [PendingKey(key=k, created_at=now) for k in keys],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["created_at"],
    )
    _schedule_processing()


class _RunPending:
    """The after-commit callback; ``done`` once it ran (a test harness may keep it listed)."""

    def __init__(self):
        self.done = False
        # Django logs a failing robust callback by its __qualname__.
        self.__qualname__ = self.__name__ = "search.indexing.process_pending_after_commit"

    def __call__(self):
        self.done = True
        from search.tasks import process_pending

        process_pending.delay()


def _schedule_processing() -> None:
    """Queue one ``process_pending`` for after the current transaction commits."""
    # Once per transaction: Django drops the callback on rollback, so looking for a waiting
    # one among the connection's callbacks is exact (a flag could outlive a rolled-back block).
    if connection.in_atomic_block and any(
        isinstance(func, _RunPending) and not func.done
        for _sids, func, _robust in connection.run_on_commit
    ):
        return
    # robust: a failing index update must never fail the write that caused it; the keys stay
    # pending and the next run (or the daily update) picks them up.
    transaction.on_commit(_RunPending(), robust=True)


def expand(keys: Iterable[str]) -> set[str]:
    """A producer's key brings its record documents (they carry its name and region)."""
    from credit.models import BlacklistEntry, Certification, EnforcementCase

    keys = set(keys)
    producer_ids = [int(k.partition(":")[2]) for k in keys if k.startswith("producer:")]
    for start in range(0, len(producer_ids), 900):
        chunk = producer_ids[start : start + 900]
        for model, doc_type in (
            (Certification, "product"),
            (BlacklistEntry, "blacklist"),
            (EnforcementCase, "case"),
        ):
            keys.update(
                f"{doc_type}:{pk}"
                for pk in model.objects.filter(producer_id__in=chunk).values_list("id", flat=True)
            )
    return keys


def reindex(keys: Iterable[str], engine=None) -> tuple[int, int]:
    """Build these documents now: index the public ones, delete the rest."""
    engine = engine or get_engine()
    valid = []
    for key in keys:
        try:
            split_key(key)
            valid.append(key)
        except ValueError:
            log.warning("search: ignoring bad key %r", key)
    docs, gone = documents_for_keys(valid)
    written = engine.index_documents(docs) if docs else 0
    if gone:
        engine.delete_documents(gone)
    return written, len(gone)


def process_pending(engine=None, limit: int | None = None) -> int:
    """Index pending keys in batches; returns how many keys were handled."""
    if rebuilding():
        return 0  # the new index is built from the database as it is now; keys wait for it
    done = 0
    while limit is None or done < limit:
        snapshot = timezone.now()
        rows = list(
            PendingKey.objects.order_by("created_at", "id").values_list("id", "key")[:PENDING_BATCH]
        )
        if not rows:
            break
        reindex(expand(k for _pk, k in rows), engine)
        # A key touched again after the snapshot keeps its row and is processed again.
        PendingKey.objects.filter(pk__in=[pk for pk, _k in rows], created_at__lt=snapshot).delete()
        done += len(rows)
        if len(rows) < PENDING_BATCH:
            break
    return done


def reindex_producers(ids: Iterable[int]) -> None:
    mark_dirty(f"producer:{int(i)}" for i in ids)


# --- full rebuild ------------------------------------------------------------------------


def count_documents() -> dict[str, int]:
    return {t: REGISTRY[t].count() for t in DOC_TYPES}


def rebuild(
    engine=None,
    progress: Callable[[int], None] | None = None,
    on_phase: Callable[[str, int], None] | None = None,
    batch: int = BATCH,
    workers: int | None = None,
) -> int:
    """Rebuild everything; ``workers``: analysis processes (default: CPUs - 1, at most 4)."""
    from search.parallel import default_workers

    engine = engine or get_engine()
    started = timezone.now()
    set_state("rebuild_started", started.isoformat())
    try:
        batches = chain.from_iterable(REGISTRY[t].iter_all(batch) for t in DOC_TYPES)
        options = {
            "on_phase": on_phase,
            "workers": default_workers() if workers is None else workers,
        }
        accepted = _parameters(engine.rebuild)
        total = engine.rebuild(
            batches, progress, **{k: v for k, v in options.items() if k in accepted}
        )
    finally:
        set_state("rebuild_started", None)
    set_state("built_at", started.isoformat())
    set_state("updated_at", started.isoformat())
    process_pending(engine)
    return total


def _parameters(func) -> set[str]:
    import inspect

    return set(inspect.signature(func).parameters)


# --- incremental update ------------------------------------------------------------------


def _changed_producers(since: datetime) -> set[int]:
    from credit.models import (
        FACT_MODELS,
        CreditGrade,
        Producer,
        RepairApplication,
    )

    ids = set(Producer.objects.filter(updated_at__gt=since).values_list("id", flat=True))
    ids.update(
        CreditGrade.objects.filter(computed_at__gt=since).values_list("producer_id", flat=True)
    )
    for model in FACT_MODELS:
        ids.update(
            model.objects.filter(recorded_at__gt=since).values_list("producer_id", flat=True)
        )
        ids.update(model.objects.filter(voided_at__gt=since).values_list("producer_id", flat=True))
    ids.update(
        RepairApplication.objects.filter(decided_at__gt=since).values_list("producer_id", flat=True)
    )
    return ids


def _reconcile(engine, doc_type: str) -> tuple[set[str], set[str]]:
    """(ids to add, ids to remove) so that the index holds exactly what is public today."""
    public = REGISTRY[doc_type].public_ids()
    indexed = engine.indexed_keys(doc_type)
    return public - indexed, indexed - public


def _record_producers(doc_type: str, ids: Iterable[str]) -> set[int]:
    from credit.models import BlacklistEntry, Certification, EnforcementCase

    model = {"product": Certification, "blacklist": BlacklistEntry, "case": EnforcementCase}.get(
        doc_type
    )
    numeric = [int(i) for i in ids if str(i).isdigit()]
    if model is None or not numeric:
        return set()
    return set(model.objects.filter(id__in=numeric).values_list("producer_id", flat=True))


def update(engine=None, progress: Callable[[int], None] | None = None) -> dict:
    """The daily run (idempotent; safe to run any time)."""
    from credit.models import Producer

    engine = engine or get_engine()
    started = timezone.now()
    since = _state_time("updated_at") or _state_time("built_at")
    stats = {"pending": process_pending(engine)}
    keys: set[str] = set()
    producers: set[int] = set()
    if since is not None:
        producers |= _changed_producers(since - timedelta(minutes=5))
    for doc_type in ("product", "blacklist", "case", "page"):
        add, remove = _reconcile(engine, doc_type)
        keys |= {f"{doc_type}:{i}" for i in add | remove}
        # A producer's document shows its certified products and blacklist status.
        producers |= _record_producers(doc_type, add | remove)
        stats[f"{doc_type}_added"], stats[f"{doc_type}_removed"] = len(add), len(remove)
    indexed = engine.indexed_keys("producer") if since is None else None
    if indexed is not None:  # never built: index every producer
        producers |= {int(i) for i in Producer.objects.values_list("id", flat=True)} - {
            int(i) for i in indexed if i.isdigit()
        }
    keys |= {f"{doc_type}:{pid}" for pid in producers for doc_type in ("producer",)}
    keys = expand(keys)
    stats["reindexed"] = 0
    ordered = sorted(keys)
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start : start + BATCH]
        written, removed = reindex(chunk, engine)
        stats["reindexed"] += written + removed
        if progress:
            progress(len(chunk))
    set_state("updated_at", started.isoformat())
    if not is_built():
        set_state("built_at", started.isoformat())
    return stats
