"""What is indexed: one ``SearchDocument`` per producer, certified product, published
blacklist entry, published enforcement case or typical-case page, and live public page.

``search`` reads the other apps' models here; credit, cases and portal never import search.
"""

from collections import defaultdict
from collections.abc import Iterable

from . import pages, producers, records  # noqa: E402,F401 - registers the types
from .base import DOC_TYPES, REGISTRY, TYPE_RANK, DocType, SearchDocument, split_key

__all__ = [
    "DOC_TYPES",
    "REGISTRY",
    "TYPE_RANK",
    "DocType",
    "SearchDocument",
    "documents_for_keys",
    "split_key",
]


def documents_for_keys(keys: Iterable[str]) -> tuple[list[SearchDocument], list[str]]:
    """The documents to (re)index for these keys, and the keys to delete (not public now)."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        doc_type, obj_id = split_key(key)
        by_type[doc_type].add(obj_id)
    docs: list[SearchDocument] = []
    gone: list[str] = []
    for doc_type, ids in by_type.items():
        built = REGISTRY[doc_type].load(ids)
        docs.extend(built)
        found = {d.id for d in built if d.type == doc_type}
        gone.extend(f"{doc_type}:{i}" for i in sorted(ids - found))
    return docs, gone
