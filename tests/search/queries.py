"""The search quality query set: a generated producer data set, ≥ 80 queries of ten kinds,
the relevant set of each from a pure-Python oracle, and the metrics (recall@10, MRR,
zero-result rate per kind).

The oracle is deliberately independent of the engines' analysis: it works on whole names
with ``str`` operations and pypinyin directly.

* text kinds (1–4 Han characters, suffixes, county + type, full-width, traditional):
  every whitespace-separated part of NFKC/lower/t2s(query) is a substring of the same
  normalisation of the name;
* pinyin: the query's syllables (known when the query is made) are a contiguous run of the
  name's per-character syllables, inside one run of Han characters;
* initials: the letters are a substring of one Han run's initials;
* uscc: the producer's USCC equals the query with spaces removed, upper-cased, NFKC.

Used by ``test_quality.py``, ``test_contract.py`` and ``benchmarks/search.py``.
"""

from __future__ import annotations

import functools
import random
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

KINDS = (
    "cjk1",
    "cjk2",
    "cjk3",
    "cjk4",
    "suffix",
    "county_type",
    "pinyin",
    "initials",
    "fullwidth",
    "traditional",
    "uscc",
)
SUFFIXES = ("合作社", "家庭农场", "有限公司", "专业合作社", "农资经营部", "种植专业合作社")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_WORD = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")  # punctuation and spaces separate


# --- the data set ------------------------------------------------------------------------


@dataclass
class Producer:
    id: int
    name: str  # the public name (growers' masked, as indexed)
    kind: str
    uscc: str | None
    id_number: str | None
    region_code: str
    county_short: str
    categories: list[str]


def generate_producers(n: int, seed: int = 2026) -> list[Producer]:
    """n producers from ``credit.synthetic`` (pure: no database)."""
    from credit.regiondata import load_regions
    from credit.synthetic import SyntheticWorld, counties_from_rows
    from search.documents.producers import public_name

    world = SyntheticWorld(seed, counties_from_rows(load_regions()))
    out = []
    for i in range(n):
        s = world.producer(i)
        out.append(
            Producer(
                i + 1,
                public_name(s.name, s.kind),
                s.kind,
                s.uscc,
                s.id_number,
                s.county.code,
                s.county.short,
                list(s.categories),
            )
        )
    return out


def region_index():
    from credit.regiondata import load_regions
    from search.documents.context import RegionIndex

    return RegionIndex((r.code, r.name, r.parent_code or None) for r in load_regions())


def build_context():
    """A BuildContext that needs no database (regions from the CSV)."""
    from search.documents.context import BuildContext

    ctx = BuildContext()
    ctx.__dict__["regions"] = region_index()
    return ctx


def producer_documents(producers: list[Producer], ctx=None, names_only: bool = False):
    """Search documents as the indexer builds them (``names_only``: title only)."""
    from search.doc import SearchDocument
    from search.documents.producers import build_producer

    ctx = ctx or build_context()
    docs = []
    for p in producers:
        if names_only:
            docs.append(
                SearchDocument(
                    "producer",
                    str(p.id),
                    p.name,
                    identifiers=[p.uscc] if p.uscc else [],
                    facets={"type": ["producer"], "kind": [p.kind]},
                )
            )
            continue
        row = {
            "id": p.id,
            "uscc": p.uscc,
            "id_number": p.id_number,
            "name": p.name,
            "former_names": [],
            "kind": p.kind,
            "region_id": p.region_code,
            "categories": p.categories,
            "grade": "U",
            "score": None,
            "graded_on": None,
        }
        docs.append(build_producer(row, ctx))
    return docs


# --- the oracle --------------------------------------------------------------------------


def _fold(text: str) -> str:
    from opencc import OpenCC

    text = unicodedata.normalize("NFKC", text).lower()
    cc = _fold.cc = getattr(_fold, "cc", None) or OpenCC("t2s")
    for _ in range(4):
        out = cc.convert(text)
        if out == text:
            break
        text = out
    return text


def _syllables(run: str) -> list[str]:
    """pypinyin's reading of a run in context (its phrase table: 长春 -> chang chun)."""
    from pypinyin import Style, lazy_pinyin

    return [
        re.sub(r"[^a-z]", "", s.replace("ü", "v"))
        for s in lazy_pinyin(run, style=Style.NORMAL, errors=lambda x: ["?"] * len(x))
    ]


