"""What the public producer page shows, gathered from the credit core.

The grade, explanation and restrictions are exactly what ``GET /api/v1/producers/<uscc>/``
returns (``credit.services.credit_view.producer_credit``). Records are shown only while
they are published (``credit.publicity``): minor penalties never, general and serious ones
within their publicity period and until an approved repair, blacklist entries while in
force. Failed samplings are shown for the grading window. Nothing here returns an ID
number or a phone number.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _

from credit.identifiers import mask_name_person
from credit.models import (
    BlacklistEntry,
    CaseSeverity,
    Certification,
    CheckResult,
    CreditGrade,
    EnforcementCase,
    Objection,
    ProducerKind,
    ProductCategory,
    Sampling,
    Scenario,
)
from credit.publicity import blacklist_published, case_published, publication_end
from credit.scoring import compute_grade, window_start
from credit.services.credit_view import producer_credit
from credit.services.facts import _repairs, load_facts
from credit.services.grading import policy_for

log = logging.getLogger(__name__)

REPLY_TEMPLATE = "credit/includes/producer_reply.html"
# Where the right-to-reply work may publish get_public_reply(producer); first found wins.
REPLY_MODULES = ("credit.publicforms.replies", "credit.publicforms", "credit.replies")
HISTORY_LIMIT = 24

SUBSCORE_LABELS = {
    "certificate": _("合格证开具"),
    "sampling": _("抽检合格率"),
    "records": _("生产记录"),
}
SUBSCORE_UNITS = {"certificate": _("次核查"), "sampling": _("批次"), "records": _("次核查")}
ADJUSTMENT_LABELS = {
    "penalty_general": _("一般行政处罚"),
    "penalty_serious": _("严重行政处罚"),
    "false_certificate": _("虚假开证或冒用他人名义开证"),
    "certification_bonus": _("有效认证加分"),
}
HARD_RULE_LABELS = {
    "blacklisted": _("列入黑名单"),
    "prohibited_substance": _("抽检检出禁限用物质"),
    "criminal_transfer": _("案件移送司法机关"),
}
GRADE_SHORT = {
    "A": _("守信"),
    "B": _("基本守信"),
    "C": _("失信"),
    "D": _("严重失信"),
    "U": _("未评级"),
}


def public_name(producer) -> str:
    """Large growers are natural persons: the public sees only the surname (as the portal
    and the search index do)."""
    if producer.kind == ProducerKind.GROWER:
        return mask_name_person(producer.name)
    return producer.name


def grade_label(grade: str) -> str:
    """'A 守信' … 'U 未评级', in the active language."""
    short = GRADE_SHORT.get(grade)
    if short is None:
        return grade
    return f"{grade} {short}"


def kind_label(kind: str) -> str:
    try:
        return ProducerKind(kind).label
    except ValueError:
        return kind


def category_labels(codes) -> list[str]:
    labels = dict(ProductCategory.choices)
    return [str(labels.get(c, c)) for c in codes or [] if c]


def region_names(region) -> list[tuple[str, str]]:
    """(code, name) from the province down to the producer's region."""
    out, node = [], region
    while node is not None:
        out.append((node.code, node.name))
        node = node.parent
    return list(reversed(out))


def region_path(region) -> str:
    return region.full_name() if region is not None else ""


@dataclass
class RecordItem:
    """One published record on the page, with the producer's ways to contest it."""

    kind: str  # case, blacklist, sampling
    fact: object
    key: str  # "<model>:<pk>", as the objection and repair forms name records
    under_objection: bool = False
    published_until: date | None = None  # last day of publication
    repairable: bool = False
    eligibility: object = None
    waiting: bool = False  # the minimum publicity period before repair has not passed
    other_reasons: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def _last_day(first_day_not_published: date | None) -> date | None:
    return first_day_not_published - timedelta(days=1) if first_day_not_published else None


def _open_objections(producer) -> set[tuple[int, int]]:
    # The same rule as credit.services.reviews.fact_under_objection, for all records at once.
    return set(
        Objection.objects.filter(producer=producer, status__in=Objection.OPEN).values_list(
            "fact_type_id", "fact_id"
        )
    )


def published_cases(producer, today: date, policy) -> list[EnforcementCase]:
    longest = max(policy.publicity_months.values(), default=0)
    if longest <= 0:
        return []
    rows = list(
        EnforcementCase.objects.active()
        .filter(producer=producer, decision_date__lte=today)
        .exclude(severity=CaseSeverity.MINOR)
        .order_by("-decision_date", "-id")
    )
    repaired = _repairs(EnforcementCase, [producer.id]) if rows else {}
    out = []
    for case in rows:
        if case_published(
            case.decision_date, case.severity, today, policy, repaired_on=repaired.get(case.pk)
        ):
            case.published_until = _last_day(
                publication_end(case.decision_date, policy.publicity_months.get(case.severity, 0))
            )
            out.append(case)
    return out


def published_blacklist(producer, today: date, policy) -> list[BlacklistEntry]:
    rows = list(
        BlacklistEntry.objects.active()
        .filter(producer=producer, start_date__lte=today)
        .order_by("-start_date", "-id")
    )
    repaired = _repairs(BlacklistEntry, [producer.id]) if rows else {}
    out = []
    for entry in rows:
        if blacklist_published(
            entry.start_date,
            entry.end_date,
            today,
            policy,
            removed_on=entry.removed_on,
            repaired_on=repaired.get(entry.pk),
        ):
            limit = _last_day(publication_end(entry.start_date, policy.blacklist_publicity_months))
            ends = [d for d in (entry.end_date, limit) if d is not None]
            entry.published_until = min(ends) if ends else None
            out.append(entry)
    return out


