"""Index fields shared by every engine (pure: no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.doc import SearchDocument, split_key
from search.fields import (
    FACET_CODES,
    analyse,
    facet_token,
    parse_facet_token,
    phrase_syllables,
    pinyin_families,
    title_key,
)
from search.query import parse


@given(st.sampled_from(sorted(FACET_CODES)), st.text(min_size=1, max_size=20))
def test_facet_tokens_round_trip_and_are_one_token(name, value):
    token = facet_token(name, value)
    assert parse_facet_token(token) == (name, value)
    assert token.isascii() and token.isalnum() and token == token.lower()


def test_facet_tokens_examples():
    assert facet_token("region", "220122") == "fr220122"
    assert facet_token("kind", "family_farm") == "fkfamilyx5fxfarm"
    assert parse_facet_token("all") is None


def test_title_key_ignores_punctuation_and_width():
    assert title_key("绿源（太谷）合作社") == "绿源太谷合作社"
    assert title_key("Ｇreen Valley 2024") == "greenvalley2024"
    assert title_key("長治") == "长治"


def test_phrase_readings_are_indexed_beside_character_readings():
    assert phrase_syllables("长春市") == ["chang", "chun", "shi"]
    assert phrase_syllables("重庆银行") == ["chong", "qing", "yin", "hang"]
    py, ini, key, key_ini = pinyin_families("长春市绿源")
    assert "zhangchun" in py["bi"] and "changchun" in py["bi"]
    assert key == "changchunshilvyuan" and key_ini == "ccsly"
    # No phrase reading differs: nothing doubled.
    py, _ini, _k, _ki = pinyin_families("绿源蔬菜")
    assert py["uni"] == ["lv", "yuan", "shu", "cai"]


def test_analyse_document():
    doc = SearchDocument(
        "producer",
        "7",
        "長春市綠源合作社",
        names=["绿源老社"],
        body="吉林省长春市",
        identifiers=["93220100MA0K0000X1 "],
        facets={
            "type": ["producer"],
            "region": ["220000", "220100"],
            "unknown": ["x"],
            "grade": [],
        },
    )
    f = analyse(doc)
    assert f.key == "producer:7" and split_key(f.key) == ("producer", "7")
    assert f.title_norm == "长春市绿源合作社" and f.title_len == 8
    assert f.streams["t_bi"] == ["长春", "春市", "市绿", "绿源", "源合", "合作", "作社", "社"]
    assert f.streams["n_uni"] == ["绿", "源", "老", "社"]
    assert f.identifiers == ["93220100ma0k0000x1"]
    assert f.facets == {"type": ["producer"], "region": ["220000", "220100"]}
    assert f.facet_tokens == ["all", "ftproducer", "fr220000", "fr220100"]
    assert f.title_py == "changchunshilvyuanhezuoshe"


@pytest.mark.parametrize(
    ("q", "ident", "letters"),
    [
        ("93140726MA0K00001X", "93140726ma0k00001x", ""),
        ("lvyuan", None, "lvyuan"),
        ("lü yuan", None, "lvyuan"),
        ("LYZZ", None, "lyzz"),
        ("晋农罚〔2025〕12号", "晋农罚〔2025〕12号", ""),
        ("晋农罚[2025]12号", "晋农罚〔2025〕12号", ""),
    ],
)
def test_parse(q, ident, letters):
    parsed = parse(q)
    assert parsed.ident == ident
    assert parsed.letters == letters


def test_parse_limits_length_and_phrases():
    parsed = parse("绿 " * 200)
    assert len(parsed.raw) == 100
    assert len(parse(" ".join("甲乙丙丁戊己庚辛壬癸")).text.phrases) == 8
