"""Generic views and the viewset base of the credit admin; every view is region-scoped."""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.models import modelform_factory
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.coreutils import multigetattr

from credit.admin import forms
from credit.admin.policies import CreditPermissionPolicy, ensure_in_scope, scoped_queryset
from credit.models import AuditEvent, Producer

# Filled as the viewsets register: how views link to another model's admin pages.
VIEWSETS_BY_MODEL: dict[type, CreditViewSet] = {}


def admin_url(obj, view_name: str) -> str | None:
    """The admin URL of `obj`'s view `view_name` (inspect, correct, void, decide…)."""
    viewset = VIEWSETS_BY_MODEL.get(type(obj))
    if viewset is None:
        return None
    return reverse(viewset.get_url_name(view_name), args=(quote(obj.pk),))


def integrity_url(producer_or_id) -> str:
    pk = getattr(producer_or_id, "pk", producer_or_id)
    return reverse("credit_producer:integrity", args=(pk,))


def integrity_button(producer_or_id, button_class=HeaderButton, **kwargs):
    """The link to a producer's 诚信档案, as a header button, list item or menu button."""
    return button_class(
        _("诚信档案"), integrity_url(producer_or_id), icon_name="doc-full", **kwargs
    )


def iso_date_column(name, label, sortable=True, width="110"):
    """Dates as 2026-03-01 (Wagtail's DateColumn shows '3 weeks ago', wrong for facts)."""

    def accessor(obj):
        value = getattr(obj, name)
        return value.isoformat() if value else "—"

    return Column(
        name, label=label, accessor=accessor, sort_key=name if sortable else None, width=width
    )


class ScopedMixin:
    """Views get `scope_queryset(request)` from their viewset (its `get_queryset`)."""

    scope_queryset = None

    def scoped_queryset(self):
        return self.scope_queryset(self.request)

    def get_scoped_object(self, pk):
        obj = get_object_or_404(self.scoped_queryset(), pk=unquote(str(pk)))
        ensure_in_scope(self.request.user, obj)
        return obj


class NoWagtailLogMixin:
    """Credit data is audited in credit.services.audit, not in Wagtail's log entries."""

    def save_instance(self):
        instance = self.form.save()
        self.has_content_changes = self.form.has_changed()
        return instance

    def delete_action(self):
        self.object.delete()


class CreditIndexView(ScopedMixin, generic.IndexView):
    """Scoped listing and export, with a substring search.

    Wagtail's database search backends do not find a two-character substring of a
    Chinese name (DESIGN §8), so the search here is a queryset filter: `icontains` on
    `search_contains` fields OR an exact match on `search_exact` identifiers.
    """

    search_contains = ()
    search_exact = ()
    export_values = {}

    def get_base_queryset(self):
        return self.scoped_queryset()

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for button in buttons:
            if button.icon_name == "info-circle":
                button.label = _("详情")
        return buttons

    @cached_property
    def is_searchable(self):
        return bool(self.search_contains or self.search_exact) and bool(self.index_results_url)

    def stream_csv(self, queryset):
        # A UTF-8 BOM first, so spreadsheet programs read the Chinese text correctly.
        yield "\ufeff"
        yield from super().stream_csv(queryset)

    def search_q(self, query: str) -> Q:
        from credit.text import t2s

        text = unicodedata.normalize("NFKC", query or "").strip()
        q = Q()
        # Staff may type traditional characters (綠源) for names kept in simplified (绿源).
        for variant in dict.fromkeys([text, t2s(text)]):
            for field in self.search_contains:
                q |= Q(**{f"{field}__icontains": variant})
        key = re.sub(r"\s+", "", text).upper()
        if key:
            for field in self.search_exact:
                q |= Q(**{field: key})
        return q

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(self.search_q(self.search_query))

    def to_row_dict(self, item):
        return OrderedDict(
            (
                field,
                self.export_values[field](item)
                if field in self.export_values
                else multigetattr(item, field),
            )
            for field in self.list_export
        )


class ProducerLinkIndexView(CreditIndexView):
    """A listing of rows that belong to a producer: each links to its 诚信档案."""

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(integrity_button(instance.producer_id, MenuItem, priority=40))
        return buttons


class CreditInspectView(ScopedMixin, generic.InspectView):
    # Wagtail's "Inspect" reads 检查 in Chinese, which here means an on-site inspection.
    page_title = gettext_lazy("详情")

    def get_object(self, queryset=None):
        return self.get_scoped_object(self.pk)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        if value is True:
            return _("是")
        if value is False:
            return _("否")
        return value


class CreditCreateView(NoWagtailLogMixin, generic.CreateView):
    def get_initial(self):
        initial = super().get_initial()
        producer = self.request.GET.get("producer")
        if producer and producer.isdigit():
            initial["producer"] = int(producer)
        return initial


class ScopedObjectMixin(ScopedMixin):
    """For Wagtail's edit and delete views: the object from the scoped queryset, checked."""

    def get_queryset(self):
        return self.scoped_queryset()

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        ensure_in_scope(self.request.user, obj)
        return obj


class CreditEditView(NoWagtailLogMixin, ScopedObjectMixin, generic.EditView):
    pass


