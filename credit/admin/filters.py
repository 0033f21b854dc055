"""Filter sets of the credit admin listings (Wagtail)."""

from __future__ import annotations

import re
import unicodedata

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from credit.models import (
    AuditEvent,
    BlacklistEntry,
    CaseSeverity,
    Certificate,
    Certification,
    CertificationType,
    CheckResult,
    CreditGrade,
    EnforcementCase,
    GradeChoices,
    Inspection,
    Objection,
    Producer,
    ProducerKind,
    ProductCategory,
    Region,
    RepairApplication,
    RepairStatus,
    Restriction,
    ReviewStatus,
    Sampling,
    SamplingPlan,
    Scenario,
)

_CODE_RE = re.compile(r"^\d{2,6}$")


def region_prefixes(value: str) -> list[str]:
    """A region typed as a code (2, 4 or 6 digits, any level) or a name → code prefixes.

    '220000' (a province) → ['22']; '220100' (a city) → ['2201']; '220122' → ['220122'];
    '农安' → the prefixes of every region whose name contains it.
    """
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return []
    if _CODE_RE.match(text):
        if len(text) == 6:
            region = Region.objects.filter(code=text).first()
            return [region.prefix] if region else [text]
        return [text]
    regions = Region.objects.filter(name__contains=text).order_by("code")[:50]
    prefixes = sorted({r.prefix for r in regions})
    # Drop prefixes already covered by a shorter one.
    return [p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)]


def region_q(field: str, value: str) -> Q:
    prefixes = region_prefixes(value)
    if not prefixes:
        return Q(pk__in=[])
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


class RegionFilter(django_filters.CharFilter):
    def __init__(self, *args, region_field="region__code", **kwargs):
        kwargs.setdefault("label", _("行政区划"))
        kwargs.setdefault("help_text", _("区划代码（省、市、县均可）或名称，含下级"))
        super().__init__(*args, **kwargs)
        self.region_field = region_field

    def filter(self, qs, value):
        if not value or not value.strip():
            return qs
        return qs.filter(region_q(self.region_field, value))


def _categories_q(value: str) -> Q:
    # JSON list of codes: match the quoted code in the stored text (works on SQLite and
    # PostgreSQL, where JSON containment is not portable).
    return Q(categories__icontains=f'"{value}"')


class ProducerFilterSet(WagtailFilterSet):
    region = RegionFilter()
    kind = django_filters.ChoiceFilter(label=_("主体类型"), choices=ProducerKind.choices)
    grade = django_filters.ChoiceFilter(label=_("信用等级"), choices=GradeChoices.choices)
    category = django_filters.ChoiceFilter(
        label=_("产品类别"), choices=ProductCategory.choices, method="filter_category"
    )

    class Meta:
        model = Producer
        fields = []

    def filter_category(self, qs, name, value):
        return qs.filter(_categories_q(value)) if value else qs


FACT_STATUS_CHOICES = [("active", _("有效")), ("voided", _("已作废"))]


