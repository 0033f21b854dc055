"""Public credit pages: a producer's credit page, the credit search (信用查询) and the
honour list of A-grade producers (守信红名单), with its CSV export."""

from __future__ import annotations

import csv
import re
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from credit.api.filters import ProducerFilter
from credit.models import (
    BlacklistEntry,
    Certification,
    CertificationType,
    GradeChoices,
    Producer,
    ProducerKind,
    ProductCategory,
    Region,
    Restriction,
)
from credit.public import profile as prof
from credit.public.keys import decode_public_id, encode_pk, producer_url, public_key
from credit.publicity import blacklist_published
from credit.services.facts import _repairs
from credit.services.grading import policy_for

PER_PAGE = 20
REGION_CHAIN = ("region", "region__parent", "region__parent__parent")
_MASKED_ID = re.compile(r"^(\d{6})\*+(\d{3}[\dX])$")

# URL names of the objection/repair/reply forms (credit.public_urls): per USCC, and one
# form for producers known by an ID number. The documented paths are the fallback.
OBJECTION_URL_NAMES = ("credit-objection",)
REPAIR_URL_NAMES = ("credit-repair",)
REPLY_URL_NAMES = ("credit-reply",)
ANY_URL_NAMES = {
    "objection": "credit-objection-any",
    "repair": "credit-repair-any",
    "reply": "credit-reply-any",
}


# -- shared helpers --------------------------------------------------------------------------


def _producers():
    return Producer.objects.filter(merged_into__isnull=True).select_related(*REGION_CHAIN)


def _abs(request, path: str) -> str:
    return request.build_absolute_uri(path)


def region_options() -> list[dict]:
    """Regions that hold producers, with their ancestors, in code order (tree order)."""
    used = set(Producer.objects.order_by().values_list("region_id", flat=True).distinct())
    codes = set()
    for code in used:
        codes.update({code[:2] + "0000", code[:4] + "00", code})
    regions = Region.objects.filter(code__in=codes).order_by("code")
    depth = {"province": 0, "city": 1, "county": 2}
    return [
        {"code": r.code, "name": r.name, "indent": "\u3000" * depth.get(r.level, 0)}
        for r in regions
    ]


def _choice_options(choices) -> list[dict]:
    return [{"value": value, "label": label} for value, label in choices]


def _region_filter(qs, code: str):
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        return qs.none()
    return qs.filter(region__code__startswith=region.prefix)


def blacklisted_ids(ids, today: date) -> set[int]:
    """Producers with a published blacklist entry today (in force, not removed/repaired)."""
    ids = list(ids)
    if not ids:
        return set()
    policy = policy_for(today)
    rows = list(
        BlacklistEntry.objects.active()
        .filter(producer_id__in=ids, start_date__lte=today)
        .values_list("id", "producer_id", "start_date", "end_date", "removed_on")
    )
    repaired = _repairs(BlacklistEntry, ids) if rows else {}
    return {
        pid
        for pk, pid, start, end, removed in rows
        if blacklist_published(
            start, end, today, policy, removed_on=removed, repaired_on=repaired.get(pk)
        )
    }


def certified_products(ids, today: date) -> dict[int, list[str]]:
    labels = dict(CertificationType.choices)
    out: dict[int, list[str]] = {}
    rows = (
        Certification.objects.active()
        .filter(producer_id__in=list(ids), valid_from__lte=today, valid_to__gte=today)
        .order_by("type", "product")
        .values_list("producer_id", "type", "product")
    )
    for pid, kind, product in rows:
        text = f"{product}（{labels.get(kind, kind)}）"
        if text not in out.setdefault(pid, []):
            out[pid].append(text)
    return out


def _row(producer, blacklisted=False, products=()) -> dict:
    return {
        "producer": producer,
        "name": prof.public_name(producer),
        "key": public_key(producer),
        "has_uscc": bool(producer.uscc),
        "url": producer_url(producer),
        "kind": prof.kind_label(producer.kind),
        "region": prof.region_path(producer.region),
        "grade": producer.grade or "U",
        "grade_label": prof.grade_label(producer.grade or "U"),
        "blacklisted": blacklisted,
        "products": list(products),
        "categories": prof.category_labels(producer.categories),
    }


