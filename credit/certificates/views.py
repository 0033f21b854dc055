"""Public verification of 承诺达标合格证: /verify-certificate/ (a code box), /c/<code>/ (the
QR target) and GET /api/v1/certificates/<code>/ (same data, JSON).

The page and the API share one per-IP budget (credit.publicforms.guard.CERTIFICATE); a
lookup that finds nothing costs MISS_COST points, so enumerating codes is cut off quickly.
"""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from credit.api.errors import error_response
from credit.certificates.service import UNKNOWN, normalize_code, quantity_text, verify
from credit.publicforms import guard


def _charge(request, result) -> None:
    guard.CERTIFICATE.charge(request, guard.MISS_COST if result.status == UNKNOWN else 1)


@never_cache
def verify_lookup(request):
    """The code box. A submitted code goes to its /c/<code>/ page."""
    raw = request.GET.get("code", "")
    if raw:
        code = normalize_code(raw)
        if code:
            return HttpResponseRedirect(reverse("certificate-verify", args=(code,)))
        if guard.CERTIFICATE.blocked(request):
            return guard.too_many_requests(request, guard.CERTIFICATE)
        guard.CERTIFICATE.charge(request, guard.MISS_COST)
        return TemplateResponse(
            request,
            "credit/certificates/lookup.html",
            {"error": _("合格证编号只包含字母、数字和连字符，请核对后重新输入。"), "code": ""},
        )
    return TemplateResponse(request, "credit/certificates/lookup.html", {"code": ""})


@never_cache
def verify_page(request, code: str):
    if guard.CERTIFICATE.blocked(request):
        return guard.too_many_requests(request, guard.CERTIFICATE)
    result = verify(code)
    _charge(request, result)
    status = 404 if result.status == UNKNOWN else 200
    return TemplateResponse(
        request,
        "credit/certificates/verify.html",
        {
            "result": result,
            "cert": result.certificate,
            "quantity": quantity_text(result.certificate) if result.certificate else "",
            "issuer": result.issuer,
            "code": code,
        },
        status=status,
    )


class _Warning(serializers.Serializer):
    code = serializers.ChoiceField(choices=["unknown", "voided", "blacklisted", "restricted"])
    message = serializers.CharField()


class _CertificateFields(serializers.Serializer):
    code = serializers.CharField()
    product = serializers.CharField()
    quantity = serializers.FloatField()
    unit = serializers.CharField()
    origin = serializers.CharField()
    issue_date = serializers.DateField()
    trace_code = serializers.CharField(allow_blank=True)
    voided = serializers.BooleanField()


class _RestrictionFields(serializers.Serializer):
    scenario = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)


class _IssuerFields(serializers.Serializer):
    name = serializers.CharField()
    key = serializers.CharField(help_text="USCC, or a masked ID number")
    uscc = serializers.CharField(allow_null=True)
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    contact = serializers.CharField(help_text="masked phone number")
    grade = serializers.ChoiceField(choices=["A", "B", "C", "D", "U"])
    grade_label = serializers.CharField()
    credit_url = serializers.CharField(allow_null=True)
    blacklisted = serializers.BooleanField()
    restricted = serializers.BooleanField()
    restrictions = _RestrictionFields(many=True)


class CertificateVerificationSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=["valid", "voided"])
    valid = serializers.BooleanField(
        help_text="valid, and the issuer neither blacklisted nor restricted"
    )
    checked_on = serializers.DateField()
    warnings = _Warning(many=True)
    certificate = _CertificateFields()
    issuer = _IssuerFields()


class CertificateVerifyView(APIView):
    """承诺达标合格证查验 / Verify a compliance certificate by its code (public fields only)."""

    throttle_scope = "public"

    @extend_schema(
        responses={
            200: CertificateVerificationSerializer,
            404: OpenApiResponse(description="unknown code (one JSON error shape)"),
            429: OpenApiResponse(description="too many lookups from this address"),
        }
    )
    def get(self, request, code: str):
        if guard.CERTIFICATE.blocked(request):
            raise exceptions.Throttled(wait=guard.CERTIFICATE.retry_after())
        result = verify(code)
        _charge(request, result)
        if result.status == UNKNOWN:
            return error_response(
                404, "not_found", "平台上查不到该编号的承诺达标合格证 / unknown certificate code"
            )
        return Response(result.as_public_dict())
