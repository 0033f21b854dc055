"""Validation, normalisation and masking of Chinese identifiers used by the credit system.

Pure functions, no Django imports, so importers, forms and tests can all share them.

Standards implemented:

* GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》 — the 18-character unified social
  credit code (USCC). Character set: digits and upper-case letters except I, O, S, V, Z
  (31 symbols, value = index in that alphabet). Position 1 is the registration-authority code,
  2 the organisation-type code, 3–8 the GB/T 2260 division code, 9–17 the organisation code
  body, 18 the check character: C18 = 31 − (Σ Ci·Wi mod 31) with weights
  W = 3^(i−1) mod 31, i.e. 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28;
  a result of 31 is written as '0'.
* GB 11643-1999 《公民身份号码》 — 18-character citizen ID number: 6-digit address code,
  8-digit birth date (YYYYMMDD), 3-digit sequence, check character per ISO 7064:1983
  MOD 11-2 (weights 2^(17−i) mod 11, check = (12 − Σ mod 11) mod 11, 10 written as 'X').
* Mainland phone numbers: mobile numbers per the MIIT numbering plan (11 digits, 1[3-9]…) and
  fixed-line numbers with a trunk prefix '0' and a 2–3 digit area code (3-digit area codes are
  010 and 02x; every other area code has 4 digits).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = [
    "USCC_ALPHABET",
    "IdentifierError",
    "id_check_char",
    "identify_producer_key",
    "is_valid_id_number",
    "is_valid_phone",
    "is_valid_uscc",
    "make_id_number",
    "make_uscc",
    "mask_id_number",
    "mask_name_person",
    "mask_phone",
    "normalize_id_number",
    "normalize_phone",
    "normalize_uscc",
    "uscc_check_char",
    "uscc_region_code",
    "validate_id_number",
    "validate_phone",
    "validate_uscc",
]


class IdentifierError(ValueError):
    """An identifier failed validation; ``field`` names the form/import field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------------------------
# Shared normalisation
# --------------------------------------------------------------------------------------------

_WHITESPACE_RE = re.compile(r"\s+")


def _clean(value: str | None) -> str:
    """NFKC (full-width → half-width), drop all whitespace, upper-case.

    Whitespace is removed everywhere, not only at the ends, because pasted codes often carry
    grouping spaces or U+3000 ideographic spaces; neither alphabet contains a space.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _WHITESPACE_RE.sub("", text).upper()


# --------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)
# --------------------------------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
# GB 32100-2015 §4.3: Wi = 3^(i-1) mod 31 for positions 1..17.
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_FIELD = "uscc"


def normalize_uscc(value: str | None) -> str:
    """Strip, NFKC-normalise (full-width → half-width) and upper-case a USCC."""
    return _clean(value)


def _uscc_bad_char(text: str, field: str, what: str) -> None:
    for pos, ch in enumerate(text, start=1):
        if ch not in _USCC_VALUES:
            hint = "（代码不使用字母 I、O、S、V、Z）" if ch in "IOSVZ" else ""
            raise IdentifierError(field, f"{what}第{pos}位字符“{ch}”不合法{hint}")


def uscc_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters of a USCC."""
    text = normalize_uscc(first17)
    if len(text) != 17:
        raise IdentifierError(
            _USCC_FIELD, f"计算校验位需要前17位统一社会信用代码，实际为{len(text)}位"
        )
    _uscc_bad_char(text, _USCC_FIELD, "统一社会信用代码")
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(text, _USCC_WEIGHTS, strict=True))
    # 31 - 0 = 31 has no symbol; the standard writes it as '0' (same as taking mod 31 again).
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str | None, field: str = _USCC_FIELD) -> str:
    """Validate a USCC and return it normalised; raise :class:`IdentifierError` otherwise.

    Every registration-authority / organisation-type prefix is accepted (1x 机构编制, 5x 民政,
    9x 市场监管, Nx 农业农村 incl. N1–N3 农村集体经济组织, Yx 其他 …): GB 32100 lets
    authorities be added, so only the alphabet and the check character are enforced.
    """
    text = normalize_uscc(value)
    if not text:
        raise IdentifierError(field, "统一社会信用代码不能为空")
    if len(text) != 18:
        raise IdentifierError(field, f"统一社会信用代码应为18位，实际为{len(text)}位")
    _uscc_bad_char(text, field, "统一社会信用代码")
    expected = uscc_check_char(text[:17])
    if text[17] != expected:
        raise IdentifierError(
            field,
            f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{text[17]}”",
        )
    return text


def is_valid_uscc(value: str | None) -> bool:
    try:
        validate_uscc(value)
    except IdentifierError:
        return False
    return True


