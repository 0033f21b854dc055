"""A producer's records as its own self-service pages list them: the negative records it
may dispute (异议) and the records it may apply to repair (信用修复), each with its state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit.models import (
    BlacklistEntry,
    CaseSeverity,
    EnforcementCase,
    Inspection,
    Objection,
    RepairApplication,
    RepairStatus,
    Sampling,
)
from credit.publicity import Eligibility

# Negative records stay listed as long as the longest publicity period (serious cases and
# the blacklist: 3 years); inspections and samplings count for the 24-month grade window.
LISTED_MONTHS = 36
WINDOW_MONTHS = 24

KIND_LABELS = {
    "enforcementcase": _("行政处罚"),
    "sampling": _("抽检不合格"),
    "blacklistentry": _("黑名单"),
    "inspection": _("巡查检查问题"),
}


def _check(value) -> str:
    return "未查" if value is None else ("合格" if value else "不合格")


def summary(fact) -> str:
    """A one-line description of a record, as the producer sees it."""
    if isinstance(fact, EnforcementCase):
        text = f"{fact.agency}作出{fact.get_severity_display()}行政处罚"
        if fact.penalty:
            text += f"：{fact.penalty}"
        return text
    if isinstance(fact, Sampling):
        text = f"{fact.product}（样品 {fact.sample_code}）{fact.get_result_display()}"
        if fact.failed_items:
            text += f"，不合格项目：{fact.failed_items}"
        return text
    if isinstance(fact, BlacklistEntry):
        end = fact.end_date.isoformat() if fact.end_date else "无期限"
        return f"列入黑名单（{fact.start_date} 至 {end}）：{fact.reason}"
    if isinstance(fact, Inspection):
        text = (
            f"{fact.agency}巡查：生产档案{_check(fact.records_ok)}，"
            f"合格证开具{_check(fact.certificate_ok)}，投入品使用{_check(fact.inputs_ok)}"
        )
        if fact.false_certificate:
            text += "；发现虚假开证或冒用他人名义开证"
        return text
    return str(fact)


def reference(fact) -> str:
    """The record's own number (case number, sample code…)."""
    for name in ("case_number", "sample_code", "decision_number"):
        if hasattr(fact, name):
            return getattr(fact, name)
    return f"{fact.date}"


@dataclass
class RecordRow:
    fact: object
    key: str
    kind: str
    number: str
    day: date
    text: str
    open_objection: Objection | None = None
    last_objection: Objection | None = None
    last_repair: RepairApplication | None = None
    eligibility: Eligibility | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def under_objection(self) -> bool:
        return self.open_objection is not None

    @property
    def repair_open(self) -> bool:
        return self.last_repair is not None and self.last_repair.status in (
            RepairStatus.SUBMITTED,
            RepairStatus.UNDER_REVIEW,
        )

    @property
    def repaired(self) -> bool:
        return self.last_repair is not None and self.last_repair.status == RepairStatus.APPROVED

    @property
    def can_object(self) -> bool:
        return not self.under_objection

    @property
    def can_repair(self) -> bool:
        return bool(self.eligibility and self.eligibility.eligible) and not self.repair_open


def fact_key(fact) -> str:
    return f"{fact._meta.model_name}:{fact.pk}"


def _rows(producer, facts) -> list[RecordRow]:
    rows = []
    for fact in facts:
        name = fact._meta.model_name
        rows.append(
            RecordRow(
                fact=fact,
                key=fact_key(fact),
                kind=KIND_LABELS[name],
                number=reference(fact),
                day=fact.fact_date,
                text=summary(fact),
            )
        )
    by_ct: dict[tuple[int, int], RecordRow] = {}
    for row in rows:
        ct = ContentType.objects.get_for_model(row.fact)
        by_ct[(ct.pk, row.fact.pk)] = row
    for objection in Objection.objects.filter(producer=producer).order_by("submitted_at", "id"):
        row = by_ct.get((objection.fact_type_id, objection.fact_id))
        if row is None:
            continue
        row.last_objection = objection
        if objection.is_open:
            row.open_objection = objection
    for app in RepairApplication.objects.filter(producer=producer).order_by("submitted_at", "id"):
        row = by_ct.get((app.fact_type_id, app.fact_id))
        if row is not None:
            row.last_repair = app
    rows.sort(key=lambda r: (r.day, r.key), reverse=True)
    return rows


def negative_records(producer, today: date | None = None) -> list[RecordRow]:
    """Records that count against the producer and may be disputed."""
    today = today or timezone.localdate()
    listed = today - relativedelta(months=LISTED_MONTHS)
    window = today - relativedelta(months=WINDOW_MONTHS)
    facts = [
        *EnforcementCase.objects.active().filter(producer=producer, decision_date__gt=listed),
        *Sampling.objects.active()
        .filter(producer=producer, date__gt=window)
        .exclude(result="pass"),
        *BlacklistEntry.objects.active().filter(producer=producer, start_date__gt=listed),
        *[
            i
            for i in Inspection.objects.active().filter(producer=producer, date__gt=window)
            if i.false_certificate or False in (i.records_ok, i.certificate_ok, i.inputs_ok)
        ],
    ]
    return _rows(producer, facts)


def repairable_records(producer, today: date | None = None) -> list[RecordRow]:
    """Published penalties and blacklist entries, each with its repair eligibility."""
    from credit.services.reviews import eligibility

    today = today or timezone.localdate()
    listed = today - relativedelta(months=LISTED_MONTHS)
    facts = [
        *EnforcementCase.objects.active().filter(
            producer=producer,
            decision_date__gt=listed,
            severity__in=[CaseSeverity.GENERAL, CaseSeverity.SERIOUS],
        ),
        *BlacklistEntry.objects.active().filter(producer=producer, start_date__gt=listed),
    ]
    rows = _rows(producer, facts)
    for row in rows:
        row.eligibility = eligibility(row.fact, today)
        row.reasons = list(row.eligibility.reasons)
        if row.repair_open:
            row.reasons.append("已有修复申请正在审核")
    return rows


def find_row(rows: list[RecordRow], key: str) -> RecordRow | None:
    return next((r for r in rows if r.key == key), None)


def has_fine(fact) -> bool:
    return isinstance(fact, EnforcementCase) and bool(fact.fine_amount)
