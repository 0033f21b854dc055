"""Tests for search.analysis: pure functions plus real SQLite FTS5 and PostgreSQL checks."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.analysis import (
    QueryPlan,
    cjk_runs,
    fts5_match_expression,
    fts_token,
    highlight,
    index_streams,
    index_tokens,
    initials_streams,
    looks_like_identifier,
    normalize,
    normalize_identifier,
    pinyin_full,
    pinyin_initials,
    pinyin_key,
    pinyin_query_terms,
    pinyin_streams,
    pinyin_tokens,
    query_terms,
    split_pinyin,
    tsquery_expression,
    tsvector_text,
)

NAMES = {
    1: "太谷区绿源种植专业合作社",
    2: "祁县绿丰家庭农场",
    3: "晋中市榆次区东阳蔬菜专业合作社",
    4: "長治市上黨區綠源農業科技有限公司",  # traditional on purpose
    5: "平遥县王家庄家庭农场",
    6: "Green Valley 2024 生态园",
    7: "绿源 源种",  # two runs: 绿源种 must NOT match across the gap
}

# --- normalisation and tokenising --------------------------------------------------------


def test_normalize_full_width_case_whitespace():
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("  Green\u3000\tValley \n") == "green valley"
    assert normalize("綠源\u200b種植") == "绿源种植"  # zero-width space does not split a run


def test_normalize_traditional_and_fixed_point():
    assert normalize("綠源") == "绿源"
    # OpenCC maps 薴 -> 苧 -> 苎; normalize must land on the fixed point.
    assert normalize("薴") == normalize(normalize("薴")) == "苎"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_normalize_idempotent(s):
    once = normalize(s)
    assert normalize(once) == once


def test_cjk_runs_separators():
    runs = cjk_runs("绿源Green-2024_x.y 合作社〇！")
    assert [(r.text, r.is_han) for r in runs] == [
        ("绿源", True),
        ("green", False),
        ("2024", False),
        ("x", False),
        ("y", False),
        ("合作社〇", True),
    ]


def test_index_streams_mixed():
    assert index_streams("绿源Green合作社2024") == {
        "uni": ["绿", "源", "green", "合", "作", "社", "2024"],
        # One token per position: bigrams, and each Han run's last char alone.
        "bi": ["绿源", "源", "green", "合作", "作社", "社", "2024"],
    }


def test_index_tokens_order_and_duplicates():
    assert index_tokens("绿源Green合作社2024") == [
        "绿", "绿源", "源", "green", "合", "合作", "作", "作社", "社", "2024",
    ]  # fmt: skip
    assert index_tokens("绿") == ["绿"]
    assert index_tokens("哈哈哈") == ["哈", "哈哈", "哈", "哈哈", "哈"]


@pytest.mark.parametrize(
    ("query", "phrases", "streams"),
    [
        ("社", [["社"]], ["uni"]),
        ("绿源", [["绿源"]], ["bi"]),
        ("合作社", [["合作", "作社"]], ["bi"]),
        ("家庭农场", [["家庭", "庭农", "农场"]], ["bi"]),
        ("綠源", [["绿源"]], ["bi"]),
        ("绿源 GREEN 社", [["绿源"], ["green"], ["社"]], ["bi", "uni", "uni"]),
        ("绿源Green2024", [["绿源"], ["green2024"]], ["bi", "uni"]),
        ("绿源，绿源", [["绿源"]], ["bi"]),
    ],
)
def test_query_plans(query, phrases, streams):
    plan = query_terms(query)
    assert plan.phrases == phrases
    assert plan.streams == streams
    assert plan.source == "text"
    assert not plan.is_empty


def test_empty_query():
    plan = query_terms(" ，。！ ")
    assert plan.is_empty
    assert fts5_match_expression(plan) == ""
    assert tsquery_expression(plan) == ""


def test_expressions_text():
    plan = query_terms("绿源种 社 green")
    assert fts5_match_expression(plan) == 'bi : "绿源" + "源种" AND uni : "社" AND uni : "green"'
    assert fts5_match_expression(plan, uni="u", bi="b").startswith('b : "绿源" + "源种"')
    assert tsquery_expression(plan) == "('绿源' <-> '源种') & '社' & 'green'"
    assert tsquery_expression(plan, "bi") == "('绿源' <-> '源种')"
    assert tsquery_expression(plan, "uni") == "'社' & 'green'"


def test_fts_token_rejects_multi_token_strings():
    assert fts_token("绿源") == '"绿源"'
    for bad in ['a"b', "a b", "", "绿a"]:
        with pytest.raises(ValueError):
            fts_token(bad)
    with pytest.raises(ValueError):
        fts5_match_expression(query_terms("绿"), uni="uni; drop")
    with pytest.raises(ValueError):
        QueryPlan([["a"]], [])


# --- SQLite FTS5 -------------------------------------------------------------------------


def _fts_db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5("
        "uni, bi, py_uni, py_bi, ini_uni, ini_bi, tokenize='unicode61')"
    )
    return db


def _insert(db: sqlite3.Connection, rowid: int, text: str) -> None:
    s, p, i = index_streams(text), pinyin_streams(text), initials_streams(text)
    db.execute(
        "INSERT INTO docs(rowid, uni, bi, py_uni, py_bi, ini_uni, ini_bi) VALUES (?,?,?,?,?,?,?)",
        (rowid, *(" ".join(x[k]) for x in (s, p, i) for k in ("uni", "bi"))),
    )


def _search(db: sqlite3.Connection, plan: QueryPlan) -> set[int]:
    cols = {"text": ("uni", "bi"), "pinyin": ("py_uni", "py_bi"), "initials": ("ini_uni", "ini_bi")}
    expr = fts5_match_expression(plan, *cols[plan.source])
    rows = db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (expr,))
    return {r[0] for r in rows}


@pytest.fixture(scope="module")
def fts():
    db = _fts_db()
    for rowid, name in NAMES.items():
        _insert(db, rowid, name)
    yield db
    db.close()


def test_unicode61_keeps_cjk_bigrams_as_single_tokens():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    db.execute("INSERT INTO t VALUES (?)", (" ".join(index_tokens("太谷区绿源种植专业合作社")),))
    terms = {r[0] for r in db.execute("SELECT term FROM v")}
    assert {"绿源", "源种", "社", "合作"} <= terms
    assert "绿源种" not in terms
    match = "x MATCH ?"
    found = db.execute(f"SELECT count(*) FROM t WHERE {match}", ('"绿源"',)).fetchone()[0]
    assert found == 1
    # Why two streams: in one interleaved stream consecutive bigrams are not adjacent
    # (a unigram sits between them), so a 3-char phrase query would miss a true substring.
    found = db.execute(f"SELECT count(*) FROM t WHERE {match}", ('"绿源" + "源种"',)).fetchone()
    assert found[0] == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("绿源", {1, 4, 7}),
        ("社", {1, 3}),
        ("源绿", set()),
        ("合作社", {1, 3}),
        ("作合", set()),
        ("太谷", {1}),
        ("专业合作社", {1, 3}),
        ("家庭农场", {2, 5}),
        ("綠源", {1, 4, 7}),  # traditional query
        ("长治", {4}),  # traditional document
        ("绿源种", {1}),  # not 7: 绿源 and 源种 are separate runs there
        ("种植合作", set()),  # all chars present, not contiguous
        ("绿源 农业", {4}),
        ("ＧＲＥＥＮ", {6}),
        ("gre", set()),  # Latin runs match whole
        ("2024 生态", {6}),
    ],
)
def test_fts5_true_substring(fts, query, expected):
    assert _search(fts, query_terms(query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lvyuan", {1, 4, 7}),
        ("lü yuan", {1, 4, 7}),
        ("zhongzhi", {1}),
        ("hezuoshe", {1, 3}),
        ("jiatingnongchang", {2, 5}),
        ("lyzz", {1}),  # initials
        ("jtnc", {2, 5}),
        ("yuanlv", set()),
    ],
)
def test_fts5_pinyin(fts, query, expected):
    plan = pinyin_query_terms(query)
    assert plan is not None
    assert _search(fts, plan) == expected


_SUBSTRING_ALPHABET = "绿源种植合作社"


@pytest.fixture(scope="module")
def scratch():
    db = _fts_db()
    yield db
    db.close()


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(s=st.text(alphabet=_SUBSTRING_ALPHABET, min_size=1, max_size=12), data=st.data())
def test_fts5_any_substring_matches(scratch, s, data):
    i = data.draw(st.integers(0, len(s) - 1))
    j = data.draw(st.integers(i + 1, len(s)))
    scratch.execute("DELETE FROM docs")
    _insert(scratch, 1, s)
    assert _search(scratch, query_terms(s[i:j])) == {1}


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    s=st.text(alphabet="绿源种 ，", min_size=1, max_size=10),
    q=st.text(alphabet="绿源种", min_size=1, max_size=4),
)
def test_fts5_matches_only_substrings(scratch, s, q):
    scratch.execute("DELETE FROM docs")
    _insert(scratch, 1, s)
    assert (_search(scratch, query_terms(q)) == {1}) == (q in s)


# --- PostgreSQL --------------------------------------------------------------------------


def _sql_literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _psql(sql: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PGCONNECT_TIMEOUT": "3"}
    cmd = ["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1"]
    cmd += ["-h", env.get("PGHOST", "127.0.0.1"), "-U", env.get("PGUSER", "postgres")]
    cmd += [env.get("PGDATABASE", "test"), "-c", sql]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=30)


@pytest.fixture(scope="module")
def pg():
    if shutil.which("psql") is None:
        pytest.skip("psql not installed")
    try:
        probe = _psql("select 1")
    except subprocess.TimeoutExpired:
        pytest.skip("PostgreSQL did not answer in time")
    if probe.returncode != 0:
        pytest.skip(f"PostgreSQL unreachable: {probe.stderr.strip()[:200]}")

    def query(sql: str) -> str:
        res = _psql(sql)
        assert res.returncode == 0, res.stderr
        return res.stdout.strip()

    return query


def test_pg_simple_parser_keeps_tokens_whole(pg):
    text = "太谷区绿源种植专业合作社 Green-2024 〇 abc123 1e5 0x1f"
    tokens = set(index_streams(text)["uni"] + index_streams(text)["bi"])
    lexemes = pg(
        "select array_to_string(tsvector_to_array(to_tsvector('simple', "
        f"{_sql_literal(tsvector_text(text))})), ' ')"
    )
    assert set(lexemes.split(" ")) == tokens


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("绿源", {1, 4, 7}),
        ("社", {1, 3}),
        ("源绿", set()),
        ("合作社", {1, 3}),
        ("作合", set()),
        ("专业合作社", {1, 3}),
        ("家庭农场", {2, 5}),
        ("绿源种", {1}),
        ("绿源 农业", {4}),
        ("green", {6}),
    ],
)
def test_pg_tsquery(pg, query, expected):
    plan = query_terms(query)
    combined = []
    split = []
    for rowid, name in NAMES.items():
        doc = _sql_literal(tsvector_text(name))
        combined.append(
            f"(to_tsvector('simple', {doc}) @@ "
            f"to_tsquery('simple', {_sql_literal(tsquery_expression(plan))}))::int * {rowid}"
        )
        # Separate columns: every non-empty part must match its own stream.
        conds = [
            f"to_tsvector('simple', {_sql_literal(tsvector_text(name, s))}) @@ "
            f"to_tsquery('simple', {_sql_literal(part)})"
            for s in ("uni", "bi")
            if (part := tsquery_expression(plan, s))
        ]
        split.append(f"({' and '.join(conds)})::int * {rowid}")
    got = pg(f"select {', '.join(combined)}; select {', '.join(split)}").splitlines()
    assert len(got) == 2
    for line in got:
        assert {int(x) for x in line.split("|")} - {0} == expected


def test_pg_tsquery_quoting(pg):
    # Tokens never hold quotes, but the quoting must survive them anyway.
    plan = QueryPlan([["o'k", "a\\b"]], ["bi"])
    expr = tsquery_expression(plan)
    assert expr == "('o''k' <-> 'a\\\\b')"
    assert pg(f"select to_tsquery('simple', {_sql_literal(expr)}) is not null") == "t"


# --- pinyin ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("太谷区绿源种植专业合作社", "taiguqulvyuanzhongzhizhuanyehezuoshe", "tgqlyzzzyhzs"),
        ("绿", "lv", "l"),
        ("祁县女子农场", "qixiannvzinongchang", "qxnznc"),
        ("綠源ABC2024", "lvyuanabc2024", "lyabc2024"),
    ],
)
def test_pinyin_full_and_initials(name, full, initials):
    assert pinyin_full(name) == full
    assert pinyin_initials(name) == initials


def test_pinyin_streams_and_tokens():
    assert pinyin_streams("绿源合作社") == {
        "uni": ["lv", "yuan", "he", "zuo", "she"],
        "bi": ["lvyuan", "yuanhe", "hezuo", "zuoshe", "she"],
    }
    assert initials_streams("绿源Go") == {"uni": ["l", "y", "go"], "bi": ["ly", "y", "go"]}
    assert pinyin_tokens("绿源社") == ["lv", "lvyuan", "yuan", "yuanshe", "she"]


def test_pinyin_key_for_did_you_mean():
    assert pinyin_key("绿源") == pinyin_key("綠園") == pinyin_key("緑原") == "lvyuan"


@pytest.mark.parametrize(
    ("text", "syllables"),
    [
        ("lvyuan", ["lv", "yuan"]),
        ("xian", ["xian"]),  # longest match: 先/县, not 西安 (type xi'an for that)
        ("changan", ["chang", "an"]),
        ("zhuangu", ["zhuan", "gu"]),  # longest 'zhuang' dead-ends, backtrack
        ("lue", ["lve"]),
        ("hezuoshe", ["he", "zuo", "she"]),
        ("lyzz", None),
        ("", []),
    ],
)
def test_split_pinyin(text, syllables):
    assert split_pinyin(text) == syllables


def test_pinyin_query_terms():
    plan = pinyin_query_terms("LvYuan")
    assert plan is not None and plan.source == "pinyin"
    assert plan.phrases == [["lvyuan"]] and plan.streams == ["bi"]
    plan = pinyin_query_terms("xi'an")
    assert plan is not None and plan.phrases == [["xian"]] and plan.streams == ["bi"]
    plan = pinyin_query_terms("xian")
    assert plan is not None and plan.phrases == [["xian"]] and plan.streams == ["uni"]
    plan = pinyin_query_terms("lyzz")
    assert plan is not None and plan.source == "initials"
    assert plan.phrases == [["ly", "yz", "zz"]]
    plan = pinyin_query_terms("ｌｖ")  # full-width letters
    assert plan is not None and plan.phrases == [["lv"]]
    for not_pinyin in ["绿源", "abc123", "", "  ", "lv-2024"]:
        assert pinyin_query_terms(not_pinyin) is None


# --- identifiers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("91140726MA0K9XYZ3Q", "91140726ma0k9xyz3q"),  # USCC
        ("９１１４０７２６ＭＡ０Ｋ９ＸＹＺ３Ｑ", "91140726ma0k9xyz3q"),  # full-width
        ("14072619900101123X", "14072619900101123x"),  # ID-like
        ("14072619900101123", "14072619900101123"),
        ("LB-18-21010512345", "lb-18-21010512345"),  # certificate code
        ("A12345", "a12345"),
        ("晋农罚〔2025〕12号", "晋农罚〔2025〕12号"),
        ("晋农罚[2025]12号", "晋农罚〔2025〕12号"),
        ("晋农罚（2025）12号", "晋农罚〔2025〕12号"),
        ("食字第123456号", "食字第123456号"),
        ("绿源合作社", None),
        ("2024", None),
        ("lvyuanzhongzhizhua", None),  # 18 letters of pinyin, no digits
        ("abc-de", None),
        ("绿源2024", None),
    ],
)
def test_looks_like_identifier(query, expected):
    assert looks_like_identifier(query) == expected


def test_normalize_identifier_matches_stored_value():
    assert normalize_identifier(" 晋农罚【2025】 12号 ") == looks_like_identifier(
        "晋农罚〔2025〕12号"
    )


# --- highlight ---------------------------------------------------------------------------


def test_highlight_escapes_and_marks_traditional():
    assert (
        highlight("<b>綠源</b>&合作社", "绿源") == "&lt;b&gt;<mark>綠源</mark>&lt;/b&gt;&amp;合作社"
    )


def test_highlight_full_width_and_latin_whole_tokens():
    assert highlight("ＧＲＥＥＮ谷 greenhouse", "green") == "<mark>ＧＲＥＥＮ</mark>谷 greenhouse"
    assert highlight("Green绿源", "GREEN 源", "[", "]") == "[Green]绿[源]"


def test_highlight_never_breaks_entities():
    assert highlight("a<b", "lt") == "a&lt;b"
    assert highlight("a &amp; b", "amp") == "a &amp;<mark>amp</mark>; b"
    assert highlight('"x"', "quot") == "&quot;x&quot;"


def test_highlight_length_changing_normalisation():
    assert highlight("绿源㈱公司", "株") == "绿源<mark>㈱</mark>公司"  # ㈱ -> (株)
    assert highlight("绿\u200b源", "绿源") == "<mark>绿\u200b源</mark>"
    assert highlight("合作社合作社", "作社") == "合<mark>作社</mark>合<mark>作社</mark>"
    assert highlight("x", "") == "x"
