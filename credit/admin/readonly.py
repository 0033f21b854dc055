"""Read-only listings: credit grades, restrictions (联合惩戒), audit events, regions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import StatusTagColumn

from credit.admin import filters
from credit.admin.base import CreditViewSet, ProducerLinkIndexView, iso_date_column
from credit.models import AuditEvent, CreditGrade, Region, Restriction


class ProducerRecordViewSet(CreditViewSet):
    """Read-only rows that belong to a producer, each linking to its 诚信档案."""

    read_only = True
    index_view_class = ProducerLinkIndexView
    select_related = ("producer",)
    search_contains = ("producer__name",)
    search_exact = ("producer__uscc",)


class CreditGradeViewSet(ProducerRecordViewSet):
    model = CreditGrade
    name = "credit_grade"
    url_prefix = "credit/grades"
    icon = "order"
    menu_label = gettext_lazy("信用等级")
    filterset_class = filters.CreditGradeFilterSet
    list_display = [
        "producer",
        StatusTagColumn(
            "grade",
            label=gettext_lazy("等级"),
            accessor="get_grade_display",
            sort_key="grade",
            primary=lambda g: g.grade in ("C", "D"),
        ),
        "score",
        iso_date_column("as_of", gettext_lazy("评定基准日")),
        "policy_version",
        "computed_at",
    ]
    inspect_view_fields = [
        "producer",
        "as_of",
        "grade",
        "score",
        "policy_version",
        "subscores",
        "adjustments",
        "hard_rules",
        "computed_at",
    ]


class RestrictionViewSet(ProducerRecordViewSet):
    model = Restriction
    name = "credit_restriction"
    url_prefix = "credit/restrictions"
    icon = "lock"
    menu_label = gettext_lazy("联合惩戒措施")
    filterset_class = filters.RestrictionFilterSet
    list_display = [
        "producer",
        "scenario",
        iso_date_column("start", gettext_lazy("起始日期")),
        iso_date_column("end", gettext_lazy("截止日期")),
        "source",
        "basis",
        "lifted_at",
    ]
    ordering = "-start"
    inspect_view_fields = [
        "producer",
        "scenario",
        "start",
        "end",
        "basis",
        "source",
        "blacklist_entry",
        "grade",
        "lifted_at",
    ]


class AuditEventViewSet(CreditViewSet):
    model = AuditEvent
    name = "credit_audit"
    url_prefix = "credit/audit"
    icon = "history"
    menu_label = gettext_lazy("审计事件")
    read_only = True
    filterset_class = filters.AuditEventFilterSet
    search_exact = ("object_id", "actor")
    search_contains = ("reason",)
    list_display = [
        "__str__",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "producer_id",
        "reason",
    ]
    ordering = "-id"
    inspect_view_fields = [
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "producer_id",
        "reason",
        "data",
        "prev_hash",
        "hash",
    ]


class RegionViewSet(CreditViewSet):
    model = Region
    name = "credit_region"
    url_prefix = "credit/regions"
    icon = "site"
    menu_label = gettext_lazy("行政区划")
    read_only = True
    pk_path_converter = "str"
    filterset_class = filters.RegionFilterSet
    select_related = ("parent",)
    search_contains = ("name",)
    search_exact = ("code",)
    list_display = ["name", "code", "level", "parent", "population"]
    ordering = "code"
    list_per_page = 100
