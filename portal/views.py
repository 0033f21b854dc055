"""Portal views outside the page tree: robots.txt, and the admin form that drafts an
unqualified-product notice (生成不合格通报草稿) for a period from credit data."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateInput

from portal.seo import robots_txt
from portal.workflows import draft_unqualified_notice, notice_index, previous_month


@require_GET
@cache_control(max_age=3600, public=True)
def robots(request):
    return HttpResponse(robots_txt(request), content_type="text/plain; charset=utf-8")


# --- admin: 生成不合格通报草稿 --------------------------------------------------------------


def user_can_draft_notice(user, index=None) -> bool:
    index = index if index is not None else notice_index()
    if index is None or not user.is_active:
        return False
    return index.permissions_for_user(user).can_add_subpage()


class NoticePeriodForm(forms.Form):
    period_start = forms.DateField(label=_("通报期起"), widget=AdminDateInput)
    period_end = forms.DateField(label=_("通报期止"), widget=AdminDateInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end:
            if end < start:
                self.add_error("period_end", _("通报期止不能早于通报期起。"))
            elif (end - start).days > 366:
                self.add_error("period_end", _("通报期不能超过一年。"))
            elif end >= timezone.localdate():
                self.add_error("period_end", _("通报期止应早于今天（只通报已结束的期间）。"))
        return data


class DraftNoticeView(WagtailAdminTemplateMixin, FormView):
    """Staff pick a period (default: last month); the notice is created as a draft and
    submitted to the 编辑 → 审核 workflow, and they land on its edit page."""

    form_class = NoticePeriodForm
    template_name = "wagtailadmin/generic/form.html"
    page_title = _("生成不合格通报草稿")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        self.index = notice_index()
        if not user_can_draft_notice(request.user, self.index):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        start, end = previous_month(timezone.localdate())
        return {"period_start": start, "period_end": end}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=reverse("portal_draft_notice"),
            submit_button_label=_("生成草稿并提交审核"),
            submit_button_active_label=_("正在生成…"),
            media=context["form"].media,
        )
        return context

    def form_valid(self, form):
        start: datetime.date = form.cleaned_data["period_start"]
        end: datetime.date = form.cleaned_data["period_end"]
        result = draft_unqualified_notice(start, end, user=self.request.user)
        period = f"{start.isoformat()} – {end.isoformat()}"
        if result.status == "created":
            messages.success(
                self.request,
                _("已生成 %(period)s 的不合格通报草稿（%(count)s 批次不合格），并已提交审核。")
                % {"period": period, "count": result.failures},
            )
            return redirect("wagtailadmin_pages:edit", result.page.pk)
        if result.status == "exists":
            messages.warning(
                self.request,
                _("%(period)s 的通报已存在，未重复生成。") % {"period": period},
            )
            return redirect("wagtailadmin_pages:edit", result.page.pk)
        if result.status == "no_failures":
            messages.info(
                self.request, _("%(period)s 没有不合格抽检记录，无需通报。") % {"period": period}
            )
        else:
            messages.error(self.request, _("没有找到“不合格通报”栏目。"))
        return redirect("portal_draft_notice")
