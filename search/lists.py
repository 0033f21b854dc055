"""The public lists 黑名单公示 (blacklist entries in force) and 认证农产品 (certifications
valid today), behind ``/blacklist/``, ``/certified-products/`` and their JSON APIs.

Without a query the database is the source, newest first: the list is complete and exact
even before the index is built. With a query the search engine answers, restricted to the
one type, so two Chinese characters, pinyin and initials match as on ``/search/``; while the
index is not built (or the engine is down) a plain substring match stands in.

Either way a row is the display fields of the type's search document
(``search.documents.records``): the same public fields, masked the same way, so a row
looks the same whichever source found it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from credit.models import BlacklistEntry, Certification, ProducerKind, Region
from credit.publicity import blacklist_published
from search import indexing
from search.documents import documents_for_keys
from search.documents.context import BuildContext
from search.engines import SearchRequest, get_engine
from search.results import hit_url

log = logging.getLogger(__name__)

PAGE_SIZE = 20
# An engine ranks a bounded number of matches (SEARCH_EMBEDDED_CANDIDATES, 1,000): pages
# past that would be empty, so lists stop at 50 pages of 20.
MAX_PAGES = 50
DATE_FIELDS = ("start_date", "end_date", "valid_from", "valid_to")


@dataclass(frozen=True)
class ListQuery:
    q: str = ""
    region: str = ""  # six-digit code, any level
    year: str = ""  # blacklist: the year the entry began
    cert: str = ""  # certified products: green, organic, gi, mtyx
    page: int = 1
    page_size: int = PAGE_SIZE


@dataclass
class ListPage:
    rows: list[dict]
    total: int
    page: int
    page_size: int
    total_exact: bool = True
    source: str = "database"  # "engine" when a query was matched by the search engine
    years: list[str] = field(default_factory=list)  # blacklist: years with entries

    @property
    def num_pages(self) -> int:
        return max(1, min(MAX_PAGES, -(-self.total // self.page_size)))

    @property
    def out_of_range(self) -> bool:
        return self.page > self.num_pages

    def keep(self, ids: set[str]) -> None:
        """Drop rows whose id is not in ``ids`` (and count them out of the total)."""
        kept = [r for r in self.rows if str(r["id"]) in ids]
        self.total = max(len(kept), self.total - (len(self.rows) - len(kept)))
        self.rows = kept


# --- rows --------------------------------------------------------------------------------


def _dates(fields: dict) -> dict:
    out = dict(fields)
    for name in DATE_FIELDS:
        value = out.get(name)
        if isinstance(value, str) and value:
            out[name] = date.fromisoformat(value)
    return out


def row_from_document(doc) -> dict:
    return {
        **_dates(doc.fields),
        "id": doc.id,
        "url": hit_url(doc.type, doc.url, doc.fields, doc.id),
        "title_html": escape(doc.title),
    }


def row_from_hit(hit) -> dict:
    # Highlight values are HTML-escaped text with <mark> (search.results).
    title = hit.highlight.get("title")
    return {
        **_dates(hit.fields),
        "id": hit.id,
        "url": hit.url,
        "title_html": mark_safe(title) if title else escape(hit.title),  # noqa: S308
    }


def rows_for_ids(doc_type: str, ids: list) -> list[dict]:
    """Display rows for these ids, in this order (ids no longer public are left out)."""
    docs, _gone = documents_for_keys(f"{doc_type}:{i}" for i in ids)
    by_id = {d.id: d for d in docs if d.type == doc_type}
    return [row_from_document(by_id[str(i)]) for i in ids if str(i) in by_id]


# --- filters shared by both lists --------------------------------------------------------


def region_prefix(code: str) -> str | None:
    """The code prefix of a region's subtree; None for an unknown code."""
    if not code:
        return ""
    region = Region.objects.filter(code=code).first()
    return region.prefix if region is not None else None


def _page_of(ids: list, query: ListQuery) -> list:
    start = (query.page - 1) * query.page_size
    return ids[start : start + query.page_size]


def _non_growers_named(q: str, prefix: str = "producer__") -> Q:
    # The public index holds growers (natural persons) by surname only; the stand-in
    # substring match must not find them by their full name either.
    return Q(**{f"{prefix}name__contains": q}) & ~Q(**{f"{prefix}kind": ProducerKind.GROWER})


# --- 黑名单 ------------------------------------------------------------------------------


def published_blacklist(today: date, region: str = "") -> list[tuple[int, date]]:
    """(id, start date) of the entries the public sees today, newest first.

    The SQL takes a superset of the publicity window; ``blacklist_published`` (the rule the
    index applies) decides exactly, with repairs and month arithmetic.
    """
    ctx = BuildContext(today=today)
    months = ctx.policy.blacklist_publicity_months
    prefix = region_prefix(region)
    if months <= 0 or prefix is None:
        return []
    qs = (
        BlacklistEntry.objects.active()
        .filter(
            start_date__lte=today,
            start_date__gte=today - relativedelta(months=months) - timedelta(days=3),
            producer__merged_into__isnull=True,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=today))
    )
    if prefix:
        qs = qs.filter(producer__region__code__startswith=prefix)
    rows = list(
        qs.order_by("-start_date", "-id").values_list("id", "start_date", "end_date", "removed_on")
    )
    repaired = ctx.repairs(BlacklistEntry, [r[0] for r in rows])
    return [
        (pk, start)
        for pk, start, end, removed in rows
        if blacklist_published(
            start, end, today, ctx.policy, removed_on=removed, repaired_on=repaired.get(pk)
        )
    ]


