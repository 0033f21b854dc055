"""Pages for organisation users (check by upload or paste, results, reports) and the
public verification page of issued reports."""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from credit.api.checks_views import REPORT_TYPES, report_response
from credit.checks import report, service, tasks
from credit.checks.forms import PasteForm, UploadForm
from credit.checks.report import MATCHED_BY_LABELS, SCENARIO_LABELS, VERDICT_LABELS
from credit.checks.uploads import UploadError, parse_pasted, read_upload
from credit.models import BatchCheck, CheckSource, Organisation
from credit.models.checks import normalize_verification_code
from credit.publicforms import guard

PAGE_SIZE = 100


class NotAMember(PermissionDenied):
    pass


def _organisations(user):
    orgs = Organisation.objects.filter(users=user, active=True)
    if not orgs.exists():
        raise NotAMember("not a member of an organisation")
    return orgs


def not_a_member(view):
    """A signed-in user outside every organisation is told how to get access (403)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotAMember:
            return render(request, "credit/checks/not_a_member.html", status=403)

    return wrapped


def _row_errors(errors, numbers, what):
    """entries[i].field → '第 N 行 field：message' (N as in the file or the pasted text)."""
    out = []
    for e in errors:
        field = e["field"] or ""
        if field.startswith("entries[") and "]" in field:
            i = int(field[len("entries[") : field.index("]")])
            rest = field[field.index("]") + 1 :].lstrip(".")
            label = f"第 {numbers[i]} {what}" + (f" {rest}" if rest else "")
        else:
            label = field
        out.append(f"{label}：{e['message']}" if label else e["message"])
    return out


@login_required
@not_a_member
@never_cache
def index(request):
    orgs = _organisations(request.user)
    checks = BatchCheck.objects.filter(organisation__in=orgs).select_related("organisation")[:50]
    return render(request, "credit/checks/index.html", {"organisations": orgs, "checks": checks})


def _run(request, form, entries_and_numbers, source, what):
    entries_raw, numbers = entries_and_numbers
    try:
        entries = service.validate_entries(entries_raw)
    except service.EntriesInvalid as exc:
        return None, _row_errors(exc.errors, numbers, what)
    data = form.cleaned_data
    check = service.create_check(
        data["organisation"],
        data["scenario"],
        data["date"],
        entries,
        source,
        user=request.user,
        programme=data.get("programme"),
    )
    tasks.prepare_reports(check.pk)
    return check, []


def _form_view(request, form_class, template, source, read, what):
    _organisations(request.user)
    errors = []
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                parsed = read(form)
            except UploadError as exc:
                errors = [str(exc)]
            else:
                check, errors = _run(request, form, parsed, source, what)
                if check is not None:
                    return redirect("credit-check-detail", pk=check.pk)
    else:
        form = form_class(user=request.user)
    return render(
        request,
        template,
        {
            "form": form,
            "errors": errors[:200],
            "error_count": len(errors),
            "more_errors": max(0, len(errors) - 200),
        },
    )


@login_required
@not_a_member
def upload(request):
    return _form_view(
        request,
        UploadForm,
        "credit/checks/upload.html",
        CheckSource.UPLOAD,
        lambda form: read_upload(form.cleaned_data["file"]),
        "行",
    )


@login_required
@not_a_member
def paste(request):
    return _form_view(
        request,
        PasteForm,
        "credit/checks/paste.html",
        CheckSource.PASTE,
        lambda form: parse_pasted(form.cleaned_data["text"]),
        "行",
    )


def _own_check(request, pk):
    orgs = _organisations(request.user)
    return get_object_or_404(
        BatchCheck.objects.select_related("organisation"), pk=pk, organisation__in=orgs
    )


@login_required
@not_a_member
@never_cache
def detail(request, pk):
    check = _own_check(request, pk)
    verdict = request.GET.get("verdict", "")
    rows = check.results
    if verdict in VERDICT_LABELS:
        rows = [r for r in rows if r["verdict"] == verdict]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "credit/checks/detail.html",
        {
            "check": check,
            "summary": check.document["summary"],
            "scenario_label": SCENARIO_LABELS.get(check.scenario, check.scenario),
            "page_obj": page,
            "verdict": verdict,
            "verdicts": VERDICT_LABELS,
            "methods": MATCHED_BY_LABELS,
            "verify_url": report.verify_url(check),
            "formats": list(REPORT_TYPES),
        },
    )


@login_required
@not_a_member
def download(request, pk, fmt):
    if fmt not in REPORT_TYPES:
        raise Http404
    return report_response(_own_check(request, pk), fmt)


# -- public verification ---------------------------------------------------------------------


# Each lookup is charged to the client's budget (credit.publicforms.guard.CHECK_VERIFY); an
# unknown code costs MISS_COST, so guessing codes is cut off quickly.


@require_GET
def verify_lookup(request):
    code = normalize_verification_code(request.GET.get("code", ""))
    if code:
        return redirect("credit-check-verify", code=code)
    return render(request, "credit/verify_lookup.html", {})


def _verified_check(request, code):
    """(check or None, 429 response or None) for a public lookup by code."""
    if guard.CHECK_VERIFY.blocked(request):
        return None, guard.too_many_requests(request, guard.CHECK_VERIFY)
    check = BatchCheck.objects.filter(verification_code=normalize_verification_code(code)).first()
    guard.CHECK_VERIFY.charge(request, 1 if check is not None else guard.MISS_COST)
    return check, None


@require_GET
def verify(request, code):
    normal = normalize_verification_code(code)
    if normal != code:
        return redirect("credit-check-verify", code=normal)
    check, refused = _verified_check(request, normal)
    if refused is not None:
        return refused
    if check is None:
        return render(
            request, "credit/verify_lookup.html", {"code": code, "missing": True}, status=404
        )
    doc = check.document
    return render(
        request,
        "credit/verify.html",
        {
            "check": check,
            "doc": doc,
            "summary": doc["summary"],
            "scenario_label": SCENARIO_LABELS.get(check.scenario, check.scenario),
            "verdicts": VERDICT_LABELS,
        },
    )


@require_GET
def verify_content(request, code):
    """The exact bytes the SHA-256 covers: `sha256sum` of this file equals the printed one."""
    check, refused = _verified_check(request, code)
    if refused is not None:
        return refused
    if check is None:
        raise Http404
    response = HttpResponse(check.content.encode("utf-8"), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="credit-check-{check.verification_code}.json"'
    )
    response["X-Content-SHA256"] = check.content_sha256
    return response