def make_uscc(prefix2: str, region_code: str, body9: str) -> str:
    """Build a USCC from its parts and append the check character (synthetic/test data)."""
    prefix = normalize_uscc(prefix2)
    region = normalize_uscc(region_code)
    body = normalize_uscc(body9)
    if len(prefix) != 2:
        raise IdentifierError(
            _USCC_FIELD, f"登记管理部门码和机构类别码应为2位，实际为{len(prefix)}位"
        )
    if not re.fullmatch(r"\d{6}", region):
        raise IdentifierError("region_code", f"行政区划代码应为6位数字，实际为“{region}”")
    if len(body) != 9:
        raise IdentifierError(_USCC_FIELD, f"主体标识码应为9位，实际为{len(body)}位")
    first17 = prefix + region + body
    return first17 + uscc_check_char(first17)


def uscc_region_code(uscc: str | None) -> str:
    """Return positions 3–8 (the GB/T 2260 division code of the registering authority)."""
    return validate_uscc(uscc)[2:8]


# --------------------------------------------------------------------------------------------
# 公民身份号码 (GB 11643-1999)
# --------------------------------------------------------------------------------------------

# ISO 7064 MOD 11-2: Wi = 2^(17-i) mod 11 for i = 0..16.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_FIELD = "id_number"
_ID_MIN_BIRTH = date(1900, 1, 1)


def normalize_id_number(value: str | None) -> str:
    """Strip, NFKC-normalise and upper-case (so a lowercase check 'x' becomes 'X')."""
    return _clean(value)


def id_check_char(first17: str) -> str:
    """Return the GB 11643 (ISO 7064 MOD 11-2) check character for 17 leading digits."""
    text = normalize_id_number(first17)
    if not re.fullmatch(r"\d{17}", text):
        raise IdentifierError(_ID_FIELD, "计算校验码需要身份证号码前17位数字")
    total = sum(int(ch) * w for ch, w in zip(text, _ID_WEIGHTS, strict=True))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def validate_id_number(value: str | None, today: date | None = None, field: str = _ID_FIELD) -> str:
    """Validate an 18-character citizen ID number and return it normalised."""
    text = normalize_id_number(value)
    if not text:
        raise IdentifierError(field, "公民身份号码不能为空")
    if len(text) == 15 and text.isdigit():
        # 15-digit numbers (GB 11643-1989) carry a 2-digit year and no check code; they were
        # retired by the 2nd-generation card switch-over, so we ask for the 18-digit form.
        raise IdentifierError(field, "15位旧版身份证号码已停止使用，请提供18位公民身份号码")
    if len(text) != 18:
        raise IdentifierError(field, f"公民身份号码应为18位，实际为{len(text)}位")
    for pos, ch in enumerate(text[:17], start=1):
        if not ch.isdigit():
            raise IdentifierError(field, f"公民身份号码第{pos}位字符“{ch}”不合法（前17位应为数字）")
    if not (text[17].isdigit() or text[17] == "X"):
        raise IdentifierError(field, f"公民身份号码第18位字符“{text[17]}”不合法（应为数字或X）")
    raw_birth = text[6:14]
    try:
        birth = date(int(raw_birth[:4]), int(raw_birth[4:6]), int(raw_birth[6:]))
    except ValueError:
        raise IdentifierError(field, f"公民身份号码中的出生日期“{raw_birth}”不是有效日期") from None
    today = today or date.today()
    if birth > today:
        raise IdentifierError(field, f"公民身份号码中的出生日期“{raw_birth}”晚于今天")
    if birth < _ID_MIN_BIRTH:
        raise IdentifierError(field, f"公民身份号码中的出生日期“{raw_birth}”早于1900年")
    expected = id_check_char(text[:17])
    if text[17] != expected:
        raise IdentifierError(
            field, f"公民身份号码校验码错误：第18位应为“{expected}”，实际为“{text[17]}”"
        )
    return text


def is_valid_id_number(value: str | None, today: date | None = None) -> bool:
    try:
        validate_id_number(value, today=today)
    except IdentifierError:
        return False
    return True


def make_id_number(region_code: str, birth: date, seq3: str) -> str:
    """Build an ID number from address code, birth date and sequence (synthetic/test data)."""
    region = normalize_id_number(region_code)
    seq = normalize_id_number(seq3)
    if not re.fullmatch(r"\d{6}", region):
        raise IdentifierError("region_code", f"行政区划代码应为6位数字，实际为“{region}”")
    if not re.fullmatch(r"\d{3}", seq):
        raise IdentifierError(_ID_FIELD, f"顺序码应为3位数字，实际为“{seq}”")
    first17 = f"{region}{birth:%Y%m%d}{seq}"
    return first17 + id_check_char(first17)


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------

