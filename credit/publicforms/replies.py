"""The right to reply (DESIGN §5): a producer's own short statement about its grade.

For the public credit page::

    from credit.publicforms.replies import get_public_reply
    context["producer_reply"] = get_public_reply(producer)

    {% include "credit/includes/producer_reply.html" with reply=producer_reply %}

Only an approved reply is public, and only while the producer's grade is still the grade
it replied to; a newer approved reply replaces an older one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from credit.models import ProducerReply, ReplyStatus
from credit.services.audit import Event, actor_name, record


def get_public_reply(producer) -> ProducerReply | None:
    if producer is None:
        return None
    return (
        ProducerReply.objects.filter(
            producer=producer, status=ReplyStatus.APPROVED, grade=producer.grade
        )
        .order_by("-moderated_at", "-id")
        .first()
    )


def pending_reply(producer) -> ProducerReply | None:
    return ProducerReply.objects.filter(producer=producer, status=ReplyStatus.PENDING).first()


@transaction.atomic
def submit_reply(producer, text: str, claim=None) -> ProducerReply:
    reply = ProducerReply.objects.create(
        producer=producer, text=text.strip(), grade=producer.grade or "U", claim=claim
    )
    record(
        Event(
            "reply.submitted",
            "producerreply",
            str(reply.pk),
            actor="producer",
            producer_id=producer.id,
            data={"grade": reply.grade},
        )
    )
    return reply


@transaction.atomic
def moderate_reply(reply: ProducerReply, approve: bool, user, note: str = "") -> None:
    from django.core.exceptions import ValidationError

    if reply.status != ReplyStatus.PENDING:
        raise ValidationError("该说明已审核。")
    if not approve and not (note or "").strip():
        raise ValidationError({"note": "不予通过时必须说明理由。"})
    reply.status = ReplyStatus.APPROVED if approve else ReplyStatus.REJECTED
    reply.moderated_at, reply.moderated_by = timezone.now(), user
    reply.moderation_note = (note or "").strip()
    reply.save()
    record(
        Event(
            "reply.moderated",
            "producerreply",
            str(reply.pk),
            actor=actor_name(user),
            reason=reply.moderation_note,
            producer_id=reply.producer_id,
            data={"approved": approve},
        )
    )
