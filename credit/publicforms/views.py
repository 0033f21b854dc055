"""Producer self-service pages: objection (异议), credit repair (信用修复), right to reply
(主体说明) and the status of what was submitted.

Every page starts with identification (USCC or ID number + the claim code from the notice
letter), rate-limited per IP with failed attempts costing more; then the session remembers
the producer for a while (credit.publicforms.identity). Routes: credit/public_urls.py.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache

from credit.models import (
    Objection,
    Producer,
    ProducerReply,
    RepairApplication,
    RepairChecklist,
    ReviewAttachment,
)
from credit.publicforms import guard, identity
from credit.publicforms.commitment import (
    COMMITMENT_CLAUSES,
    COMMITMENT_TITLE,
    COMMITMENT_VERSION,
    commitment_text,
)
from credit.publicforms.forms import (
    IDENTIFY_ERROR,
    IdentifyForm,
    ObjectionForm,
    RepairForm,
    ReplyForm,
    StatusForm,
)
from credit.publicforms.records import (
    negative_records,
    repairable_records,
    summary,
)
from credit.publicforms.replies import get_public_reply, pending_reply, submit_reply
from credit.publicforms.uploads import sha256_of, stored_name


def credit_page_url(producer) -> str | None:
    """The public credit page: by USCC, else by the opaque public id (never the ID number)."""
    from credit.public.keys import producer_url

    return producer_url(producer) or None


def save_attachments(producer, files, **target) -> None:
    for upload, kind in files:
        att = ReviewAttachment(
            producer=producer,
            original_name=upload.name[:100],
            kind=kind,
            size=upload.size,
            sha256=sha256_of(upload),
            **target,
        )
        att.file.save(stored_name(kind), upload, save=False)
        att.save()


def add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


@method_decorator(never_cache, name="dispatch")
class SelfServiceView(View):
    """Identification, then the page's own form for the identified producer."""

    kind = ""
    title = ""
    template_name = ""

    def dispatch(self, request, *args, uscc: str | None = None, **kwargs):
        self.path_producer = None
        if uscc is not None:
            self.path_producer = get_object_or_404(Producer, uscc=uscc.upper())
        self.who = identity.current(request, self.path_producer)
        return super().dispatch(request, *args, **kwargs)

    # -- identification -----------------------------------------------------------------

    def identify_form(self, data=None):
        initial = {"identifier": self.path_producer.uscc} if self.path_producer else {}
        return IdentifyForm(data=data, initial=initial)

    def render_identify(self, form, status=200):
        return TemplateResponse(
            self.request,
            "credit/forms/identify.html",
            self.base_context() | {"form": form},
            status=status,
        )

    def post_identify(self, request):
        if guard.CLAIM.blocked(request):
            return guard.too_many_requests(request, guard.CLAIM)
        form = self.identify_form(request.POST)
        if form.is_valid():
            found = identity.identify(form.cleaned_data["identifier"], form.cleaned_data["code"])
            if found and (self.path_producer is None or found[0].pk == self.path_producer.pk):
                guard.CLAIM.charge(request, 1)
                identity.remember(request, *found)
                return HttpResponseRedirect(request.path)
            guard.CLAIM.charge(request, guard.MISS_COST)
        else:
            guard.CLAIM.charge(request, 1)
        # Never echo an identifier back: it may be a personal ID number.
        data = request.POST.copy()
        data["identifier"] = self.path_producer.uscc if self.path_producer else ""
        data["code"] = ""
        shown = self.identify_form(data)
        shown.is_valid()
        shown.add_error(None, IDENTIFY_ERROR)
        return self.render_identify(shown, status=200)

    # -- the page -------------------------------------------------------------------------

    def base_context(self):
        producer = self.who.producer if self.who else self.path_producer
        return {
            "kind": self.kind,
            "title": self.title,
            "producer": producer,
            "identified": self.who is not None,
            "credit_url": credit_page_url(producer) if producer else None,
            "nav": self.nav(producer),
        }

    def nav(self, producer):
        if producer is not None and producer.uscc:
            args = (producer.uscc,)
            return {
                "objection": reverse("credit-objection", args=args),
                "repair": reverse("credit-repair", args=args),
                "reply": reverse("credit-reply", args=args),
            }
        return {
            "objection": reverse("credit-objection-any"),
            "repair": reverse("credit-repair-any"),
            "reply": reverse("credit-reply-any"),
        }

    def get(self, request, *args, **kwargs):
        if self.who is None:
            return self.render_identify(self.identify_form())
        return self.render_page(self.make_form())

    def post(self, request, *args, **kwargs):
        if request.POST.get("step") == "identify":
            return self.post_identify(request)
        if self.who is None:
            return self.render_identify(self.identify_form())
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    obj = self.submit(form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                identity.mark_used(self.who.claim)
                number = identity.application_number(obj)
                return HttpResponseRedirect(f"{reverse('credit-application-status')}?n={number}")
        return self.render_page(form, status=200)

    def render_page(self, form, status=200):
        context = self.base_context() | {"form": form} | self.page_context(form)
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def page_context(self, form) -> dict:
        return {}

    def make_form(self, data=None, files=None):
        raise NotImplementedError

    def submit(self, form):
        raise NotImplementedError


class ObjectionView(SelfServiceView):
    kind = "objection"
    title = gettext_lazy("信用信息异议申请")
    template_name = "credit/forms/objection.html"

    def make_form(self, data=None, files=None):
        self.rows = negative_records(self.who.producer)
        return ObjectionForm(data, files, rows=self.rows)

    def page_context(self, form):
        return {"rows": self.rows}

    def submit(self, form):
        from credit.services.reviews import submit_objection

        row = form.cleaned_data["record"]
        objection = submit_objection(self.who.producer, row.fact, form.cleaned_data["reason"])
        save_attachments(self.who.producer, form.cleaned_data["attachments"], objection=objection)
        return objection


class RepairView(SelfServiceView):
    kind = "repair"
    title = gettext_lazy("信用修复申请")
    template_name = "credit/forms/repair.html"

    def make_form(self, data=None, files=None):
        self.rows = repairable_records(self.who.producer)
        return RepairForm(data, files, rows=self.rows)

    def page_context(self, form):
        return {
            "rows": self.rows,
            "commitment_title": COMMITMENT_TITLE,
            "commitment_clauses": COMMITMENT_CLAUSES,
            "any_eligible": any(r.can_repair for r in self.rows),
        }

    def submit(self, form):
        from credit.publicforms.records import has_fine
        from credit.services.reviews import submit_repair

        data, producer = form.cleaned_data, self.who.producer
        row = data["record"]
        fine = has_fine(row.fact)
        lines = [
            data["statement"].strip(),
            "",
            "【义务履行清单】",
            f"罚没款已缴纳：{'是' if data['fine_paid'] else ('否' if fine else '无罚没款/未勾选')}",
            "已完成整改：是",
            f"已签署信用承诺书（{COMMITMENT_VERSION}）：是，承诺人 {data['signer']}",
            f"证明材料：{len(data['attachments'])} 份（见“申请材料”）",
        ]
        app = submit_repair(producer, row.fact, "\n".join(lines), commitment_accepted=True)
        RepairChecklist.objects.create(
            application=app,
            producer=producer,
            fine_paid=bool(data["fine_paid"]) if fine or data["fine_paid"] else None,
            rectification_done=True,
            commitment_version=COMMITMENT_VERSION,
            commitment_text=commitment_text(producer.name),
            signer=data["signer"].strip(),
            claim=self.who.claim,
        )
        save_attachments(producer, data["attachments"], repair=app)
        return app


class ReplyView(SelfServiceView):
    kind = "reply"
    title = gettext_lazy("信用等级主体说明")
    template_name = "credit/forms/reply.html"

    def make_form(self, data=None, files=None):
        return ReplyForm(data)

    def page_context(self, form):
        producer = self.who.producer
        return {
            "pending": pending_reply(producer),
            "public_reply": get_public_reply(producer),
            "grade_label": grade_label(producer.grade),
        }

    def submit(self, form):
        producer = self.who.producer
        if pending_reply(producer) is not None:
            raise ValidationError(_("已有一份说明正在审核，审核后方可再次提交。"))
        return submit_reply(producer, form.cleaned_data["text"], claim=self.who.claim)


def grade_label(grade: str) -> str:
    from credit.policy import GRADE_LABELS

    label = GRADE_LABELS.get(grade)
    return f"{grade} {_(label)}" if label else grade


# -- status -------------------------------------------------------------------------------


def describe(obj) -> dict:
    """What the producer may see of one of its applications."""
    number = identity.application_number(obj)
    row = {"number": number, "obj": obj, "submitted_at": obj.submitted_at}
    if isinstance(obj, ProducerReply):
        row.update(
            kind=_("主体说明"),
            subject=_("对信用等级 %(grade)s 的说明") % {"grade": grade_label(obj.grade)},
            status=obj.get_status_display(),
            decided_at=obj.moderated_at,
            reason=obj.moderation_note,
            refused=obj.status == "rejected",
            text=obj.text,
        )
        return row
    try:
        fact = obj.fact
    except Exception:  # noqa: BLE001 - a dangling reference must not break the page
        fact = None
    row.update(
        kind=_("异议") if isinstance(obj, Objection) else _("信用修复"),
        subject=summary(fact) if fact is not None else "—",
        status=obj.get_status_display(),
        decided_at=obj.decided_at,
        reason=obj.decision_reason,
        refused=obj.status in ("rejected", "refused"),
        deadline=getattr(obj, "deadline", None),
        approved_on=getattr(obj, "approved_on", None),
    )
    return row


@never_cache
def application_status(request):
    """Status of the producer's applications: all of them for an identified session, or
    one, by application number + claim code."""
    who = identity.current(request)
    highlight = identity.normalize_code(request.GET.get("n", ""))
    context = {"title": _("申请办理进度"), "highlight": highlight}
    if who is not None:
        producer = who.producer
        items = [
            *Objection.objects.filter(producer=producer),
            *RepairApplication.objects.filter(producer=producer),
            *ProducerReply.objects.filter(producer=producer),
        ]
        items.sort(key=lambda o: o.submitted_at, reverse=True)
        context.update(
            producer=producer,
            identified=True,
            items=[describe(o) for o in items],
            credit_url=credit_page_url(producer),
        )
        return TemplateResponse(request, "credit/forms/status.html", context)

    form = StatusForm(request.POST or None)
    if request.method == "POST":
        if guard.CLAIM.blocked(request):
            return guard.too_many_requests(request, guard.CLAIM)
        if form.is_valid():
            obj = identity.find_application(form.cleaned_data["number"])
            claim = identity.match_claim(
                obj.producer if obj else None, form.cleaned_data["code"], valid_only=False
            )
            if obj is not None and claim is not None:
                guard.CLAIM.charge(request, 1)
                context.update(items=[describe(obj)], producer=obj.producer)
                return TemplateResponse(request, "credit/forms/status.html", context)
            guard.CLAIM.charge(request, guard.MISS_COST)
            form.add_error(None, _("申请编号与认领码不匹配。"))
        else:
            guard.CLAIM.charge(request, 1)
    context["form"] = form
    return TemplateResponse(request, "credit/forms/status.html", context)


def leave(request):
    """Ends the identified session (POST)."""
    if request.method != "POST":
        raise Http404
    identity.forget(request)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return HttpResponseRedirect(target)
