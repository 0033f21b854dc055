"""Objections and credit repair: the decisions and their effects (DESIGN §5).

An upheld objection voids its fact; an approved repair ends the record's publication and
its effect on grades and restrictions from the approval date. Both recompute the producer
and land in the audit trail.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from credit.models import (
    BlacklistEntry,
    EnforcementCase,
    Objection,
    RepairApplication,
    RepairStatus,
    ReviewStatus,
)
from credit.publicity import Eligibility, repair_eligibility
from credit.services.audit import Event, actor_name, record
from credit.services.grading import policy_for
from credit.services.records import void_fact
from credit.signals import schedule_recompute

# Days staff have to decide an objection (tracked in the admin).
OBJECTION_DECISION_DAYS = 15


def _require_reason(reason: str, field: str = "decision_reason") -> None:
    if not reason or not reason.strip():
        raise ValidationError({field: "必须说明理由。"})


@transaction.atomic
def submit_objection(producer, fact, reason: str) -> Objection:
    _require_reason(reason, "reason")
    if fact.producer_id != producer.id:
        raise ValidationError({"fact": "该记录不属于此生产经营主体。"})
    if fact.voided_at is not None:
        raise ValidationError({"fact": "该记录已作废。"})
    ct = ContentType.objects.get_for_model(fact)
    if Objection.objects.filter(fact_type=ct, fact_id=fact.pk, status__in=Objection.OPEN).exists():
        raise ValidationError({"fact": "该记录已有异议正在审核。"})
    objection = Objection.objects.create(
        producer=producer,
        fact_type=ct,
        fact_id=fact.pk,
        reason=reason.strip(),
        deadline=timezone.localdate() + timedelta(days=OBJECTION_DECISION_DAYS),
    )
    record(
        Event(
            "objection.submitted",
            "objection",
            str(objection.pk),
            actor="producer",
            producer_id=producer.id,
            data={"fact": f"{ct.model}:{fact.pk}"},
        )
    )
    return objection


@transaction.atomic
def decide_objection(objection: Objection, upheld: bool, user, reason: str) -> None:
    _require_reason(reason)
    if not objection.is_open:
        raise ValidationError({"status": "该异议已办结。"})
    objection.status = ReviewStatus.UPHELD if upheld else ReviewStatus.REJECTED
    objection.decided_at, objection.decided_by = timezone.now(), user
    objection.decision_reason = reason.strip()
    objection.save()
    record(
        Event(
            "objection.decided",
            "objection",
            str(objection.pk),
            actor=actor_name(user),
            reason=reason,
            producer_id=objection.producer_id,
            data={"upheld": upheld},
        )
    )
    if upheld:
        # Voiding fires the fact signal, which audits the void and recomputes.
        void_fact(objection.fact, user, f"异议成立：{reason.strip()}")


def fact_under_objection(fact) -> bool:
    ct = ContentType.objects.get_for_model(fact)
    return Objection.objects.filter(
        fact_type=ct, fact_id=fact.pk, status__in=Objection.OPEN
    ).exists()


def _repair_kind(fact) -> tuple[str, object]:
    if isinstance(fact, EnforcementCase):
        return fact.severity, fact.decision_date
    if isinstance(fact, BlacklistEntry):
        return "blacklist", fact.start_date
    raise ValidationError({"fact": "只有行政处罚和黑名单记录可以申请信用修复。"})


def eligibility(fact, today=None) -> Eligibility:
    today = today or timezone.localdate()
    kind, since = _repair_kind(fact)
    later = (
        EnforcementCase.objects.active()
        .filter(
            producer_id=fact.producer_id,
            decision_date__gt=since,
            severity__in=["general", "serious"],
        )
        .exclude(pk=fact.pk if isinstance(fact, EnforcementCase) else None)
        .count()
    )
    ct = ContentType.objects.get_for_model(fact)
    repaired = RepairApplication.objects.filter(
        fact_type=ct, fact_id=fact.pk, status=RepairStatus.APPROVED
    ).exists()
    return repair_eligibility(
        kind, since, today, policy_for(today), later_violations=later, already_repaired=repaired
    )


@transaction.atomic
def submit_repair(producer, fact, statement: str, commitment_accepted: bool) -> RepairApplication:
    _require_reason(statement, "statement")
    if not commitment_accepted:
        raise ValidationError({"commitment_accepted": "须签署信用承诺。"})
    if fact.producer_id != producer.id:
        raise ValidationError({"fact": "该记录不属于此生产经营主体。"})
    check = eligibility(fact)
    if not check.eligible:
        raise ValidationError({"fact": "；".join(check.reasons)})
    ct = ContentType.objects.get_for_model(fact)
    app = RepairApplication.objects.create(
        producer=producer,
        fact_type=ct,
        fact_id=fact.pk,
        statement=statement.strip(),
        commitment_accepted=True,
    )
    record(
        Event(
            "repair.submitted",
            "repairapplication",
            str(app.pk),
            actor="producer",
            producer_id=producer.id,
            data={"fact": f"{ct.model}:{fact.pk}"},
        )
    )
    return app


@transaction.atomic
def decide_repair(app: RepairApplication, approved: bool, user, reason: str, day=None) -> None:
    _require_reason(reason)
    if app.status not in (RepairStatus.SUBMITTED, RepairStatus.UNDER_REVIEW):
        raise ValidationError({"status": "该申请已办结。"})
    app.status = RepairStatus.APPROVED if approved else RepairStatus.REFUSED
    app.decided_at, app.decided_by = timezone.now(), user
    app.decision_reason = reason.strip()
    app.approved_on = (day or timezone.localdate()) if approved else None
    app.save()
    record(
        Event(
            "repair.decided",
            "repairapplication",
            str(app.pk),
            actor=actor_name(user),
            reason=reason,
            producer_id=app.producer_id,
            data={
                "approved": approved,
                "approved_on": app.approved_on.isoformat() if app.approved_on else None,
            },
        )
    )
    if approved:
        schedule_recompute([app.producer_id], reason=f"repair {app.pk} approved")
