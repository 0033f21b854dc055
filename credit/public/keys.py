"""Public addresses of producer pages.

A producer with a USCC is addressed by it (``/credit/<USCC>/``). A family farm or grower
that only has an ID number must never be addressed by it, not even masked (a masked number
is not unique), so it gets an opaque public id instead (``/credit/p/<id>/``).

The opaque id is the primary key run through a keyed permutation (a small Feistel network
over 40 bits, HMAC-SHA256 round function) and written in lowercase Crockford base32:
eight characters, stable for as long as the key is, reversible without a lookup table, and
neither guessable from neighbouring producers nor revealing how many producers exist.

The key is ``settings.CREDIT_PUBLIC_ID_KEY`` when set, else derived from SECRET_KEY. Set
``CREDIT_PUBLIC_ID_KEY`` in production so that rotating SECRET_KEY keeps the URLs.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.urls import reverse

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lowercase
_DECODE = {ch: i for i, ch in enumerate(ALPHABET)}
# Look-alikes a reader may type for the characters Crockford leaves out.
_DECODE.update({"o": 0, "i": 1, "l": 1})
HALF_BITS = 20
BLOCK_BITS = 2 * HALF_BITS
LENGTH = BLOCK_BITS // 5
ROUNDS = 4
MAX_PK = (1 << BLOCK_BITS) - 1
_HALF_MASK = (1 << HALF_BITS) - 1


def _key() -> bytes:
    explicit = getattr(settings, "CREDIT_PUBLIC_ID_KEY", "")
    secret = explicit or settings.SECRET_KEY
    return hashlib.sha256(b"credit.public.producer-id\x00" + str(secret).encode()).digest()


def _round(key: bytes, number: int, half: int) -> int:
    digest = hmac.new(key, f"{number}:{half}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") & _HALF_MASK


def encode_pk(pk: int) -> str:
    """Primary key → eight-character opaque id."""
    if not 0 < int(pk) <= MAX_PK:
        raise ValueError(f"primary key out of range: {pk!r}")
    key = _key()
    left, right = int(pk) >> HALF_BITS, int(pk) & _HALF_MASK
    for number in range(ROUNDS):
        left, right = right, left ^ _round(key, number, right)
    value = (left << HALF_BITS) | right
    return "".join(ALPHABET[(value >> shift) & 31] for shift in range(BLOCK_BITS - 5, -1, -5))


def decode_public_id(text: str) -> int | None:
    """Opaque id → primary key, or None when the text cannot be one."""
    text = (text or "").strip().lower()
    if len(text) != LENGTH or any(ch not in _DECODE for ch in text):
        return None
    value = 0
    for ch in text:
        value = (value << 5) | _DECODE[ch]
    key = _key()
    left, right = value >> HALF_BITS, value & _HALF_MASK
    for number in reversed(range(ROUNDS)):
        left, right = right ^ _round(key, number, left), left
    pk = (left << HALF_BITS) | right
    return pk or None


def public_id(producer) -> str:
    return encode_pk(producer.pk)


def producer_url(producer=None, *, uscc: str | None = None, pk: int | None = None) -> str:
    """The public page of a producer (or of plain values: its USCC, else its pk)."""
    if producer is not None:
        uscc, pk = producer.uscc, producer.pk
    if uscc:
        return reverse("producer-detail", kwargs={"key": uscc})
    if pk:
        return reverse("producer-detail-id", kwargs={"public_id": encode_pk(pk)})
    return ""


def public_key(producer) -> str:
    """What a page shows as the producer's identifier: its USCC, else the masked ID."""
    return producer.uscc or producer.masked_id_number
