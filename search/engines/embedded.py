"""The embedded engine: search inside the project's own database (SQLite FTS5, or
PostgreSQL full text when ``DATABASE_URL`` points there). No service to run.

How a query runs (identical on both stores; the store only finds candidates):

1. An identifier-looking query (USCC, certificate, case or decision number) is looked up
   exactly; if it names documents, those are the answer.
2. Otherwise the store returns the first ``CANDIDATES + 1`` matches of the MATCH/tsquery in
   id order without ranking them. Ids are random, so when more match this is a *uniform
   sample* of the match set and the store stopped early instead of visiting every match.
   * complete (≤ CANDIDATES matches): everything is exact — ranking, total, facets.
   * large: the title/names tier is fetched separately (a title match always outranks a
     body-only one), exact-name and prefix matches come from B-tree look-ups on the title
     keys, and the union is ranked. The total is counted up to ``TRACK_TOTAL_HITS`` (shown
     as "≥ 10,000" beyond, like Elasticsearch) and facet counts are estimated from the
     uniform sample, scaled to the total and flagged ``facets_exact=False``.
3. Candidates are ranked in Python by ``search.ranking`` (the same formula Elasticsearch
   evaluates), the page is cut, and only its rows are read for display and highlighting.

So the cost of a query is bounded by ``CANDIDATES`` whatever the commonness of its words.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from itertools import chain

from django.conf import settings
from django.db import connection

from search.analysis import QueryPlan, pinyin_full
from search.doc import SearchDocument
from search.facets import present, valid_filters
from search.fields import FAMILY_COLUMNS, TEXT_FAMILIES, analyse, facet_token, parse_facet_token
from search.parallel import analysed
from search.query import ParsedQuery, parse
from search.ranking import EXACT_BONUS, Candidate, Scorer, order
from search.results import highlights, hit_url

from .base import TRACK_TOTAL_HITS, Progress, SearchEngine, SearchHit, SearchRequest, SearchResponse

DEFAULT_CANDIDATES = 1000
EXACT_PROBES = 50


def needed_columns(q: ParsedQuery) -> tuple[str, ...]:
    cols: set[str] = set()
    for plan in q.plans():
        families = TEXT_FAMILIES if plan.source == "text" else (plan.source,)
        for stream in set(plan.streams):
            cols.update(FAMILY_COLUMNS[f][1 if stream == "bi" else 0] for f in families)
    return tuple(sorted(cols))


_parsed_tokens: dict[str, tuple[str, str] | None] = {}


def count_facets(token_strings: Iterable[str]) -> dict[str, Counter]:
    """Facet value counts from documents' facet tokens (each a space-joined string)."""
    tokens = Counter(chain.from_iterable(f.split() for f in token_strings))
    out: dict[str, Counter] = {}
    for token, n in tokens.items():
        parsed = _parsed_tokens.get(token, False)
        if parsed is False:
            if len(_parsed_tokens) > 200_000:
                _parsed_tokens.clear()
            parsed = _parsed_tokens[token] = parse_facet_token(token)
        if parsed is not None:
            name, value = parsed
            counts = out.get(name)
            if counts is None:
                counts = out[name] = Counter()
            counts[value] += n
    return out


def _tokens(candidates: Iterable[Candidate]) -> list[str]:
    return [c.facet_tokens for c in candidates]


def passes_filters(c: Candidate, filters: dict[str, list[str]]) -> bool:
    if not filters:
        return True
    tokens = set(c.facet_tokens.split())
    return all(
        any(facet_token(name, v) in tokens for v in values) for name, values in filters.items()
    )


def _browse_order(c: Candidate) -> tuple:
    # Newest first; documents without a date (producers) after the dated ones.
    return (c.sort_date is None, _neg_date(c.sort_date), c.type_rank, c.title_len, c.key)


def _neg_date(day: str | None) -> str:
    return "" if day is None else "".join(chr(0x7F - ord(ch)) for ch in day)


