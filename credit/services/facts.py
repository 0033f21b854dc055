"""Read a producer's facts from the database into the pure inputs of `credit.scoring`.

Voided facts (corrections, upheld objections) never reach scoring. Approved repairs and
blacklist removals are carried as dates, because their effect starts on a date and the
grade as of an earlier day must still see the record.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType

from credit.models import (
    BlacklistEntry,
    Certification,
    EnforcementCase,
    Inspection,
    RepairApplication,
    RepairStatus,
    Sampling,
)
from credit.scoring import (
    BlacklistFact,
    CaseFact,
    CertificationFact,
    InspectionFact,
    ProducerFacts,
    SamplingFact,
)


def _repairs(model, producer_ids) -> dict[int, object]:
    """fact id → date an approved repair took effect.

    A correction is a new fact, so a repair approved for the record it replaced still
    applies: the date is carried down the `corrects` chain to the active fact.
    """
    ct = ContentType.objects.get_for_model(model)
    repaired = dict(
        RepairApplication.objects.filter(
            fact_type=ct, status=RepairStatus.APPROVED, producer_id__in=producer_ids
        ).values_list("fact_id", "approved_on")
    )
    if not repaired:
        return repaired
    parent = dict(
        model.objects.filter(producer_id__in=producer_ids, corrects__isnull=False)
        .values_list("id", "corrects_id")
    )
    for child in parent:
        node = child
        while node in parent and node not in repaired:
            node = parent[node]
        if node in repaired:
            repaired.setdefault(child, repaired[node])
    return repaired


def load_facts(producer_ids: Iterable[int]) -> dict[int, ProducerFacts]:
    """One query per fact kind for the whole batch; every id gets an entry."""
    ids = list(producer_ids)
    buckets: dict[int, dict[str, list]] = {pid: defaultdict(list) for pid in ids}

    for pid, pk, day, cert_ok, rec_ok, false_cert in (
        Inspection.objects.active()
        .filter(producer_id__in=ids)
        .values_list(
            "producer_id", "id", "date", "certificate_ok", "records_ok", "false_certificate"
        )
    ):
        buckets[pid]["inspections"].append(
            InspectionFact(day, cert_ok, rec_ok, false_cert, ref=f"inspection:{pk}")
        )

    for pid, pk, day, result in (
        Sampling.objects.active()
        .filter(producer_id__in=ids)
        .values_list("producer_id", "id", "date", "result")
    ):
        buckets[pid]["samplings"].append(SamplingFact(day, result, ref=f"sampling:{pk}"))

    repaired = _repairs(EnforcementCase, ids)
    for pid, pk, day, severity, criminal in (
        EnforcementCase.objects.active()
        .filter(producer_id__in=ids)
        .values_list("producer_id", "id", "decision_date", "severity", "criminal_transfer")
    ):
        buckets[pid]["cases"].append(
            CaseFact(day, severity, criminal, repaired_on=repaired.get(pk), ref=f"case:{pk}")
        )

    for pid, pk, start, end in (
        Certification.objects.active()
        .filter(producer_id__in=ids)
        .values_list("producer_id", "id", "valid_from", "valid_to")
    ):
        buckets[pid]["certifications"].append(
            CertificationFact(start, end, ref=f"certification:{pk}")
        )

    repaired = _repairs(BlacklistEntry, ids)
    for pid, pk, start, end, removed in (
        BlacklistEntry.objects.active()
        .filter(producer_id__in=ids)
        .values_list("producer_id", "id", "start_date", "end_date", "removed_on")
    ):
        buckets[pid]["blacklist"].append(
            BlacklistFact(start, end, removed, repaired_on=repaired.get(pk), ref=f"blacklist:{pk}")
        )

    return {
        pid: ProducerFacts(**{kind: tuple(items) for kind, items in b.items()})
        for pid, b in buckets.items()
    }
