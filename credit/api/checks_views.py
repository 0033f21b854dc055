"""POST /api/v1/checks/ (batch credit check), GET /api/v1/checks/{id}/ and its reports."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from credit.api.errors import error_response, not_found
from credit.api.throttles import TokenOrIPRateThrottle
from credit.checks import report, service, tasks
from credit.checks.auth import ApiTokenAuthentication, HasApiToken
from credit.checks.serializers import (
    CheckHeadSerializer,
    CheckRequestSerializer,
    CheckSerializer,
    ErrorSerializer,
)
from credit.models import ApiToken, BatchCheck, CheckSource, Programme


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


ERRORS = {
    400: error("invalid request: error.fields name each bad field, e.g. entries[12].uscc"),
    401: error("no, invalid or revoked token"),
    403: error("the token is not scoped to the scenario"),
    429: error("rate limited (see Retry-After)"),
}
READ_ERRORS = {
    401: ERRORS[401],
    404: error("no such check for this organisation"),
    429: ERRORS[429],
}
REPORT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def check_document(check: BatchCheck, request) -> dict:
    """The API view of an issued check (the same for POST and GET)."""
    doc = check.document

    def report_url(fmt):
        return request.build_absolute_uri(reverse("api-check-report", args=[check.pk, fmt]))

    return {
        "id": check.pk,
        "verification_code": check.verification_code,
        "organisation": doc["organisation"],
        "programme": doc["programme"],
        "scenario": check.scenario,
        "date": doc["date"],
        "created": doc["created"],
        "content_sha256": check.content_sha256,
        "verify_url": report.verify_url(check),
        "summary": doc["summary"],
        "reports": {fmt: report_url(fmt) for fmt in REPORT_TYPES},
        "results": doc["results"],
    }


class CheckCreateView(APIView):
    """批量信用核查 / Batch credit check against grades and joint-punishment restrictions."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasApiToken]
    parser_classes = [JSONParser]
    throttle_classes = [TokenOrIPRateThrottle]
    throttle_scope = "checks"

    @extend_schema(
        operation_id="checks_create",
        request=CheckRequestSerializer,
        responses={201: CheckSerializer, **ERRORS},
        description=(
            "Matches each entry (USCC exactly, else name / former name, else a fuzzy name "
            "match within region_code or nationwide) and reports its grade and the "
            "restrictions in force for the scenario on the date. The token must be scoped "
            "to the scenario. The check is stored; its reports never change."
        ),
    )
    def post(self, request):
        data = request.data
        if not isinstance(data, dict):
            return error_response(
                400, "invalid", "请求体应为 JSON 对象 / body must be a JSON object"
            )
        head = CheckHeadSerializer(data=data)
        head.is_valid(raise_exception=True)
        token: ApiToken = request.auth
        scenario = head.validated_data["scenario"]
        if not token.allows(scenario):
            return error_response(
                status.HTTP_403_FORBIDDEN,
                "scenario_not_allowed",
                f"令牌未授权用于该场景 / token is not scoped to {scenario!r}",
                [{"field": "scenario", "message": f"allowed: {', '.join(token.scenarios)}"}],
            )
        programme = None
        if head.validated_data.get("programme") is not None:
            programme = Programme.objects.filter(
                pk=head.validated_data["programme"], organisation=token.organisation
            ).first()
            if programme is None:
                return error_response(
                    400,
                    "invalid",
                    "请求参数有误 / invalid request",
                    [{"field": "programme", "message": "本机构无此项目 / unknown programme"}],
                )
        if "entries" not in data:
            return error_response(
                400,
                "invalid",
                "请求参数有误 / invalid request",
                [{"field": "entries", "message": "必填 / required"}],
            )
        try:
            entries = service.validate_entries(data["entries"])
        except service.EntriesInvalid as exc:
            return error_response(400, "invalid", "请求参数有误 / invalid request", exc.errors)
        check = service.create_check(
            token.organisation,
            scenario,
            head.validated_data.get("date") or timezone.localdate(),
            entries,
            CheckSource.API,
            token=token,
            programme=programme,
        )
        tasks.prepare_reports(check.pk)
        return Response(check_document(check, request), status=status.HTTP_201_CREATED)


class CanSeeCheck(BasePermission):
    """A token of the check's organisation, or a signed-in member of it."""

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken) or bool(
            request.user and request.user.is_authenticated
        )


def visible_checks(request):
    if isinstance(request.auth, ApiToken):
        return BatchCheck.objects.filter(organisation=request.auth.organisation)
    return BatchCheck.objects.filter(organisation__users=request.user, organisation__active=True)


class CheckDetailView(APIView):
    """一次已出具的批量核查 / An issued batch check."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [CanSeeCheck]
    throttle_classes = [TokenOrIPRateThrottle]
    throttle_scope = "reports"

    @extend_schema(operation_id="checks_retrieve", responses={200: CheckSerializer, **READ_ERRORS})
    def get(self, request, pk: int):
        check = visible_checks(request).filter(pk=pk).first()
        if check is None:
            return not_found()
        return Response(check_document(check, request))


def report_response(check: BatchCheck, fmt: str) -> HttpResponse:
    if fmt == "pdf":
        body = report.pdf_bytes(check)
    elif fmt == "xlsx":
        body = report.xlsx_bytes(check)
    else:
        body = report.csv_bytes(check)
    response = HttpResponse(body, content_type=REPORT_TYPES[fmt])
    name = f"credit-check-{check.verification_code}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-SHA256"] = check.content_sha256
    return response


class CheckReportView(APIView):
    """核查报告（PDF、XLSX、CSV）/ The check's report."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [CanSeeCheck]
    throttle_classes = [TokenOrIPRateThrottle]
    throttle_scope = "reports"

    @extend_schema(
        operation_id="checks_report",
        parameters=[
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(REPORT_TYPES)),
        ],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, REPORT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            **READ_ERRORS,
        },
    )
    def get(self, request, pk: int, fmt: str):
        if fmt not in REPORT_TYPES:
            return not_found()
        check = visible_checks(request).filter(pk=pk).first()
        if check is None:
            return not_found()
        return report_response(check, fmt)


@extend_schema(exclude=True)
class ApiNotFoundView(APIView):
    """Unknown paths under /api/v1/: the one JSON error shape, for every method."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [TokenOrIPRateThrottle]

    def http_method_not_allowed(self, request, *args, **kwargs):
        return not_found()

    def get(self, request, *args, **kwargs):
        return not_found()

    post = put = patch = delete = head = get
