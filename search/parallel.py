"""Analysis in worker processes for full rebuilds.

Analysing a document (normalisation, streams, pinyin) is pure Python and costs about as much
as reading and storing it, so a rebuild analyses batch k+1 in a worker while the main
process stores batch k. Workers are forked: they inherit the loaded dictionaries and never
touch the database. Results come back in order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from search.doc import SearchDocument
from search.fields import IndexFields, analyse

Pair = tuple[SearchDocument, IndexFields]


def default_workers() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(0, min(4, (cpus or 1) - 1))


def _analyse_batch(batch: list[SearchDocument]) -> list[IndexFields]:
    return [analyse(d) for d in batch]


def analysed(batches: Iterable[list[SearchDocument]], workers: int = 0) -> Iterator[list[Pair]]:
    """(document, fields) batches; ``workers`` > 0 analyses in that many processes."""
    if workers <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        for batch in batches:
            yield [(d, analyse(d)) for d in batch]
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        pending: deque = deque()
        for batch in batches:
            if not batch:
                continue
            pending.append((batch, pool.submit(_analyse_batch, batch)))
            if len(pending) > workers + 1:
                done, future = pending.popleft()
                yield list(zip(done, future.result(), strict=True))
        while pending:
            done, future = pending.popleft()
            yield list(zip(done, future.result(), strict=True))
