"""Triage of complaints in the Wagtail admin (投诉举报).

* Officers see the complaints of their region and below (credit.services.scope, by the
  complaint's region); superusers see all, including those without a region.
* The details page carries the triage actions: status (received → accepted / rejected →
  investigating → concluded, nothing else), assignment to officers of the region, replies
  (to the reporter, or internal notes), and the link to a resulting EnforcementCase.
* The reporter's name and phone are shown only to the assigned officers and superusers.

Loaded by one line in portal/wagtail_hooks.py:

    from portal.complaints import admin as complaints_admin  # noqa: F401
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import modelform_factory
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from credit.models import EnforcementCase
from credit.publicforms.uploads import KINDS
from credit.services import scope
from portal.complaints import service
from portal.complaints.models import Complaint, ComplaintAttachment, ComplaintStatus


class ComplaintPermissionPolicy(ModelPermissionPolicy):
    """Django permissions on Complaint, for users with a region (officers) or superusers;
    per instance, the complaint must be in the user's region."""

    def _gate(self, user) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return scope.region_prefix(user) != ""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False  # complaints come from the public and are never deleted
        return self._gate(user) and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and in_scope(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Complaint.objects.none()
        return service.complaints_for(user)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])


policy = ComplaintPermissionPolicy(Complaint)


def in_scope(user, complaint) -> bool:
    return service.complaints_for(user).filter(pk=complaint.pk).exists()


def scoped_complaint(request, pk, action="view") -> Complaint:
    if not policy.user_has_permission(request.user, action):
        raise PermissionDenied
    return get_object_or_404(service.complaints_for(request.user), pk=pk)


# --- action forms ------------------------------------------------------------------------


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=gettext_lazy("变更为"))
    note = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "不予受理、办结时必填，作为给举报人的答复公开给举报人；其他情况为内部备注。"
        ),
    )

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (s, ComplaintStatus(s).label) for s in complaint.allowed_transitions()
        ]


class AssignForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("承办人员"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "只列出管辖区域覆盖该投诉所在地区的信用管理人员。承办人员可以看到举报人的联系方式。"
        ),
    )

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = service.assignable_officers(complaint)
        self.fields["officers"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.get_username()}"
            + (f"（{u.officer.region.name}）" if hasattr(u, "officer") else "")
        )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000
    )
    public = forms.BooleanField(
        label=gettext_lazy("作为答复告知举报人（举报人凭编号和查询码可见）"), required=False
    )


