"""How a producer proves who it is online: its USCC (or ID number) and a claim code.

Claim codes are 12 characters from an alphabet without look-alikes (no 0/O, 1/I), printed
as XXXX-XXXX-XXXX on the notice letter (告知书); only a password hash is stored. Issuing a
new code revokes the producer's earlier ones. A code stays usable until it expires or is
revoked (`used` records its first use), so one letter serves an objection, a repair
application and a reply. Once identified, the producer's session is remembered for
SESSION_MINUTES so it can move between the three forms without typing the code again.
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from credit.identifiers import IdentifierError, validate_id_number, validate_uscc
from credit.models import ClaimCode, Objection, Producer, ProducerReply, RepairApplication
from credit.services.audit import Event, actor_name, record

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 12
VALID_DAYS = 365
SESSION_KEY = "credit_claim"
SESSION_MINUTES = 30
# Hashed once, compared against when no producer matches, so a miss takes as long as a hit.
_DUMMY_HASH = None


def generate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize_code(value: str | None) -> str:
    text = unicodedata.normalize("NFKC", value or "").upper()
    return re.sub(r"[\s\-_]", "", text)


@transaction.atomic
def issue_claim(producer, user, subject: str = "", days: int = VALID_DAYS):
    """A new claim code for `producer`; earlier valid codes are revoked. Returns
    (ClaimCode, the code as printed). The printed code is never stored."""
    now = timezone.now()
    ClaimCode.objects.filter(producer=producer, revoked_at__isnull=True).update(revoked_at=now)
    raw = generate_code()
    claim = ClaimCode.objects.create(
        producer=producer,
        code_hash=make_password(raw),
        issued_by=user if user is not None and user.is_authenticated else None,
        expires_on=timezone.localdate() + timedelta(days=days),
        subject=subject[:300],
    )
    record(
        Event(
            "claim.issued",
            "claimcode",
            str(claim.pk),
            actor=actor_name(user),
            producer_id=producer.id,
            data={"expires_on": claim.expires_on.isoformat()},
        )
    )
    return claim, format_code(raw)


def find_producer(identifier: str | None) -> Producer | None:
    """The producer with this USCC or ID number (validated first), or None."""
    for validate, field in ((validate_uscc, "uscc"), (validate_id_number, "id_number")):
        try:
            key = validate(identifier)
        except IdentifierError:
            continue
        producer = Producer.objects.filter(**{field: key}).first()
        if producer is not None:
            return producer
    return None


def _dummy_check(raw: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = make_password(generate_code())
    check_password(raw, _DUMMY_HASH)


def match_claim(producer: Producer | None, code: str, valid_only: bool = True):
    """The producer's claim code matching `code`, or None. Every candidate is checked
    (constant-time hash comparisons), and a miss without candidates still hashes once."""
    raw = normalize_code(code)
    found = None
    candidates = []
    if producer is not None:
        candidates = list(ClaimCode.objects.filter(producer=producer).order_by("-issued_at")[:20])
    if not candidates:
        _dummy_check(raw)
    for claim in candidates:
        if check_password(raw, claim.code_hash) and found is None:
            found = claim
    if found is not None and valid_only and not found.is_valid:
        return None
    return found


def identify(identifier: str, code: str):
    """(producer, claim) for a valid identifier + claim code pair, else None."""
    producer = find_producer(identifier)
    claim = match_claim(producer, code)
    if producer is None or claim is None:
        return None
    return producer, claim


def mark_used(claim: ClaimCode) -> None:
    if not claim.used:
        ClaimCode.objects.filter(pk=claim.pk, used=False).update(used=True, used_at=timezone.now())
        claim.used = True


# -- the identified session ---------------------------------------------------------------


@dataclass(frozen=True)
class Identified:
    producer: Producer
    claim: ClaimCode


def remember(request, producer, claim) -> None:
    request.session.cycle_key()  # a new session id once identified
    request.session[SESSION_KEY] = {"producer": producer.pk, "claim": claim.pk, "at": time.time()}


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


def current(request, producer: Producer | None = None) -> Identified | None:
    """The producer this session identified as (and, if given, only if it is `producer`)."""
    data = request.session.get(SESSION_KEY)
    if not data or time.time() - data.get("at", 0) > SESSION_MINUTES * 60:
        return None
    if producer is not None and data.get("producer") != producer.pk:
        return None
    claim = (
        ClaimCode.objects.select_related("producer", "producer__region")
        .filter(pk=data.get("claim"), producer_id=data.get("producer"))
        .first()
    )
    if claim is None or not claim.is_valid:
        forget(request)
        return None
    return Identified(claim.producer, claim)


# -- application numbers ------------------------------------------------------------------

PREFIXES = {"YY": Objection, "XF": RepairApplication, "HF": ProducerReply}
_NUMBER_RE = re.compile(r"^(YY|XF|HF)(\d{8})(\d{6,})$")


def application_number(obj) -> str:
    """YY (异议) / XF (修复) / HF (回复) + submission date + zero-padded id."""
    prefix = {v: k for k, v in PREFIXES.items()}[type(obj)]
    day = timezone.localtime(obj.submitted_at).strftime("%Y%m%d")
    return f"{prefix}{day}{obj.pk:06d}"


def find_application(number: str):
    """The objection, repair application or reply with this number, or None."""
    text = normalize_code(number)
    match = _NUMBER_RE.match(text)
    if not match:
        return None
    model = PREFIXES[match.group(1)]
    obj = model.objects.select_related("producer").filter(pk=int(match.group(3))).first()
    if obj is None or timezone.localtime(obj.submitted_at).strftime("%Y%m%d") != match.group(2):
        return None
    return obj
