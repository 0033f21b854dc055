"""The ranking both engines share.

score = EXACT (title key == query key)  + PREFIX (title key starts with it)
      + for each plan the document matches (text, and pinyin/initials for letter queries):
          sum over its phrases and the families where the phrase occurs of
          WEIGHT[family] * tf_norm(freq, field length)

``tf_norm`` is BM25's term-frequency saturation and length normalisation (k1 = 1.2,
b = 0.75) against a fixed average length per family. There is deliberately no IDF:

* every hit matches every phrase of its plan (AND), so IDF would only re-weight phrases
  against each other, and
* SQLite FTS5's ``bm25()`` computes IDF by running each phrase over the whole index: measured
  on 1,000,000 producers it costs 19 ms for 合作社 even when the query also holds a rare
  phrase, and 200+ ms with ``ORDER BY rank`` — whereas this formula needs only the
  candidates' own token streams.

Elasticsearch computes the same formula with a scripted similarity per family
(``search.engines.elastic``), with lengths quantised the way Lucene stores norms; Python
quantises the same way (``lucene_length``), so equal inputs give equal scores on both.
Ties are broken by type (producer first), shorter title, then key.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from search.analysis import QueryPlan
from search.fields import FAMILY_COLUMNS, TEXT_FAMILIES
from search.query import ParsedQuery

_LEN_FAMILIES = ("title", "names", "body", "pinyin", "initials")  # order of Candidate.lens
K1 = 1.2
B = 0.75
WEIGHTS = {"title": 10.0, "names": 5.0, "body": 1.0, "pinyin": 6.0, "initials": 4.0}
AVG_LEN = {"title": 16.0, "names": 16.0, "body": 120.0, "pinyin": 16.0, "initials": 16.0}
EXACT_BONUS = 1000.0
PREFIX_BONUS = 100.0


# --- Lucene norms (SmallFloat.intToByte4 / byte4ToInt) -----------------------------------


def _long_to_int4(i: int) -> int:
    num_bits = i.bit_length()
    if num_bits < 4:
        return i
    shift = num_bits - 4
    encoded = (i >> shift) & 0x07
    return encoded | ((shift + 1) << 3)


def _int4_to_long(i: int) -> int:
    bits = i & 0x07
    shift = (i >> 3) - 1
    return bits if shift == -1 else (bits | 0x08) << shift


_MAX_INT4 = _long_to_int4(2**31 - 1)
_NUM_FREE_VALUES = 255 - _MAX_INT4


def lucene_length(n: int) -> int:
    """A field length as Lucene decodes it from its one-byte norm (exact below 24)."""
    if n < _NUM_FREE_VALUES:
        return n
    return _NUM_FREE_VALUES + _int4_to_long(_long_to_int4(n - _NUM_FREE_VALUES))


def tf_norm(freq: float, length: int, avg: float) -> float:
    norm = (1 - B) + B * lucene_length(length) / avg
    return freq * (K1 + 1) / (freq + K1 * norm)


def float32(x: float) -> float:
    """Elasticsearch scores are 32-bit floats: compare like with like."""
    return struct.unpack("f", struct.pack("f", x))[0]


def phrase_freq(stream: str, needle: str) -> int:
    """How many positions a phrase starts at in a space-joined token stream (overlapping,
    like a Lucene phrase query). ``needle`` is the phrase's tokens joined and padded with
    one space each side (``padded``); string search beats splitting the stream ~6 times."""
    if not stream or needle[1:-1] not in stream:
        return 0
    text = f" {stream} "
    count, i = 0, text.find(needle)
    while i >= 0:
        count += 1
        i = text.find(needle, i + 1)
    return count


def padded(phrase: list[str]) -> str:
    return " " + " ".join(phrase) + " "


# --- candidates --------------------------------------------------------------------------


@dataclass(slots=True)
class Candidate:
    """What the ranker needs of one matching document; the stores fill it."""

    id: int
    key: str
    type_rank: int
    title_len: int
    title_key: str
    title_py: str
    title_ini: str
    raw_streams: dict[str, str]  # column -> space-joined tokens
    lens: str = ""  # "title names body pinyin initials" uni token counts, parsed on demand
    facet_tokens: str = ""
    sort_date: str | None = None
    score: float = 0.0
    matched: bool = False
    _lengths: tuple[int, ...] | None = field(default=None, repr=False)

    def length_tuple(self) -> tuple[int, ...]:
        """Uni token counts per family in ``_LEN_FAMILIES`` order (from ``lens``)."""
        if self._lengths is None:
            self._lengths = tuple(map(int, self.lens.split()))
        return self._lengths

    def stream(self, column: str) -> str:
        return self.raw_streams.get(column) or ""


def _plan_families(plan: QueryPlan) -> tuple[str, ...]:
    if plan.source == "pinyin":
        return ("pinyin",)
    if plan.source == "initials":
        return ("initials",)
    return TEXT_FAMILIES


_FAMILY_INDEX = {f: i for i, f in enumerate(_LEN_FAMILIES)}


class Scorer:
    """The ranking of one query, prepared once and applied to each candidate.

    For every phrase of every plan: the (column, family) pairs to look in; per candidate,
    the phrase frequency in each and the BM25-style contribution of those it occurs in.
    """

    def __init__(self, q: ParsedQuery):
        self.q = q
        self.plans = []
        for plan in q.plans():
            phrases = []
            for phrase, stream in zip(plan.phrases, plan.streams, strict=True):
                targets = [
                    (
                        FAMILY_COLUMNS[f][1 if stream == "bi" else 0],
                        f,
                        WEIGHTS[f],
                        AVG_LEN[f],
                        _FAMILY_INDEX[f],
                        FAMILY_COLUMNS[f][0],
                    )
                    for f in _plan_families(plan)
                ]
                phrases.append((padded(phrase), targets))
            self.plans.append(phrases)
        self._norms: dict[tuple, float] = {}

    def _tf(self, freq: int, length: int, family: str, weight: float, avg: float) -> float:
        key = (freq, length, family)
        hit = self._norms.get(key)
        if hit is None:
            hit = self._norms[key] = weight * tf_norm(freq, length, avg)
        return hit

    def plan_score(self, c: Candidate, phrases) -> float | None:
        total = 0.0
        lengths = None
        streams = c.raw_streams
        for needle, targets in phrases:
            found = False
            for col, family, weight, avg, index, uni_col in targets:
                freq = phrase_freq(streams.get(col), needle)
                if freq:
                    found = True
                    if lengths is None:
                        lengths = c.length_tuple()
                    length = (
                        lengths[index] if index < len(lengths) else len(c.stream(uni_col).split())
                    )
                    total += self._tf(freq, length, family, weight, avg)
            if not found:
                return None
        return total

    def __call__(self, c: Candidate) -> bool:
        """Score a candidate in place; False when it matches none of the query's plans."""
        total, matched = 0.0, False
        for phrases in self.plans:
            part = self.plan_score(c, phrases)
            if part is not None:
                matched = True
                total += part
        c.matched = matched
        c.score = float32(total + bonus(c, self.q)) if matched else 0.0
        return matched


