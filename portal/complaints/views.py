"""Public complaint pages: the form (/complaints/), the receipt, and tracking.

Submissions are limited per IP (credit.publicforms.guard.COMPLAINT) and need the challenge
(portal.complaints.forms); tracking lookups are limited too, and a miss costs more.
"""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from credit.public.views import breadcrumb_list
from credit.publicforms import guard
from portal.complaints import service
from portal.complaints.forms import ComplaintForm, TrackForm, make_challenge

RECEIPT_KEY = "complaint_receipt"


def _fresh(form: ComplaintForm) -> ComplaintForm:
    """The same form with a new challenge, its answer and the honeypot cleared."""
    challenge = make_challenge()
    if form.is_bound:
        data = form.data.copy()
        data["challenge_token"], data["challenge_answer"], data["website"] = challenge.token, "", ""
        form.data = data
    else:
        form.initial["challenge_token"] = challenge.token
    form.challenge_question = challenge.question
    return form


@never_cache
def complaint_form(request):
    if request.method == "POST":
        if guard.COMPLAINT.blocked(request):
            return guard.too_many_requests(request, guard.COMPLAINT)
        form = ComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            guard.COMPLAINT.charge(request, 1)
            complaint, code = service.create_complaint(
                form.cleaned_data, form.cleaned_data["attachments"], ip=guard.client_ip(request)
            )
            request.session[RECEIPT_KEY] = {"number": complaint.tracking_number, "code": code}
            return HttpResponseRedirect(reverse("complaint-submitted"))
        # Failed challenges and invalid forms spend budget too (bots retry).
        guard.COMPLAINT.charge(request, 1 if not form.has_error("__all__") else guard.MISS_COST)
        form = _fresh(form)
        status = 200
    else:
        form = _fresh(ComplaintForm())
        status = 200
    crumbs = [(_("首页"), "/"), (_("投诉举报"), reverse("complaint-form"))]
    context = {"form": form, "breadcrumb_ld": breadcrumb_list(request, crumbs)}
    return TemplateResponse(request, "portal/complaints/form.html", context, status=status)


@never_cache
def complaint_submitted(request):
    """The receipt: tracking number and query code, shown once."""
    receipt = request.session.pop(RECEIPT_KEY, None)
    if not receipt:
        return HttpResponseRedirect(reverse("complaint-track"))
    response = TemplateResponse(request, "portal/complaints/submitted.html", receipt)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def complaint_track(request):
    form = TrackForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        if guard.COMPLAINT_TRACK.blocked(request):
            return guard.too_many_requests(request, guard.COMPLAINT_TRACK)
        if form.is_valid():
            complaint = service.find_for_holder(
                form.cleaned_data["tracking_number"], form.cleaned_data["query_code"]
            )
            if complaint is not None:
                guard.COMPLAINT_TRACK.charge(request, 1)
                context.update(
                    complaint=complaint,
                    timeline=service.public_timeline(complaint),
                    form=TrackForm(),
                )
            else:
                guard.COMPLAINT_TRACK.charge(request, guard.MISS_COST)
                form.add_error(None, _("受理编号与查询码不匹配。"))
        else:
            guard.COMPLAINT_TRACK.charge(request, 1)
    response = TemplateResponse(request, "portal/complaints/track.html", context)
    response["Cache-Control"] = "no-store"
    return response