def _page(request, qs):
    paginator = Paginator(qs, PER_PAGE)
    return paginator.get_page(request.GET.get("page"))


def _try_reverse(names, **kwargs) -> str | None:
    for name in names:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def contest_urls(producer) -> dict:
    """Where the producer objects to a record, applies for repair or posts its reply."""
    names = {"objection": OBJECTION_URL_NAMES, "repair": REPAIR_URL_NAMES, "reply": REPLY_URL_NAMES}
    urls = {}
    for what, candidates in names.items():
        if producer.uscc:
            urls[what] = _try_reverse(candidates, uscc=producer.uscc) or (
                f"/credit/{producer.uscc}/{what}/"
            )
        else:
            # Never the ID number in a URL: the generic form asks for it with the claim code.
            urls[what] = _try_reverse((ANY_URL_NAMES[what],)) or f"/credit/online/{what}/"
    return urls


# -- the producer page -----------------------------------------------------------------------


def _survivor(producer):
    seen = set()
    while producer.merged_into_id and producer.pk not in seen:
        seen.add(producer.pk)
        producer = Producer.objects.select_related(*REGION_CHAIN).get(pk=producer.merged_into_id)
    return producer


@require_safe
def producer_detail(request, key: str):
    normal = key.strip().upper()
    if normal != key:
        return redirect("producer-detail", key=normal, permanent=True)
    producer = Producer.objects.select_related(*REGION_CHAIN).filter(uscc=normal).first()
    if producer is None:
        # A masked ID number (what lists show for producers without a USCC): follow it only
        # when it names exactly one producer.
        match = _MASKED_ID.match(normal)
        if match:
            found = list(
                Producer.objects.filter(
                    uscc__isnull=True,
                    id_number__startswith=match.group(1),
                    id_number__endswith=match.group(2),
                ).values_list("pk", flat=True)[:2]
            )
            if len(found) == 1:
                return redirect("producer-detail-id", public_id=encode_pk(found[0]))
        raise Http404(_("未找到该生产经营主体"))
    return _producer_response(request, producer)


@require_safe
def producer_detail_id(request, public_id: str):
    pk = decode_public_id(public_id)
    producer = Producer.objects.select_related(*REGION_CHAIN).filter(pk=pk).first() if pk else None
    if producer is None:
        raise Http404(_("未找到该生产经营主体"))
    if producer.merged_into_id is None and request.path != producer_url(producer):
        # A USCC producer, or another spelling of the id: one address per page.
        return redirect(producer_url(producer), permanent=True)
    return _producer_response(request, producer)


