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


def _repairs(model, producer_ids: list[int]) -> dict[int, object]:
    """fact id → date an approved repair took effect.

    A correction is a new fact, so a repair approved for the record it replaced still
    applies: the date is carried down the `corrects` chain to the active fact.
    """
    ct = ContentType.objects.get_for_model(model)
    where = producer_filter(list(producer_ids))
    repaired = dict(
        RepairApplication.objects.filter(
            fact_type=ct, status=RepairStatus.APPROVED, **where
        ).values_list("fact_id", "approved_on")
    )
    if not repaired:
        return repaired
    parent = dict(
        model.objects.filter(corrects__isnull=False, **where).values_list("id", "corrects_id")
    )
    for child in parent:
        node = child
        while node in parent and node not in repaired:
            node = parent[node]
        if node in repaired:
            repaired.setdefault(child, repaired[node])
    return repaired


def producer_filter(ids: list[int]) -> dict:
    """Filter kwargs selecting these producers' rows.

    A full recompute reads chunks of consecutive ids; for those a range is one index scan
    and spares Django from preparing a thousand IN parameters per query (rows of ids in the
    range but not in the batch are skipped by the caller).
    """
    if not ids:
        return {"producer_id__in": []}
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids):
        return {"producer_id__gte": low, "producer_id__lte": high}
    return {"producer_id__in": ids}


def load_facts(producer_ids: Iterable[int]) -> dict[int, ProducerFacts]:
    """One query per fact kind for the whole batch; every id gets an entry."""
    ids = list(producer_ids)
    buckets: dict[int, dict[str, list]] = {pid: defaultdict(list) for pid in ids}
    if not ids:
        return {}
    where = producer_filter(ids)

    for pid, pk, day, cert_ok, rec_ok, false_cert in (
        Inspection.objects.active()
        .filter(**where)
        .values_list(
            "producer_id", "id", "date", "certificate_ok", "records_ok", "false_certificate"
        )
    ):
        if pid not in buckets:
            continue
        buckets[pid]["inspections"].append(
            InspectionFact(day, cert_ok, rec_ok, false_cert, ref=f"inspection:{pk}")
        )

    for pid, pk, day, result in (
        Sampling.objects.active().filter(**where).values_list("producer_id", "id", "date", "result")
    ):
        if pid not in buckets:
            continue
        buckets[pid]["samplings"].append(SamplingFact(day, result, ref=f"sampling:{pk}"))

    repaired = _repairs(EnforcementCase, ids)
    for pid, pk, day, severity, criminal in (
        EnforcementCase.objects.active()
        .filter(**where)
        .values_list("producer_id", "id", "decision_date", "severity", "criminal_transfer")
    ):
        if pid not in buckets:
            continue
        buckets[pid]["cases"].append(
            CaseFact(day, severity, criminal, repaired_on=repaired.get(pk), ref=f"case:{pk}")
        )

    for pid, pk, start, end in (
        Certification.objects.active()
        .filter(**where)
        .values_list("producer_id", "id", "valid_from", "valid_to")
    ):
        if pid not in buckets:
            continue
        buckets[pid]["certifications"].append(
            CertificationFact(start, end, ref=f"certification:{pk}")
        )

    repaired = _repairs(BlacklistEntry, ids)
    for pid, pk, start, end, removed in (
        BlacklistEntry.objects.active()
        .filter(**where)
        .values_list("producer_id", "id", "start_date", "end_date", "removed_on")
    ):
        if pid not in buckets:
            continue
        buckets[pid]["blacklist"].append(
            BlacklistFact(start, end, removed, repaired_on=repaired.get(pk), ref=f"blacklist:{pk}")
        )

    return {
        pid: ProducerFacts(**{kind: tuple(items) for kind, items in b.items()})
        for pid, b in buckets.items()
    }
