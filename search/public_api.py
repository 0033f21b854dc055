"""Public JSON lists (DESIGN §9): ``GET /api/v1/blacklist/`` and
``GET /api/v1/certified-products/``.

They live in ``search`` because a query goes through the search engine (``credit`` never
imports ``search``). Pages look like ``/api/v1/producers/`` (``count``, ``next``,
``previous``, ``results``; 20 a page), errors use the one JSON error shape
(``credit.api.errors``) and requests are rate-limited like every public endpoint
(``credit.api.throttles``, scope "public"). Only public fields: never an ID number (the
masked one stands in), a phone number or a grower's full name.
"""

from __future__ import annotations

from dataclasses import replace

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from credit.api.errors import error_response
from credit.checks.serializers import ErrorSerializer
from credit.models import CertificationType
from search import lists

MAX_PAGE = lists.MAX_PAGES
REGION_HELP = "行政区划代码（六位，含下级）/ six-digit region code, any level"
Q_HELP = (
    "关键词：主体名称任意两字、拼音或首字母、统一社会信用代码、文号 / keywords: any two "
    "characters of a name, pinyin or initials, USCC, decision or certificate number"
)


# --- parameters --------------------------------------------------------------------------


class ListParams(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default="", help_text=Q_HELP
    )
    region = serializers.RegexField(
        r"^\d{6}$", required=False, allow_blank=True, default="", help_text=REGION_HELP
    )
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=1)

    def query(self) -> lists.ListQuery:
        data = self.validated_data
        return lists.ListQuery(
            q=" ".join(data["q"].split()), region=data["region"], page=data["page"]
        )


class BlacklistParams(ListParams):
    year = serializers.RegexField(
        r"^\d{4}$", required=False, allow_blank=True, default="", help_text="列入年份 / year listed"
    )

    def query(self) -> lists.ListQuery:
        return replace(super().query(), year=self.validated_data["year"])


class CertifiedParams(ListParams):
    type = serializers.ChoiceField(
        choices=CertificationType.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="green 绿色食品, organic 有机农产品, gi 农产品地理标志, mtyx 名特优新农产品",
    )

    def query(self) -> lists.ListQuery:
        return replace(super().query(), cert=self.validated_data["type"])


# --- results -----------------------------------------------------------------------------


class _ProducerPart(serializers.Serializer):
    id = serializers.IntegerField()
    producer_name = serializers.CharField(help_text="a grower (natural person): surname only")
    producer_key = serializers.CharField(help_text="USCC, or the masked ID number")
    uscc = serializers.CharField(allow_null=True)
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    url = serializers.CharField(help_text="the producer's public credit page")


class BlacklistEntrySerializer(_ProducerPart):
    decision_number = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    legal_basis = serializers.CharField(allow_blank=True)


class CertifiedProductSerializer(_ProducerPart):
    number = serializers.CharField()
    type = serializers.ChoiceField(choices=CertificationType.choices, source="cert_type")
    type_label = serializers.SerializerMethodField()
    product = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()

    def get_type_label(self, row) -> str:
        return str(dict(CertificationType.choices).get(row.get("cert_type"), ""))


def _page_serializer(name: str, item) -> serializers.Serializer:
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
            "__doc__": "One page of 20, as /api/v1/producers/.",
        },
    )


BlacklistPageSerializer = _page_serializer("BlacklistPageSerializer", BlacklistEntrySerializer)
CertifiedPageSerializer = _page_serializer(
    "CertifiedProductPageSerializer", CertifiedProductSerializer
)

ERRORS = {
    400: OpenApiResponse(response=ErrorSerializer, description="invalid parameter"),
    404: OpenApiResponse(response=ErrorSerializer, description="page past the last one"),
    429: OpenApiResponse(response=ErrorSerializer, description="rate limited"),
}


# --- views -------------------------------------------------------------------------------


class _ListView(APIView):
    throttle_scope = "public"
    params_class = ListParams
    item_serializer = None

    def fetch(self, query: lists.ListQuery) -> lists.ListPage:
        raise NotImplementedError

    def get(self, request):
        params = self.params_class(data=request.query_params)
        params.is_valid(raise_exception=True)
        result = self.fetch(params.query())
        if result.page > 1 and result.out_of_range:
            return error_response(
                status.HTTP_404_NOT_FOUND, "not_found", "页码超出范围 / invalid page"
            )
        url = request.build_absolute_uri()
        number = result.page
        return Response(
            {
                "count": result.total,
                "next": replace_query_param(url, "page", number + 1)
                if number < result.num_pages
                else None,
                "previous": (
                    None
                    if number <= 1
                    else remove_query_param(url, "page")
                    if number == 2
                    else replace_query_param(url, "page", number - 1)
                ),
                "results": self.item_serializer(result.rows, many=True).data,
            }
        )


class BlacklistListView(_ListView):
    """黑名单公示 / Blacklist entries in force today, newest first (ranked by relevance
    with ``q``)."""

    params_class = BlacklistParams
    item_serializer = BlacklistEntrySerializer

    def fetch(self, query):
        return lists.blacklist_page(query)

    @extend_schema(
        operation_id="blacklist_list",
        parameters=[BlacklistParams],
        responses={200: BlacklistPageSerializer, **ERRORS},
    )
    def get(self, request):
        return super().get(request)


class CertifiedProductListView(_ListView):
    """认证农产品 / Certifications (green food, organic, geographical indication,
    famous-special-excellent-new) valid today, newest first (ranked by relevance with
    ``q``)."""

    params_class = CertifiedParams
    item_serializer = CertifiedProductSerializer

    def fetch(self, query):
        return lists.certified_page(query)

    @extend_schema(
        operation_id="certified_products_list",
        parameters=[CertifiedParams],
        responses={200: CertifiedPageSerializer, **ERRORS},
    )
    def get(self, request):
        return super().get(request)
