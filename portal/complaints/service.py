"""Complaints: intake (numbers, codes, producer matching), tracking, and the triage rules
(status lifecycle, assignment, who may see the reporter's contact)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from credit.identifiers import IdentifierError, validate_uscc
from credit.models import Producer
from credit.publicforms.uploads import sha256_of, stored_name
from credit.services import scope
from portal.complaints.models import (
    ANSWERING,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintReply,
    ComplaintStatus,
)

QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
QUERY_LENGTH = 8
_TRACKING_RE = re.compile(r"^TS\d{13}$")
_DUMMY_HASH = None


# -- intake -------------------------------------------------------------------------------


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_LENGTH))


def normalize(value: str | None) -> str:
    return re.sub(r"[\s\-_]", "", unicodedata.normalize("NFKC", value or "")).upper()


def source_hash(ip: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"complaint-ip:{ip}".encode(), hashlib.sha256
    ).hexdigest()


def match_producer(name: str, uscc: str = "") -> Producer | None:
    """The credit Producer the reporter means: exact USCC, else a unique exact name."""
    for text in (uscc, name):
        try:
            key = validate_uscc(text)
        except IdentifierError:
            continue
        producer = Producer.objects.filter(uscc=key).first()
        if producer is not None:
            return producer
    name = unicodedata.normalize("NFKC", name or "").strip()
    if not name:
        return None
    found = list(Producer.objects.filter(name=name, merged_into__isnull=True)[:2])
    return found[0] if len(found) == 1 else None


def _next_tracking_number(day) -> str:
    prefix = f"TS{day:%Y%m%d}"
    last = (
        Complaint.objects.filter(tracking_number__startswith=prefix)
        .order_by("-tracking_number")
        .values_list("tracking_number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


def create_complaint(data: dict, files, ip: str = "") -> tuple[Complaint, str]:
    """Store a complaint and its files; returns (complaint, the query code in clear)."""
    code = new_query_code()
    fields = {
        "category": data["category"],
        "description": data["description"].strip(),
        "place": data["place"].strip(),
        "region": data.get("region"),
        "producer_name": (data.get("producer_name") or "").strip(),
        "producer": match_producer(
            data.get("producer_name") or "", data.get("producer_uscc") or ""
        ),
        "occurred_on": data.get("occurred_on"),
        "anonymous": bool(data.get("anonymous")),
        "contact_name": "" if data.get("anonymous") else (data.get("contact_name") or "").strip(),
        "contact_phone": "" if data.get("anonymous") else (data.get("contact_phone") or ""),
        "query_code_hash": make_password(code),
        "source_hash": source_hash(ip) if ip else "",
    }
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    tracking_number=_next_tracking_number(timezone.localdate()), **fields
                )
                for upload, kind in files:
                    att = ComplaintAttachment(
                        complaint=complaint,
                        original_name=upload.name[:100],
                        kind=kind,
                        size=upload.size,
                        sha256=sha256_of(upload),
                    )
                    att.file.save(stored_name(kind), upload, save=False)
                    att.save()
                ComplaintEvent.objects.create(
                    complaint=complaint, action="received", to_status=ComplaintStatus.RECEIVED
                )
            return complaint, code
        except IntegrityError:  # two complaints took the same sequence number: try again
            continue
    raise RuntimeError("could not allocate a tracking number")


# -- tracking -----------------------------------------------------------------------------


def find_for_holder(tracking_number: str, query_code: str) -> Complaint | None:
    """The complaint, only for the holder of both its tracking number and query code.

    The code is compared by its hash (constant time); an unknown number is compared against
    a dummy hash, so both kinds of miss take about as long as a hit.
    """
    global _DUMMY_HASH
    number, code = normalize(tracking_number), normalize(query_code)
    complaint = None
    if _TRACKING_RE.match(number):
        complaint = Complaint.objects.filter(tracking_number=number).first()
    if complaint is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = make_password(new_query_code())
        check_password(code, _DUMMY_HASH)
        return None
    return complaint if check_password(code, complaint.query_code_hash) else None


def public_timeline(complaint: Complaint) -> list[dict]:
    """Status changes (no notes, no names) and public replies, oldest first."""
    items = [
        {"at": e.at, "kind": "status", "status": e.to_status_label}
        for e in complaint.events.exclude(to_status="")
    ]
    items += [
        {"at": r.created_at, "kind": "reply", "body": r.body}
        for r in complaint.replies.filter(public=True)
    ]
    items.sort(key=lambda i: i["at"])
    return items


# -- triage -------------------------------------------------------------------------------


def complaints_for(user, qs=None):
    """Complaints in the user's region (by the complaint's region); superusers see all.
    Complaints without a region are for superusers to assign."""
    qs = Complaint.objects.all() if qs is None else qs
    prefix = scope.region_prefix(user)
    if prefix is scope.ALL:
        return qs
    if not prefix:
        return qs.none()
    return qs.filter(region__code__startswith=prefix)


def can_see_contact(user, complaint: Complaint) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return complaint.assignees.filter(pk=user.pk).exists()


def assignable_officers(complaint: Complaint):
    """Active officers whose region covers the complaint's region."""
    from django.contrib.auth import get_user_model

    from credit.models import OfficerProfile

    users = get_user_model().objects.filter(is_active=True)
    if complaint.region_id is None:
        return users.filter(is_superuser=True)
    code = complaint.region_id
    prefixes = {code[:2], code[:4], code}
    officer_ids = [
        o.user_id
        for o in OfficerProfile.objects.select_related("region")
        if o.region.prefix in prefixes
    ]
    return users.filter(Q(pk__in=officer_ids)).order_by("username")


