"""The analysed index fields of a document: the same for every engine.

Each text family is a pair of aligned streams from ``search.analysis`` (``uni``/``bi``):

========  ===============================================  =======================
family    source                                           used for
========  ===============================================  =======================
title     the title (a producer's public name)             CJK/Latin text, weight 10
names     other names (former names, the producer's name)  CJK/Latin text, weight 5
body      region path, kind, products, reasons, page text  CJK/Latin text, weight 1
pinyin    syllables of title + names                       pinyin queries
initials  initial letters of title + names                 initials queries
========  ===============================================  =======================

Keys for the exact-name and prefix bonuses: ``title_key`` (the title's runs joined, so
punctuation and spacing do not matter), ``title_py`` (full pinyin) and ``title_ini``
(initials). Facet values become tokens too (``facet_token``) so filters are index terms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from search.analysis import (
    _RUN_RE,
    _syllable,
    _unit_streams,
    cjk_runs,
    index_streams,
    normalize,
    normalize_identifier,
)
from search.doc import TYPE_RANK, SearchDocument

TEXT_FAMILIES = ("title", "names", "body")
PINYIN_FAMILIES = ("pinyin", "initials")
FAMILIES = TEXT_FAMILIES + PINYIN_FAMILIES
# Column names of the stream pairs, in index order (SQLite FTS5 columns, PG text columns).
STREAM_COLUMNS = (
    "t_uni",
    "t_bi",
    "n_uni",
    "n_bi",
    "b_uni",
    "b_bi",
    "p_uni",
    "p_bi",
    "i_uni",
    "i_bi",
)
FAMILY_COLUMNS = {
    "title": ("t_uni", "t_bi"),
    "names": ("n_uni", "n_bi"),
    "body": ("b_uni", "b_bi"),
    "pinyin": ("p_uni", "p_bi"),
    "initials": ("i_uni", "i_bi"),
}
ALL_TOKEN = "all"  # every document carries it: the match-everything term for browsing

# Facets and their one-letter codes in facet tokens (``search.facets`` has labels and order).
FACET_CODES = {
    "type": "t",
    "region": "r",
    "kind": "k",
    "category": "c",
    "grade": "g",
    "cert": "e",
    "year": "y",
    "locale": "l",
}
_FACET_NAMES = {code: name for name, code in FACET_CODES.items()}
_SAFE = frozenset("0123456789abcdefghijklmnopqrstuvwyz")
_ESCAPE_RE = re.compile(r"x([0-9a-f]+)x")


@lru_cache(maxsize=1 << 16)
def facet_token(name: str, value: str) -> str:
    """A reversible single index token for a facet value: ('region', '220122') ->
    'fr220122', ('kind', 'family_farm') -> 'fkfamilyx5fxfarm', ('grade', 'A') -> 'fgx41x'.

    Characters outside [0-9a-wyz] are written ``x<hex>x`` so every token is one unicode61
    token (and one tsvector lexeme / keyword), whatever the value.
    """
    return "f" + FACET_CODES[name] + "".join(c if c in _SAFE else f"x{ord(c):x}x" for c in value)


def parse_facet_token(token: str) -> tuple[str, str] | None:
    name = _FACET_NAMES.get(token[1:2]) if token.startswith("f") else None
    if name is None:
        return None
    return name, _ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), token[2:])


def title_key(text: str) -> str:
    """The runs of the normalised text joined: '绿源（太谷）合作社' -> '绿源太谷合作社'."""
    return "".join(r.text for r in cjk_runs(text))


def _joined(texts: list[str]) -> str:
    # A space never joins runs: each text stays its own run(s).
    return " ".join(t for t in texts if t)


@cache
def _phrase_table() -> tuple[dict, frozenset]:
    """pypinyin's phrase table and the set of its two-character prefixes (a quick reject)."""
    from pypinyin.phrases_dict import phrases_dict

    return phrases_dict, frozenset(k[:2] for k in phrases_dict if len(k) >= 2)


@lru_cache(maxsize=1 << 16)
def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable).replace("u\u0308", "v")
    return "".join(c for c in decomposed if c.isascii() and c.isalpha()).lower()


_MAX_PHRASE = 6


def phrase_syllables(run: str) -> list[str]:
    """Syllables of a Han run read with pypinyin's phrase table (longest match first), so
    polyphones read as in words: 长春 -> chang chun, 重庆 -> chong qing, 银行 -> yin hang.
    Characters outside any phrase take their default reading ('' if none)."""
    table, prefixes = _phrase_table()
    out: list[str] = []
    i, n = 0, len(run)
    while i < n:
        if run[i : i + 2] in prefixes:
            for size in range(min(_MAX_PHRASE, n - i), 1, -1):
                readings = table.get(run[i : i + size])
                if readings is not None and len(readings) == size:
                    out.extend(_toneless(r[0]) for r in readings)
                    i += size
                    break
            else:
                out.append(_syllable(run[i]))
                i += 1
        else:
            out.append(_syllable(run[i]))
            i += 1
    return out