class CaseLinkForm(forms.Form):
    case_number = forms.CharField(
        label=gettext_lazy("案号"),
        required=False,
        help_text=gettext_lazy("由本投诉举报立案查处的行政处罚案件的案号；留空解除关联。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_case_number(self):
        number = (self.cleaned_data.get("case_number") or "").strip()
        if not number:
            return None
        case = (
            scope.facts_for(self.user, EnforcementCase.objects.active())
            .filter(case_number=number)
            .first()
        )
        if case is None:
            raise ValidationError(_("未找到该案号的有效案件，或不在您的管辖范围内。"))
        return case


# --- views --------------------------------------------------------------------------------


class ComplaintIndexView(generic.IndexView):
    def get_base_queryset(self):
        return service.complaints_for(self.request.user).select_related("region")


class ComplaintInspectView(generic.InspectView):
    template_name = "portal/complaints/admin/inspect.html"
    page_title = gettext_lazy("投诉举报详情")

    def get_object(self, queryset=None):
        return scoped_complaint(self.request, self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        complaint, user = self.object, self.request.user
        can_change = policy.user_has_permission(user, "change")
        context.update(
            complaint=complaint,
            show_contact=service.can_see_contact(user, complaint),
            can_change=can_change,
            attachments=complaint.attachments.all(),
            replies=complaint.replies.select_related("author"),
            events=complaint.events.select_related("actor"),
            assignees=complaint.assignees.all(),
            transition_form=TransitionForm(complaint=complaint) if can_change else None,
            assign_form=AssignForm(
                complaint=complaint, initial={"officers": list(complaint.assignees.all())}
            )
            if can_change
            else None,
            reply_form=ReplyForm() if can_change else None,
            case_form=CaseLinkForm(
                user=user,
                initial={"case_number": getattr(complaint.enforcement_case, "case_number", "")},
            )
            if can_change
            else None,
            status_url=reverse("portal_complaint_action", args=(complaint.pk, "status")),
            assign_url=reverse("portal_complaint_action", args=(complaint.pk, "assign")),
            reply_url=reverse("portal_complaint_action", args=(complaint.pk, "reply")),
            case_url=reverse("portal_complaint_action", args=(complaint.pk, "case")),
        )
        return context


def _errors(request, form):
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(
                request, f"{form.fields[field].label + '：' if field in form.fields else ''}{error}"
            )


@require_POST
def complaint_action(request, pk: int, name: str):
    complaint = scoped_complaint(request, pk, "change")
    back = reverse("portal_complaint:inspect", args=(complaint.pk,))
    user = request.user
    try:
        if name == "status":
            form = TransitionForm(request.POST, complaint=complaint)
            if form.is_valid():
                service.transition(
                    complaint, form.cleaned_data["to_status"], user, form.cleaned_data["note"]
                )
                messages.success(request, _("状态已变更为：%s") % complaint.get_status_display())
            else:
                _errors(request, form)
        elif name == "assign":
            form = AssignForm(request.POST, complaint=complaint)
            if form.is_valid():
                service.assign(complaint, None, form.cleaned_data["officers"], user)
                messages.success(request, _("已分派承办人员。"))
            else:
                _errors(request, form)
        elif name == "reply":
            form = ReplyForm(request.POST)
            if form.is_valid():
                service.add_reply(
                    complaint, user, form.cleaned_data["body"], form.cleaned_data["public"]
                )
                messages.success(
                    request,
                    _("已答复举报人。") if form.cleaned_data["public"] else _("已添加内部备注。"),
                )
            else:
                _errors(request, form)
        elif name == "case":
            form = CaseLinkForm(request.POST, user=user)
            if form.is_valid():
                service.link_case(complaint, form.cleaned_data["case_number"], user)
                messages.success(request, _("已更新关联案件。"))
            else:
                _errors(request, form)
        else:
            raise Http404
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    return HttpResponseRedirect(back)


def attachment_download(request, pk: int):
    att = get_object_or_404(ComplaintAttachment.objects.select_related("complaint"), pk=pk)
    scoped_complaint(request, att.complaint_id)
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = "jpeg" if att.kind == "jpg" else att.kind
    ext, mime, _label = KINDS.get(kind, ("bin", "application/octet-stream", ""))
    response = FileResponse(
        handle,
        content_type=mime,
        as_attachment=True,
        filename=f"{att.complaint.tracking_number}-{att.pk}.{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ComplaintViewSet(ModelViewSet):
    model = Complaint
    name = "portal_complaint"
    url_prefix = "complaints"
    icon = "mail"
    menu_label = gettext_lazy("投诉举报")
    menu_order = 160
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = ComplaintIndexView
    inspect_view_class = ComplaintInspectView
    permission_policy = policy
    search_fields = ["tracking_number", "place", "producer_name", "description"]
    search_backend_name = None
    list_filter = ["status", "category"]
    list_per_page = 50
    list_display = [
        "tracking_number",
        "category",
        "status",
        Column(
            "region",
            label=gettext_lazy("所在地区"),
            accessor=lambda c: c.region.name if c.region else "—",
        ),
        Column("producer_name", label=gettext_lazy("被举报主体")),
        "submitted_at",
    ]
    list_export = []

    def get_queryset(self, request):
        return service.complaints_for(request.user)

    def get_form_class(self, for_update=False):
        return modelform_factory(Complaint, form=WagtailAdminModelForm, fields=[])

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            usage_url_name=None,
            history_url_name=None,
        )
        return view_kwargs

    def get_urlpatterns(self):
        dropped = {"add", "edit", "delete", "usage", "history", "history_results", "copy"}
        return [p for p in super().get_urlpatterns() if p.name not in dropped]


complaint_viewset = ComplaintViewSet()


@hooks.register("register_admin_viewset")
def register_complaint_admin():
    return complaint_viewset


@hooks.register("register_admin_urls")
def register_complaint_action_urls():
    return [
        path(
            "complaints-action/<int:pk>/<str:name>/",
            complaint_action,
            name="portal_complaint_action",
        ),
        path("complaints-file/<int:pk>/", attachment_download, name="portal_complaint_attachment"),
    ]
