"""Public routes of certificate verification and producer self-service.

Include in nongan/urls.py before the Wagtail catch-all:

    path("", include("credit.public_urls")),
"""

from django.urls import path, register_converter

from credit.certificates import views as certificates
from credit.publicforms import views as forms


class UsccConverter:
    """An 18-character USCC (GB 32100 alphabet, either case); other paths fall through."""

    regex = r"[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{18}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


register_converter(UsccConverter, "uscc")

urlpatterns = [
    # 承诺达标合格证查验
    path("verify-certificate/", certificates.verify_lookup, name="certificate-lookup"),
    path("c/<str:code>/", certificates.verify_page, name="certificate-verify"),
    path(
        "api/v1/certificates/<str:code>/",
        certificates.CertificateVerifyView.as_view(),
        name="api-certificate",
    ),
    # 异议、信用修复、主体说明 (the credit page links to the per-USCC forms)
    path("credit/<uscc:uscc>/objection/", forms.ObjectionView.as_view(), name="credit-objection"),
    path("credit/<uscc:uscc>/repair/", forms.RepairView.as_view(), name="credit-repair"),
    path("credit/<uscc:uscc>/reply/", forms.ReplyView.as_view(), name="credit-reply"),
    # the same forms for producers known by an ID number (no USCC), and the status page
    path("credit/online/objection/", forms.ObjectionView.as_view(), name="credit-objection-any"),
    path("credit/online/repair/", forms.RepairView.as_view(), name="credit-repair-any"),
    path("credit/online/reply/", forms.ReplyView.as_view(), name="credit-reply-any"),
    path("credit/online/status/", forms.application_status, name="credit-application-status"),
    path("credit/online/leave/", forms.leave, name="credit-online-leave"),
]
