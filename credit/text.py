"""Plain text normalisation shared by credit (name matching) and search (analysis).

It lives in credit because credit must not import search (DESIGN §3); search re-exports it,
so both fold names the same way. No ORM, no Django.
"""

from __future__ import annotations

import unicodedata
from functools import cache

# Zero-width/format chars pasted from web pages would otherwise split a Han run in two.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


@cache
def _converter():  # -> opencc.OpenCC; imported lazily so importing this module stays cheap
    import opencc

    return opencc.OpenCC("t2s")


def t2s(text: str) -> str:
    """Traditional -> simplified Chinese (OpenCC t2s)."""
    # OpenCC t2s is not idempotent for a few chars (薴 -> 苧 -> 苎): iterate to a fixed point.
    convert = _converter().convert
    for _ in range(4):
        out = convert(text)
        if out == text:
            break
        text = out
    return text


def normalize(text: str) -> str:
    """NFKC (folds full-width), lowercase, traditional -> simplified, collapse whitespace."""
    if text.isascii():
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKC", text).lower().translate(INVISIBLE)
    return " ".join(t2s(text).split())