class FactFilterSet(WagtailFilterSet):
    """Common fact filters; `date_field` names the model's date."""

    date_field = "date"
    region = RegionFilter(region_field="producer__region__code")
    status = django_filters.ChoiceFilter(
        label=_("记录状态"), choices=FACT_STATUS_CHOICES, method="filter_status"
    )
    producer = django_filters.NumberFilter(
        field_name="producer_id", label=_("主体编号"), widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.Meta.model._meta.get_field(self.date_field)
        self.filters["date_range"] = django_filters.DateFromToRangeFilter(
            field_name=self.date_field, label=field.verbose_name, widget=DateRangePickerWidget
        )
        self.filters["date_range"].parent = self
        self.filters["date_range"].model = self.Meta.model

    def filter_status(self, qs, name, value):
        if value == "active":
            return qs.filter(voided_at__isnull=True)
        if value == "voided":
            return qs.filter(voided_at__isnull=False)
        return qs


class InspectionFilterSet(FactFilterSet):
    records_ok = django_filters.BooleanFilter(label=_("生产档案合规"))
    certificate_ok = django_filters.BooleanFilter(label=_("合格证开具合规"))
    inputs_ok = django_filters.BooleanFilter(label=_("投入品使用合规"))
    false_certificate = django_filters.BooleanFilter(label=_("虚假开证或冒用他人名义开证"))

    class Meta:
        model = Inspection
        fields = []


class SamplingFilterSet(FactFilterSet):
    result = django_filters.ChoiceFilter(label=_("检测结果"), choices=CheckResult.choices)
    plan = django_filters.ChoiceFilter(label=_("抽检类型"), choices=SamplingPlan.choices)
    category = django_filters.ChoiceFilter(label=_("产品类别"), choices=ProductCategory.choices)

    class Meta:
        model = Sampling
        fields = []


class CertificateFilterSet(FactFilterSet):
    date_field = "issue_date"

    class Meta:
        model = Certificate
        fields = []


class CertificationFilterSet(FactFilterSet):
    date_field = "valid_from"
    type = django_filters.ChoiceFilter(label=_("认证类型"), choices=CertificationType.choices)

    class Meta:
        model = Certification
        fields = []


class EnforcementCaseFilterSet(FactFilterSet):
    date_field = "decision_date"
    severity = django_filters.ChoiceFilter(label=_("严重程度"), choices=CaseSeverity.choices)
    criminal_transfer = django_filters.BooleanFilter(label=_("移送司法"))

    class Meta:
        model = EnforcementCase
        fields = []


BLACKLIST_STATE_CHOICES = [("listed", _("名单内")), ("removed", _("已移出"))]


class BlacklistEntryFilterSet(FactFilterSet):
    date_field = "start_date"
    state = django_filters.ChoiceFilter(
        label=_("名单状态"), choices=BLACKLIST_STATE_CHOICES, method="filter_state"
    )

    class Meta:
        model = BlacklistEntry
        fields = []

    def filter_state(self, qs, name, value):
        if value == "listed":
            return qs.filter(removed_on__isnull=True)
        if value == "removed":
            return qs.filter(removed_on__isnull=False)
        return qs


class CreditGradeFilterSet(WagtailFilterSet):
    grade = django_filters.ChoiceFilter(label=_("等级"), choices=GradeChoices.choices)
    as_of = django_filters.DateFromToRangeFilter(
        label=_("评定基准日"), widget=DateRangePickerWidget
    )
    region = RegionFilter(region_field="producer__region__code")
    producer = django_filters.NumberFilter(
        field_name="producer_id", label=_("主体编号"), widget=forms.HiddenInput
    )

    class Meta:
        model = CreditGrade
        fields = []


RESTRICTION_STATE_CHOICES = [("open", _("执行中")), ("past", _("已结束"))]


class RestrictionFilterSet(WagtailFilterSet):
    scenario = django_filters.ChoiceFilter(label=_("惩戒场景"), choices=Scenario.choices)
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=RESTRICTION_STATE_CHOICES, method="filter_state"
    )
    region = RegionFilter(region_field="producer__region__code")

    class Meta:
        model = Restriction
        fields = []

    def filter_state(self, qs, name, value):
        today = timezone.localdate()
        open_q = Q(lifted_at__isnull=True) & (Q(end__isnull=True) | Q(end__gte=today))
        if value == "open":
            return qs.filter(open_q)
        if value == "past":
            return qs.exclude(open_q)
        return qs


class ObjectionFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReviewStatus.choices)
    region = RegionFilter(region_field="producer__region__code")

    class Meta:
        model = Objection
        fields = []


class RepairApplicationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RepairStatus.choices)
    region = RegionFilter(region_field="producer__region__code")

    class Meta:
        model = RepairApplication
        fields = []


class AuditEventFilterSet(WagtailFilterSet):
    action = django_filters.CharFilter(label=_("操作"), lookup_expr="startswith")
    at = django_filters.DateFromToRangeFilter(label=_("时间"), widget=DateRangePickerWidget)
    producer = django_filters.NumberFilter(field_name="producer_id", label=_("主体编号"))

    class Meta:
        model = AuditEvent
        fields = []


class RegionFilterSet(WagtailFilterSet):
    level = django_filters.ChoiceFilter(
        label=_("级别"), choices=Region._meta.get_field("level").choices
    )

    class Meta:
        model = Region
        fields = []
