"""Detect personal numbers in free text that would be published (replies).

Spaces, dashes, dots and brackets are ignored, so "139 0000 1234", "+86-139…" and
"(0431) 8123-4567" are caught; a landline is 0 + area code + local number (10-12 digits).
"""

import re
import unicodedata

MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86|0086)?1[3-9]\d{9}(?!\d)")
LANDLINE_RE = re.compile(r"(?<!\d)(?:\+?86|0086)?0[1-9]\d{8,10}(?!\d)")
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_SEPARATORS = re.compile(r"[\s\-.()]")


def contains_personal_data(text: str) -> bool:
    flat = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))
    return bool(MOBILE_RE.search(flat) or LANDLINE_RE.search(flat) or ID_RE.search(flat))
