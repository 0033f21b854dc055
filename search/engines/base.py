"""The seam between the search service and its engines.

An engine indexes ``SearchDocument`` objects and answers a ``SearchRequest`` with a
``SearchResponse``. Two implementations: ``embedded`` (SQLite FTS5 / PostgreSQL full text in
the project's database) and ``elastic`` (Elasticsearch via ``elasticsearch.dsl``). Both
analyse with ``search.analysis`` / ``search.fields`` and rank with ``search.ranking``, so a
query gets the same answers from either (``tests/search/test_contract.py``).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from search.doc import DOC_TYPES, SearchDocument

Progress = Callable[[int], None] | None

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000  # internal callers (the producer API hook); the public API allows 50
# Like Elasticsearch's track_total_hits default: counts above this are reported as ">=".
TRACK_TOTAL_HITS = 10_000


@dataclass
class SearchRequest:
    q: str = ""
    types: list[str] = field(default_factory=list)  # empty: every type
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> values (OR)
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    facets: bool = True
    highlight: bool = True

    def __post_init__(self):
        self.types = [t for t in self.types if t in DOC_TYPES]
        self.page = max(1, int(self.page))
        self.page_size = max(1, min(MAX_PAGE_SIZE, int(self.page_size)))
        self.filters = {k: [str(v) for v in vs if str(v)] for k, vs in self.filters.items()}
        self.filters = {k: vs for k, vs in self.filters.items() if vs}

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def all_filters(self) -> dict[str, list[str]]:
        """Facet filters with the type restriction as the ``type`` facet."""
        out = dict(self.filters)
        if self.types:
            out["type"] = list(self.types)
        return out


@dataclass
class SearchHit:
    type: str
    id: str
    title: str
    url: str
    score: float
    highlight: dict[str, str] = field(default_factory=dict)  # title / snippet, HTML-escaped
    fields: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"


FacetValue = tuple[str, str, int]  # (value, label, count)


@dataclass
class SearchResponse:
    hits: list[SearchHit]
    total: int
    page: int
    page_size: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    total_exact: bool = True  # False: total is a lower bound (or an estimate, see engine)
    facets_exact: bool = True  # False: counts estimated from a sample of the matches
    engine: str = ""

    @property
    def keys(self) -> list[str]:
        return [h.key for h in self.hits]


class SearchEngine(abc.ABC):
    """A swappable search engine. Implementations must be safe to call from any request."""

    name = "base"

    @abc.abstractmethod
    def index_documents(
        self, documents: Iterable[SearchDocument], progress: Progress = None
    ) -> int:
        """Add or replace documents by key; returns how many were written."""

    @abc.abstractmethod
    def delete_documents(self, keys: Iterable[str]) -> int:
        """Remove documents by key (unknown keys are ignored); returns how many were given."""

    @abc.abstractmethod
    def search(self, request: SearchRequest) -> SearchResponse: ...

    @abc.abstractmethod
    def rebuild(self, documents: Iterable[list[SearchDocument]], progress: Progress = None) -> int:
        """Replace the whole index with these batches, readers seeing the old one until done."""

    @abc.abstractmethod
    def status(self) -> dict:
        """Engine name, document counts by type and anything useful to an operator."""

    @abc.abstractmethod
    def indexed_keys(self, doc_type: str) -> set[str]:
        """The ids of one type in the index (for reconciling small time-dependent types)."""

    def clear(self) -> None:
        """Empty the index (tests, fresh installs)."""
        self.rebuild([], None)
