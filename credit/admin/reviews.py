"""Reviews: objections (异议) and credit repair (信用修复) applications, and their decisions.

Producers submit them; staff inspect them and decide, with the model's 'change'
permission (credit.services.reviews audits each decision and recomputes the grade).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.widgets.button import HeaderButton

from credit.admin import filters, forms
from credit.admin.base import (
    VIEWSETS_BY_MODEL,
    CreditInspectView,
    ObjectActionView,
    admin_url,
    integrity_button,
    integrity_url,
)
from credit.admin.facts import fact_summary
from credit.admin.policies import ensure_in_scope, in_scope
from credit.admin.readonly import ProducerRecordViewSet
from credit.models import Objection, RepairApplication, RepairStatus


def safe_fact(item):
    try:
        return item.fact
    except Exception:  # noqa: BLE001 - a dangling reference must not break the page
        return None


def review_open(item) -> bool:
    if isinstance(item, Objection):
        return item.is_open
    return item.status in (RepairStatus.SUBMITTED, RepairStatus.UNDER_REVIEW)


def can_decide(user, item) -> bool:
    viewset = VIEWSETS_BY_MODEL.get(type(item))
    return (
        bool(viewset)
        and viewset.permission_policy.user_has_model_permission(user, "change")
        and in_scope(user, item)
    )


class ReviewInspectView(CreditInspectView):
    template_name = "credit/admin/review_inspect.html"

    def get_fact_display_value(self):
        fact = safe_fact(self.object)
        if fact is None:
            return "-"
        return f"{fact._meta.verbose_name} {fact}：{fact_summary(fact)}"

    @cached_property
    def header_buttons(self):
        buttons = []
        if review_open(self.object) and can_decide(self.request.user, self.object):
            buttons.append(
                HeaderButton(_("作出决定"), url=admin_url(self.object, "decide"), icon_name="tick")
            )
        buttons.append(integrity_button(self.object.producer_id))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fact = safe_fact(self.object)
        context["fact_obj"] = fact
        context["fact_url"] = admin_url(fact, "inspect") if fact else None
        return context


class DecisionView(ObjectActionView):
    """POST decision + reason → decide_objection / decide_repair (they audit and recompute)."""

    template_name = "credit/admin/decision.html"
    header_icon = "tick"

    def check_object(self, request):
        self.fact = safe_fact(self.object)
        if self.fact is not None:
            ensure_in_scope(request.user, self.fact)
        return None

    @property
    def is_repair(self):
        return isinstance(self.object, RepairApplication)

    def get_page_title(self):
        return _("信用修复决定") if self.is_repair else _("异议决定")

    def get_page_subtitle(self):
        return str(self.object)

    def get_form(self, form_class=None):
        if self.is_repair:
            labels = {"yes_label": _("准予修复"), "no_label": _("不予修复")}
        else:
            labels = {"yes_label": _("异议成立（作废该记录）"), "no_label": _("异议不成立")}
        return forms.DecisionForm(**self.get_form_kwargs(), **labels)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        eligibility = None
        if self.is_repair and self.fact is not None:
            from credit.services.reviews import eligibility as repair_eligibility

            try:
                eligibility = repair_eligibility(self.fact)
            except ValidationError as exc:
                eligibility = {"error": "；".join(exc.messages)}
        context.update(
            {
                "object": self.object,
                "is_repair": self.is_repair,
                "is_open": review_open(self.object),
                "fact_obj": self.fact,
                "fact_summary": fact_summary(self.fact) if self.fact else "",
                "fact_kind": self.fact._meta.verbose_name if self.fact else "",
                "fact_url": admin_url(self.fact, "inspect") if self.fact else None,
                "eligibility": eligibility,
                "integrity_url": integrity_url(self.object.producer_id),
                "action_url": self.request.get_full_path(),
            }
        )
        return context

    def form_valid(self, form):
        from credit.services.reviews import decide_objection, decide_repair

        yes = form.cleaned_data["decision"]
        reason = form.cleaned_data["reason"]
        try:
            if self.is_repair:
                decide_repair(self.object, yes, self.request.user, reason)
            else:
                decide_objection(self.object, yes, self.request.user, reason)
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
            return self.form_invalid(form)
        self.object.refresh_from_db()
        messages.success(
            self.request,
            _("已作出决定：%(obj)s。") % {"obj": self.object},
        )
        return HttpResponseRedirect(
            get_valid_next_url_from_request(self.request) or integrity_url(self.object.producer_id)
        )


class ReviewViewSet(ProducerRecordViewSet):
    """Submitted by producers; staff only inspect and decide (model 'change' permission)."""

    inspect_view_class = ReviewInspectView
    select_related = ("producer", "fact_type")

    def extra_urlpatterns(self):
        return [
            path(
                "decide/<int:pk>/",
                DecisionView.as_view(**self.object_view_kwargs()),
                name="decide",
            )
        ]


class ObjectionViewSet(ReviewViewSet):
    model = Objection
    name = "credit_objection"
    url_prefix = "credit/objections"
    icon = "comment"
    menu_label = gettext_lazy("异议")
    filterset_class = filters.ObjectionFilterSet
    list_display = [
        "__str__",
        Column("fact", label=gettext_lazy("异议记录"), accessor=lambda o: safe_fact(o) or "-"),
        "status",
        "submitted_at",
        "deadline",
        "decided_at",
    ]
    inspect_view_fields = [
        "producer",
        "fact",
        "reason",
        "status",
        "submitted_at",
        "deadline",
        "decided_at",
        "decided_by",
        "decision_reason",
    ]


class RepairApplicationViewSet(ReviewViewSet):
    model = RepairApplication
    name = "credit_repair"
    url_prefix = "credit/repairs"
    icon = "resubmit"
    menu_label = gettext_lazy("信用修复申请")
    filterset_class = filters.RepairApplicationFilterSet
    list_display = [
        "__str__",
        Column("fact", label=gettext_lazy("修复记录"), accessor=lambda o: safe_fact(o) or "-"),
        "status",
        "submitted_at",
        "decided_at",
        "approved_on",
    ]
    inspect_view_fields = [
        "producer",
        "fact",
        "statement",
        "commitment_accepted",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decision_reason",
        "approved_on",
    ]
