"""Background work for the portal (celery beat; eager on the embedded default).

- `publish_scheduled` (every 5 minutes): Wagtail's scheduled publishing and expiry —
  approved revisions whose go_live_at has passed go live, pages past expire_at go offline.
- `draft_unqualified_notice` (monthly): a DRAFT 不合格通报 for last month's failed samplings,
  submitted to the 编辑 → 审核 workflow. It is never published by a task.
"""

import datetime
import io

from celery import shared_task
from django.core.management import call_command
from django.db import DatabaseError
from django.utils import timezone

from portal.workflows import draft_unqualified_notice as draft_notice
from portal.workflows import previous_month


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def publish_scheduled(self) -> str:
    """Run `manage.py publish_scheduled`; idempotent (a second run finds nothing due)."""
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue().strip()


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def draft_unqualified_notice(self, start: str | None = None, end: str | None = None) -> dict:
    """Draft the notice for `start`..`end` (ISO dates), by default the previous month.

    Idempotent per period: a second run (or a retry) finds the first draft and stops.
    """
    if start and end:
        period = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    else:
        period = previous_month(timezone.localdate())
    result = draft_notice(*period)
    return {
        "status": result.status,
        "page_id": getattr(result.page, "pk", None),
        "failures": result.failures,
        "period": [period[0].isoformat(), period[1].isoformat()],
    }