_PHONE_FIELD = "phone"
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_LANDLINE_RE = re.compile(r"(0\d{2,3})-?(\d{7,8})")
_PHONE_NOISE_RE = re.compile(r"[\s\-()（）.]")


def normalize_phone(value: str | None) -> str:
    """Remove spaces, dashes, brackets and a +86 / 0086 country prefix.

    Numbers written internationally drop the trunk '0' ("+86 431 …"), so it is restored for
    fixed-line numbers; mobile numbers never take it.
    """
    if value is None:
        return ""
    text = _PHONE_NOISE_RE.sub("", unicodedata.normalize("NFKC", str(value)))
    international = False
    if text.startswith("+86"):
        text, international = text[3:], True
    elif text.startswith("0086"):
        text, international = text[4:], True
    elif text.startswith("86") and len(text) == 13 and text[2] == "1":
        text = text[2:]  # "86" + an 11-digit mobile number, plus sign lost in a spreadsheet
    if international and text and text[0] not in "01":
        text = "0" + text
    return text


def _split_landline(digits: str) -> tuple[str, str] | None:
    """Split a normalised fixed-line number into (area code, local number) or return None."""
    if not digits.startswith("0"):
        return None
    # 010 and 02x are the only 3-digit area codes; all others have 4 digits.
    area_len = 3 if digits.startswith(("010", "02")) else 4
    area, local = digits[:area_len], digits[area_len:]
    if area.isdigit() and local.isdigit() and 7 <= len(local) <= 8:
        return area, local
    return None


def validate_phone(value: str | None, field: str = _PHONE_FIELD) -> str:
    """Validate a mainland mobile or fixed-line number; return it normalised (digits only)."""
    text = normalize_phone(value)
    if not text:
        raise IdentifierError(field, "电话号码不能为空")
    if _MOBILE_RE.fullmatch(text):
        return text
    if _LANDLINE_RE.fullmatch(text) and _split_landline(text):
        return text
    if text.startswith("1"):
        raise IdentifierError(field, "手机号码应为以13–19开头的11位数字")
    raise IdentifierError(
        field, "电话号码格式不正确：手机号码为11位数字，固定电话需带区号（如 0431-12345678）"
    )


def is_valid_phone(value: str | None) -> bool:
    try:
        validate_phone(value)
    except IdentifierError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Masking for public display — never reveals a full ID number or phone number
# --------------------------------------------------------------------------------------------


def mask_id_number(value: str | None) -> str:
    """'140726199001011234' → '140726********1234' (first 6, last 4 kept)."""
    text = normalize_id_number(value)
    if not text:
        return ""
    if len(text) < 12:
        # Too short to keep 10 characters and still hide something meaningful.
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(value: str | None) -> str:
    """Mobile '13900000000' → '139****0000'; landline '0431-12345678' → '0431-******78'."""
    text = normalize_phone(value)
    if not text:
        return ""
    if _MOBILE_RE.fullmatch(text):
        return text[:3] + "****" + text[-4:]
    landline = _split_landline(text)
    if landline:
        area, local = landline
        return f"{area}-{'*' * (len(local) - 2)}{local[-2:]}"
    # Unrecognised input: still never show it whole.
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 2) + text[-2:]


def mask_name_person(value: str | None) -> str:
    """'张三丰' → '张**': keep the first character, one asterisk per remaining character."""
    text = (value or "").strip()
    if not text:
        return ""
    return text[0] + "*" * (len(text) - 1)


# --------------------------------------------------------------------------------------------
# Import helper
# --------------------------------------------------------------------------------------------


def identify_producer_key(value: str | None) -> tuple[str, str]:
    """Classify an import 'producer' value as ('uscc', code) or ('id_number', number).

    An all-digit string can in rare cases satisfy both check algorithms; it is then treated
    as an ID number, because the ID path masks it on public pages while a USCC is shown in
    full — misclassifying the other way would leak a personal number.
    """
    text = _clean(value)
    if not text:
        raise IdentifierError(
            "producer", "生产经营主体标识不能为空（应为统一社会信用代码或公民身份号码）"
        )
    id_error: IdentifierError | None = None
    uscc_error: IdentifierError | None = None
    try:
        return "id_number", validate_id_number(text)
    except IdentifierError as exc:
        id_error = exc
    try:
        return "uscc", validate_uscc(text)
    except IdentifierError as exc:
        uscc_error = exc
    # The raw value is not echoed: it may be a (mistyped) personal ID number.
    raise IdentifierError(
        "producer",
        "生产经营主体标识既不是有效的统一社会信用代码，也不是有效的公民身份号码"
        f"（按统一社会信用代码：{uscc_error.message}；按公民身份号码：{id_error.message}）",
    )
