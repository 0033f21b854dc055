"""The 信用管理 menu group: every viewset of the credit admin (credit.wagtail_hooks)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.model import ModelViewSetGroup

from credit.admin.fact_viewsets import (
    BlacklistEntryViewSet,
    CertificateViewSet,
    CertificationViewSet,
    EnforcementCaseViewSet,
    InspectionViewSet,
    SamplingViewSet,
)
from credit.admin.imports import ImportViewSet
from credit.admin.producers import ProducerViewSet
from credit.admin.readonly import (
    AuditEventViewSet,
    CreditGradeViewSet,
    RegionViewSet,
    RestrictionViewSet,
)
from credit.admin.reviews import ObjectionViewSet, RepairApplicationViewSet
from credit.admin.superuser import OfficerProfileViewSet, ScoringPolicyViewSet


class CreditAdminGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("信用管理")
    menu_icon = "clipboard-list"
    menu_name = "credit"
    menu_order = 150
    items = (
        ProducerViewSet,
        InspectionViewSet,
        SamplingViewSet,
        CertificateViewSet,
        CertificationViewSet,
        EnforcementCaseViewSet,
        BlacklistEntryViewSet,
        CreditGradeViewSet,
        RestrictionViewSet,
        ObjectionViewSet,
        RepairApplicationViewSet,
        ScoringPolicyViewSet,
        AuditEventViewSet,
        RegionViewSet,
        OfficerProfileViewSet,
        ImportViewSet,
    )
