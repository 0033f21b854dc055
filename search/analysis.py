"""Chinese text analysis for search: one Python analysis shared by every engine.

Why analyse in Python: database full-text parsers keep a whole run of Han characters as one
token (so 绿源 never matches 太谷区绿源种植专业合作社) and word segmenters cut names in the
wrong places (jieba: 太谷/区绿源/...). Instead we fold the text once (NFKC, lowercase,
traditional -> simplified), cut it into runs, and index short tokens that every engine keeps
whole. A query becomes a PHRASE of its overlapping bigrams, which is a true substring match.

Two aligned streams per field (``index_streams``), one token per character position:

* ``uni``: every Han character, Latin/digit runs whole.
* ``bi``:  the shingle of length <= 2 starting at each character: the bigram ``text[i:i+2]``,
  or the lone last character of a Han run. Latin/digit runs whole.

Because ``bi`` has exactly one token per position, consecutive bigrams of a run are adjacent
positions, and a run's last character (a unigram, which no bigram phrase contains) keeps two
runs from ever looking adjacent: "绿源 源种" must not match the query 绿源种. Hence:

* a query run of >= 2 Han chars -> phrase of its bigrams on ``bi``  <=> substring of one run;
* a query run of 1 Han char      -> single term on ``uni``;
* a Latin/digit query run        -> single term on ``uni`` (whole-token match).

Engines:

* SQLite FTS5, ``tokenize='unicode61'``: unicode61 treats letters (L*), numbers (N*, so also
  〇) and private-use chars as token characters, so a space-separated "绿源 源种" stays two
  tokens 绿源 / 源种 (verified in tests). Two columns ``uni`` and ``bi``;
  ``fts5_match_expression`` emits ``bi : "绿源" + "源种"`` (``+`` = adjacent tokens).
* PostgreSQL ``to_tsvector('simple', ...)``: the default parser keeps a CJK run as one word
  when lc_ctype is a UTF-8 locale (verified under C.UTF-8 in tests), so each of our
  space-separated tokens is one lexeme. ``tsquery_expression`` emits
  ``'绿源' <-> '源种' & '社'``. Use either one tsvector of ``tsvector_text(text)`` (uni then bi:
  bigram tokens exist only in the bi part and unigrams cannot be inside a bigram phrase, so
  concatenation is sound) or two tsvector columns queried with ``stream='uni'`` / ``'bi'``.
* Elasticsearch, ``standard`` + ``cjk_width`` + ``lowercase`` + ``cjk_bigram`` with
  ``output_unigrams: true`` at index time puts bigram c[i]c[i+1] at the position of c[i]
  (same increment as our ``bi`` stream) and does not bigram across non-CJK gaps; searching
  with ``match_phrase`` through the same chain without ``output_unigrams`` yields exactly
  ``QueryPlan.phrases`` (bigrams of a >= 2 run, the lone char of a 1-char run), so the two
  designs are equivalent. Index ``normalize(text)`` there so t2s folding matches too.

Pinyin (for names) uses the same aligned trick on syllables (``pinyin_streams``, bigram token =
two syllables concatenated) and on initials (``initials_streams``); ``pinyin_query_terms``
splits an ASCII query into syllables or falls back to initials.

Converter: official ``opencc`` bindings (BYVoid/OpenCC, releases 1.4.x) - ships a manylinux
cp311 wheel (no compiler), uses OpenCC's phrase tables and runs ~0.8 us/name vs ~2.6 us for
``zhconv`` and ~12 us for the pure-Python ``opencc-python-reimplemented`` (last release 2022).
Both OpenCC packages install the import name ``opencc``: depend on ``opencc`` only.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple

# Normalisation lives in credit (credit must not import search); one definition for both.
from credit.text import INVISIBLE as _INVISIBLE
from credit.text import normalize
from credit.text import t2s as _t2s

Stream = Literal["uni", "bi"]

# Han: 〇, Ext-A, URO, compatibility ideographs, Ext-B..H (SIP/TIP).
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN_RE = re.compile(f"[{_HAN}]+|[a-z0-9]+")
_COLUMN_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Run(NamedTuple):
    text: str
    is_han: bool


def cjk_runs(text: str, *, normalized: bool = False) -> list[Run]:
    """Han runs and [a-z0-9] runs of the normalised text; everything else separates."""
    norm = text if normalized else normalize(text)
    return [Run(r, not r.isascii()) for r in _RUN_RE.findall(norm)]


def _shingles(units: list[str]) -> list[str]:
    # Length <= 2 shingle at each position: bigrams, then the run's last unit alone.
    return [a + b for a, b in zip(units, units[1:], strict=False)] + units[-1:]


def index_tokens(text: str) -> list[str]:
    """Single stream: per Han char its unigram then the bigram starting there; Latin runs whole.

    Duplicates are kept (term frequency feeds BM25). Positions here are not phrase-safe; use
    ``index_streams`` for phrase matching.
    """
    out: list[str] = []
    for run in _RUN_RE.findall(normalize(text)):
        if run.isascii():
            out.append(run)
            continue
        last = len(run) - 1
        for i, ch in enumerate(run):
            out.append(ch)
            if i < last:
                out.append(run[i : i + 2])
    return out


def index_streams(text: str, *, normalized: bool = False) -> dict[str, list[str]]:
    """Aligned ``uni`` and ``bi`` token streams (see module docstring).

    ``normalized=True``: ``text`` is already ``normalize``d (saves the second pass).
    """
    uni: list[str] = []
    bi: list[str] = []
    for run in _RUN_RE.findall(text if normalized else normalize(text)):
        if run.isascii():
            uni.append(run)
            bi.append(run)
        else:
            uni.extend(run)
            bi.extend([run[i : i + 2] for i in range(len(run))])
    return {"uni": uni, "bi": bi}


def tsvector_text(text: str, stream: Stream | None = None) -> str:
    """Space-joined tokens for ``to_tsvector('simple', ...)``: one stream, or uni then bi."""
    streams = index_streams(text)
    if stream is not None:
        return " ".join(streams[stream])
    return " ".join(streams["uni"] + streams["bi"])


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """Engine-neutral query: AND of phrases; ``streams[i]`` says which stream phrase i targets.

    ``source`` is the field family: 'text' (uni/bi), 'pinyin' or 'initials'.
    """

    phrases: list[list[str]] = field(default_factory=list)
    streams: list[Stream] = field(default_factory=list)
    source: str = "text"

    def __post_init__(self) -> None:
        if len(self.phrases) != len(self.streams):
            raise ValueError("phrases and streams must be parallel lists")

    @property
    def is_empty(self) -> bool:
        return not self.phrases


def _plan(unit_runs: list[list[str]], source: str) -> QueryPlan:
    phrases: list[list[str]] = []
    streams: list[Stream] = []
    for units in unit_runs:
        if len(units) >= 2:
            phrase, stream = _shingles(units)[:-1], "bi"
        else:
            phrase, stream = units, "uni"
        if phrase not in phrases:  # a repeated run adds nothing to an AND
            phrases.append(phrase)
            streams.append(stream)
    return QueryPlan(phrases, streams, source)


def query_terms(text: str) -> QueryPlan:
    """One phrase per query run: bigrams of a Han run >= 2, else the char / the Latin run."""
    units = [[run] if run.isascii() else list(run) for run in _RUN_RE.findall(normalize(text))]
    return _plan(units, "text")


def fts_token(t: str) -> str:
    """One token as an FTS5 string literal.

    unicode61 treats Han chars as token characters, so a quoted "绿源" is one token, not two.
    Tokens always come from this module; anything unicode61 would split is a bug, so raise.
    """
    if not _RUN_RE.fullmatch(t):
        raise ValueError(f"not a single index token: {t!r}")
    return '"' + t.replace('"', '""') + '"'


def fts5_match_expression(plan: QueryPlan, uni: str = "uni", bi: str = "bi") -> str:
    """FTS5 MATCH string: ``bi : "绿源" + "源种" AND uni : "社"``; '' for an empty plan.

    Pass the pinyin/initials column names for plans from ``pinyin_query_terms``.
    """
    for col in (uni, bi):
        if not _COLUMN_RE.fullmatch(col):
            raise ValueError(f"bad FTS5 column name: {col!r}")
    parts = []
    for phrase, stream in zip(plan.phrases, plan.streams, strict=True):
        col = bi if stream == "bi" else uni
        parts.append(f"{col} : " + " + ".join(fts_token(t) for t in phrase))
    return " AND ".join(parts)


def _ts_lexeme(t: str) -> str:
    # Quoted tsquery lexeme: quote and backslash are the only specials inside quotes.
    return "'" + t.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_expression(plan: QueryPlan, stream: Stream | None = None) -> str:
    """Text for ``to_tsquery('simple', ...)``: phrases joined by ``<->``, runs by ``&``.

    ``stream=None`` targets one tsvector of ``tsvector_text(text)`` (uni + bi); 'uni' / 'bi'
    return only that stream's part (possibly '') for separate tsvector columns.
    An empty result must not be sent: to_tsquery('') matches nothing and raises a NOTICE.
    """
    parts = []
    for phrase, target in zip(plan.phrases, plan.streams, strict=True):
        if stream is not None and target != stream:
            continue
        expr = " <-> ".join(_ts_lexeme(t) for t in phrase)
        parts.append(f"({expr})" if len(phrase) > 1 else expr)
    return " & ".join(parts)


# --- pinyin -----------------------------------------------------------------------------

# Standard Mandarin syllable inventory, toneless, ü written v (lv, lve, nv, nve), plus fiao
# (覅) which pypinyin emits. Interjections m/n/hm/ng are left out: as query syllables they
# would let almost any letter string "split" (their chars still index fine).
_SYLLABLES = frozenset(
    """
    a ai an ang ao e ei en eng er o ou
    ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu
    pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu
    ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu
    fa fan fang fei fen feng fiao fo fou fu
    da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui
    dun duo
    ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo
    na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan
    nun nuo nv nve
    la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan
    lun luo lv lve
    ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo
    ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo
    ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo
    ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun
    qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun
    xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun
    zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang
    zhui zhun zhuo
    cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui
    chun chuo
    sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui
    shun shuo
    ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo
    za zai zan zang zao ze zei zen zeng zi zong zou zu zuan zui zun zuo
    ca cai can cang cao ce cen ceng ci cong cou cu cuan cui cun cuo
    sa sai san sang sao se sen seng si song sou su suan sui sun suo
    ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun
    wa wai wan wang wei wen weng wo wu
    """.split()  # noqa: SIM905 - a table by initial reads better than 412 quoted strings
)
# Spellings users type for lüe/nüe that pypinyin writes lve/nve.
_SYLLABLE_ALIASES = {"lue": "lve", "nue": "nve"}
_MAX_SYLLABLE = 6
_PINYIN_QUERY_RE = re.compile(r"[a-z]+(?:[\s'’\-]+[a-z]+)*")
_PINYIN_SEP_RE = re.compile(r"[\s'’\-]+")
_NON_LETTER_RE = re.compile(r"[^a-z]")


@lru_cache(maxsize=1 << 17)
def _syllable(ch: str) -> str:
    """Toneless pinyin of one Han char ('' if unknown); pypinyin default reading."""
    from pypinyin import Style, lazy_pinyin

    out = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    s = out[0] if out else ""
    return _NON_LETTER_RE.sub("", s.replace("ü", "v").replace("ê", "e"))


def _pinyin_runs(text: str) -> list[tuple[list[str], bool]]:
    """Per run: syllables (Han) or [run] (Latin). Chars without pinyin break the run."""
    out: list[tuple[list[str], bool]] = []
    for run in _RUN_RE.findall(normalize(text)):
        if run.isascii():
            out.append(([run], False))
            continue
        syls: list[str] = []
        for ch in run:
            s = _syllable(ch)
            if s:
                syls.append(s)
            elif syls:
                out.append((syls, True))
                syls = []
        if syls:
            out.append((syls, True))
    return out


def pinyin_full(text: str) -> str:
    """'太谷区绿源…' -> 'taiguqulvyuan…': toneless, ü as v, Latin/digit runs kept."""
    return "".join(s for syls, _ in _pinyin_runs(text) for s in syls)


def pinyin_initials(text: str) -> str:
    """'太谷区绿源…' -> 'tgqly…': first letter per syllable, Latin/digit runs kept whole."""
    return "".join(
        "".join(s[0] for s in syls) if han else syls[0] for syls, han in _pinyin_runs(text)
    )


def pinyin_key(text: str) -> str:
    """Key for "did you mean": names sharing it sound alike (homophones, t/s variants)."""
    return pinyin_full(text)


def _unit_streams(unit_runs: list[list[str]]) -> dict[str, list[str]]:
    uni: list[str] = []
    bi: list[str] = []
    for units in unit_runs:
        uni.extend(units)
        bi.extend(_shingles(units))
    return {"uni": uni, "bi": bi}


def pinyin_streams(text: str) -> dict[str, list[str]]:
    """Syllable ``uni`` / ``bi`` streams; a bi token is two syllables concatenated.

    Concatenation is deliberately unsegmented: query 'fangan' (one bigram) then matches both
    方案 fang|an and 反感 fan|gan, which is what an unsegmented pinyin query means.
    """
    return _unit_streams([syls for syls, _ in _pinyin_runs(text)])


def initials_streams(text: str) -> dict[str, list[str]]:
    """Initial-letter ``uni`` / ``bi`` streams; Latin runs whole."""
    return _unit_streams(
        [[s[0] for s in syls] if han else syls for syls, han in _pinyin_runs(text)]
    )


def pinyin_tokens(text: str) -> list[str]:
    """Flat syllable tokens (unigram then bigram per position), like ``index_tokens``."""
    out: list[str] = []
    for syls, _ in _pinyin_runs(text):
        for i, s in enumerate(syls):
            out.append(s)
            if i + 1 < len(syls):
                out.append(s + syls[i + 1])
    return out


def split_pinyin(s: str) -> list[str] | None:
    """Split letters into syllables, longest match first, backtracking on dead ends.

    Longest-first means 'xian' -> ['xian'] (先), not ['xi', 'an'] (西安); users write "xi'an"
    for the latter. 'zhuangu' backtracks to ['zhuan', 'gu']. None if no split exists.
    """
    n = len(s)
    failed: set[int] = set()  # positions whose suffix cannot be split (path-independent)
    path: list[tuple[int, int]] = []  # (start, length) of the syllables chosen so far
    pos, max_len = 0, _MAX_SYLLABLE
    while pos < n:
        for k in range(min(max_len, n - pos), 0, -1):
            piece = s[pos : pos + k]
            if (piece in _SYLLABLES or piece in _SYLLABLE_ALIASES) and pos + k not in failed:
                path.append((pos, k))
                pos, max_len = pos + k, _MAX_SYLLABLE
                break
        else:
            failed.add(pos)
            if not path:
                return None
            pos, k = path.pop()
            max_len = k - 1  # retry the previous position with a shorter syllable
    return [_SYLLABLE_ALIASES.get(p, p) for p in (s[a : a + k] for a, k in path)]


def pinyin_query_terms(q: str) -> QueryPlan | None:
    """Plan over pinyin streams for an ASCII-letter query, else None.

    "lvyuan" / "lü yuan" / "lv'yuan" -> syllables; one phrase for the whole query. If the
    letters don't split into syllables ('lyzz') they are taken as initials (source='initials').
    """
    norm = normalize(q).replace("u:", "v").replace("ü", "v")
    if not norm or not _PINYIN_QUERY_RE.fullmatch(norm):
        return None
    parts = _PINYIN_SEP_RE.split(norm)
    syllables: list[str] = []
    for part in parts:
        split = split_pinyin(part)
        if split is None:
            return _plan([list("".join(parts))], "initials")
        syllables.extend(split)
    return _plan([syllables], "pinyin")


# --- identifiers ------------------------------------------------------------------------

_BRACKETS = {ord(c): "〔" for c in "[(【〖［（"} | {ord(c): "〕" for c in "])】〗］）"}
_USCC_RE = re.compile(r"[0-9a-hj-npqrtuwxy]{2}\d{6}[0-9a-hj-npqrtuwxy]{10}")
_ID_RE = re.compile(r"\d{17}[0-9x]?")
_CODE_RE = re.compile(r"[0-9a-z][0-9a-z\-_./]{4,}[0-9a-z]")
_CASE_NO_RE = re.compile(f"[{_HAN}]{{1,20}}(?:〔\\d{{4}}〕)?第?\\d{{1,8}}号")
_DIGIT_RE = re.compile(r"\d")


def normalize_identifier(s: str) -> str:
    """Normalised, whitespace removed, bracket variants ([ ( 【 …) folded to 〔〕."""
    return "".join(normalize(s).split()).translate(_BRACKETS)


def looks_like_identifier(q: str) -> str | None:
    """``normalize_identifier(q)`` if q is a USCC, ID-like number, code or case number.

    Codes: >= 6 chars of [0-9a-z-_./] with a digit (pure digit strings of 6+ count: they are
    licence/phone numbers, not words). Case numbers: 晋农罚〔2025〕12号, 食字第123456号.
    Callers match it exactly against ``normalize_identifier`` of the stored value.
    """
    ident = normalize_identifier(q)
    if _USCC_RE.fullmatch(ident) or _ID_RE.fullmatch(ident) or _CASE_NO_RE.fullmatch(ident):
        return ident
    if _CODE_RE.fullmatch(ident) and _DIGIT_RE.search(ident):
        return ident
    return None


# --- highlighting -----------------------------------------------------------------------


def _normalized_with_owners(text: str) -> tuple[str, list[int]]:
    """Per-char normalisation of text, and for each output char the source index.

    NFKC may expand one char ('㈱' -> '(株)') or drop it (zero-width); owners map back.
    """
    chars: list[str] = []
    owners: list[int] = []
    for i, ch in enumerate(text):
        piece = unicodedata.normalize("NFKC", ch).lower().translate(_INVISIBLE)
        chars.extend(piece)
        owners.extend([i] * len(piece))
    folded = "".join(chars)
    converted = _t2s(folded)
    if len(converted) != len(folded):  # phrase-level conversion changed length: go per char
        converted = "".join(c2 if len(c2 := _t2s(c)) == 1 else c for c in folded)
    return converted, owners


def highlight(text: str, query: str, pre: str = "<mark>", post: str = "</mark>") -> str:
    """HTML-escape ``text`` and wrap each occurrence of a query run in ``pre``/``post``.

    Matching happens on the normalised text (full-width, case, traditional folded) but the
    original characters are emitted. Han runs match as substrings, Latin/digit runs only as
    whole tokens (as in search). Escaping is done per segment so entities are never split.
    """
    runs = sorted(set(_RUN_RE.findall(normalize(query))), key=len, reverse=True)
    if not runs or not text:
        return html.escape(text)
    norm, owners = _normalized_with_owners(text)
    marked = [False] * len(text)
    for run in runs:
        latin = run.isascii()
        start = norm.find(run)
        while start != -1:
            end = start + len(run)
            whole = not latin or (
                (start == 0 or not _is_alnum(norm[start - 1]))
                and (end == len(norm) or not _is_alnum(norm[end]))
            )
            if whole:
                for i in range(owners[start], owners[end - 1] + 1):
                    marked[i] = True
            start = norm.find(run, start + 1)
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        seg = html.escape(text[i:j])
        out.append(f"{pre}{seg}{post}" if marked[i] else seg)
        i = j
    return "".join(out)


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
