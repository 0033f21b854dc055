"""Printing a 承诺达标合格证 (PDF) from the credit admin.

Adds a "打印合格证" button to the certificate's details (inspect) view and the download
view behind it, region-scoped like every credit admin view. Loaded by one line in
credit/wagtail_hooks.py:

    from credit.admin import certificates_print, claims  # noqa: F401
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.widgets.button import HeaderButton

from credit.admin.fact_viewsets import CertificateViewSet
from credit.admin.facts import FactInspectView
from credit.admin.policies import CreditPermissionPolicy, ensure_in_scope, scoped_queryset
from credit.models import Certificate

URL_NAME = "credit_certificate_print"


def print_url(cert) -> str:
    return reverse(URL_NAME, args=(cert.pk,))


class CertificatePrintInspectView(FactInspectView):
    """The certificate's details with a 打印合格证 (PDF) button."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if not self.object.is_voided:
            buttons.insert(
                0,
                HeaderButton(
                    _("打印合格证（PDF）"),
                    url=print_url(self.object),
                    icon_name="download",
                    priority=5,
                ),
            )
        return buttons


# The certificates' viewset is instantiated when Wagtail collects the admin viewsets, after
# this module is imported from credit/wagtail_hooks.py: its details view gets the button.
CertificateViewSet.inspect_view_class = CertificatePrintInspectView


def certificate_pdf(request, pk: int):
    """GET → the certificate as a PDF (A6, one page per copy; ?copies=N, at most 50)."""
    from credit.certificates.pdf import MAX_COPIES, render_certificate_pdf

    policy = CreditPermissionPolicy(Certificate, actions={"add", "view"})
    if not policy.user_has_permission(request.user, "view"):
        raise PermissionDenied
    cert = get_object_or_404(
        scoped_queryset(Certificate, request.user).select_related("producer"), pk=pk
    )
    ensure_in_scope(request.user, cert)
    if cert.is_voided:
        raise PermissionDenied  # a voided certificate must not be printed again
    try:
        copies = max(1, min(int(request.GET.get("copies", 1)), MAX_COPIES))
    except ValueError:
        copies = 1
    pdf = render_certificate_pdf(cert, copies)
    response = HttpResponse(pdf, content_type="application/pdf")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in cert.code)
    response["Content-Disposition"] = f'attachment; filename="certificate-{safe}.pdf"'
    return response


@hooks.register("register_admin_urls")
def register_certificate_print_url():
    return [path("credit/certificate-print/<int:pk>/", certificate_pdf, name=URL_NAME)]
