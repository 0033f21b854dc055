"""A user's query, parsed once for every engine: text plan, pinyin plan, identifier, keys."""

from __future__ import annotations

from dataclasses import dataclass

from search.analysis import (
    _PINYIN_SEP_RE,
    QueryPlan,
    looks_like_identifier,
    normalize,
    pinyin_query_terms,
    query_terms,
    split_pinyin,
)
from search.fields import title_key

MAX_QUERY_CHARS = 100
MAX_PHRASES = 8


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    norm: str
    text: QueryPlan  # AND of phrases over title/names/body (may be empty)
    pinyin: QueryPlan | None  # over pinyin or initials (ASCII-letter queries only)
    ident: str | None  # normalised identifier, tried exactly first
    key: str  # runs joined, compared with a document's title_key
    letters: str  # the pinyin plan's letters, compared with title_py / title_ini

    @property
    def is_empty(self) -> bool:
        return self.text.is_empty and (self.pinyin is None or self.pinyin.is_empty)

    def plans(self) -> list[QueryPlan]:
        """The alternatives a document may match (OR): text, then pinyin/initials."""
        out = [self.text] if not self.text.is_empty else []
        if self.pinyin is not None and not self.pinyin.is_empty:
            out.append(self.pinyin)
        return out


def parse(q: str | None) -> ParsedQuery:
    raw = (q or "")[:MAX_QUERY_CHARS]
    norm = normalize(raw)
    text = query_terms(raw)
    if len(text.phrases) > MAX_PHRASES:
        text = QueryPlan(text.phrases[:MAX_PHRASES], text.streams[:MAX_PHRASES], text.source)
    pinyin = pinyin_query_terms(raw) if norm else None
    letters = _letters(raw, pinyin.source) if pinyin is not None else ""
    return ParsedQuery(
        raw=raw,
        norm=norm,
        text=text,
        pinyin=pinyin,
        ident=looks_like_identifier(raw) if norm else None,
        key=title_key(raw),
        letters=letters,
    )


def _letters(raw: str, source: str) -> str:
    """The letters of a pinyin/initials query as stored keys spell them (ü as v, no gaps)."""
    norm = normalize(raw).replace("u:", "v").replace("ü", "v")
    parts = [p for p in _PINYIN_SEP_RE.split(norm) if p]
    if source == "pinyin":
        return "".join("".join(split_pinyin(p) or [p]) for p in parts)
    return "".join(parts)