@transaction.atomic
def transition(complaint: Complaint, to_status: str, user, note: str = "") -> None:
    current = complaint.status
    if to_status not in complaint.allowed_transitions():
        raise ValidationError(
            f"不能从“{ComplaintStatus(current).label}”变更为“{ComplaintStatus(to_status).label}”。"
        )
    note = (note or "").strip()
    if to_status in ANSWERING and not note:
        raise ValidationError({"note": "不予受理和办结时须填写给举报人的答复。"})
    complaint.status = to_status
    complaint.save(update_fields=["status", "updated_at"])
    ComplaintEvent.objects.create(
        complaint=complaint,
        actor=user,
        action="status",
        from_status=current,
        to_status=to_status,
        note=note,
    )
    if to_status in ANSWERING:
        ComplaintReply.objects.create(complaint=complaint, author=user, body=note, public=True)
    elif note:
        ComplaintReply.objects.create(complaint=complaint, author=user, body=note, public=False)


@transaction.atomic
def assign(complaint: Complaint, region, officers, user) -> None:
    if region is not None and complaint.region_id != region.pk:
        complaint.region = region
        complaint.save(update_fields=["region", "updated_at"])
    allowed = set(assignable_officers(complaint).values_list("pk", flat=True))
    chosen = [o for o in officers if o.pk in allowed]
    complaint.assignees.set(chosen)
    ComplaintEvent.objects.create(
        complaint=complaint,
        actor=user,
        action="assigned",
        note="、".join(o.get_username() for o in chosen) or "（未指定承办人员）",
    )


@transaction.atomic
def add_reply(complaint: Complaint, user, body: str, public: bool) -> ComplaintReply:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "内容不能为空。"})
    reply = ComplaintReply.objects.create(
        complaint=complaint, author=user, body=body, public=public
    )
    ComplaintEvent.objects.create(
        complaint=complaint, actor=user, action="reply" if public else "note"
    )
    return reply


@transaction.atomic
def link_case(complaint: Complaint, case, user) -> None:
    complaint.enforcement_case = case
    complaint.save(update_fields=["enforcement_case", "updated_at"])
    ComplaintEvent.objects.create(
        complaint=complaint,
        actor=user,
        action="case",
        note=case.case_number if case is not None else "（解除关联）",
    )
