"""Matching a checked entry (uscc / name / region_code) to a producer. Pure: no ORM.

Order (first that decides wins):

1. **USCC** — validated (GB 32100 check character) by the caller; an exact hit is certain
   (confidence 1.0). A valid GB 11643 ID number in the same column matches family farms
   and growers that have no USCC.
2. **Name** — the normalised name key (``name_key``: NFKC, lowercase, traditional →
   simplified via ``credit.text.normalize``, spaces and punctuation removed,
   有限责任公司 → 有限公司, 农民专业合作社 → 专业合作社) equals a producer's key
   (confidence 0.98), else one of its former names (0.95). With a region, only producers
   in the region (any level, by GB/T 2260 prefix) count; a name found only outside it, or
   shared by several producers, is ``ambiguous``.
3. **Fuzzy** — candidates share at least one informative character bigram of the name's
   *core* (the key without leading administrative-division names and the trailing legal
   form, e.g. 太谷区绿源种植专业合作社 → 绿源种植), within the region when given, else
   nationwide; each is scored 0–100 by ``similarity`` = 0.7 × ratio(core) + 0.3 ×
   ratio(key) (rapidfuzz Indel ratio). The core dominates so that two cooperatives of one
   county that differ only in their brand (绿源 / 绿丰) do not look alike.

Verdict of the match: ``matched`` when the best fuzzy score ≥ ACCEPT and the runner-up is
more than MARGIN below; ``ambiguous`` when FLOOR ≤ best < ACCEPT or two candidates are
within MARGIN; ``not_found`` below FLOOR. Confidence of a fuzzy match is score / 100,
capped at 0.95 (below an exact name).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from credit.text import normalize

ACCEPT = 90.0
FLOOR = 65.0
MARGIN = 4.0
MAX_CANDIDATES = 3
# Candidates scored per fuzzy query (by number of shared core bigrams, most first).
POOL = 60
# Bigrams of the query's core used to find candidates (the rarest first).
RAREST = 4

CONF_USCC = 1.0
CONF_NAME = 0.98
CONF_FORMER = 0.95
CONF_FUZZY_CAP = 0.95

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_NOT_KEPT = re.compile(f"[^{_HAN}a-z0-9]+")
_WS = re.compile(r"\s+")

# Spelling variants of one legal form, folded before comparing (longest first).
FOLDS = (
    ("农民专业合作社", "专业合作社"),
    ("有限责任公司", "有限公司"),
)
# Legal-form endings cut off to get the core (after FOLDS; longest first).
LEGAL_FORMS = (
    "专业合作社联合社",
    "股份经济合作社",
    "经济联合总社",
    "股份有限公司",
    "专业合作联社",
    "专业合作社",
    "经济合作社",
    "家庭农场",
    "有限公司",
    "合作社",
    "分公司",
    "经营部",
    "门市部",
    "公司",
    "农场",
    "商行",
)
# Division names too generic to strip from the front of a name.
_GENERIC_DIVISIONS = {"城区", "矿区", "郊区", "市辖区", "县"}


def fold(key: str) -> str:
    for old, new in FOLDS:
        if old in key:
            key = key.replace(old, new)
    return key


def _finish(normalised: str) -> str:
    return fold(_NOT_KEPT.sub("", normalised))


def name_key(name: str | None) -> str:
    """The comparable form of one name ('' for blank)."""
    if not name:
        return ""
    return _finish(normalize(name))


def name_keys(names: Sequence[str]) -> list[str]:
    """``name_key`` of many names at once: one traditional→simplified pass over all of them
    (per-name conversion is ~4× slower). Spaces are removed first, so a single space can
    join and split the batch."""
    if not names:
        return []
    cleaned = [_WS.sub("", unicodedata.normalize("NFKC", n or "")) for n in names]
    parts = normalize(" ".join(c or "\u3007" for c in cleaned)).split(" ")
    if len(parts) != len(cleaned):  # defensive: never mis-align keys and producers
        return [name_key(n) for n in names]
    return ["" if not c else _finish(p) for c, p in zip(cleaned, parts, strict=True)]


class DivisionNames:
    """Normalised names of administrative divisions, to strip from the front of names."""

    def __init__(self, names: Iterable[str] = ()):
        # First two characters → the names starting with them, longest first.
        self.by_head: dict[str, list[str]] = {}
        for n in sorted(set(names), key=len, reverse=True):
            self.by_head.setdefault(n[:2], []).append(n)

    @classmethod
    def build(cls, raw_names: Iterable[str]) -> DivisionNames:
        return cls(
            k for k in name_keys(list(raw_names)) if len(k) >= 2 and k not in _GENERIC_DIVISIONS
        )

    def split(self, key: str) -> tuple[str, str]:
        """(leading division names, the rest): up to three (province, city, county)."""
        cut = 0
        for _ in range(3):
            names = self.by_head.get(key[cut : cut + 2])
            if not names:
                break
            for n in names:
                if len(key) - cut - len(n) >= 2 and key.startswith(n, cut):
                    cut += len(n)
                    break
            else:
                break
        return key[:cut], key[cut:]


_LEGAL_FORM_RE = re.compile(f"(?<=..)(?:{'|'.join(LEGAL_FORMS)})$")


def core_of(rest: str) -> str:
    """The name without its legal form (``rest`` = key without leading division names)."""
    return _LEGAL_FORM_RE.sub("", rest, count=1)


def parts_of(key: str, divisions: DivisionNames | None) -> tuple[str, str, str]:
    """(division part, rest, core) of a name key."""
    div, rest = divisions.split(key) if divisions else ("", key)
    return div, rest, core_of(rest)


def bigrams(text: str) -> list[str]:
    if len(text) < 2:
        return [text] if text else []
    return list(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)))


DIVISION_CONFLICT = 25.0


def similarity(q: tuple[str, str, str], e: tuple[str, str, str]) -> float:
    """0–100 between two (division, rest, core) triples; see the module docstring.

    The rest (name without leading division names) is compared rather than the whole key,
    so a name given without its county is not penalised; but two names that both carry
    division names that disagree (齐河县… / 怀宁县…) lose DIVISION_CONFLICT points.
    """
    score = 0.7 * fuzz.ratio(q[2], e[2]) + 0.3 * fuzz.ratio(q[1], e[1])
    if q[0] and e[0] and q[0] not in e[0] and e[0] not in q[0]:
        score -= DIVISION_CONFLICT
    return round(max(score, 0.0), 1)


@dataclass(frozen=True)
class ProducerRef:
    id: int
    uscc: str | None
    key: str  # public identifier: USCC or masked ID number
    name: str
    region_code: str


@dataclass
class Candidate:
    producer: ProducerRef
    score: float
    via: str  # uscc | id_number | name | former_name | fuzzy

    def as_dict(self) -> dict:
        return {
            "uscc": self.producer.uscc,
            "key": self.producer.key,
            "name": self.producer.name,
            "region_code": self.producer.region_code,
            "score": self.score,
        }


@dataclass
class Match:
    status: str  # matched | ambiguous | not_found
    producer: ProducerRef | None = None
    matched_by: str | None = None
    confidence: float = 0.0
    candidates: list[Candidate] = field(default_factory=list)


class NameIndex:
    """Every producer's name and former names, prepared for exact and fuzzy lookups.

    ``rows``: (ProducerRef, name, former_names). Built once per data version by the
    service and shared across checks (about a second for 100,000 producers).
    """

    # With a region holding at most this many names, every one of them is scored.
    SCAN_REGION = 2000

    def __init__(self, rows: Sequence[tuple[ProducerRef, str, Sequence[str]]], divisions=None):
        self.divisions = divisions
        raw: list[str] = []
        owner: list[ProducerRef] = []
        is_former: list[bool] = []
        for ref, name, former_names in rows:
            raw.append(name)
            owner.append(ref)
            is_former.append(False)
            for old in former_names or ():
                if old and isinstance(old, str):
                    raw.append(old)
                    owner.append(ref)
                    is_former.append(True)
        self.refs: list[ProducerRef] = []
        self.keys: list[str] = []
        self.parts: list[tuple[str, str, str]] = []
        self.former: list[bool] = []
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.by_region: dict[str, list[int]] = defaultdict(list)
        split = divisions.split if divisions else (lambda k: ("", k))
        for ref, key, old in zip(owner, name_keys(raw), is_former, strict=True):
            if not key:
                continue
            i = len(self.keys)
            div, rest = split(key)
            core = core_of(rest)
            self.refs.append(ref)
            self.keys.append(key)
            self.parts.append((div, rest, core))
            self.former.append(old)
            self.exact[key].append(i)
            self.by_region[ref.region_code].append(i)
            if len(core) < 2:
                self.postings[core].append(i)
            else:
                for g in dict.fromkeys(core[j : j + 2] for j in range(len(core) - 1)):
                    self.postings[g].append(i)
        self.exact = dict(self.exact)
        self.postings = dict(self.postings)
        self.by_region = dict(self.by_region)
        self.df_limit = max(200, len(self.keys) // 500)

    def __len__(self) -> int:
        return len(self.keys)

    def in_region(self, prefix: str) -> list[int]:
        if len(prefix) == 6:
            return self.by_region.get(prefix, [])
        return [i for code, ids in self.by_region.items() if code.startswith(prefix) for i in ids]

    # -- lookups -----------------------------------------------------------------------

    def match_name(self, name: str, region_prefix: str | None = None, key: str | None = None):
        key = name_key(name) if key is None else key
        if not key:
            return Match("not_found")
        exact = self._exact(key, region_prefix)
        if exact is not None:
            return exact
        return self._fuzzy(key, region_prefix)

    def _exact(self, key: str, prefix: str | None) -> Match | None:
        hits = self.exact.get(key)
        if not hits:
            return None
        # Current names before former ones; one producer may appear under both.
        by_producer: dict[int, tuple[ProducerRef, bool]] = {}
        for i in hits:
            ref = self.refs[i]
            if ref.id not in by_producer or not self.former[i]:
                by_producer[ref.id] = (ref, self.former[i])
        inside = [
            (ref, old)
            for ref, old in by_producer.values()
            if not prefix or ref.region_code.startswith(prefix)
        ]
        if len(inside) == 1:
            ref, old = inside[0]
            via = "former_name" if old else "name"
            return Match(
                "matched",
                ref,
                via,
                CONF_FORMER if old else CONF_NAME,
                [Candidate(ref, 100.0, via)],
            )
        # Several producers of that name, or none in the region: a person must choose.
        pool = inside or list(by_producer.values())
        pool.sort(key=lambda item: (item[1], item[0].region_code, item[0].id))
        return Match(
            "ambiguous",
            matched_by="former_name" if all(old for _r, old in pool) else "name",
            confidence=0.5 if inside else 0.4,
            candidates=[
                Candidate(ref, 100.0, "former_name" if old else "name")
                for ref, old in pool[:MAX_CANDIDATES]
            ],
        )

    def _pool(self, core: str, prefix: str | None) -> list[int]:
        """Entries worth scoring: all of a small region, else those sharing the most of the
        query core's rarest bigrams (like a search engine's candidate step)."""
        if prefix:
            region = self.in_region(prefix)
            if len(region) <= self.SCAN_REGION:
                return region
        grams = sorted(
            (g for g in bigrams(core) if g in self.postings), key=lambda g: len(self.postings[g])
        )
        if not grams:
            return []
        refs = self.refs

        def inside(ids):
            return [i for i in ids if refs[i].region_code.startswith(prefix)] if prefix else ids

        informative = [g for g in grams if len(self.postings[g]) <= self.df_limit][:RAREST]
        if informative:
            hits: Counter[int] = Counter()
            for g in informative:
                hits.update(inside(self.postings[g]))
            if len(hits) <= POOL:
                return list(hits)
            return [i for i, _n in hits.most_common(POOL)]
        # Only common bigrams (short cores such as a person's name): entries holding the two
        # rarest together.
        pool = set(self.postings[grams[0]])
        for g in grams[1:2]:
            pool &= set(self.postings[g])
        # Set order of ints is deterministic; past POOL * 2 such a common core is ambiguous
        # whichever of them are scored.
        return inside(list(pool))[: POOL * 2]

    def _fuzzy(self, key: str, prefix: str | None) -> Match:
        div, rest = self.divisions.split(key) if self.divisions else ("", key)
        q = (div, rest, core_of(rest))
        best: dict[int, Candidate] = {}
        for i in self._pool(q[2], prefix):
            score = similarity(q, self.parts[i])
            if score < FLOOR:
                continue
            ref = self.refs[i]
            if ref.id not in best or best[ref.id].score < score:
                best[ref.id] = Candidate(ref, score, "fuzzy")
        if not best:
            return Match("not_found")
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.producer.id))
        top = ranked[0]
        shortlist = ranked[:MAX_CANDIDATES]
        confidence = min(round(top.score / 100, 3), CONF_FUZZY_CAP)
        close = len(ranked) > 1 and top.score - ranked[1].score <= MARGIN
        if top.score >= ACCEPT and not close:
            return Match("matched", top.producer, "fuzzy", confidence, shortlist)
        return Match("ambiguous", None, "fuzzy", confidence, shortlist)