class EmbeddedEngine(SearchEngine):
    name = "embedded"

    def __init__(self, candidates: int | None = None):
        self.candidates = candidates or getattr(
            settings, "SEARCH_EMBEDDED_CANDIDATES", DEFAULT_CANDIDATES
        )
        self._stores: dict[str, object] = {}

    # -- storage ----------------------------------------------------------------------------

    def store(self):
        vendor = connection.vendor
        store = self._stores.get(vendor)
        if store is None:
            if vendor == "sqlite":
                from .sqlite_store import SqliteStore

                store = SqliteStore()
            elif vendor == "postgresql":
                from .pg_store import PostgresStore

                store = PostgresStore()
            else:
                raise RuntimeError(f"the embedded search engine does not support {vendor}")
            self._stores[vendor] = store
        return store

    def index_documents(
        self, documents: Iterable[SearchDocument], progress: Progress = None
    ) -> int:
        total, batch = 0, []
        for doc in documents:
            batch.append((doc, analyse(doc)))
            if len(batch) >= 500:
                total += self.store().write(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            total += self.store().write(batch)
            if progress:
                progress(len(batch))
        return total

    def delete_documents(self, keys: Iterable[str]) -> int:
        keys = list(keys)
        if keys:
            self.store().delete(keys)
        return len(keys)

    def rebuild(self, documents, progress: Progress = None, on_phase=None, workers: int = 0) -> int:
        """``workers`` > 0: analyse in that many processes while this one stores."""
        return self.store().rebuild(analysed(documents, workers), progress, on_phase)

    def status(self) -> dict:
        store = self.store()
        if not store.ready():
            return {"engine": self.name, "backend": connection.vendor, "ready": False}
        counts = store.counts_by_type()
        return {
            "engine": self.name,
            "backend": connection.vendor,
            "ready": True,
            "documents": sum(counts.values()),
            "by_type": counts,
            "candidates": self.candidates,
            "size_bytes": store.size_bytes(),
        }

    def indexed_keys(self, doc_type: str) -> set[str]:
        return self.store().keys_of_type(doc_type)

    def clear(self) -> None:
        self.store().rebuild([])

    # -- searching --------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        began = time.perf_counter()
        q = parse(request.q)
        filters = valid_filters(request.all_filters())
        store = self.store()
        response = None
        if q.ident:
            response = self._by_identifier(store, request, q, filters)
        if response is None:
            if q.is_empty:
                response = (
                    self._browse(store, request, q, filters) if filters else self._empty(request)
                )
            else:
                response = self._by_text(store, request, q, filters)
                if response.total == 0 and request.page == 1:
                    response.suggestion = self._suggest(store, q, filters)
        response.engine = (
            f"{self.name}/{connection.vendor} {1000 * (time.perf_counter() - began):.1f}ms"
        )
        return response

    def _empty(self, request):
        return SearchResponse(
            hits=[], total=0, page=request.page, page_size=request.page_size, facets={}
        )

    def _by_identifier(self, store, request, q, filters):
        ids = store.ids_by_ident(q.ident)
        if not ids:
            return None
        found = [c for c in store.by_ids(ids, ()) if passes_filters(c, filters)]
        if not found:
            return None
        for c in found:
            c.score = EXACT_BONUS
        found.sort(key=order)
        return self._respond(
            store, request, q, found, len(found), True, _tokens(found), 1.0, True, filters
        )

    def _browse(self, store, request, q, filters):
        """No query, only filters: newest first (exact up to TRACK_TOTAL_HITS matches)."""
        counted = store.count(None, filters, TRACK_TOTAL_HITS + 1)
        if counted <= TRACK_TOTAL_HITS:
            rows = store.match(None, filters, counted, ())
            rows.sort(key=_browse_order)
            return self._respond(
                store, request, q, rows, len(rows), True, _tokens(rows), 1.0, True, filters
            )
        sample = store.match(None, filters, self.candidates, ())
        ranked = sorted(sample, key=_browse_order)
        return self._respond(
            store,
            request,
            q,
            ranked,
            TRACK_TOTAL_HITS,
            False,
            _tokens(sample),
            TRACK_TOTAL_HITS / max(1, len(sample)),
            False,
            filters,
        )

    def _by_text(self, store, request, q, filters):
        cap = self.candidates
        columns = needed_columns(q)
        # One pass over the doclists, stopping after cap + 1 matches: ids only.
        first = store.sample(q, filters, cap + 1)
        if len(first) <= cap:
            # Complete: read the token streams of exactly these rows (rowid look-ups).
            found = store.by_ids(first, columns)
            scorer = Scorer(q)
            ranked = [c for c in found if scorer(c)]
            ranked.sort(key=order)
            return self._respond(
                store, request, q, ranked, len(ranked), True, _tokens(found), 1.0, True, filters
            )
        sample = first[:cap]  # uniform over the matches: the facet sample
        # Large: the title tier first (a title match always outranks a body-only one) ...
        titled = store.match(q, filters, cap + 1, columns, title_only=True)
        pool = {c.id: c for c in titled[:cap]}
        if len(titled) <= cap:
            # ... all of it is in: add the sample of the body-only rest ...
            missing = [i for i in sample if i not in pool]
            for c in store.by_ids(missing, columns):
                pool[c.id] = c
        # ... plus exact-name and prefix matches wherever they are.
        extra = [i for i in store.ids_by_title(q, EXACT_PROBES) if i not in pool]
        for c in store.by_ids(extra, columns):
            if passes_filters(c, filters):
                pool[c.id] = c
        scorer = Scorer(q)
        ranked = [c for c in pool.values() if scorer(c)]
        ranked.sort(key=order)
        counted = store.count(q, filters, TRACK_TOTAL_HITS + 1)
        total, exact = min(counted, TRACK_TOTAL_HITS), counted <= TRACK_TOTAL_HITS
        # The sample's facet tokens: mostly read already with the pool (the title tier is
        # in the same rowid order), the rest looked up.
        tokens = {i: pool[i].facet_tokens for i in sample if i in pool}
        tokens.update(store.facet_tokens([i for i in sample if i not in tokens]))
        return self._respond(
            store,
            request,
            q,
            ranked,
            total,
            exact,
            list(tokens.values()),
            total / len(sample),
            False,
            filters,
        )

    def _respond(
        self,
        store,
        request,
        q,
        ranked,
        total,
        total_exact,
        facet_tokens,
        scale,
        facets_exact,
        filters,
    ) -> SearchResponse:
        page = ranked[request.offset : request.offset + request.page_size]
        rows = store.display([c.id for c in page])
        hits = []
        for c in page:
            row = rows.get(c.id)
            if row is None:  # deleted meanwhile
                continue
            doc_type, _, obj_id = row["key"].partition(":")
            hits.append(
                SearchHit(
                    type=doc_type,
                    id=obj_id,
                    title=row["title"],
                    url=hit_url(doc_type, row["url"], row["fields"], obj_id),
                    score=round(c.score, 4),
                    highlight=highlights(row["title"], row["body"], q) if request.highlight else {},
                    fields=row["fields"],
                )
            )
        facets = present(count_facets(facet_tokens), filters, scale) if request.facets else {}
        return SearchResponse(
            hits=hits,
            total=total,
            page=request.page,
            page_size=request.page_size,
            facets=facets,
            total_exact=total_exact,
            facets_exact=facets_exact,
        )

    def _suggest(self, store, q: ParsedQuery, filters) -> str | None:
        """For a Han query without results: a same-sounding title part ("did you mean")."""
        if not q.key or q.key.isascii() or len(q.key) > 12:
            return None
        if filters and store.sample(q, {}, 1):
            return None  # the words match; the filters emptied the results, not a typo
        letters = pinyin_full(q.key)
        alt = parse(letters)
        if alt.pinyin is None or alt.pinyin.source != "pinyin":
            return None
        alt = replace(alt, text=QueryPlan())
        scorer = Scorer(alt)
        found = [c for c in store.match(alt, filters, 50, needed_columns(alt)) if scorer(c)]
        if not found:
            return None
        found.sort(key=order)
        row = store.display([found[0].id]).get(found[0].id)
        return suggestion_from_title(row["title"], letters, len(q.key)) if row else None


def suggestion_from_title(title: str, letters: str, width: int) -> str | None:
    from search.analysis import normalize

    norm = normalize(title)
    for size in (width, width + 1, width - 1):
        for i in range(0, max(0, len(norm) - size) + 1):
            window = norm[i : i + size]
            if window and pinyin_full(window) == letters:
                return window
    return None
