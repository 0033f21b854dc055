"""Append-only facts: how they read, and their listing, details, create, 更正 and 作废 views.

A fact is never edited or deleted: 更正 records a new fact that voids the old one, and
作废 stamps the fact void with a reason (credit.services.records).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.widgets.button import HeaderButton

from credit.admin import forms
from credit.admin.base import (
    CreditCreateView,
    CreditInspectView,
    ObjectActionView,
    ProducerLinkIndexView,
    admin_url,
    integrity_button,
    integrity_url,
)
from credit.models import (
    BlacklistEntry,
    Certificate,
    Certification,
    EnforcementCase,
    Inspection,
    Sampling,
)


def yes_no(value) -> str:
    if value is None:
        return _("未查")
    return _("合格") if value else _("不合格")


def fact_summary(fact) -> str:
    if isinstance(fact, Inspection):
        text = _("%(agency)s：生产档案%(rec)s，合格证开具%(cert)s，投入品使用%(inp)s") % {
            "agency": fact.agency,
            "rec": yes_no(fact.records_ok),
            "cert": yes_no(fact.certificate_ok),
            "inp": yes_no(fact.inputs_ok),
        }
        if fact.false_certificate:
            text += _("；发现虚假开证或冒用他人名义开证")
        return text
    if isinstance(fact, Sampling):
        text = f"{fact.product}（{fact.sample_code}）{fact.get_plan_display()}：{fact.get_result_display()}"
        if fact.failed_items:
            text += _("，不合格项目：%s") % fact.failed_items
        return text
    if isinstance(fact, Certificate):
        return (
            f"{fact.product} {fact.quantity}{fact.unit}（{fact.code}），{_('产地')} {fact.origin}"
        )
    if isinstance(fact, Certification):
        return _("%(type)s %(product)s（%(number)s），有效期 %(start)s 至 %(end)s") % {
            "type": fact.get_type_display(),
            "product": fact.product,
            "number": fact.number,
            "start": fact.valid_from,
            "end": fact.valid_to,
        }
    if isinstance(fact, EnforcementCase):
        text = f"{fact.case_number}（{fact.get_severity_display()}）{fact.agency}"
        if fact.criminal_transfer:
            text += _("，已移送司法")
        if fact.penalty:
            text += f"：{fact.penalty}"
        return text
    if isinstance(fact, BlacklistEntry):
        text = _("%(number)s 列入黑名单：%(reason)s，%(start)s 至 %(end)s") % {
            "number": fact.decision_number,
            "reason": fact.reason,
            "start": fact.start_date,
            "end": fact.end_date or _("无期限"),
        }
        if fact.removed_on:
            text += _("；%(day)s 移出（%(reason)s）") % {
                "day": fact.removed_on,
                "reason": fact.removal_reason,
            }
        return text
    return str(fact)


def fact_is_negative(fact) -> bool:
    if isinstance(fact, Inspection):
        return fact.false_certificate or False in (
            fact.records_ok,
            fact.certificate_ok,
            fact.inputs_ok,
        )
    if isinstance(fact, Sampling):
        return fact.result != "pass"
    return isinstance(fact, (EnforcementCase, BlacklistEntry))


def fact_status(fact) -> str:
    if fact.is_voided:
        return _("已作废")
    if fact.corrects_id:
        return _("更正记录")
    return _("有效")


def amend_buttons(fact, button_class, priorities):
    """更正 and 作废 of a live fact, as list items or header buttons."""
    correct, void = priorities
    return [
        button_class(_("更正"), admin_url(fact, "correct"), icon_name="edit", priority=correct),
        button_class(_("作废"), admin_url(fact, "void"), icon_name="cross", priority=void),
    ]


class FactIndexView(ProducerLinkIndexView):
    def can_amend(self):
        return self.permission_policy.user_has_model_permission(self.request.user, "change")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not instance.is_voided and self.can_amend():
            buttons.extend(amend_buttons(instance, MenuItem, (11, 12)))
        return buttons


class FactInspectView(CreditInspectView):
    template_name = "credit/admin/fact_inspect.html"

    @cached_property
    def header_buttons(self):
        buttons = []
        policy = self.permission_policy
        if not self.object.is_voided and policy.user_has_model_permission(
            self.request.user, "change"
        ):
            buttons.extend(amend_buttons(self.object, HeaderButton, (10, 20)))
        buttons.append(integrity_button(self.object.producer_id, priority=30))
        return buttons

    def get_context_data(self, **kwargs):
        from credit.services.reviews import fact_under_objection

        context = super().get_context_data(**kwargs)
        fact = self.object
        context["under_objection"] = fact_under_objection(fact)
        context["corrected_by"] = getattr(fact, "corrected_by", None) if fact.is_voided else None
        context["corrected_by_url"] = (
            admin_url(context["corrected_by"], "inspect") if context["corrected_by"] else None
        )
        context["corrects_url"] = admin_url(fact.corrects, "inspect") if fact.corrects_id else None
        return context


class FactCreateView(CreditCreateView):
    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.recorded_by = self.request.user
        instance.source = "admin"
        instance.save()
        return instance

    def get_success_buttons(self):
        return [messages.button(admin_url(self.object, "inspect"), _("查看"))]

    def get_success_url(self):
        next_url = get_valid_next_url_from_request(self.request)
        return next_url or integrity_url(self.object.producer_id)


class FactActionView(ObjectActionView):
    """Base of 更正 and 作废: scoped, needs the model's change permission, live facts only."""

    template_name = "credit/admin/fact_action.html"
    header_icon = "warning"
    action_label = ""
    submit_label = ""

    def check_object(self, request):
        if self.object.is_voided:
            messages.error(request, _("该记录已作废，不能再更正或作废。"))
            return HttpResponseRedirect(admin_url(self.object, "inspect"))
        return None

    def get_page_title(self):
        return self.action_label

    def get_page_subtitle(self):
        return f"{self.model._meta.verbose_name} {self.object}"

    def get_success_url(self):
        return get_valid_next_url_from_request(self.request) or integrity_url(
            self.object.producer_id
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "object": self.object,
                "summary": fact_summary(self.object),
                "fact_kind": self.model._meta.verbose_name,
                "producer": self.object.producer,
                "submit_label": self.submit_label,
                "action_url": self.request.get_full_path(),
                "cancel_url": admin_url(self.object, "inspect"),
                "is_void": isinstance(self, VoidFactView),
            }
        )
        return context

    def add_service_errors(self, form, exc: ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            for error in exc.messages:
                form.add_error(None, error)


class VoidFactView(FactActionView):
    form_class = forms.VoidForm
    action_label = gettext_lazy("作废")
    submit_label = gettext_lazy("确认作废")

    def form_valid(self, form):
        from credit.services.records import void_fact

        try:
            void_fact(self.object, self.request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            self.add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("已作废：%(fact)s。信用等级将重新计算。") % {"fact": self.object}
        )
        return HttpResponseRedirect(self.get_success_url())


class CorrectFactView(FactActionView):
    action_label = gettext_lazy("更正")
    submit_label = gettext_lazy("保存更正")

    def get_form_class(self):
        return forms.correction_form_class(self.model)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        kwargs["for_user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        from credit.services.records import correct_fact

        changes = form.changes()
        if not form.has_changed() or all(
            getattr(self.object, name) == value for name, value in changes.items()
        ):
            form.add_error(None, _("没有修改任何内容；如需作废请使用“作废”。"))
            return self.form_invalid(form)
        try:
            new = correct_fact(self.object, changes, self.request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            self.object.refresh_from_db()
            self.add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已更正：新记录 %(new)s 取代了原记录（原记录已作废）。") % {"new": new},
            buttons=[messages.button(admin_url(new, "inspect"), _("查看新记录"))],
        )
        return HttpResponseRedirect(self.get_success_url())
