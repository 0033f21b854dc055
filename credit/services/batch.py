"""Recomputing many producers: inline on the embedded default, as Celery chunks otherwise."""

from collections.abc import Callable, Sequence
from datetime import date

from credit.services.grading import RecomputeStats, recompute

CHUNK = 1000


def chunks(ids: Sequence[int], size: int = CHUNK):
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def recompute_all(
    ids: Sequence[int],
    as_of: date | None = None,
    reason: str = "",
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK,
) -> RecomputeStats:
    """With a broker, fan out chunks to the workers and wait; without, run them here."""
    total = RecomputeStats()
    from nongan.celery import app

    if app.conf.task_always_eager:
        for part in chunks(ids, chunk_size):
            total.add(recompute(part, as_of=as_of, reason=reason))
            if progress:
                progress(len(part))
        return total

    from celery import group

    from credit.tasks import recompute_chunk

    day = as_of.isoformat() if as_of else None
    parts = list(chunks(ids, chunk_size))
    result = group(recompute_chunk.s(part, day, reason) for part in parts).apply_async()
    # Report progress as chunks finish, in whatever order the workers end them.
    done = set()
    while len(done) < len(parts):
        for i, child in enumerate(result.results):
            if i not in done and child.ready():
                done.add(i)
                data = child.get(propagate=True)
                total.producers += data["producers"]
                total.grades_changed += data["grades_changed"]
                if progress:
                    progress(len(parts[i]))
        if len(done) < len(parts):
            result.results[min(set(range(len(parts))) - done)].get(timeout=600)
    return total
