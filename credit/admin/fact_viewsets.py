"""The viewsets of the append-only facts: one per fact model, on a common base."""

from __future__ import annotations

from django.forms.models import modelform_factory
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, StatusTagColumn

from credit.admin import filters, forms
from credit.admin.base import CreditViewSet, iso_date_column
from credit.admin.facts import (
    CorrectFactView,
    FactCreateView,
    FactIndexView,
    FactInspectView,
    VoidFactView,
    fact_status,
    yes_no,
)
from credit.admin.forms import FACT_RECORD_FIELDS
from credit.models import (
    BlacklistEntry,
    Certificate,
    Certification,
    EnforcementCase,
    Inspection,
    Sampling,
)


def _bool_text(value) -> str:
    if value is None:
        return "na"
    return "是" if value else "否"


class FactViewSet(CreditViewSet):
    """Append-only facts: create and inspect; 更正 and 作废 instead of edit and delete."""

    policy_actions = {"add", "view"}
    index_view_class = FactIndexView
    inspect_view_class = FactInspectView
    add_view_class = FactCreateView
    select_related = ("producer", "producer__region")
    search_contains = ("producer__name",)
    code_field = None
    ordering = None

    @cached_property
    def name(self):
        return f"credit_{self.model_name}"

    @cached_property
    def url_prefix(self):
        return f"credit/{self.model_name}"

    @cached_property
    def menu_label(self):
        return self.model._meta.verbose_name_plural

    @cached_property
    def search_exact(self):
        return ("producer__uscc", "producer__id_number")

    @cached_property
    def own_fields(self) -> list[str]:
        """The fact's content fields, as an officer enters them."""
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if f.editable and f.name not in ("id", "producer")
        ]

    @cached_property
    def form_fields(self):
        return [
            f.name for f in self.model._meta.concrete_fields if f.editable and not f.primary_key
        ]

    def get_form_class(self, for_update=False):
        return modelform_factory(self.model, form=forms.FactCreateForm, fields=self.form_fields)

    def get_index_view_kwargs(self, **kwargs):
        contains = ("producer__name",) + ((self.code_field,) if self.code_field else ())
        return super().get_index_view_kwargs(**kwargs) | {"search_contains": contains}

    @cached_property
    def list_export(self):
        return [
            "producer.name",
            "producer.key",
            *self.own_fields,
            "status",
            "void_reason",
        ]

    @cached_property
    def export_headings(self):
        headings = {
            "producer.name": "生产经营主体",
            "producer.key": "统一社会信用代码/证件号（脱敏）",
            "status": "记录状态",
            "void_reason": "作废原因",
        }
        for f in self.model._meta.concrete_fields:
            headings.setdefault(f.name, str(f.verbose_name))
        return headings

    @cached_property
    def export_values(self):
        values = {"status": fact_status}
        for f in self.model._meta.concrete_fields:
            if f.choices:
                values[f.name] = (lambda name: lambda o: getattr(o, f"get_{name}_display")())(
                    f.name
                )
            elif f.get_internal_type() == "BooleanField":
                values[f.name] = (lambda name: lambda o: _bool_text(getattr(o, name)))(f.name)
        return values

    @cached_property
    def export_filename(self):
        return self.model_name

    @cached_property
    def inspect_view_fields(self):
        stamps = ["removed_on", "removal_reason"] if self.model is BlacklistEntry else []
        return [
            "producer",
            *self.own_fields,
            *stamps,
            *FACT_RECORD_FIELDS,
        ]

    def fact_columns(self):
        return []

    @cached_property
    def list_display(self):
        return [
            "__str__",
            Column(
                "producer",
                label=gettext_lazy("生产经营主体"),
                accessor=lambda f: f.producer.name,
            ),
            *self.fact_columns(),
            StatusTagColumn(
                "status",
                label=gettext_lazy("记录状态"),
                accessor=fact_status,
                primary=lambda f: not f.is_voided,
            ),
        ]

    def extra_urlpatterns(self):
        common = self.object_view_kwargs()
        return [
            path("correct/<int:pk>/", CorrectFactView.as_view(**common), name="correct"),
            path("void/<int:pk>/", VoidFactView.as_view(**common), name="void"),
        ]


class InspectionViewSet(FactViewSet):
    model = Inspection
    icon = "tasks"
    filterset_class = filters.InspectionFilterSet
    code_field = "agency"

    def fact_columns(self):
        return [
            iso_date_column("date", gettext_lazy("检查日期")),
            Column(
                "records_ok",
                label=gettext_lazy("生产档案"),
                accessor=lambda f: yes_no(f.records_ok),
            ),
            Column(
                "certificate_ok",
                label=gettext_lazy("合格证开具"),
                accessor=lambda f: yes_no(f.certificate_ok),
            ),
            Column(
                "inputs_ok",
                label=gettext_lazy("投入品使用"),
                accessor=lambda f: yes_no(f.inputs_ok),
            ),
        ]


class SamplingViewSet(FactViewSet):
    model = Sampling
    icon = "crosshairs"
    filterset_class = filters.SamplingFilterSet
    code_field = "sample_code"

    def fact_columns(self):
        return [
            iso_date_column("date", gettext_lazy("抽样日期")),
            Column("product", label=gettext_lazy("产品名称")),
            Column(
                "result",
                label=gettext_lazy("检测结果"),
                accessor="get_result_display",
                sort_key="result",
            ),
        ]


class CertificateViewSet(FactViewSet):
    model = Certificate
    icon = "doc-empty"
    filterset_class = filters.CertificateFilterSet
    code_field = "code"

    def fact_columns(self):
        return [
            iso_date_column("issue_date", gettext_lazy("开具日期")),
            Column("product", label=gettext_lazy("产品名称")),
            Column(
                "quantity", label=gettext_lazy("数量"), accessor=lambda f: f"{f.quantity} {f.unit}"
            ),
        ]


class CertificationViewSet(FactViewSet):
    model = Certification
    icon = "success"
    filterset_class = filters.CertificationFilterSet
    code_field = "number"

    def fact_columns(self):
        return [
            Column(
                "type", label=gettext_lazy("认证类型"), accessor="get_type_display", sort_key="type"
            ),
            Column("product", label=gettext_lazy("产品名称")),
            iso_date_column("valid_to", gettext_lazy("有效期止")),
        ]


class EnforcementCaseViewSet(FactViewSet):
    model = EnforcementCase
    icon = "warning"
    filterset_class = filters.EnforcementCaseFilterSet
    code_field = "case_number"

    def fact_columns(self):
        return [
            iso_date_column("decision_date", gettext_lazy("处罚决定日期")),
            Column(
                "severity",
                label=gettext_lazy("严重程度"),
                accessor="get_severity_display",
                sort_key="severity",
            ),
            Column("agency", label=gettext_lazy("处罚机关")),
        ]


class BlacklistEntryViewSet(FactViewSet):
    model = BlacklistEntry
    icon = "no-view"
    filterset_class = filters.BlacklistEntryFilterSet
    code_field = "decision_number"

    def fact_columns(self):
        return [
            iso_date_column("start_date", gettext_lazy("列入日期")),
            iso_date_column("end_date", gettext_lazy("期满日期")),
            iso_date_column("removed_on", gettext_lazy("移出日期")),
        ]
