"""Producer self-service in the credit admin (信用服务): claim codes and the notice letter
(告知书) that carries one, moderation of producers' replies (主体说明), and the documents
producers uploaded with objections and repair applications (申请材料).

Region-scoped like the rest of the credit admin (credit.admin.policies). Loaded by one line
in credit/wagtail_hooks.py:

    from credit.admin import certificates_print, claims  # noqa: F401
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from credit.admin import forms as admin_forms
from credit.admin.base import (
    CreditInspectView,
    ObjectActionView,
    ProducerLinkIndexView,
    admin_url,
    integrity_button,
    iso_date_column,
)
from credit.admin.policies import CreditPermissionPolicy, ensure_in_scope, scoped_queryset
from credit.admin.readonly import ProducerRecordViewSet
from credit.models import (
    BlacklistEntry,
    ClaimCode,
    EnforcementCase,
    Inspection,
    ProducerReply,
    ReplyStatus,
    ReviewAttachment,
    Sampling,
)
from credit.publicforms.uploads import KINDS

FACT_KINDS = {
    "enforcementcase": EnforcementCase,
    "sampling": Sampling,
    "blacklistentry": BlacklistEntry,
    "inspection": Inspection,
}


# --- claim codes and the notice letter ----------------------------------------------------


class IssueClaimForm(forms.Form):
    producer = forms.CharField(label=gettext_lazy("生产经营主体"))
    subject = forms.CharField(
        label=gettext_lazy("告知事项"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "记入信用档案的记录，如“农安农罚〔2026〕12号 行政处罚”。印在告知书上。"
        ),
    )
    valid_days = forms.IntegerField(
        label=gettext_lazy("认领码有效天数"), min_value=30, max_value=730, initial=365
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        admin_forms.scope_producer_field(self, for_user)
        self.fields["producer"].required = True


def fact_subject(fact) -> str:
    from credit.publicforms.records import KIND_LABELS, reference, summary

    return f"{KIND_LABELS.get(fact._meta.model_name, '')} {reference(fact)}：{summary(fact)}"[:300]


def notice_letter_pdf(claim: ClaimCode, code: str) -> bytes:
    from django.conf import settings
    from weasyprint import HTML

    from credit.certificates.pdf import qr_svg_data_uri
    from credit.certificates.service import portal_base_url

    producer = claim.producer
    if producer.uscc:
        objection_url = portal_base_url() + reverse("credit-objection", args=(producer.uscc,))
    else:
        objection_url = portal_base_url() + reverse("credit-objection-any")
    region = producer.region
    html = render_to_string(
        "credit/forms/notice_letter_pdf.html",
        {
            "claim": claim,
            "code": code,
            "producer": producer,
            "agency": f"{region.full_name()}农业农村部门",
            "objection_url": objection_url,
            "repair_url": objection_url.replace("/objection/", "/repair/"),
            "reply_url": objection_url.replace("/objection/", "/reply/"),
            "status_url": portal_base_url() + reverse("credit-application-status"),
            "qr": qr_svg_data_uri(objection_url),
            "letter_number": f"GZ{timezone.localtime(claim.issued_at):%Y%m%d}{claim.pk:06d}",
            "today": timezone.localdate(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


class IssueClaimView(WagtailAdminTemplateMixin, FormView):
    """签发认领码 → the notice letter (告知书) PDF. The code is printed once and never stored
    in clear; issuing again revokes the producer's earlier codes."""

    template_name = "credit/forms/admin_issue_claim.html"
    form_class = IssueClaimForm
    page_title = gettext_lazy("签发认领码和信用信息告知书")
    header_icon = "key"
    permission_policy = None
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_model_permission(request.user, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": ClaimCode._meta.verbose_name_plural},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["for_user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        producer = self.request.GET.get("producer", "")
        if producer.isdigit():
            initial["producer"] = int(producer)
        kind, _sep, pk = self.request.GET.get("fact", "").partition(":")
        model = FACT_KINDS.get(kind)
        if model is not None and pk.isdigit():
            fact = scoped_queryset(model, self.request.user).filter(pk=int(pk)).first()
            if fact is not None:
                initial["producer"] = fact.producer_id
                initial["subject"] = fact_subject(fact)
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.get_full_path()
        return context

    def form_valid(self, form):
        from credit.publicforms.identity import issue_claim

        producer = form.cleaned_data["producer"]
        ensure_in_scope(self.request.user, producer)
        claim, code = issue_claim(
            producer,
            self.request.user,
            subject=form.cleaned_data["subject"] or "",
            days=form.cleaned_data["valid_days"],
        )
        pdf = notice_letter_pdf(claim, code)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="notice-letter-{claim.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response


class RevokeClaimView(ObjectActionView):
    template_name = "credit/forms/admin_confirm.html"
    header_icon = "cross"

    class form_class(forms.Form):
        pass

    def get_page_title(self):
        return _("作废认领码")

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            message=_("作废后，该认领码不能再用于在线办理；已提交的申请不受影响。"),
            submit_label=_("确认作废"),
            action_url=self.request.get_full_path(),
            done=self.object.revoked_at is not None,
        )
        return context

    def form_valid(self, form):
        if self.object.revoked_at is None:
            ClaimCode.objects.filter(pk=self.object.pk).update(revoked_at=timezone.now())
        messages.success(self.request, _("认领码已作废。"))
        return HttpResponseRedirect(reverse(self.index_url_name))


