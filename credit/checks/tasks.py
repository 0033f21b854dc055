"""Celery tasks of the joint-punishment feed's webhooks.

* ``dispatch_webhooks`` — turns new RestrictionChange rows into deliveries and queues them.
  Queued on commit whenever changes are written (credit.events.restriction_changes_created,
  see credit.checks.receivers) and by celery beat every minute, so nothing is missed if a
  worker was down.
* ``deliver_webhook`` — one POST; retried with exponential backoff (1 s, 2 s, 4 s … capped at
  1 h, with jitter) up to MAX_RETRIES times, then marked failed.
"""

from celery import shared_task
from celery.exceptions import Retry

from credit.checks import webhooks
from credit.models import DeliveryStatus, WebhookDelivery

MAX_RETRIES = 8


@shared_task(acks_late=True)
def dispatch_webhooks() -> int:
    ids = list(dict.fromkeys(webhooks.dispatch_new_changes() + webhooks.stale_pending()))
    for pk in ids:
        enqueue_delivery(pk)
    return len(ids)


def enqueue_delivery(pk: int) -> None:
    if not deliver_webhook.app.conf.task_always_eager:
        deliver_webhook.delay(pk)
        return
    # Eager (the embedded default): Celery's autoretry raises Retry out of apply() instead of
    # queueing the next attempt, so run the attempts it asks for here, one after another
    # (no backoff wait: there is no worker to wait in).
    retries = 0
    while True:
        try:
            deliver_webhook.apply((pk,), retries=retries, throw=True)
            return
        except Retry:
            retries += 1


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(webhooks.DeliveryFailed,),
    retry_backoff=True,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def deliver_webhook(self, delivery_id: int) -> str:
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
        return "skipped"
    if not delivery.subscription.active:
        return "inactive"
    final = self.request.retries >= MAX_RETRIES
    if webhooks.attempt(delivery, final=final):
        return "delivered"
    if final:
        return "failed"
    raise webhooks.DeliveryFailed(
        f"delivery {delivery_id}: {delivery.last_status_code or delivery.last_error}"
    )


@shared_task(acks_late=True, ignore_result=True)
def render_check_pdf(check_id: int) -> None:
    """Render and store a check's PDF ahead of its first download (issued once, kept)."""
    from credit.checks import report
    from credit.models import BatchCheck

    check = BatchCheck.objects.filter(pk=check_id).first()
    if check is not None:
        report.pdf_bytes(check)


def prepare_reports(check_id: int) -> None:
    """With workers, render the PDF in the background once the check is committed; on the
    embedded default (eager) it is rendered on first download instead of in the request."""
    from django.db import transaction

    if not render_check_pdf.app.conf.task_always_eager:
        transaction.on_commit(lambda: render_check_pdf.delay(check_id))
