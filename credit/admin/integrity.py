"""诚信档案 (a producer's integrity file) and recomputing a producer's grade."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from credit.admin.base import VIEWSETS_BY_MODEL, ScopedMixin, admin_url, integrity_url
from credit.admin.facts import fact_is_negative, fact_summary
from credit.admin.policies import scoped_queryset
from credit.admin.reviews import can_decide, review_open, safe_fact
from credit.models import FACT_MODELS, Objection, Producer, ProductCategory
from credit.services.audit import actor_name


def categories_display(producer) -> str:
    labels = dict(ProductCategory.choices)
    return "；".join(str(labels.get(c, c)) for c in producer.categories or [])


def region_path(region) -> str:
    return region.full_name() if region else ""


class IntegrityFileView(ScopedMixin, WagtailAdminTemplateMixin, TemplateView):
    """诚信档案: identity, grade and explanation, history, facts, restrictions, reviews."""

    template_name = "credit/admin/integrity.html"
    permission_policy = None
    index_url_name = None
    header_icon = "doc-full"
    timeline_limit = 300

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "view"):
            raise PermissionDenied
        self.object = self.get_scoped_object(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("诚信档案")

    def get_page_subtitle(self):
        return self.object.name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": Producer._meta.verbose_name_plural},
            {"url": "", "label": _("诚信档案"), "sublabel": self.object.name},
        ]

    @cached_property
    def header_buttons(self):
        buttons = []
        policy = self.permission_policy
        if policy.user_has_permission(self.request.user, "change"):
            buttons.append(
                HeaderButton(
                    _("编辑"),
                    url=reverse("credit_producer:edit", args=(self.object.pk,)),
                    icon_name="edit",
                )
            )
        return buttons

    def _timeline(self, user):
        rows = []
        totals = {}
        open_objections = set(
            Objection.objects.filter(producer=self.object, status__in=Objection.OPEN).values_list(
                "fact_type_id", "fact_id"
            )
        )
        for model in FACT_MODELS:
            qs = scoped_queryset(model, user).filter(producer=self.object)
            totals[model] = qs.count()
            date_field = model.date_field
            ct = ContentType.objects.get_for_model(model)
            viewset = VIEWSETS_BY_MODEL.get(model)
            can_amend = viewset is not None and viewset.permission_policy.user_has_model_permission(
                user, "change"
            )
            for fact in qs.order_by(f"-{date_field}", "-id")[: self.timeline_limit]:
                rows.append(
                    {
                        "fact": fact,
                        "kind": model._meta.verbose_name,
                        "date": fact.fact_date,
                        "summary": fact_summary(fact),
                        "negative": fact_is_negative(fact),
                        "voided": fact.is_voided,
                        "under_objection": (ct.id, fact.pk) in open_objections,
                        "inspect_url": admin_url(fact, "inspect"),
                        "correct_url": admin_url(fact, "correct")
                        if can_amend and not fact.is_voided
                        else None,
                        "void_url": admin_url(fact, "void")
                        if can_amend and not fact.is_voided
                        else None,
                    }
                )
        rows.sort(key=lambda r: (r["date"], r["fact"].recorded_at), reverse=True)
        total = sum(totals.values())
        listings = [
            {
                "label": model._meta.verbose_name_plural,
                "count": count,
                "url": reverse(VIEWSETS_BY_MODEL[model].get_url_name("index"))
                + f"?producer={self.object.pk}",
                "add_url": reverse(VIEWSETS_BY_MODEL[model].get_url_name("add"))
                + f"?producer={self.object.pk}"
                if VIEWSETS_BY_MODEL[model].permission_policy.user_has_permission(user, "add")
                else None,
            }
            for model, count in totals.items()
            if model in VIEWSETS_BY_MODEL
        ]
        return rows[: self.timeline_limit], total, listings

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        producer = self.object
        grades = list(producer.grades.order_by("-as_of", "-id")[:200])
        current = grades[0] if grades else None
        today = timezone.localdate()
        restrictions = list(producer.restrictions.order_by("-start", "scenario"))
        open_r, past_r = [], []
        for r in restrictions:
            is_open = r.lifted_at is None and (r.end is None or r.end >= today)
            (open_r if is_open else past_r).append(r)
        timeline, total, listings = self._timeline(user)
        objections = list(producer.objections.order_by("-submitted_at"))
        repairs = list(producer.repair_applications.order_by("-submitted_at"))
        for item in objections + repairs:
            item.fact_obj = safe_fact(item)
            item.fact_kind = item.fact_obj._meta.verbose_name if item.fact_obj else ""
            item.fact_url = admin_url(item.fact_obj, "inspect") if item.fact_obj else None
            item.inspect_url = admin_url(item, "inspect")
            item.decide_url = (
                admin_url(item, "decide") if review_open(item) and can_decide(user, item) else None
            )
        region = producer.region
        context.update(
            {
                "producer": producer,
                "show_full_id": user.is_superuser,
                "id_display": producer.id_number
                if user.is_superuser
                else producer.masked_id_number,
                "region_path": region_path(region),
                "categories": categories_display(producer),
                "current_grade": current,
                "current_explanation": current.explanation() if current else [],
                "grades": [{"grade": g, "explanation": g.explanation()} for g in grades],
                "timeline": timeline,
                "timeline_total": total,
                "timeline_limit": self.timeline_limit,
                "fact_listings": listings,
                "open_restrictions": open_r,
                "past_restrictions": past_r,
                "objections": objections,
                "repairs": repairs,
                "can_recompute": self.permission_policy.user_has_permission(user, "change"),
                "recompute_url": reverse("credit_producer:recompute", args=(producer.pk,)),
                "merged_into": producer.merged_into,
            }
        )
        return context


class RecomputeView(ScopedMixin, View):
    """POST: recompute one producer's grade now (scoped)."""

    permission_policy = None
    http_method_names = ["post"]

    def post(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        producer = self.get_scoped_object(pk)
        from credit.services.grading import recompute

        stats = recompute([producer.pk], actor=actor_name(request.user), reason="admin recompute")
        producer.refresh_from_db()
        message = _("已重新计算：%(name)s 当前等级 %(grade)s。") % {
            "name": producer.name,
            "grade": producer.grade,
        }
        if stats.grades_changed:
            message += _("等级结果有变化，已记录新的评定。")
        messages.success(request, message)
        return HttpResponseRedirect(
            get_valid_next_url_from_request(request) or integrity_url(producer)
        )
