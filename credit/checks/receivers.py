"""Connects the feed's webhooks to credit.events (import from CreditConfig.ready())."""

import logging

from django.dispatch import receiver

from credit import events
from credit.checks import tasks  # noqa: F401  (registers the Celery tasks in workers)

logger = logging.getLogger(__name__)


@receiver(events.restriction_changes_created, dispatch_uid="credit-checks-webhooks")
def queue_webhook_dispatch(sender, change_ids=None, **kwargs):
    # Sent on commit: the new rows are visible to the task. Webhooks must never break the
    # write that caused them; what fails here is picked up by the next dispatch (beat).
    try:
        tasks.dispatch_webhooks.delay()
    except Exception:
        logger.exception("could not queue webhook dispatch")
