"""The engine-neutral search document (pure: no Django, so engines and tests share it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Order = tie-break order in rankings and the order of the type facet.
DOC_TYPES = ("producer", "product", "blacklist", "case", "page")
TYPE_RANK = {t: i for i, t in enumerate(DOC_TYPES)}


@dataclass(slots=True)
class SearchDocument:
    type: str
    id: str
    title: str
    url: str = ""
    names: list[str] = field(default_factory=list)  # other names: former names, the producer's
    body: str = ""  # searchable text, also the source of snippets
    identifiers: list[str] = field(default_factory=list)  # matched exactly (normalised)
    facets: dict[str, list[str]] = field(default_factory=dict)
    fields: dict = field(default_factory=dict)  # JSON-safe display fields
    date: date | None = None

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"


def split_key(key: str) -> tuple[str, str]:
    doc_type, _, obj_id = key.partition(":")
    if doc_type not in TYPE_RANK or not obj_id:
        raise ValueError(f"not a search document key: {key!r}")
    return doc_type, obj_id
