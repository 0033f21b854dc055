"""Every fact saved or voided is audited and schedules its producer's recompute.

The recompute is queued on commit, so the worker always finds the fact it was told about.
Bulk imports bypass these signals (bulk_create) and audit and schedule in batches instead.
"""

from django.db import transaction
from django.db.models.signals import post_save

from credit.models import FACT_MODELS
from credit.services.audit import Event, record


def schedule_recompute(producer_ids, reason: str = "") -> None:
    from credit.tasks import recompute_chunk, recompute_producer

    ids = sorted(set(producer_ids))

    def enqueue():
        if len(ids) == 1:
            recompute_producer.delay(ids[0], reason)
        else:
            for start in range(0, len(ids), 500):
                recompute_chunk.delay(ids[start : start + 500], None, reason)

    transaction.on_commit(enqueue)


def _fact_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw:  # fixtures
        return
    kind = sender._meta.model_name
    if created:
        actor = instance.recorded_by.get_username() if instance.recorded_by_id else "system"
        record(
            Event(
                "fact.created",
                kind,
                str(instance.pk),
                actor=actor,
                reason=instance.source or "",
                producer_id=instance.producer_id,
                data=instance.content(),
            )
        )
    elif update_fields and "voided_at" in update_fields:
        actor = instance.voided_by.get_username() if instance.voided_by_id else "system"
        record(
            Event(
                "fact.voided",
                kind,
                str(instance.pk),
                actor=actor,
                reason=instance.void_reason,
                producer_id=instance.producer_id,
            )
        )
    elif update_fields and "removed_on" in update_fields:
        record(
            Event(
                "blacklist.removed",
                kind,
                str(instance.pk),
                reason=instance.removal_reason,
                producer_id=instance.producer_id,
                data={"removed_on": instance.removed_on.isoformat()},
            )
        )
    else:
        return
    schedule_recompute([instance.producer_id], reason=f"{kind} {instance.pk}")


for _model in FACT_MODELS:
    post_save.connect(_fact_saved, sender=_model, dispatch_uid=f"credit-fact-{_model.__name__}")