def breadcrumb_list(request, crumbs) -> dict:
    """schema.org BreadcrumbList from (label, path) pairs."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": str(label), "item": _abs(request, href)}
            for i, (label, href) in enumerate(crumbs, start=1)
        ],
    }


def _structured_data(request, producer, name, url, data) -> tuple[dict, dict]:
    region = producer.region
    names = prof.region_names(region)
    org = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": name,
        "url": _abs(request, url),
        "address": {
            "@type": "PostalAddress",
            "addressCountry": "CN",
            "addressRegion": names[0][1] if names else "",
            "addressLocality": "".join(n for _c, n in names[1:]) if len(names) > 1 else "",
        },
        "description": _("信用等级 %(grade)s，评定基准日 %(day)s")
        % {
            "grade": data["grade_label"],
            "day": data["credit"]["as_of"].isoformat(),
        },
    }
    if producer.uscc:
        org["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "统一社会信用代码",
            "value": producer.uscc,
        }
        org["taxID"] = producer.uscc
    crumbs = [
        (_("首页"), "/"),
        (_("信用查询"), reverse("credit-search")),
        (name, url),
    ]
    return org, breadcrumb_list(request, crumbs)


def _producer_response(request, producer):
    if producer.merged_into_id:
        # Identifiers are never reused: a merged producer's page is its survivor's.
        return redirect(producer_url(_survivor(producer)), permanent=True)
    today = timezone.localdate()
    data = prof.build_profile(producer, today)
    name = prof.public_name(producer)
    url = producer_url(producer)
    org, breadcrumb = _structured_data(request, producer, name, url, data)
    return render(
        request,
        "credit/public/producer.html",
        {
            **data,
            "producer": producer,
            "name": name,
            "key": public_key(producer),
            "has_uscc": bool(producer.uscc),
            "masked_id": "" if producer.uscc else producer.masked_id_number,
            "kind": prof.kind_label(producer.kind),
            "region": prof.region_path(producer.region),
            "categories": prof.category_labels(producer.categories),
            "url": url,
            "canonical": _abs(request, url),
            "api_url": reverse("api-producer", kwargs={"uscc": producer.uscc})
            if producer.uscc
            else "",
            "contest": contest_urls(producer),
            "today": today,
            "org_ld": org,
            "breadcrumb_ld": breadcrumb,
            "search_url": reverse("credit-search"),
        },
    )


# -- 信用查询 --------------------------------------------------------------------------------


def _credit_data_page(request):
    """The 信用查询 data page whose Chinese URL is this path, if the portal has one.

    Credit does not import the portal: the page is recognised by its model label and kind.
    """
    try:
        from wagtail.models import Page, Site
    except ImportError:  # pragma: no cover - Wagtail is always installed here
        return None
    site = Site.find_for_request(request)
    if site is None:
        return None
    root = site.root_page
    path = request.path_info.strip("/")
    page = (
        Page.objects.filter(url_path=f"{root.url_path}{path}/", locale_id=root.locale_id)
        .live()
        .public()
        .first()
    )
    return page.specific if page is not None and is_credit_data_page(page) else None


def is_credit_data_page(page) -> bool:
    model = page.specific_class
    return (
        model is not None
        and model._meta.label == "portal.DataPage"
        and getattr(page.specific, "kind", None) == "credit"
    )


def _search_context(request) -> dict:
    today = timezone.localdate()
    params = request.GET
    filterset = ProducerFilter(params, queryset=_producers())
    qs = filterset.qs
    if not qs.query.order_by:
        qs = qs.order_by("name", "id")
    page_obj = _page(request, qs)
    ids = [p.pk for p in page_obj.object_list]
    black = blacklisted_ids(ids, today)
    products = certified_products(ids, today)
    filtered = any((params.get(k) or "").strip() for k in ("q", "region", "kind", "grade"))
    return {
        "page_obj": page_obj,
        "rows": [_row(p, p.pk in black, products.get(p.pk, ())) for p in page_obj.object_list],
        "filtered": filtered,
        "values": {k: (params.get(k) or "").strip() for k in ("q", "region", "kind", "grade")},
        "regions": region_options(),
        "kinds": _choice_options(ProducerKind.choices),
        "grades": [{"value": g, "label": prof.grade_label(g)} for g in GradeChoices.values],
        "honour_url": reverse("credit-honour"),
        "search_url": request.path,
        "api_query": reverse("api-producers") + ("?" + params.urlencode() if params else ""),
    }


def render_search(request, page=None):
    """The 信用查询 page; `page` is the portal's data page when served as one."""
    context = _search_context(request)
    context["page"] = page
    if page is None:
        context["breadcrumb_ld"] = breadcrumb_list(
            request, [(_("首页"), "/"), (_("信用查询"), request.path)]
        )
    if page is not None:
        context["child_pages"] = page.get_children().live().public().specific()
    return render(request, "credit/public/search.html", context)


@require_safe
def search(request):
    page = _credit_data_page(request)
    if page is not None:
        # This path is also the data page's Chinese URL: like every page, its language is
        # the one of its URL (English is /en/…), not the negotiated one.
        translation.activate(page.locale.language_code)
        request.LANGUAGE_CODE = translation.get_language()
    return render_search(request, page=page)


