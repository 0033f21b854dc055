"""Turning stored documents into hits: highlighted title and snippet, and links.

Shared by every engine, so a hit looks the same whichever engine found it.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from search.analysis import _normalized_with_owners, highlight, normalize
from search.query import ParsedQuery

SNIPPET_CHARS = 120
_LEAD = 30

# Public producer page URL names tried in order (the portal may add one); a USCC producer
# falls back to its JSON credit record.
PRODUCER_URL_NAMES = ("producer-detail", "portal:producer", "portal:producer-detail")
_ANCHORS = {"product": "#certifications", "blacklist": "#blacklist", "case": "#cases"}


def _producer_url(key: str | None, uscc: str | None) -> str:
    for name in PRODUCER_URL_NAMES:
        if not key:
            break
        try:
            return reverse(name, kwargs={"key": key})
        except NoReverseMatch:
            continue
    if uscc:
        try:
            return reverse("api-producer", kwargs={"uscc": uscc})
        except NoReverseMatch:
            return ""
    return ""


def hit_url(doc_type: str, stored_url: str, fields: dict) -> str:
    if stored_url:
        return stored_url
    if doc_type == "producer":
        return _producer_url(fields.get("key"), fields.get("uscc"))
    if doc_type in _ANCHORS:
        base = _producer_url(fields.get("producer_key"), fields.get("uscc"))
        return base + _ANCHORS[doc_type] if base else ""
    return ""


def snippet(text: str, q: ParsedQuery, chars: int = SNIPPET_CHARS) -> str:
    """A window of ``text`` around the first query run, highlighted; else its start."""
    if not text:
        return ""
    runs = sorted(
        {
            r
            for phrase, s in zip(q.text.phrases, q.text.streams, strict=True)
            for r in _phrase_text(phrase, s)
        },
        key=len,
        reverse=True,
    )
    start = 0
    if runs:
        norm, owners = _normalized_with_owners(text)
        found = [i for i in (norm.find(r) for r in runs) if i >= 0]
        if found:
            start = max(0, owners[min(found)] - _LEAD)
    window = text[start : start + chars]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + chars < len(text) else ""
    return prefix + highlight(window, q.raw) + suffix


def _phrase_text(phrase: list[str], stream: str) -> list[str]:
    if stream == "uni" or len(phrase) == 1:
        return [phrase[0]] if stream == "uni" or len(phrase[0]) > 1 else phrase
    return [phrase[0] + "".join(t[-1] for t in phrase[1:])]


def highlights(title: str, body: str, q: ParsedQuery) -> dict[str, str]:
    if not q.norm:
        return {"title": highlight(title, ""), "snippet": snippet(body, q)}
    return {"title": highlight(title, q.raw), "snippet": snippet(body, q)}


__all__ = ["highlights", "hit_url", "normalize", "snippet"]