class CreditDeleteView(NoWagtailLogMixin, ScopedObjectMixin, generic.DeleteView):
    def get_object(self, queryset=None):
        if getattr(self, "object", None):
            return self.object
        return super().get_object(queryset)


class CreditHistoryView(ScopedMixin, WagtailAdminTemplateMixin, TemplateView):
    """An object's history from the credit audit chain (who, when, why), scoped.

    The credit admin writes no Wagtail log entries: Wagtail's site-history report filters
    them by content type only, which would show officers other regions' records.
    """

    template_name = "credit/admin/history.html"
    permission_policy = None
    model = None
    index_url_name = None
    inspect_url_name = None
    header_icon = "history"
    page_title = gettext_lazy("历史记录")
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_any_permission(
            request.user, ["add", "change", "delete", "view"]
        ):
            raise PermissionDenied
        self.object = self.get_scoped_object(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        items = [
            {"url": reverse(self.index_url_name), "label": self.model._meta.verbose_name_plural}
        ]
        if self.inspect_url_name:
            items.append(
                {
                    "url": reverse(self.inspect_url_name, args=(quote(self.object.pk),)),
                    "label": str(self.object),
                }
            )
        items.append({"url": "", "label": self.page_title})
        return self.breadcrumbs_items + items

    def get_events(self):
        events = AuditEvent.objects.all()
        if isinstance(self.object, Producer):
            q = Q(producer_id=self.object.pk) | Q(
                object_type="producer", object_id=str(self.object.pk)
            )
        else:
            q = Q(object_type=self.model._meta.model_name, object_id=str(self.object.pk))
        return events.filter(q).order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(self.get_events(), self.paginate_by)
        page = paginator.get_page(self.request.GET.get("p"))
        context.update(
            {
                "object": self.object,
                "page_obj": page,
                "events": page.object_list,
                "is_producer": isinstance(self.object, Producer),
            }
        )
        return context


class ObjectActionView(ScopedMixin, WagtailAdminTemplateMixin, FormView):
    """A form acting on one object in scope (更正, 作废, 决定). Needs the model's raw
    'change' permission, which append-only and read-only models keep for these actions."""

    permission_policy = None
    model = None
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_model_permission(request.user, "change"):
            raise PermissionDenied
        self.object = self.get_scoped_object(kwargs["pk"])
        return self.check_object(request) or super().dispatch(request, *args, **kwargs)

    def check_object(self, request):
        """Further checks of `self.object`: a response to send instead of the form, or None."""
        return None

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": self.model._meta.verbose_name_plural},
            {"url": admin_url(self.object, "inspect"), "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]


class CreditViewSet(ModelViewSet):
    """A scoped model viewset of the credit admin."""

    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    list_per_page = 50

    #: Wagtail actions the model allows (None: every model permission).
    policy_actions = None
    superuser_only = False
    #: Without add/edit/delete views at all.
    read_only = False
    select_related = ()
    search_contains = ()
    search_exact = ()
    export_values = {}

    index_view_class = CreditIndexView
    add_view_class = CreditCreateView
    edit_view_class = CreditEditView
    delete_view_class = CreditDeleteView
    history_view_class = CreditHistoryView
    inspect_view_class = CreditInspectView

    @cached_property
    def menu_name(self):
        return self.name

    @cached_property
    def permission_policy(self):
        actions = {"view"} if self.read_only else self.policy_actions
        return CreditPermissionPolicy(
            self.model, actions=actions, superuser_only=self.superuser_only
        )

    def get_queryset(self, request):
        qs = scoped_queryset(self.model, request.user)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs["scope_queryset"] = self.get_queryset
        view_kwargs["usage_url_name"] = None
        if self.read_only:
            view_kwargs.update(add_url_name=None, edit_url_name=None, delete_url_name=None)
        return view_kwargs

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            search_contains=self.search_contains,
            search_exact=self.search_exact,
            export_values=self.export_values,
            **kwargs,
        )

    def get_form_class(self, for_update=False):
        if self.read_only:
            return modelform_factory(self.model, fields=[])
        form = getattr(self, "form_class", None)
        if form is not None:
            return form
        fields = self.get_form_fields()
        return modelform_factory(self.model, form=forms.ScopedModelForm, fields=fields)

    def object_view_kwargs(self) -> dict:
        """For the scoped views of one object: history and the custom actions."""
        return {
            "scope_queryset": self.get_queryset,
            "permission_policy": self.permission_policy,
            "model": self.model,
            "index_url_name": self.get_url_name("index"),
        }

    def extra_urlpatterns(self):
        return []

    @property
    def history_view(self):
        return self.history_view_class.as_view(
            inspect_url_name=self.get_url_name("inspect"), **self.object_view_kwargs()
        )

    def get_urlpatterns(self):
        dropped = {"usage", "history_results"}
        if self.read_only:
            dropped |= {"add", "edit", "delete"}
        patterns = [p for p in super().get_urlpatterns() if p.name not in dropped]
        return patterns + self.extra_urlpatterns()

    def on_register(self):
        super().on_register()
        VIEWSETS_BY_MODEL[self.model] = self