# -- 守信红名单 ------------------------------------------------------------------------------


def honour_queryset(params, today: date | None = None):
    """A-grade producers with no restriction in force today, filtered."""
    today = today or timezone.localdate()
    in_force = Restriction.objects.filter(
        producer=OuterRef("pk"), lifted_at__isnull=True, start__lte=today
    ).filter(Q(end__isnull=True) | Q(end__gte=today))
    qs = _producers().filter(grade="A").exclude(Exists(in_force))
    region = (params.get("region") or "").strip()
    if region:
        qs = _region_filter(qs, region)
    kind = (params.get("kind") or "").strip()
    if kind in ProducerKind.values:
        qs = qs.filter(kind=kind)
    category = (params.get("category") or "").strip()
    if category in ProductCategory.values:
        qs = qs.filter(categories__icontains=f'"{category}"')
    return qs.order_by("region_id", "name", "id")


def _honour_values(params) -> dict:
    return {k: (params.get(k) or "").strip() for k in ("region", "kind", "category")}


@require_safe
def honour(request):
    today = timezone.localdate()
    qs = honour_queryset(request.GET, today)
    page_obj = _page(request, qs)
    ids = [p.pk for p in page_obj.object_list]
    black = blacklisted_ids(ids, today)
    # A published blacklist entry bars honours whatever the stored rows say (a grade not yet
    # recomputed); such a producer is left out.
    rows = [_row(p) for p in page_obj.object_list if p.pk not in black]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "credit/public/honour.html",
        {
            "page_obj": page_obj,
            "rows": rows,
            "values": _honour_values(request.GET),
            "regions": region_options(),
            "kinds": _choice_options(ProducerKind.choices),
            "categories": _choice_options(ProductCategory.choices),
            "csv_url": reverse("credit-honour-csv") + ("?" + query.urlencode() if query else ""),
            "search_url": reverse("credit-search"),
            "today": today,
            "canonical": _abs(request, reverse("credit-honour")),
            "breadcrumb_ld": breadcrumb_list(
                request,
                [
                    (_("首页"), "/"),
                    (_("信用查询"), reverse("credit-search")),
                    (_("守信红名单"), reverse("credit-honour")),
                ],
            ),
        },
    )


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a cell must not start a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_safe
def honour_csv(request):
    today = timezone.localdate()
    qs = honour_queryset(request.GET, today)
    writer = csv.writer(_Echo())
    header = [
        _("名称"),
        _("统一社会信用代码（无则为脱敏身份证号码）"),
        _("主体类型"),
        _("行政区划代码"),
        _("所在地区"),
        _("产品类别"),
        _("信用等级"),
        _("信用得分"),
        _("评定日期"),
        _("信用页面"),
    ]

    def rows():
        yield "\ufeff"  # UTF-8 BOM: spreadsheet programs then read the Chinese correctly
        yield writer.writerow(header)
        batch = []
        for producer in qs.iterator(chunk_size=1000):
            batch.append(producer)
            if len(batch) >= 1000:
                yield from _csv_batch(writer, batch, today, request)
                batch = []
        if batch:
            yield from _csv_batch(writer, batch, today, request)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="honour-list-{today.isoformat()}.csv"'
    return response


def _csv_batch(writer, producers, today, request):
    black = blacklisted_ids([p.pk for p in producers], today)
    for p in producers:
        if p.pk in black:
            continue
        yield writer.writerow(
            [
                _cell(prof.public_name(p)),
                _cell(public_key(p)),
                _cell(prof.kind_label(p.kind)),
                p.region_id,
                _cell(prof.region_path(p.region)),
                _cell("；".join(prof.category_labels(p.categories))),
                p.grade,
                "" if p.score is None else str(p.score),
                p.graded_on.isoformat() if p.graded_on else "",
                _abs(request, producer_url(p)),
            ]
        )