def blacklist_page(query: ListQuery, today: date | None = None) -> ListPage:
    entries = published_blacklist(today or timezone.localdate(), query.region)
    page = _blacklist_engine(query, entries) if query.q else None
    if page is None:
        ids = _blacklist_ids(query, entries)
        rows = rows_for_ids("blacklist", _page_of(ids, query))
        page = ListPage(rows, len(ids), query.page, query.page_size)
    page.years = sorted({str(start.year) for _pk, start in entries}, reverse=True)
    return page


def iter_blacklist(query: ListQuery, today: date | None = None) -> Iterator[dict]:
    """Every row of the filtered list (the CSV export): all entries from the database, or
    the engine's ranked matches of a query (at most MAX_PAGES pages' worth)."""
    entries = published_blacklist(today or timezone.localdate(), query.region)
    if query.q:
        everything = replace(query, page=1, page_size=MAX_PAGES * PAGE_SIZE)
        page = _blacklist_engine(everything, entries)
        if page is not None:
            yield from page.rows
            return
    ids = _blacklist_ids(query, entries)
    for start in range(0, len(ids), 500):
        yield from rows_for_ids("blacklist", ids[start : start + 500])


def _blacklist_engine(query: ListQuery, entries) -> ListPage | None:
    page = _engine_page("blacklist", query, {"region": [query.region], "year": [query.year]})
    if page is not None:
        # The index catches up with ended entries daily; the list never shows one.
        page.keep({str(pk) for pk, _s in entries})
    return page


def _blacklist_ids(query: ListQuery, entries) -> list[int]:
    """The database's answer: entries of the year, matching the stand-in substring match."""
    if query.q:
        found = _blacklist_substring(query.q, [pk for pk, _s in entries])
        entries = [(pk, s) for pk, s in entries if pk in found]
    if query.year:
        entries = [(pk, s) for pk, s in entries if str(s.year) == query.year]
    return [pk for pk, _s in entries]


def _blacklist_substring(q: str, ids: list[int]) -> set[int]:
    match = (
        _non_growers_named(q)
        | Q(decision_number__contains=q)
        | Q(producer__uscc=q.upper())
        | Q(reason__contains=q)
    )
    found: set[int] = set()
    for start in range(0, len(ids), 900):
        found.update(
            BlacklistEntry.objects.filter(match, id__in=ids[start : start + 900]).values_list(
                "id", flat=True
            )
        )
    return found


# --- 认证农产品 ----------------------------------------------------------------------------


def certified_queryset(today: date, cert: str = "", region: str = ""):
    """Certifications valid today, of producers the public can see, newest first."""
    qs = Certification.objects.active().filter(
        valid_from__lte=today, valid_to__gte=today, producer__merged_into__isnull=True
    )
    if cert:
        qs = qs.filter(type=cert)
    prefix = region_prefix(region)
    if prefix is None:
        return qs.none()
    if prefix:
        qs = qs.filter(producer__region__code__startswith=prefix)
    return qs.order_by("-valid_from", "-id")


def certified_page(query: ListQuery, today: date | None = None) -> ListPage:
    today = today or timezone.localdate()
    qs = certified_queryset(today, query.cert, query.region)
    if query.q:
        page = _engine_page("product", query, {"cert": [query.cert], "region": [query.region]})
        if page is not None:
            # Validity ends are reconciled daily in the index; the page never shows one ended.
            ids = [r["id"] for r in page.rows]
            page.keep({str(i) for i in qs.filter(id__in=ids).values_list("id", flat=True)})
            return page
        qs = qs.filter(
            _non_growers_named(query.q) | Q(product__contains=query.q) | Q(number=query.q)
        )
    total = qs.count()
    start = (query.page - 1) * query.page_size
    ids = list(qs.values_list("id", flat=True)[start : start + query.page_size])
    return ListPage(rows_for_ids("product", ids), total, query.page, query.page_size)


# --- the engine --------------------------------------------------------------------------


def _engine_page(doc_type: str, query: ListQuery, filters: dict) -> ListPage | None:
    """One page from the search engine; None while it cannot answer (not built, down)."""
    try:
        if not indexing.is_built():
            return None
        resp = get_engine().search(
            SearchRequest(
                q=query.q,
                types=[doc_type],
                filters={k: v for k, v in filters.items() if any(v)},
                page=query.page,
                page_size=query.page_size,
                facets=False,
            )
        )
    except Exception:  # noqa: BLE001 - a list must not fail because search does
        log.exception("search: %s list query failed, using the substring match", doc_type)
        return None
    return ListPage(
        [row_from_hit(h) for h in resp.hits],
        resp.total,
        query.page,
        query.page_size,
        total_exact=resp.total_exact,
        source="engine",
    )
