"""The engine-neutral search document and the registry of document types.

One document per searchable thing, keyed ``"type:id"``. Builders live next to this module,
one per type; they read other apps' models (credit, cases, portal) and decide what the
public may see today. Nothing here talks to an engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from search.doc import DOC_TYPES, TYPE_RANK, SearchDocument, split_key  # noqa: F401


@dataclass(frozen=True)
class DocType:
    """How to find and build one type's documents.

    ``iter_all(batch)`` yields lists of public documents; ``count()`` estimates how many for
    progress bars; ``load(ids)`` builds the public documents among ``ids`` (ids missing from
    the result are not public any more and leave the index); ``public_ids()`` lists the ids
    that should be indexed today (only for the small, time-dependent types: see
    ``search.indexing.update``).
    """

    name: str
    count: Callable[[], int]
    iter_all: Callable[[int], Iterator[list[SearchDocument]]]
    load: Callable[[Iterable[str]], list[SearchDocument]]
    public_ids: Callable[[], set[str]] | None = None


REGISTRY: dict[str, DocType] = {}


def register(doc_type: DocType) -> DocType:
    REGISTRY[doc_type.name] = doc_type
    return doc_type