def failed_samplings(producer, today: date, policy) -> list[Sampling]:
    return list(
        Sampling.objects.active()
        .filter(producer=producer, date__gt=window_start(today, policy), date__lte=today)
        .exclude(result=CheckResult.PASS)
        .order_by("-date", "-id")
    )


def valid_certifications(producer, today: date) -> list[Certification]:
    return list(
        Certification.objects.active()
        .filter(producer=producer, valid_from__lte=today, valid_to__gte=today)
        .order_by("type", "product", "number")
    )


def _records(producer, today: date, policy) -> dict[str, list[RecordItem]]:
    from credit.services.reviews import eligibility

    objections = _open_objections(producer)
    cts = ContentType.objects.get_for_models(EnforcementCase, BlacklistEntry, Sampling)

    def item(kind, fact, repairable=False):
        ct = cts[type(fact)]
        record = RecordItem(
            kind=kind,
            fact=fact,
            key=f"{fact._meta.model_name}:{fact.pk}",
            under_objection=(ct.pk, fact.pk) in objections,
            published_until=getattr(fact, "published_until", None),
        )
        if repairable:
            check = eligibility(fact, today)
            record.eligibility, record.repairable = check, check.eligible
            earliest = check.earliest
            record.waiting = bool(earliest and today < earliest)
            # The waiting period is shown (translated) from `earliest`; other reasons as given.
            record.other_reasons = [
                r for r in check.reasons if not (earliest and earliest.isoformat() in r)
            ]
        return record

    return {
        "blacklist": [
            item("blacklist", e, True) for e in published_blacklist(producer, today, policy)
        ],
        "cases": [item("case", c, True) for c in published_cases(producer, today, policy)],
        "samplings": [item("sampling", s) for s in failed_samplings(producer, today, policy)],
    }


def grade_history(producer, limit: int = HISTORY_LIMIT) -> list[CreditGrade]:
    rows = list(
        CreditGrade.objects.filter(producer=producer)
        .only("as_of", "grade", "score", "policy_version")
        .order_by("-as_of", "-id")[:limit]
    )
    for row in rows:
        row.label = grade_label(row.grade)
    return rows


def grade_since(history: list[CreditGrade], grade: str, today: date) -> date:
    """The day the producer's current grade began (today when not yet stored)."""
    if not history or history[0].grade != grade:
        return today
    since = history[0].as_of
    for row in history:
        if row.grade != grade:
            break
        since = row.as_of
    return since


def objection_window(grade: str, since: date, today: date, policy) -> dict | None:
    """The objection window for a new C or D grade (DESIGN §5, default 21 days)."""
    if grade not in ("C", "D"):
        return None
    days = policy.objection_window_days
    until = since + timedelta(days=days)
    return {"days": days, "since": since, "until": until, "open": today <= until}


def public_reply(producer):
    """(reply, template name) from the right-to-reply work, or (None, None) while absent."""
    for name in REPLY_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        getter = getattr(module, "get_public_reply", None)
        if getter is None:
            continue
        try:
            template = get_template(REPLY_TEMPLATE) and REPLY_TEMPLATE
        except TemplateDoesNotExist:
            return None, None
        return getter(producer), template
    return None, None


def scenario_label(code: str) -> str:
    try:
        return Scenario(code).label
    except ValueError:
        return code


def build_profile(producer, today: date) -> dict:
    """Everything the producer page shows, as of today."""
    policy = policy_for(today)
    credit = producer_credit(producer, today)
    # The same computation once more for what the API does not carry (passed/total counts,
    # the window, supervision frequency); it reads the same facts, so it agrees.
    result = compute_grade(load_facts([producer.id])[producer.id], policy, today)
    subscores = [
        {
            "code": code,
            "label": SUBSCORE_LABELS.get(code, code),
            "value": credit["subscores"].get(code),
            "passed": result.subscores[code].passed,
            "total": result.subscores[code].total,
            "unit": SUBSCORE_UNITS.get(code, ""),
            "weight": result.policy.weights[code] * 100,
        }
        for code in credit["subscores"]
    ]
    adjustments = [
        {**a, "label": ADJUSTMENT_LABELS.get(a["reason"], a.get("label") or a["reason"])}
        for a in credit["adjustments"]
    ]
    restrictions = [{**r, "label": scenario_label(r["scenario"])} for r in credit["restrictions"]]
    history = grade_history(producer)
    since = grade_since(history, credit["grade"], today)
    reply, reply_template = public_reply(producer)
    return {
        "credit": credit,
        "result": result,
        "grade": credit["grade"],
        "grade_label": grade_label(credit["grade"]),
        "grade_short": GRADE_SHORT.get(credit["grade"], ""),
        "subscores": subscores,
        "adjustments": adjustments,
        "hard_rules": [
            {"code": code, "label": HARD_RULE_LABELS.get(code, code)}
            for code in credit["hard_rules"]
        ],
        "restrictions": restrictions,
        "records": _records(producer, today, policy),
        "certifications": valid_certifications(producer, today),
        "history": history,
        "grade_since": since,
        "objection_window": objection_window(credit["grade"], since, today, policy),
        "reply": reply,
        "reply_template": reply_template,
        "policy": policy,
    }
