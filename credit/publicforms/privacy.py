"""Detect personal numbers in free text that would be published (replies)."""

import re
import unicodedata

MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def contains_personal_data(text: str) -> bool:
    flat = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text or ""))
    return bool(MOBILE_RE.search(flat) or ID_RE.search(flat))