def _split_unknown(syllables: list[str]) -> list[list[str]]:
    # A character without a reading ends a pinyin run (as in search.analysis).
    runs, cur = [], []
    for s in syllables:
        if s:
            cur.append(s)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def pinyin_families(
    text: str, *, normalized: bool = False
) -> tuple[dict[str, list[str]], dict[str, list[str]], str, str]:
    """Pinyin and initials streams plus the full-pinyin and initials keys, in one pass.

    The streams hold each Han run's character-by-character reading (what
    ``search.analysis`` and the query side use) and, when different, its phrase reading as
    an extra run, so both "zhangchun" and "changchun" find 长春. The keys use the phrase
    reading (what people type for a whole name).
    """
    base: list[tuple[list[str], bool]] = []
    extra: list[tuple[list[str], bool]] = []
    key_py: list[str] = []
    key_ini: list[str] = []
    for run in _RUN_RE.findall(text if normalized else normalize(text)):
        if run.isascii():
            base.append(([run], False))
            key_py.append(run)
            key_ini.append(run)
            continue
        per_char = [_syllable(c) for c in run]
        phrase = phrase_syllables(run)
        base += [(r, True) for r in _split_unknown(per_char)]
        if phrase != per_char:
            extra += [(r, True) for r in _split_unknown(phrase)]
        key_py.append("".join(phrase))
        key_ini.append("".join(s[:1] for s in phrase))
    runs = base + extra
    py = _unit_streams([units for units, _ in runs])
    ini = _unit_streams([[s[0] for s in units] if han else units for units, han in runs])
    return py, ini, "".join(key_py), "".join(key_ini)


@dataclass(slots=True)
class IndexFields:
    """Everything an engine stores for one document (see the module docstring)."""

    key: str
    type: str
    title: str
    title_norm: str
    title_key: str
    title_py: str
    title_ini: str
    title_len: int
    type_rank: int
    texts: dict[str, str]  # column -> space-joined tokens (compact: cheap to pickle)
    lengths: tuple[int, ...]  # uni token counts: title, names, body, pinyin, initials
    identifiers: list[str]
    facets: dict[str, list[str]]
    facet_tokens: list[str]
    names_norm: list[str]
    body_norm: str

    def stream_text(self, column: str) -> str:
        return self.texts[column]

    @property
    def streams(self) -> dict[str, list[str]]:
        return {c: t.split() if t else [] for c, t in self.texts.items()}


@lru_cache(maxsize=1 << 15)
def _body_streams(body_norm: str) -> dict[str, list[str]]:
    # Producer bodies (region path, kind, categories) repeat a lot: analyse each once.
    return index_streams(body_norm, normalized=True)


def analyse(doc: SearchDocument) -> IndexFields:
    title_norm = normalize(doc.title)
    names = [n for n in doc.names if n and n != doc.title]
    names_norm = [normalize(n) for n in names]
    body_norm = normalize(doc.body) if doc.body else ""
    title_s = index_streams(title_norm, normalized=True)
    names_s = index_streams(_joined(names_norm), normalized=True)
    body_s = (
        _body_streams(body_norm)
        if len(body_norm) < 200
        else index_streams(body_norm, normalized=True)
    )
    # Pinyin of the title alone gives the keys; of title + names the streams.
    py_title, ini_title, py_key, ini_key = pinyin_families(title_norm, normalized=True)
    if names:
        py_s, ini_s, _, _ = pinyin_families(_joined([title_norm, *names_norm]), normalized=True)
    else:
        py_s, ini_s = py_title, ini_title
    facets = {
        k: sorted({str(v) for v in vs if v not in (None, "")}) for k, vs in doc.facets.items()
    }
    facets = {k: v for k, v in facets.items() if v and k in FACET_CODES}
    streams = {
        "t_uni": title_s["uni"],
        "t_bi": title_s["bi"],
        "n_uni": names_s["uni"],
        "n_bi": names_s["bi"],
        "b_uni": body_s["uni"],
        "b_bi": body_s["bi"],
        "p_uni": py_s["uni"],
        "p_bi": py_s["bi"],
        "i_uni": ini_s["uni"],
        "i_bi": ini_s["bi"],
    }
    idents = sorted({normalize_identifier(i) for i in doc.identifiers if i and i.strip()})
    return IndexFields(
        key=doc.key,
        type=doc.type,
        title=doc.title,
        title_norm=title_norm,
        title_key="".join(title_s["uni"]),
        title_py=py_key,
        title_ini=ini_key,
        title_len=len(title_s["uni"]),
        type_rank=TYPE_RANK[doc.type],
        texts={c: " ".join(tokens) for c, tokens in streams.items()},
        lengths=tuple(len(streams[c]) for c in ("t_uni", "n_uni", "b_uni", "p_uni", "i_uni")),
        identifiers=idents,
        facets=facets,
        facet_tokens=[ALL_TOKEN] + [facet_token(k, v) for k, vs in facets.items() for v in vs],
        names_norm=names_norm,
        body_norm=body_norm,
    )