def plan_score(c: Candidate, plan: QueryPlan) -> float | None:
    """One plan's contribution to a candidate's score, or None when it does not match."""
    scorer = Scorer.__new__(Scorer)
    scorer._norms = {}
    phrases = []
    for phrase, stream in zip(plan.phrases, plan.streams, strict=True):
        phrases.append(
            (
                padded(phrase),
                [
                    (
                        FAMILY_COLUMNS[f][1 if stream == "bi" else 0],
                        f,
                        WEIGHTS[f],
                        AVG_LEN[f],
                        _FAMILY_INDEX[f],
                        FAMILY_COLUMNS[f][0],
                    )
                    for f in _plan_families(plan)
                ],
            )
        )
    return scorer.plan_score(c, phrases)


def bonus(c: Candidate, q: ParsedQuery) -> float:
    out = 0.0
    if q.key:
        if c.title_key == q.key:
            out += EXACT_BONUS
        if c.title_key.startswith(q.key):
            out += PREFIX_BONUS
    if q.pinyin is not None and q.letters:
        own = c.title_py if q.pinyin.source == "pinyin" else c.title_ini
        if own == q.letters:
            out += EXACT_BONUS
        if own.startswith(q.letters):
            out += PREFIX_BONUS
    return out


def score(c: Candidate, q: ParsedQuery) -> bool:
    """Score one candidate in place (``Scorer(q)`` is faster for many)."""
    return Scorer(q)(c)


def order(c: Candidate) -> tuple:
    return (-c.score, c.type_rank, c.title_len, c.key)