def _char_syllables(run: str) -> list[str]:
    """Each character's own default reading (长 alone -> zhang)."""
    return [_char_reading(c) for c in run]


@functools.lru_cache(maxsize=1 << 16)
def _char_reading(ch: str) -> str:
    return _syllables(ch)[0]


def readings(run: str) -> list[list[str]]:
    """The readings a user may type for a run: in context, and character by character."""
    a, b = _syllables(run), _char_syllables(run)
    return [a] if a == b else [a, b]


def fast_readings(run: str) -> list[list[str]]:
    """As ``readings`` but with the indexer's phrase look-up (for 1,000,000 names)."""
    from search.fields import phrase_syllables

    a, b = phrase_syllables(run), _char_syllables(run)
    return [a] if a == b else [a, b]


class Oracle:
    def __init__(self, producers: list[Producer], readings=readings):
        self.producers = producers
        self.folded = {p.id: _fold(p.name) for p in producers}
        self.runs = {p.id: _HAN_RUN.findall(self.folded[p.id]) for p in producers}
        self._syl: dict[int, list[list[str]]] = {}
        self._readings = readings
        self.uscc = {p.uscc: p.id for p in producers if p.uscc}

    def syllables(self, pid: int) -> list[list[str]]:
        """Every reading of every Han run of the name."""
        hit = self._syl.get(pid)
        if hit is None:
            hit = self._syl[pid] = [r for run in self.runs[pid] for r in self._readings(run)]
        return hit

    def relevant(self, query: Query) -> set[int]:
        if query.oracle == "uscc":
            code = "".join(unicodedata.normalize("NFKC", query.q).split()).upper()
            return {self.uscc[code]} if code in self.uscc else set()
        if query.oracle == "pinyin":
            want = query.syllables
            return {
                pid
                for pid in self.folded
                if any(_contains(syls, want) for syls in self.syllables(pid))
            }
        if query.oracle == "initials":
            letters = query.q.lower()
            return {
                pid
                for pid in self.folded
                if any(letters in "".join(s[:1] for s in syls) for syls in self.syllables(pid))
            }
        parts = _WORD.findall(_fold(query.q))
        return {pid for pid, name in self.folded.items() if all(p in name for p in parts)}


def _contains(seq: list[str], sub: list[str]) -> bool:
    n = len(sub)
    return any(seq[i : i + n] == sub for i in range(len(seq) - n + 1))


# --- the queries -------------------------------------------------------------------------


@dataclass
class Query:
    q: str
    kind: str
    syllables: list[str] = field(default_factory=list)
    oracle: str = ""  # text | pinyin | initials | uscc (default: from the kind)

    def __post_init__(self):
        if not self.oracle:
            self.oracle = self.kind if self.kind in ("pinyin", "initials", "uscc") else "text"


_FULL_WIDTH = {
    ord(c): ord(c) + 0xFEE0
    for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
}


def _to_full_width(text: str) -> str:
    return text.translate(_FULL_WIDTH).replace(" ", "\u3000")


