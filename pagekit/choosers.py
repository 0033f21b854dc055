"""Admin choosers for credit models that pages point at (regions, enforcement cases).

There are ~3,200 regions and, in production, tens of thousands of cases: a plain <select>
would be unusable, and neither model is indexed by Wagtail search. These modal choosers
search the database directly (name or code prefix; case number or party name).

They do not register themselves as the default widget for every ForeignKey to these models
(`register_widget = False`), so other apps' admin forms keep their own widgets; page panels
pass `widget=region_chooser.widget_class` explicitly. `pagekit.wagtail_hooks` registers
their admin views.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser


class CreditRecordChooser(BaseChooser):
    """Chooser widget without an "edit" link: regions are reference data and facts are
    append-only, so neither is edited from a page form (and credit's admin may expose
    them read-only, without an edit view to link to)."""

    def get_value_data_from_instance(self, instance):
        return {
            "id": instance.pk,
            "edit_url": None,
            self.display_title_key: self.get_display_title(instance),
        }


class _QueryFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("名称或代码")}),
    )

    def query(self, text: str) -> Q:  # pragma: no cover - overridden
        raise NotImplementedError

    def filter(self, objects):
        objects = super().filter(objects)
        text = (self.cleaned_data.get("q") or "").strip()
        if text:
            objects = objects.filter(self.query(text))
            self.is_searching = True
            self.search_query = text
        return objects


class RegionFilterForm(_QueryFilterForm):
    def query(self, text):
        return Q(name__icontains=text) | Q(code__startswith=text)


class EnforcementCaseFilterForm(_QueryFilterForm):
    def query(self, text):
        return Q(case_number__icontains=text) | Q(producer__name__icontains=text)


class _RegionColumnsMixin:
    filter_form_class = RegionFilterForm

    @property
    def columns(self):
        return [
            self.title_column,
            Column("code", label=_("行政区划代码"), accessor="code"),
            Column("level", label=_("级别"), accessor="get_level_display"),
            Column("parent", label=_("上级"), accessor=lambda r: r.parent.name if r.parent else ""),
        ]

    def get_object_list(self):
        return super().get_object_list().select_related("parent")


class RegionChooseView(_RegionColumnsMixin, ChooseView):
    pass


class RegionChooseResultsView(_RegionColumnsMixin, ChooseResultsView):
    pass


class _CaseColumnsMixin:
    filter_form_class = EnforcementCaseFilterForm

    @property
    def columns(self):
        return [
            self.title_column,
            Column("producer", label=_("当事人"), accessor="producer.name"),
            Column("decision_date", label=_("处罚决定日期"), accessor="decision_date"),
            Column("severity", label=_("严重程度"), accessor="get_severity_display"),
        ]

    def get_object_list(self):
        # Voided cases are history, not something to announce.
        return super().get_object_list().filter(voided_at__isnull=True).select_related("producer")


class CaseChooseView(_CaseColumnsMixin, ChooseView):
    pass


class CaseChooseResultsView(_CaseColumnsMixin, ChooseResultsView):
    pass


class RegionChooserViewSet(ChooserViewSet):
    model = "credit.Region"
    icon = "site"
    choose_one_text = _("选择行政区划")
    choose_another_text = _("选择其他行政区划")
    register_widget = False
    base_widget_class = CreditRecordChooser
    per_page = 20
    choose_view_class = RegionChooseView
    choose_results_view_class = RegionChooseResultsView


class EnforcementCaseChooserViewSet(ChooserViewSet):
    model = "credit.EnforcementCase"
    icon = "warning"
    choose_one_text = _("选择行政处罚案件")
    choose_another_text = _("选择其他案件")
    register_widget = False
    base_widget_class = CreditRecordChooser
    per_page = 20
    ordering = ["-decision_date", "-id"]
    choose_view_class = CaseChooseView
    choose_results_view_class = CaseChooseResultsView


region_chooser = RegionChooserViewSet("pagekit_region_chooser")
case_chooser = EnforcementCaseChooserViewSet("pagekit_case_chooser")
