"""Superusers only: the scoring policy versions (评分政策) and officer profiles."""

from __future__ import annotations

from django.forms.models import modelform_factory
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from credit.admin import forms
from credit.admin.base import CreditCreateView, CreditViewSet
from credit.models import OfficerProfile, ScoringPolicy


class ScoringPolicyCreateView(CreditCreateView):
    def get_initial(self):
        initial = super().get_initial()
        latest = ScoringPolicy.objects.order_by("-effective_from").first()
        if latest is not None:
            initial.setdefault("parameters", latest.parameters)
        return initial


class ScoringPolicyViewSet(CreditViewSet):
    """Versioned policy data: add a new version; existing versions are history."""

    model = ScoringPolicy
    name = "credit_policy"
    url_prefix = "credit/policies"
    icon = "cogs"
    menu_label = gettext_lazy("评分政策")
    superuser_only = True
    policy_actions = {"add", "view"}
    add_view_class = ScoringPolicyCreateView
    form_fields = ["version", "effective_from", "parameters", "notes"]
    list_display = ["__str__", "version", "effective_from", "created_at"]

    def get_form_class(self, for_update=False):
        return modelform_factory(self.model, form=WagtailAdminModelForm, fields=self.form_fields)


class OfficerProfileViewSet(CreditViewSet):
    model = OfficerProfile
    name = "credit_officer"
    url_prefix = "credit/officers"
    icon = "user"
    menu_label = gettext_lazy("信用管理人员")
    superuser_only = True
    form_class = forms.OfficerProfileForm
    select_related = ("user", "region")
    list_display = ["__str__", "user", "region"]
    search_contains = ("user__username", "region__name")
