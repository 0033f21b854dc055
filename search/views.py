"""Public pages of the search service: ``/search/`` (全站搜索), ``/blacklist/`` (黑名单公示,
with its CSV export) and ``/certified-products/`` (认证农产品).

The portal's data pages of kind ``blacklist`` and ``certified`` show the same lists
(``search.wagtail_hooks``); the page then gives the title, introduction and links, and the
language is the page's, as for every page. Logic lives in ``public_search`` and ``lists``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from itertools import islice

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from credit.models import CertificationType
from credit.public.views import region_options
from credit.publicforms.guard import SEARCH, too_many_requests
from search import lists, public_search
from search.paging import engine_page, page_number

_REGION = re.compile(r"^\d{6}$")
_YEAR = re.compile(r"^\d{4}$")
CSV_LIMIT = 10_000  # rows; the list in force is far smaller, this only bounds a bad day


# --- /search/ ----------------------------------------------------------------------------


def _spent(request, q: str) -> bool:
    """Queries that reach the engine are rate-limited per IP, as the JSON API is."""
    if not q:
        return False
    if SEARCH.blocked(request):
        return True
    SEARCH.charge(request)
    return False


@require_safe
def search(request):
    params = public_search.Params.from_get(request.GET)
    if _spent(request, params.q):
        return too_many_requests(request, SEARCH)
    outcome = public_search.run(params)
    ctx = public_search.context(outcome)
    ctx.update(
        blacklist_url=reverse("search-blacklist"),
        certified_url=reverse("search-certified"),
        credit_url=_reverse_or("credit-search", "/credit/"),
    )
    return render(request, "search/search.html", ctx, status=503 if outcome.error else 200)


def _reverse_or(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # the credit pages may not be routed in every setup
        return fallback


# --- list pages --------------------------------------------------------------------------


def list_query(get, with_year: bool = False, with_cert: bool = False) -> lists.ListQuery:
    """The list filters from a query string; malformed values are ignored."""
    region = (get.get("region") or "").strip()
    year = (get.get("year") or "").strip() if with_year else ""
    cert = (get.get("type") or "").strip() if with_cert else ""
    return lists.ListQuery(
        q=" ".join((get.get("q") or "").split())[:100],
        region=region if _REGION.match(region) else "",
        year=year if _YEAR.match(year) else "",
        cert=cert if cert in CertificationType.values else "",
        page=page_number(get.get("page"), lists.MAX_PAGES),
    )


def _list_context(request, query: lists.ListQuery, result: lists.ListPage, page) -> dict:
    filtered = bool(query.q or query.region or query.year or query.cert)
    return {
        "page": page,
        "query": query,
        "result": result,
        "rows": result.rows,
        "page_obj": engine_page(
            result.total, result.page, result.rows, result.page_size, lists.MAX_PAGES
        ),
        "filtered": filtered,
        "noindex": filtered or result.page > 1,
        "regions": region_options(),
        "form_url": request.path,
        "search_url": reverse("search"),
        "today": timezone.localdate(),
    }


def _data_page_at(request, kind: str):
    """The portal data page of this kind whose URL is this path, if there is one.

    The portal's 黑名单 data page may live at ``/blacklist/``: this route, first in the URL
    list, then serves it. Recognised by model label (``search`` reads pages, never imports
    the portal's views).
    """
    from wagtail.models import Page, Site

    site = Site.find_for_request(request)
    if site is None:
        return None
    root = site.root_page
    page = (
        Page.objects.filter(
            url_path=f"{root.url_path}{request.path_info.strip('/')}/", locale_id=root.locale_id
        )
        .live()
        .public()
        .first()
    )
    return page.specific if page is not None and data_page_kind(page) == kind else None


def data_page_kind(page) -> str | None:
    model = page.specific_class
    if model is None or model._meta.label != "portal.DataPage":
        return None
    return getattr(page.specific, "kind", None)


def _as_page_language(request, page) -> None:
    # Like every page, a data page is in the language of its URL, not the negotiated one.
    if page is not None:
        translation.activate(page.locale.language_code)
        request.LANGUAGE_CODE = translation.get_language()


def _resolve_page(query: lists.ListQuery, fetch) -> lists.ListPage:
    result = fetch(query)
    if result.out_of_range and result.page > 1:
        # A stale link past the end: show the last page.
        result = fetch(replace(query, page=result.num_pages))
    return result


def render_blacklist(request, page=None):
    query = list_query(request.GET, with_year=True)
    if _spent(request, query.q):
        return too_many_requests(request, SEARCH)
    result = _resolve_page(query, lists.blacklist_page)
    ctx = _list_context(request, query, result, page)
    export = request.GET.copy()
    export.pop("page", None)
    ctx["csv_url"] = reverse("search-blacklist-csv") + ("?" + export.urlencode() if export else "")
    ctx["api_url"] = reverse("api-blacklist")
    return render(request, "search/blacklist.html", ctx)


def render_certified(request, page=None):
    query = list_query(request.GET, with_cert=True)
    if _spent(request, query.q):
        return too_many_requests(request, SEARCH)
    result = _resolve_page(query, lists.certified_page)
    labels = dict(CertificationType.choices)
    for row in result.rows:  # the stored label is in the indexing language: relabel
        row["type_label"] = labels.get(row.get("cert_type"), row.get("cert_label", ""))
    ctx = _list_context(request, query, result, page)
    ctx["cert_types"] = [{"value": v, "label": label} for v, label in CertificationType.choices]
    ctx["api_url"] = reverse("api-certified-products")
    return render(request, "search/certified_products.html", ctx)


@require_safe
def blacklist(request):
    page = _data_page_at(request, "blacklist")
    _as_page_language(request, page)
    return render_blacklist(request, page)


@require_safe
def certified_products(request):
    page = _data_page_at(request, "certified")
    _as_page_language(request, page)
    return render_certified(request, page)


# --- CSV export of the blacklist ---------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a cell must not start a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_safe
def blacklist_csv(request):
    query = list_query(request.GET, with_year=True)
    today = timezone.localdate()
    writer = csv.writer(_Echo())
    header = [
        _("主体名称"),
        _("统一社会信用代码（无则为脱敏身份证号码）"),
        _("所在地区"),
        _("决定文号"),
        _("列入日期"),
        _("期满日期"),
        _("列入事由"),
        _("法律依据"),
        _("信用页面"),
    ]

    def stream():
        yield "\ufeff"  # UTF-8 BOM: spreadsheet programs then read the Chinese correctly
        yield writer.writerow(header)
        for row in islice(lists.iter_blacklist(query), CSV_LIMIT):
            url = request.build_absolute_uri(row["url"]) if row.get("url") else ""
            yield writer.writerow(
                [
                    _cell(row.get(k))
                    for k in (
                        "producer_name",
                        "producer_key",
                        "region_name",
                        "decision_number",
                        "start_date",
                        "end_date",
                        "reason",
                        "legal_basis",
                    )
                ]
                + [_cell(url)]
            )

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="blacklist-{today.isoformat()}.csv"'
    return response
