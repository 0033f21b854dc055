"""Producers (生产经营主体): listing, details, create and edit, and their viewset."""

from __future__ import annotations

from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.widgets.button import Button

from credit.admin import filters, forms
from credit.admin.base import (
    CreditCreateView,
    CreditEditView,
    CreditIndexView,
    CreditInspectView,
    CreditViewSet,
    integrity_button,
    integrity_url,
    iso_date_column,
)
from credit.admin.integrity import (
    IntegrityFileView,
    RecomputeView,
    categories_display,
    region_path,
)
from credit.models import GradeChoices, Producer
from credit.services.audit import Event, actor_name, record

GRADE_LABELS = dict(GradeChoices.choices)


class ProducerIndexView(CreditIndexView):
    @cached_property
    def columns(self):
        columns = list(super().columns)
        title_class = self._get_title_column_class(TitleColumn)
        columns[0] = title_class(
            "name",
            label=_("名称"),
            sort_key="name",
            get_url=integrity_url,
        )
        return columns

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(integrity_button(instance, MenuItem, priority=5))
        return buttons


class ProducerInspectView(CreditInspectView):
    def get_id_number_display_value(self):
        if self.request.user.is_superuser:
            return self.object.id_number or "-"
        return self.object.masked_id_number or "-"

    def get_categories_display_value(self):
        return categories_display(self.object) or "-"

    def get_region_display_value(self):
        return f"{region_path(self.object.region)}（{self.object.region_id}）"

    @cached_property
    def header_buttons(self):
        return [integrity_button(self.object)]


def record_producer_event(request, action, producer, data) -> None:
    record(
        Event(
            action,
            "producer",
            str(producer.pk),
            actor=actor_name(request.user),
            producer_id=producer.pk,
            data=data,
        )
    )


class ProducerCreateView(CreditCreateView):
    def save_instance(self):
        instance = super().save_instance()
        data = {"name": instance.name, "uscc": instance.uscc, "region": instance.region_id}
        record_producer_event(self.request, "producer.created", instance, data)
        return instance

    def get_success_url(self):
        return integrity_url(self.object)


class ProducerEditView(CreditEditView):
    def save_instance(self):
        changed = list(self.form.changed_data)
        instance = super().save_instance()
        if changed:
            data = {}
            for name in changed:
                value = self.form.cleaned_data.get(name)
                if name == "id_number":
                    value = instance.masked_id_number
                elif hasattr(value, "pk"):
                    value = value.pk
                data[name] = (
                    value if isinstance(value, (str, int, list, type(None))) else str(value)
                )
            record_producer_event(self.request, "producer.updated", instance, {"changed": data})
        return instance

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(integrity_button(self.object, Button, priority=5))
        return buttons


class ProducerViewSet(CreditViewSet):
    model = Producer
    name = "credit_producer"
    url_prefix = "credit/producers"
    icon = "group"
    menu_label = gettext_lazy("生产经营主体")
    policy_actions = {"add", "change", "view"}  # master data: never deleted
    form_class = forms.ProducerForm
    filterset_class = filters.ProducerFilterSet
    index_view_class = ProducerIndexView
    inspect_view_class = ProducerInspectView
    add_view_class = ProducerCreateView
    edit_view_class = ProducerEditView
    select_related = ("region", "region__parent", "region__parent__parent")
    search_contains = ("name",)
    search_exact = ("uscc", "id_number")
    ordering = "name"
    list_display = [
        "name",
        Column("key", label=gettext_lazy("统一社会信用代码/证件号")),
        "kind",
        Column("region", label=gettext_lazy("行政区划"), accessor=lambda p: region_path(p.region)),
        StatusTagColumn(
            "grade",
            label=gettext_lazy("信用等级"),
            sort_key="grade",
            accessor=lambda p: GRADE_LABELS.get(p.grade, p.grade),
            primary=lambda p: p.grade in ("C", "D"),
        ),
        "score",
        iso_date_column("graded_on", gettext_lazy("评定日期")),
    ]
    list_export = [
        "uscc",
        "masked_id_number",
        "name",
        "kind",
        "region_id",
        "region",
        "address",
        "legal_rep",
        "phone",
        "categories",
        "grade",
        "score",
        "graded_on",
    ]
    export_headings = {
        "uscc": "统一社会信用代码",
        "masked_id_number": "身份证号码（脱敏）",
        "name": "名称",
        "kind": "主体类型",
        "region_id": "行政区划代码",
        "region": "行政区划",
        "address": "地址",
        "legal_rep": "法定代表人/负责人",
        "phone": "联系电话",
        "categories": "产品类别",
        "grade": "信用等级",
        "score": "信用得分",
        "graded_on": "评定日期",
    }
    export_values = {
        "kind": lambda p: p.get_kind_display(),
        "region": lambda p: region_path(p.region),
        "categories": categories_display,
        "uscc": lambda p: p.uscc or "",
    }
    export_filename = "producers"
    inspect_view_fields = [
        "name",
        "uscc",
        "id_number",
        "kind",
        "region",
        "address",
        "legal_rep",
        "phone",
        "categories",
        "former_names",
        "merged_into",
        "grade",
        "score",
        "graded_on",
        "created_at",
        "updated_at",
    ]

    def extra_urlpatterns(self):
        common = {"scope_queryset": self.get_queryset, "permission_policy": self.permission_policy}
        return [
            path(
                "integrity/<int:pk>/",
                IntegrityFileView.as_view(index_url_name=self.get_url_name("index"), **common),
                name="integrity",
            ),
            path("recompute/<int:pk>/", RecomputeView.as_view(**common), name="recompute"),
        ]