class ClaimIndexView(ProducerLinkIndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.permission_policy.user_has_model_permission(self.request.user, "add"):
            buttons.append(
                HeaderButton(
                    _("签发认领码和告知书"), url=reverse("credit_claim:issue"), icon_name="key"
                )
            )
        return buttons


class ClaimCodeViewSet(ProducerRecordViewSet):
    model = ClaimCode
    name = "credit_claim"
    url_prefix = "credit/claims"
    icon = "key"
    menu_label = gettext_lazy("认领码与告知书")
    index_view_class = ClaimIndexView
    list_display = [
        "producer",
        Column("state", label=gettext_lazy("状态"), accessor="state_label"),
        "subject",
        "issued_at",
        iso_date_column("expires_on", gettext_lazy("有效期至")),
        "used_at",
    ]
    inspect_view_fields = [
        "producer",
        "subject",
        "issued_at",
        "issued_by",
        "expires_on",
        "used",
        "used_at",
        "revoked_at",
    ]

    def extra_urlpatterns(self):
        kwargs = self.object_view_kwargs()
        return [
            path(
                "issue/",
                IssueClaimView.as_view(
                    permission_policy=self.permission_policy,
                    index_url_name=kwargs["index_url_name"],
                ),
                name="issue",
            ),
            path("revoke/<int:pk>/", RevokeClaimView.as_view(**kwargs), name="revoke"),
        ]


# --- producers' replies (主体说明) --------------------------------------------------------


class ModerationForm(forms.Form):
    decision = forms.TypedChoiceField(
        label=gettext_lazy("审核结果"),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", gettext_lazy("通过，公开")), ("no", gettext_lazy("不予通过"))],
    )
    note = forms.CharField(
        label=gettext_lazy("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "不予通过时必填，将告知主体（如含个人信息、与等级无关、言辞不当）。"
        ),
    )


class ModerateReplyView(ObjectActionView):
    template_name = "credit/forms/admin_moderate.html"
    header_icon = "tick"
    form_class = ModerationForm

    def get_page_title(self):
        return _("审核主体说明")

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        from credit.publicforms.replies import get_public_reply

        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            is_open=self.object.status == ReplyStatus.PENDING,
            current_public=get_public_reply(self.object.producer),
            action_url=self.request.get_full_path(),
        )
        return context

    def form_valid(self, form):
        from credit.publicforms.replies import moderate_reply

        try:
            moderate_reply(
                self.object,
                form.cleaned_data["decision"],
                self.request.user,
                form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已审核：%(obj)s。") % {"obj": self.object})
        return HttpResponseRedirect(reverse(self.index_url_name))


class ReplyInspectView(CreditInspectView):
    @cached_property
    def header_buttons(self):
        buttons = []
        policy = self.permission_policy
        if self.object.status == ReplyStatus.PENDING and policy.user_has_model_permission(
            self.request.user, "change"
        ):
            buttons.append(
                HeaderButton(_("审核"), url=admin_url(self.object, "moderate"), icon_name="tick")
            )
        buttons.append(integrity_button(self.object.producer_id))
        return buttons


class ProducerReplyViewSet(ProducerRecordViewSet):
    model = ProducerReply
    name = "credit_reply"
    url_prefix = "credit/replies"
    icon = "openquote"
    menu_label = gettext_lazy("主体说明审核")
    inspect_view_class = ReplyInspectView
    list_display = [
        "producer",
        "status",
        Column("grade", label=gettext_lazy("所回应等级")),
        Column("text", label=gettext_lazy("说明"), accessor=lambda r: r.text[:40]),
        "submitted_at",
        "moderated_at",
    ]
    list_filter = ["status"]
    inspect_view_fields = [
        "producer",
        "grade",
        "text",
        "status",
        "submitted_at",
        "moderated_at",
        "moderated_by",
        "moderation_note",
    ]

    def extra_urlpatterns(self):
        return [
            path(
                "moderate/<int:pk>/",
                ModerateReplyView.as_view(**self.object_view_kwargs()),
                name="moderate",
            )
        ]


# --- documents uploaded with objections and repair applications --------------------------


def attachment_download(request, pk: int):
    policy = CreditPermissionPolicy(ReviewAttachment, actions={"view"})
    if not policy.user_has_permission(request.user, "view"):
        raise PermissionDenied
    att = get_object_or_404(scoped_queryset(ReviewAttachment, request.user), pk=pk)
    ensure_in_scope(request.user, att)
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    mime = KINDS.get({"jpg": "jpeg"}.get(att.kind, att.kind), ("", "application/octet-stream"))[1]
    response = FileResponse(
        handle,
        content_type=mime,
        as_attachment=True,
        filename=f"{pk}.{KINDS.get(att.kind, (att.kind,))[0]}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment_target(att) -> str:
    if att.objection_id:
        return _("异议 #%(pk)s") % {"pk": att.objection_id}
    if att.repair_id:
        return _("信用修复申请 #%(pk)s") % {"pk": att.repair_id}
    return "—"


class AttachmentViewSet(ProducerRecordViewSet):
    model = ReviewAttachment
    name = "credit_review_attachment"
    url_prefix = "credit/review-attachments"
    icon = "doc-full"
    menu_label = gettext_lazy("申请材料")
    select_related = ("producer",)
    list_display = [
        "producer",
        Column("target", label=gettext_lazy("所属申请"), accessor=attachment_target),
        TitleColumn(
            "original_name",
            label=gettext_lazy("文件（点击下载）"),
            get_url=lambda a: reverse("credit_review_attachment_download", args=(a.pk,)),
        ),
        "kind",
        "size",
        "uploaded_at",
    ]
    inspect_view_fields = [
        "producer",
        "objection",
        "repair",
        "original_name",
        "kind",
        "size",
        "sha256",
        "uploaded_at",
    ]


class SelfServiceAdminGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("信用服务")
    menu_icon = "key"
    menu_name = "credit-self-service"
    menu_order = 151
    items = (ClaimCodeViewSet, ProducerReplyViewSet, AttachmentViewSet)


@hooks.register("register_admin_viewset")
def register_self_service_admin():
    return SelfServiceAdminGroup()


@hooks.register("register_admin_urls")
def register_attachment_download():
    return [
        path(
            "credit/review-attachment-file/<int:pk>/",
            attachment_download,
            name="credit_review_attachment_download",
        )
    ]