def _s2t(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("s2t").convert(text)


def make_queries(
    producers: list[Producer],
    seed: int = 7,
    per_kind: int = 8,
    oracle: Oracle | None = None,
    check: bool = True,
    unique: bool = True,
) -> list[Query]:
    """Deterministic queries, ``per_kind`` of each kind; with ``check`` only queries whose
    relevant set is not empty (without it: for latency runs, no oracle needed); without
    ``unique`` a query may repeat, as in a real query log."""
    rng = random.Random(seed)
    oracle = oracle or (Oracle(producers) if check else None)
    named = [
        p
        for p in producers
        if len(_HAN_RUN.findall(p.name)[0] if _HAN_RUN.findall(p.name) else "") >= 4
    ]
    out: list[Query] = []
    seen: set[str] = set()

    def add(query: Query) -> bool:
        if (unique and query.q in seen) or (check and not oracle.relevant(query)):
            return False
        seen.add(query.q)
        out.append(query)
        return True

    def substring(size: int) -> tuple[Producer, str, int]:
        while True:
            p = rng.choice(named)
            run = max(_HAN_RUN.findall(p.name), key=len)
            if len(run) >= size:
                start = rng.randrange(len(run) - size + 1)
                return p, run, start

    def fill(kind: str, make, tries: int = 500):
        got = 0
        for _ in range(tries):
            if got >= per_kind:
                break
            q = make()
            if q is not None and add(q):
                got += 1

    for size in (1, 2, 3, 4):

        def cjk(size=size):
            _p, run, start = substring(size)
            return Query(run[start : start + size], f"cjk{size}")

        fill(f"cjk{size}", cjk)
    for s in SUFFIXES[:per_kind]:
        add(Query(s, "suffix"))
    fill(
        "suffix",
        lambda: Query(
            rng.choice(
                ("农场", "公司", "经营部", "股份经济合作社", "农民专业合作社", "养殖专业合作社")
            ),
            "suffix",
        ),
    )

    def county_type():
        p = rng.choice(producers)
        suffix = rng.choice(("合作社", "家庭农场", "有限公司", "专业合作社"))
        return Query(f"{p.county_short} {suffix}", "county_type")

    fill("county_type", county_type)

    def pinyin():
        size = rng.choice((2, 2, 3))
        _p, run, start = substring(size)
        syls = _syllables(run[start : start + size])
        if any(not s or s == "?" for s in syls):
            return None
        style = rng.random()
        q = " ".join(syls) if style < 0.25 else ("'".join(syls) if style < 0.35 else "".join(syls))
        return Query(q, "pinyin", syls)

    fill("pinyin", pinyin)

    def initials():
        _p, run, start = substring(rng.choice((3, 4)))
        size = min(4, len(run) - start)
        syls = _syllables(run[start : start + size])
        if any(not s or s == "?" for s in syls):
            return None
        return Query("".join(s[0] for s in syls), "initials")

    fill("initials", initials)

    def fullwidth():
        r = rng.random()
        if r < 0.4:
            p = rng.choice([p for p in producers if p.uscc])
            return Query(_to_full_width(p.uscc), "fullwidth", oracle="uscc")
        if r < 0.7:
            _p, run, start = substring(2)
            suffix = rng.choice(("合作社", "家庭农场", "公司"))
            return Query(f"{run[start : start + 2]}\u3000{suffix}", "fullwidth")
        _p, run, start = substring(3)
        return Query(f"（{run[start : start + 3]}）", "fullwidth")

    fill("fullwidth", fullwidth)

    def traditional():
        _p, run, start = substring(rng.choice((2, 3, 4)))
        size = min(4, len(run) - start)
        text = run[start : start + size]
        trad = _s2t(text)
        return Query(trad, "traditional") if trad != text else None

    fill("traditional", traditional, tries=2000)

    def uscc():
        p = rng.choice([p for p in producers if p.uscc])
        return Query(p.uscc if rng.random() < 0.7 else p.uscc.lower(), "uscc")

    fill("uscc", uscc)
    return out


# --- metrics -----------------------------------------------------------------------------


@dataclass
class KindMetrics:
    queries: int = 0
    recall_sum: float = 0.0
    rr_sum: float = 0.0
    zero: int = 0

    @property
    def recall(self) -> float:
        return self.recall_sum / self.queries if self.queries else 0.0

    @property
    def mrr(self) -> float:
        return self.rr_sum / self.queries if self.queries else 0.0

    @property
    def zero_rate(self) -> float:
        return self.zero / self.queries if self.queries else 0.0


def evaluate(results: dict[str, list[int]], queries: list[Query], oracle: Oracle):
    """results: query text -> ranked producer ids (top 10 used). Returns per kind + 'all'."""
    by_kind: dict[str, KindMetrics] = defaultdict(KindMetrics)
    for query in queries:
        ranked = results[query.q][:10]
        relevant = oracle.relevant(query)
        hit = [r in relevant for r in ranked]
        recall = sum(hit) / min(10, len(relevant)) if relevant else 1.0
        rr = next((1.0 / (i + 1) for i, h in enumerate(hit) if h), 0.0)
        for key in (query.kind, "all"):
            m = by_kind[key]
            m.queries += 1
            m.recall_sum += recall
            m.rr_sum += rr
            m.zero += not ranked
    return dict(by_kind)


def format_metrics(metrics: dict[str, KindMetrics]) -> str:
    lines = [f"{'kind':<12} {'n':>3} {'recall@10':>9} {'MRR':>6} {'zero':>6}"]
    for kind in (*KINDS, "all"):
        m = metrics.get(kind)
        if m:
            lines.append(
                f"{kind:<12} {m.queries:>3} {m.recall:>9.3f} {m.mrr:>6.3f} {m.zero_rate:>6.1%}"
            )
    return "\n".join(lines)
