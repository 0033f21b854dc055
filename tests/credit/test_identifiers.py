"""Tests for credit.identifiers (GB 32100-2015 USCC, GB 11643-1999 ID numbers, phones, masking).

Expected check characters are hard-coded after working them out by hand (see comments), so
the tests do not merely re-run the implementation's own arithmetic.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit.identifiers import (
    USCC_ALPHABET,
    IdentifierError,
    id_check_char,
    identify_producer_key,
    is_valid_id_number,
    is_valid_phone,
    is_valid_uscc,
    make_id_number,
    make_uscc,
    mask_id_number,
    mask_name_person,
    mask_phone,
    normalize_phone,
    normalize_uscc,
    uscc_check_char,
    uscc_region_code,
    validate_id_number,
    validate_phone,
    validate_uscc,
)

# ---------------------------------------------------------------------------------------------
# USCC hand computation
#
# Alphabet values: 0-9 → 0-9, A10 B11 C12 D13 E14 F15 G16 H17 J18 K19 L20 M21 N22 P23 Q24
# R25 T26 U27 W28 X29 Y30.  Weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
#
# Positions 3–17 = "140726MA0K12345":
#   1·9 + 4·27 + 0·19 + 7·26 + 2·16 + 6·17 + M21·20 + A10·29 + 0·25 + K19·13
#   + 1·8 + 2·24 + 3·10 + 4·30 + 5·28
#   = 9 + 108 + 0 + 182 + 32 + 102 + 420 + 290 + 0 + 247 + 8 + 48 + 30 + 120 + 140 = 1736
#   1736 = 31 · 56  →  contributes 0 (mod 31).
# So the check character depends only on v1·1 + v2·3 (mod 31); C18 = 31 − that, 31 → '0':
#   91: 9 + 3  = 12 → 19 → K        92: 9 + 6  = 15 → 16 → G       93: 9 + 9 = 18 → 13 → D
#   N1: 22 + 3 = 25 → 6  → 6        N2: 22 + 6 = 28 → 3  → 3       N3: 22 + 9 = 31 ≡ 0 → '0'
#   12: 1 + 6  = 7  → 24 → Q        51: 5 + 3  = 8  → 23 → P       Y1: 30 + 3 = 33 ≡ 2 → 29 → X
# ---------------------------------------------------------------------------------------------
USCC_BODY = "140726MA0K12345"
HAND_USCC = {
    "91": "K",  # 工商/市场监管 — 企业
    "92": "G",  # 个体工商户
    "93": "D",  # 农民专业合作社
    "N1": "6",  # 农业农村 — 农村集体经济组织 (python-stdnum rejects these)
    "N2": "3",
    "N3": "0",  # sum ≡ 0 (mod 31): the "31 → '0'" rule
    "12": "Q",  # 机构编制 — 事业单位
    "51": "P",  # 民政 — 社会团体
    "Y1": "X",  # 其他
}


@pytest.mark.parametrize(("prefix", "check"), sorted(HAND_USCC.items()))
def test_uscc_hand_verified_check_chars(prefix: str, check: str) -> None:
    first17 = prefix + USCC_BODY
    assert uscc_check_char(first17) == check
    assert validate_uscc(first17 + check) == first17 + check
    assert is_valid_uscc(first17 + check)
    assert make_uscc(prefix, "140726", "MA0K12345") == first17 + check


def test_uscc_region_code() -> None:
    assert uscc_region_code("91140726MA0K12345K") == "140726"


def test_uscc_wrong_check_char_names_expected_and_actual() -> None:
    with pytest.raises(IdentifierError) as exc:
        validate_uscc("91140726MA0K12345A")
    assert exc.value.field == "uscc"
    assert "应为“K”" in exc.value.message
    assert "实际为“A”" in exc.value.message
    assert isinstance(exc.value, ValueError)
    assert not is_valid_uscc("91140726MA0K12345A")


@pytest.mark.parametrize("value", ["91140726MA0K12345", "91140726MA0K12345KK"])
def test_uscc_wrong_length(value: str) -> None:
    with pytest.raises(IdentifierError) as exc:
        validate_uscc(value)
    assert f"实际为{len(value)}位" in exc.value.message


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_uscc_forbidden_letters(letter: str) -> None:
    value = "91140726MA0K1234" + letter + "K"
    with pytest.raises(IdentifierError) as exc:
        validate_uscc(value)
    assert f"第17位字符“{letter}”不合法" in exc.value.message


def test_uscc_illegal_punctuation_reports_position() -> None:
    with pytest.raises(IdentifierError) as exc:
        validate_uscc("911407#6MA0K12345K")
    assert "第7位字符“#”" in exc.value.message


def test_uscc_empty() -> None:
    for value in (None, "", "   "):
        with pytest.raises(IdentifierError, match="不能为空"):
            validate_uscc(value)


def test_uscc_full_width_and_lowercase_are_normalised() -> None:
    full_width = "９１１４０７２６ＭＡ０Ｋ１２３４５Ｋ"
    assert validate_uscc(full_width) == "91140726MA0K12345K"
    assert validate_uscc("  91140726ma0k12345k \n") == "91140726MA0K12345K"
    assert normalize_uscc("n3140726ma0k123450") == "N3140726MA0K123450"
    assert normalize_uscc(None) == ""


def test_make_uscc_rejects_bad_parts() -> None:
    with pytest.raises(IdentifierError):
        make_uscc("9", "140726", "MA0K12345")
    with pytest.raises(IdentifierError) as exc:
        make_uscc("91", "14072", "MA0K12345")
    assert exc.value.field == "region_code"
    with pytest.raises(IdentifierError):
        make_uscc("91", "140726", "MA0K1234")
    with pytest.raises(IdentifierError):
        make_uscc("91", "140726", "MA0K1234O")


uscc_chars = st.sampled_from(USCC_ALPHABET)


@given(
    prefix=st.text(uscc_chars, min_size=2, max_size=2),
    region=st.text(st.sampled_from("0123456789"), min_size=6, max_size=6),
    body=st.text(uscc_chars, min_size=9, max_size=9),
)
def test_make_uscc_roundtrips(prefix: str, region: str, body: str) -> None:
    code = make_uscc(prefix, region, body)
    assert len(code) == 18
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code
    assert uscc_region_code(code) == region


@given(
    prefix=st.text(uscc_chars, min_size=2, max_size=2),
    region=st.text(st.sampled_from("0123456789"), min_size=6, max_size=6),
    body=st.text(uscc_chars, min_size=9, max_size=9),
    position=st.integers(min_value=0, max_value=17),
    shift=st.integers(min_value=1, max_value=30),
)
def test_any_single_substitution_is_detected(
    prefix: str, region: str, body: str, position: int, shift: int
) -> None:
    # 31 is prime and every weight is non-zero mod 31, so MOD 31 catches every substitution.
    code = make_uscc(prefix, region, body)
    old = USCC_ALPHABET.index(code[position])
    new_char = USCC_ALPHABET[(old + shift) % 31]
    mutated = code[:position] + new_char + code[position + 1 :]
    assert mutated != code
    assert not is_valid_uscc(mutated)


# ---------------------------------------------------------------------------------------------
# ID numbers (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; check = (12 − Σ mod 11) mod 11)
# ---------------------------------------------------------------------------------------------
TODAY = date(2024, 6, 1)

# GB 11643-1999's own example 11010519491231002X:
#   1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10 + 1·5
#   + 0·8 + 0·4 + 2·2 = 167;  167 mod 11 = 2;  (12 − 2) mod 11 = 10 → 'X'
ID_WITH_X = "11010519491231002X"
# 220122 19900101 001:  14+18+0+5+16+8+2+9+54+0+0+9+0+5+0+0+2 = 142;  142 mod 11 = 10 → '2'
ID_VALID = "220122199001010012"
# 220122 19900230 001:  14+18+0+5+16+8+2+9+54+0+0+18+30+0+0+0+2 = 176 ≡ 0 → '1' (bad date)
ID_BAD_DATE = "220122199002300011"
# 220122 20250101 001:  14+18+0+5+16+8+4+0+12+15+0+9+0+5+0+0+2 = 108 ≡ 9 → '3' (future)
ID_FUTURE = "220122202501010013"
# 220122 18991231 001:  14+18+0+5+16+8+2+8+54+27+7+18+30+5+0+0+2 = 214 ≡ 5 → '7' (pre-1900)
ID_PRE_1900 = "220122189912310017"


def test_id_hand_verified_check_chars() -> None:
    assert id_check_char(ID_WITH_X[:17]) == "X"
    assert id_check_char(ID_VALID[:17]) == "2"
    assert id_check_char(ID_BAD_DATE[:17]) == "1"
    assert id_check_char(ID_FUTURE[:17]) == "3"
    assert id_check_char(ID_PRE_1900[:17]) == "7"


def test_id_valid_including_x_and_lowercase_x() -> None:
    assert validate_id_number(ID_WITH_X, today=TODAY) == ID_WITH_X
    assert validate_id_number(ID_WITH_X.lower(), today=TODAY) == ID_WITH_X
    assert validate_id_number(f" {ID_VALID} ", today=TODAY) == ID_VALID
    assert is_valid_id_number(ID_VALID, today=TODAY)


def test_id_invalid_date() -> None:
    with pytest.raises(IdentifierError) as exc:
        validate_id_number(ID_BAD_DATE, today=TODAY)
    assert exc.value.field == "id_number"
    assert "19900230" in exc.value.message
    assert "不是有效日期" in exc.value.message


def test_id_future_birth_date() -> None:
    with pytest.raises(IdentifierError, match="晚于今天"):
        validate_id_number(ID_FUTURE, today=TODAY)
    # The same number is fine once that date has passed.
    assert validate_id_number(ID_FUTURE, today=date(2025, 1, 1)) == ID_FUTURE


def test_id_before_1900() -> None:
    with pytest.raises(IdentifierError, match="早于1900年"):
        validate_id_number(ID_PRE_1900, today=TODAY)


def test_id_wrong_check_char() -> None:
    with pytest.raises(IdentifierError) as exc:
        validate_id_number("220122199001010013", today=TODAY)
    assert "应为“2”" in exc.value.message
    assert "实际为“3”" in exc.value.message
    assert not is_valid_id_number("220122199001010013", today=TODAY)


def test_id_15_digit_rejected_with_clear_message() -> None:
    with pytest.raises(IdentifierError, match="15位旧版"):
        validate_id_number("220122900101001")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("22012219900101001", "应为18位，实际为17位"),
        ("2201221990010100123", "实际为19位"),
        ("2201221990A1010012", "第11位字符“A”"),
        ("22012219900101001Y", "第18位字符“Y”"),
        ("", "不能为空"),
    ],
)
def test_id_format_errors(value: str, fragment: str) -> None:
    with pytest.raises(IdentifierError) as exc:
        validate_id_number(value, today=TODAY)
    assert fragment in exc.value.message


def test_make_id_number() -> None:
    assert make_id_number("220122", date(1990, 1, 1), "001") == ID_VALID
    with pytest.raises(IdentifierError):
        make_id_number("22012", date(1990, 1, 1), "001")
    with pytest.raises(IdentifierError):
        make_id_number("220122", date(1990, 1, 1), "01")


@given(
    region=st.text(st.sampled_from("0123456789"), min_size=6, max_size=6),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.text(st.sampled_from("0123456789"), min_size=3, max_size=3),
    position=st.integers(min_value=0, max_value=16),
    shift=st.integers(min_value=1, max_value=9),
)
def test_id_roundtrip_and_single_digit_change_detected(
    region: str, birth: date, seq: str, position: int, shift: int
) -> None:
    number = make_id_number(region, birth, seq)
    assert validate_id_number(number, today=TODAY) == number
    digit = str((int(number[position]) + shift) % 10)
    mutated = number[:position] + digit + number[position + 1 :]
    assert not is_valid_id_number(mutated, today=TODAY)


# ---------------------------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13900000000", "13900000000"),
        ("139 0000 0000", "13900000000"),
        ("139-0000-0000", "13900000000"),
        ("+86 139 0000 0000", "13900000000"),
        ("+86-13900000000", "13900000000"),
        ("008613900000000", "13900000000"),
        ("8613900000000", "13900000000"),
        ("0431-84567890", "043184567890"),
        ("(0431) 8456 7890", "043184567890"),
        ("010-12345678", "01012345678"),
        ("0351-1234567", "03511234567"),
        ("+86 431 84567890", "043184567890"),
        ("１３９００００００００", "13900000000"),
    ],
)
def test_phone_normalise_and_validate(raw: str, normalised: str) -> None:
    assert normalize_phone(raw) == normalised
    assert validate_phone(raw) == normalised
    assert is_valid_phone(raw)


@pytest.mark.parametrize(
    "raw", ["12900000000", "1390000000", "139000000001", "4008001234", "0431-12345", "", None]
)
def test_phone_invalid(raw: str | None) -> None:
    with pytest.raises(IdentifierError) as exc:
        validate_phone(raw)
    assert exc.value.field == "phone"
    assert not is_valid_phone(raw)


# ---------------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------------


def test_mask_id_number() -> None:
    assert mask_id_number("140726199001011234") == "140726********1234"
    assert mask_id_number("11010519491231002x") == "110105********002X"
    assert mask_id_number(None) == ""
    assert mask_id_number("") == ""
    assert "199001" not in mask_id_number("220122199001010012")


def test_mask_phone() -> None:
    assert mask_phone("13900000000") == "139****0000"
    assert mask_phone("+86 139 1234 5678") == "139****5678"
    assert mask_phone("0431-84567890") == "0431-******90"
    assert mask_phone("010-12345678") == "010-******78"
    assert mask_phone("0351-1234567") == "0351-*****67"
    assert mask_phone(None) == ""
    assert mask_phone("") == ""
    # Unparseable input is still never shown whole.
    assert mask_phone("12345678901234") == "************34"


def test_mask_name_person() -> None:
    assert mask_name_person("张三丰") == "张**"
    assert mask_name_person("李四") == "李*"
    assert mask_name_person(" 王 ") == "王"
    assert mask_name_person(None) == ""
    assert mask_name_person("") == ""


# ---------------------------------------------------------------------------------------------
# Producer key
# ---------------------------------------------------------------------------------------------


def test_identify_producer_key() -> None:
    assert identify_producer_key("N2140726MA0K123453") == ("uscc", "N2140726MA0K123453")
    assert identify_producer_key(" 93140726ma0k12345d ") == ("uscc", "93140726MA0K12345D")
    assert identify_producer_key("11010519491231002x") == ("id_number", ID_WITH_X)


@pytest.mark.parametrize("value", ["91140726MA0K12345A", "220122199001010013", "abc", "", None])
def test_identify_producer_key_rejects(value: str | None) -> None:
    with pytest.raises(IdentifierError) as exc:
        identify_producer_key(value)
    assert exc.value.field == "producer"
