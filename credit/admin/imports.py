"""数据导入: upload a CSV/XLSX file of one kind of record, and download its error report."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from credit.admin import forms
from credit.admin.base import VIEWSETS_BY_MODEL
from credit.models import (
    BlacklistEntry,
    Certificate,
    Certification,
    EnforcementCase,
    Inspection,
    Producer,
    Sampling,
)

IMPORT_MODELS = {
    "producers": Producer,
    "inspections": Inspection,
    "samplings": Sampling,
    "certificates": Certificate,
    "certifications": Certification,
    "cases": EnforcementCase,
    "blacklist": BlacklistEntry,
}
REPORT_DIR_NAME = "import-reports"
REPORT_NAME_RE = re.compile(r"^(\d+)-([A-Za-z0-9_-]{20,64})\.csv$")
SHOWN_ERRORS = 200


def import_kinds_for(user) -> list[tuple[str, str]]:
    from credit.importers import KINDS, SPECS

    kinds = []
    for kind in KINDS:
        model = IMPORT_MODELS.get(kind)
        viewset = VIEWSETS_BY_MODEL.get(model)
        if viewset is not None and viewset.permission_policy.user_has_permission(user, "add"):
            kinds.append((kind, f"{SPECS[kind].label}（{kind}）"))
    return kinds


def report_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / REPORT_DIR_NAME


class ImportView(WagtailAdminTemplateMixin, FormView):
    template_name = "credit/admin/import.html"
    page_title = gettext_lazy("数据导入")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        self.kinds = import_kinds_for(request.user)
        if not self.kinds:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def post(self, request, *args, **kwargs):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > forms.MAX_UPLOAD_BYTES + 1024 * 1024:
            form = forms.ImportForm(kinds=self.kinds)
            form.add_error(None, _("文件过大：最大 50 MB。"))
            return self.form_invalid(form)
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        kwargs = self.get_form_kwargs()
        initial_kind = self.request.GET.get("kind")
        if initial_kind:
            kwargs.setdefault("initial", {})["kind"] = initial_kind
        return forms.ImportForm(kinds=self.kinds, **kwargs)

    def form_valid(self, form):
        from credit.importers import run_import

        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        token = secrets.token_urlsafe(24)
        name = f"{self.request.user.pk}-{token}.csv"
        report_path = report_dir() / name
        result = run_import(
            kind,
            upload,
            upload.name,
            dry_run=form.cleaned_data["dry_run"],
            user=self.request.user,
            progress=False,
            report_path=report_path,
        )
        report_url = None
        if result.report_path:
            report_url = reverse("credit_import:report", args=(Path(result.report_path).name,))
        if result.ok:
            messages.success(self.request, result.summary_lines()[1])
        else:
            messages.error(
                self.request,
                _("导入未完成：发现 %(n)s 处错误，未写入任何数据。") % {"n": result.error_count},
            )
        return self.render_to_response(
            self.get_context_data(
                form=forms.ImportForm(kinds=self.kinds, initial={"kind": kind}),
                result=result,
                errors=result.errors[:SHOWN_ERRORS],
                errors_truncated=result.error_count > SHOWN_ERRORS,
                report_url=report_url,
                counts=_import_counts(result),
            )
        )

    def get_context_data(self, **kwargs):
        from credit.importers import SPECS

        context = super().get_context_data(**kwargs)
        context["specs"] = [
            {
                "kind": kind,
                "label": SPECS[kind].label,
                "columns": [c.name for c in SPECS[kind].columns],
            }
            for kind, _label in self.kinds
        ]
        context["shown_errors"] = SHOWN_ERRORS
        return context


def _import_counts(result) -> list[tuple[str, int]]:
    labels = {
        "rows": _("数据行"),
        "created": _("新增"),
        "updated": _("更新"),
        "corrected": _("更正"),
        "unchanged": _("未变化"),
        "duplicates": _("文件内重复"),
    }
    return [(labels.get(k, k), v) for k, v in result.counts.items()]


class ImportReportView(View):
    """The full error report of an import, to the user who ran it (or a superuser)."""

    def get(self, request, name):
        match = REPORT_NAME_RE.match(name)
        if not match:
            raise Http404
        if not request.user.is_superuser and match.group(1) != str(request.user.pk):
            raise PermissionDenied
        if not import_kinds_for(request.user):
            raise PermissionDenied
        path_ = report_dir() / name
        if not path_.is_file():
            raise Http404
        return FileResponse(
            open(path_, "rb"),  # noqa: SIM115 - FileResponse closes it
            as_attachment=True,
            filename=f"import-errors-{timezone.localdate():%Y%m%d}.csv",
            content_type="text/csv; charset=utf-8",
        )


class ImportViewSet(ViewSet):
    name = "credit_import"
    menu_name = "credit_import"
    url_prefix = "credit/import"
    icon = "upload"
    menu_label = gettext_lazy("数据导入")

    @cached_property
    def menu_item_class(self):
        class ImportMenuItem(AdminMenuItem):
            def is_shown(self, request):
                return bool(import_kinds_for(request.user))

        return ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", ImportView.as_view(), name="index"),
            path("report/<str:name>/", ImportReportView.as_view(), name="report"),
        ]
