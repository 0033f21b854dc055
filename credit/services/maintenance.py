"""The daily credit run: grades whose inputs crossed a date, and restrictions that ended."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from credit.models import (
    BlacklistEntry,
    Certification,
    EnforcementCase,
    Inspection,
    Producer,
    Restriction,
    Sampling,
    ScoringPolicy,
)
from credit.services.grading import policy_for

# Beat may miss a day or two; recomputing is idempotent, so look back a week.
SLACK_DAYS = 7


def due_producers(today: date) -> set[int]:
    """Producers whose grade may have changed today without any new fact."""
    policy = policy_for(today)
    edge = today - relativedelta(months=policy.window_months)
    left = (edge - timedelta(days=SLACK_DAYS), edge)
    ended = (today - timedelta(days=SLACK_DAYS), today - timedelta(days=1))
    ids: set[int] = set()
    if ScoringPolicy.objects.filter(effective_from__range=(ended[0], today)).exists():
        # A new policy version took effect: every grade is due.
        return set(Producer.objects.filter(merged_into__isnull=True).values_list("id", flat=True))
    for model, field in (
        (Inspection, "date"),
        (Sampling, "date"),
        (EnforcementCase, "decision_date"),
        (BlacklistEntry, "start_date"),
    ):
        ids.update(
            model.objects.active()
            .filter(**{f"{field}__range": left})
            .values_list("producer_id", flat=True)
        )
    ids.update(
        Certification.objects.active()
        .filter(Q(valid_to__range=ended) | Q(valid_from=today))
        .values_list("producer_id", flat=True)
    )
    ids.update(
        BlacklistEntry.objects.active()
        .filter(Q(end_date__range=ended) | Q(start_date=today))
        .values_list("producer_id", flat=True)
    )
    ids.update(
        Restriction.objects.filter(lifted_at__isnull=True, end__lt=today).values_list(
            "producer_id", flat=True
        )
    )
    return ids


def run_daily(today: date) -> dict:
    from credit.services.batch import recompute_all

    ids = sorted(due_producers(today))
    stats = recompute_all(ids, reason="daily: inputs crossed a date")
    return {"due": len(ids), "changed": stats.grades_changed}
