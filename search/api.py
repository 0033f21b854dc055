"""JSON search API (``GET /api/v1/search/``) and the engine behind ``/api/v1/producers/?q=``.

Errors use the one JSON error shape of ``credit.api.errors``.
"""

from __future__ import annotations

import logging

from django.db.models import Case, IntegerField, When
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from credit.api.errors import error_response
from search.doc import DOC_TYPES
from search.engines import SearchRequest, get_engine
from search.facets import FACETS

log = logging.getLogger(__name__)

API_MAX_PAGE_SIZE = 50
API_MAX_PAGE = 500
FILTER_PARAMS = tuple(
    f for f in FACETS if f != "type"
)  # region kind category grade cert year locale
PRODUCER_HOOK_LIMIT = 1000
INLINE_PENDING_LIMIT = 200


def _csv(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


class SearchParams(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default="", trim_whitespace=True
    )
    type = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="producer, product, blacklist, case, page (comma-separated)",
    )
    page = serializers.IntegerField(required=False, min_value=1, max_value=API_MAX_PAGE, default=1)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=API_MAX_PAGE_SIZE, default=20
    )
    facets = serializers.BooleanField(required=False, default=True)
    region = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.CharField(required=False, allow_blank=True, default="")
    grade = serializers.CharField(required=False, allow_blank=True, default="")
    cert = serializers.CharField(required=False, allow_blank=True, default="")
    year = serializers.CharField(required=False, allow_blank=True, default="")
    locale = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_type(self, value):
        types = _csv(value)
        unknown = [t for t in types if t not in DOC_TYPES]
        if unknown:
            raise serializers.ValidationError(
                f"未知类型 / unknown type: {', '.join(unknown)}（可选 / one of: {', '.join(DOC_TYPES)}）"
            )
        return types

    def validate_region(self, value):
        codes = _csv(value)
        if any(not (len(c) == 6 and c.isdigit()) for c in codes):
            raise serializers.ValidationError("行政区划代码应为6位数字 / six-digit region codes")
        return codes

    def validate_year(self, value):
        years = _csv(value)
        if any(not (len(y) == 4 and y.isdigit()) for y in years):
            raise serializers.ValidationError("年份应为4位数字 / four-digit years")
        return years

    def request(self) -> SearchRequest:
        data = self.validated_data
        filters = {}
        for name in FILTER_PARAMS:
            value = data.get(name)
            values = value if isinstance(value, list) else _csv(value or "")
            if values:
                filters[name] = values
        return SearchRequest(
            q=data["q"],
            types=data["type"] or [],
            filters=filters,
            page=data["page"],
            page_size=data["page_size"],
            facets=data["facets"],
        )


def response_body(resp, q: str) -> dict:
    return {
        "q": q,
        "total": resp.total,
        "total_exact": resp.total_exact,
        "page": resp.page,
        "page_size": resp.page_size,
        "results": [
            {
                "type": h.type,
                "id": h.id,
                "title": h.title,
                "url": h.url,
                "highlight": h.highlight,
                "score": h.score,
                "fields": h.fields,
            }
            for h in resp.hits
        ],
        "facets": {
            name: [{"value": v, "label": label, "count": c} for v, label, c in values]
            for name, values in resp.facets.items()
        },
        "facets_exact": resp.facets_exact,
        "suggestion": resp.suggestion,
    }


_HITS = inline_serializer(
    "SearchHit",
    many=True,
    fields={
        "type": serializers.ChoiceField(choices=DOC_TYPES),
        "id": serializers.CharField(),
        "title": serializers.CharField(),
        "url": serializers.CharField(),
        "highlight": serializers.DictField(
            child=serializers.CharField(), help_text="title / snippet, HTML with <mark>"
        ),
        "score": serializers.FloatField(),
        "fields": serializers.DictField(),
    },
)


class SearchView(APIView):
    """全站搜索 / Search producers, certified products, the blacklist, cases and pages."""

    @extend_schema(
        parameters=[SearchParams],
        responses=inline_serializer(
            "SearchResponse",
            {
                "q": serializers.CharField(),
                "total": serializers.IntegerField(),
                "total_exact": serializers.BooleanField(help_text="false: total is a lower bound"),
                "page": serializers.IntegerField(),
                "page_size": serializers.IntegerField(),
                "results": _HITS,
                "facets": serializers.DictField(),
                "facets_exact": serializers.BooleanField(),
                "suggestion": serializers.CharField(allow_null=True),
            },
        ),
    )
    def get(self, request):
        params = SearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        search_request = params.request()
        try:
            resp = get_engine().search(search_request)
        except Exception:  # noqa: BLE001 - an engine outage is a 503, not a 500
            log.exception("search failed")
            return error_response(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "search_unavailable",
                "搜索服务暂不可用 / search is temporarily unavailable",
            )
        return Response(response_body(resp, search_request.q))


# --- /api/v1/producers/?q= -----------------------------------------------------------------


def _catch_up() -> bool:
    """Process a few pending keys inline (read-your-writes); False when the index is behind."""
    from search import indexing
    from search.models import PendingKey

    pending = PendingKey.objects.count()
    if not pending:
        return True
    if pending > INLINE_PENDING_LIMIT or indexing.rebuilding():
        return False
    indexing.process_pending(limit=INLINE_PENDING_LIMIT)
    return True


def producer_query(queryset, q: str):
    """``credit.api.filters.producer_query_hook``: the engine's matching producers, in rank
    order. Falls back to credit's substring match while the index is not built or behind."""
    from credit.api.filters import default_producer_query
    from search import indexing

    try:
        if not indexing.is_built() or not _catch_up():
            return default_producer_query(queryset, q)
        resp = get_engine().search(
            SearchRequest(
                q=q,
                types=["producer"],
                page=1,
                page_size=PRODUCER_HOOK_LIMIT,
                facets=False,
                highlight=False,
            )
        )
    except Exception:  # noqa: BLE001 - never fail the producer API because of search
        log.exception("search: producer query failed, using the substring match")
        return default_producer_query(queryset, q)
    ids = [int(h.id) for h in resp.hits if h.id.isdigit()]
    # The public index holds growers (natural persons) by surname only; this API lists full
    # names, so an exact full-name match still finds them (first, as an exact match would be).
    exact = list(queryset.filter(name=q.strip()).values_list("id", flat=True)[:20])
    ids = list(dict.fromkeys(exact + ids))
    if not ids:
        return queryset.none()
    rank = Case(
        *[When(id=pid, then=pos) for pos, pid in enumerate(ids)], output_field=IntegerField()
    )
    return queryset.filter(id__in=ids).annotate(_search_rank=rank).order_by("_search_rank", "id")


__all__ = ["SearchView", "producer_query", "response_body"]
