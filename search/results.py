"""Turning stored documents into hits: highlighted title and snippet, and links.

Shared by every engine, so a hit looks the same whichever engine found it.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from search.analysis import _normalized_with_owners, highlight, normalize
from search.query import ParsedQuery

SNIPPET_CHARS = 120
_LEAD = 30

_ANCHORS = {"product": "#certifications", "blacklist": "#blacklist", "case": "#cases"}


def _producer_url(uscc: str | None, pk) -> str:
    """The producer's public page (``credit.public``): by USCC, else by its opaque public id
    (never by an ID number, not even masked); the JSON credit record as a fallback."""
    try:
        from credit.public.keys import producer_url
    except ImportError:  # pragma: no cover - older layouts
        producer_url = None
    if producer_url is not None:
        try:
            return producer_url(uscc=uscc or None, pk=int(pk) if pk else None)
        except (NoReverseMatch, ValueError, TypeError):
            pass
    if uscc:
        try:
            return reverse("api-producer", kwargs={"uscc": uscc})
        except NoReverseMatch:
            return ""
    return ""


def hit_url(doc_type: str, stored_url: str, fields: dict, obj_id: str = "") -> str:
    if stored_url:
        return stored_url
    if doc_type == "producer":
        return _producer_url(fields.get("uscc"), obj_id)
    if doc_type in _ANCHORS:
        base = _producer_url(fields.get("uscc"), fields.get("producer_id"))
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
