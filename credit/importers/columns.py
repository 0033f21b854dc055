"""Column specifications of the import files (DESIGN §9) and the value parsers they use.

Parsers are plain functions: raw cell value (str from CSV; str/int/float/bool/datetime from
XLSX; None for empty) → Python value, or `ValueError` whose message is the Chinese reason
shown in the report. No ORM here except reading choices and field limits from the models.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils import timezone, translation

from credit.models import (
    BlacklistEntry,
    CaseSeverity,
    Certificate,
    Certification,
    CertificationType,
    CheckResult,
    EnforcementCase,
    Inspection,
    Producer,
    ProducerKind,
    ProductCategory,
    Sampling,
    SamplingPlan,
)

# --- raw values ---------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def text_of(value) -> str:
    """A cell as trimmed text (numbers as a spreadsheet shows them, without '.0')."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.translate(_INVISIBLE).strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def fold(value: str) -> str:
    """NFKC (full-width → half-width) and lower case: for codes, enums and booleans."""
    return unicodedata.normalize("NFKC", value).strip().lower()


# --- parsers ------------------------------------------------------------------------------


def parse_text(max_length: int | None):
    def parse(value):
        s = text_of(value)
        if max_length and len(s) > max_length:
            raise ValueError(f"内容过长：最多 {max_length} 个字符，实际 {len(s)} 个。")
        return s

    return parse


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MIN_YEAR = 1900
_today_cache = [0.0, None]


def today() -> date:
    """The local date, looked up at most once a second (a million rows ask for it)."""
    now = time.monotonic()
    if _today_cache[1] is None or now - _today_cache[0] > 1.0:
        _today_cache[:] = [now, timezone.localdate()]
    return _today_cache[1]


def parse_date(allow_future: bool = False):
    def parse(value):
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            # An XLSX date cell without a date format arrives as its serial number.
            from openpyxl.utils.datetime import from_excel

            if not 1 <= value < 2958466:
                raise ValueError("日期无效：应为 YYYY-MM-DD。")
            day = from_excel(value)
            day = day.date() if isinstance(day, datetime) else day
        else:
            s = unicodedata.normalize("NFKC", text_of(value))
            m = _DATE_RE.match(s) or _COMPACT_DATE_RE.match(s)
            if not m:
                raise ValueError(
                    "日期格式无效：应为 YYYY-MM-DD（也可 YYYY/MM/DD 或 YYYY年M月D日）。"
                )
            try:
                day = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise ValueError("日期不存在（请检查年、月、日）。") from None
        if day.year < _MIN_YEAR:
            raise ValueError(f"日期无效：年份早于 {_MIN_YEAR}。")
        if not allow_future and day > today():
            raise ValueError(f"日期不能晚于今天（{today().isoformat()}）。")
        return day

    return parse


TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "是", "合格", "合规", "√", "✓", "对"})
FALSE_WORDS = frozenset(
    {"no", "n", "false", "f", "0", "否", "不合格", "不合规", "×", "✗", "x", "错"}
)
NA_WORDS = frozenset({"na", "n/a", "n.a.", "空", "未检查", "不适用", "-", "/"})


def parse_bool(allow_na: bool):
    """`allow_na`: blank and 'na' give None (check not made); otherwise blank gives False."""

    def parse(value):
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        s = fold(text_of(value))
        if s in TRUE_WORDS:
            return True
        if s in FALSE_WORDS:
            return False
        if s == "" or (allow_na and s in NA_WORDS):
            return None if allow_na else False
        allowed = "yes/no、是/否" + ("、na（未检查）" if allow_na else "")
        raise ValueError(f"不是有效的是/否值：应为 {allowed}。")

    return parse


def choice_aliases(choices: type[models.TextChoices], extra: dict[str, str] | None = None):
    """value, Chinese label (the msgid) and English label → value, all folded."""
    table = {}
    for member in choices:
        table[fold(member.value)] = member.value
        for lang in (None, "en", "zh-hans"):
            with translation.override(lang):
                table.setdefault(fold(str(member.label)), member.value)
    for alias, value in (extra or {}).items():
        table.setdefault(fold(alias), value)
    return table


def parse_choice(choices: type[models.TextChoices], extra: dict[str, str] | None = None):
    cache: dict[str, str] = {}

    def parse(value):
        if not cache:
            cache.update(choice_aliases(choices, extra))
        s = fold(text_of(value))
        if s in cache:
            return cache[s]
        allowed = ", ".join(choices.values)
        raise ValueError(f"不是有效的取值：应为 {allowed} 之一（或其中文名称）。")

    return parse


CATEGORY_SPLIT = re.compile(r"[;；、,，]")


def parse_categories(value):
    one = parse_choice(ProductCategory)
    out: list[str] = []
    for part in CATEGORY_SPLIT.split(text_of(value)):
        if part.strip():
            try:
                cat = one(part)
            except ValueError:
                raise ValueError(
                    f"产品类别“{part.strip()}”无效：应为 {', '.join(ProductCategory.values)} 之一，"
                    "多个用分号分隔。"
                ) from None
            if cat not in out:
                out.append(cat)
    return out


_CENT = Decimal("0.01")


def parse_decimal(max_digits: int, decimal_places: int, positive: bool = False):
    quantum = Decimal(1).scaleb(-decimal_places)
    limit = Decimal(10) ** (max_digits - decimal_places)

    def parse(value):
        if isinstance(value, bool):
            raise ValueError("不是有效的数字。")
        if isinstance(value, float):
            number = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
        elif isinstance(value, int):
            number = Decimal(value)
        else:
            s = unicodedata.normalize("NFKC", text_of(value)).replace(",", "").replace(" ", "")
            try:
                number = Decimal(s)
            except InvalidOperation:
                raise ValueError("不是有效的数字。") from None
            if not number.is_finite():
                raise ValueError("不是有效的数字。")
            if number != number.quantize(quantum, rounding=ROUND_HALF_UP):
                raise ValueError(f"小数位过多：最多 {decimal_places} 位。")
        number = number.quantize(quantum)
        if number < 0 or (positive and number == 0):
            raise ValueError("数值必须大于 0。" if positive else "数值不能为负数。")
        if number >= limit:
            raise ValueError(f"数值过大：应小于 {limit}。")
        return number

    return parse


def _identifier_call(fn_name: str):
    def parse(value):
        from credit import identifiers

        s = text_of(value)
        try:
            return getattr(identifiers, fn_name)(s)
        except identifiers.IdentifierError as exc:
            raise ValueError(_identifier_message(exc)) from None

    return parse


def _identifier_message(exc) -> str:
    msg = getattr(exc, "message", None)
    if msg:
        return str(msg)
    return str(exc.args[-1] if exc.args else exc)


parse_uscc = _identifier_call("validate_uscc")
parse_id_number = _identifier_call("validate_id_number")
parse_phone = _identifier_call("validate_phone")


_producer_keys: dict[str, tuple[str, str]] = {}


def parse_producer_key(value):
    """A USCC or an ID number → ('uscc'|'id_number', normalised). Results are memoised:
    a large file names the same few thousand producers over and over."""
    s = text_of(value)
    hit = _producer_keys.get(s)
    if hit is not None:
        return hit
    from credit import identifiers

    try:
        hit = identifiers.identify_producer_key(s)
    except identifiers.IdentifierError as exc:
        raise ValueError(_identifier_message(exc)) from None
    if len(_producer_keys) >= 100_000:
        _producer_keys.clear()
    _producer_keys[s] = hit
    return hit


def parse_region_code(value):
    s = unicodedata.normalize("NFKC", text_of(value))
    if not re.fullmatch(r"\d{6}", s):
        raise ValueError("行政区划代码应为 6 位数字（GB/T 2260）。")
    return s  # existence is checked against Region by the importer


# --- specifications -----------------------------------------------------------------------


@dataclass
class Column:
    name: str  # canonical English header, and the model attribute unless `attr` says otherwise
    parse: Callable
    required: bool = False  # the header must be present
    value_required: bool | None = None  # a blank cell is an error (default: = required)
    aliases: tuple[str, ...] = ()
    parse_blank: bool = False  # pass blank cells to the parser (booleans decide themselves)
    attr: str | None = None

    def __post_init__(self):
        if self.value_required is None:
            self.value_required = self.required
        if self.attr is None:
            self.attr = self.name


@dataclass
class KindSpec:
    kind: str
    model: type[models.Model]
    columns: list[Column]
    key_fields: tuple[str, ...]  # natural key, in attribute names ("producer" = producer id)
    label: str = ""
    checks: list[Callable[[dict], tuple[str, str] | None]] = field(default_factory=list)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _max_len(model, name):
    return model._meta.get_field(name).max_length


def _text(model, name, required=False, aliases=(), value_required=None):
    f = model._meta.get_field(name)
    return Column(
        name,
        parse_text(f.max_length),
        required=required,
        aliases=aliases,
        value_required=value_required,
    )


PRODUCER_ALIASES = (
    "生产经营主体",
    "主体",
    "主体代码",
    "主体编码",
    "统一社会信用代码或身份证号码",
    "统一社会信用代码/身份证号码",
    "信用代码或身份证号",
    # A file of facts often heads the identifier column with the identifier's own name.
    "统一社会信用代码",
    "社会信用代码",
    "信用代码",
    "身份证号码",
    "身份证号",
)


def _producer_col():
    return Column("producer", parse_producer_key, required=True, aliases=PRODUCER_ALIASES)


def _valid_range(start: str, end: str, message: str):
    def check(values):
        a, b = values.get(start), values.get(end)
        if a and b and b < a:
            return end, message
        return None

    return check


def _producer_has_identifier(values):
    if not values.get("uscc") and not values.get("id_number"):
        return "uscc", "统一社会信用代码和身份证号码至少填写一项。"
    return None


SPECS: dict[str, KindSpec] = {}


def _register(spec: KindSpec):
    SPECS[spec.kind] = spec


_register(
    KindSpec(
        "producers",
        Producer,
        label="生产经营主体",
        key_fields=("uscc", "id_number"),
        columns=[
            Column("uscc", parse_uscc, aliases=("统一社会信用代码", "社会信用代码", "信用代码")),
            Column("id_number", parse_id_number, aliases=("身份证号码", "身份证号", "身份证")),
            _text(
                Producer,
                "name",
                required=True,
                aliases=("名称", "主体名称", "生产经营主体名称", "生产经营主体", "企业名称"),
            ),
            Column(
                "kind",
                parse_choice(
                    ProducerKind,
                    {
                        "合作社": "cooperative",
                        "专业合作社": "cooperative",
                        "大户": "grower",
                        "农资店": "input_dealer",
                    },
                ),
                required=True,
                aliases=("主体类型", "类型"),
            ),
            Column(
                "region_code",
                parse_region_code,
                required=True,
                attr="region_id",
                aliases=("行政区划代码", "区划代码", "行政区划"),
            ),
            _text(Producer, "address", aliases=("地址", "住所", "经营地址", "生产地址")),
            _text(
                Producer,
                "legal_rep",
                aliases=("法定代表人", "负责人", "法定代表人/负责人", "法定代表人(负责人)", "法人"),
            ),
            Column(
                "phone", parse_phone, aliases=("联系电话", "电话", "手机", "手机号码", "联系方式")
            ),
            Column(
                "categories",
                parse_categories,
                aliases=("产品类别", "主营产品类别", "类别", "主营产品"),
            ),
        ],
        checks=[_producer_has_identifier],
    )
)

_register(
    KindSpec(
        "inspections",
        Inspection,
        label="巡查检查",
        key_fields=("producer", "date", "agency"),
        columns=[
            _producer_col(),
            Column("date", parse_date(), required=True, aliases=("检查日期", "日期", "巡查日期")),
            _text(
                Inspection, "agency", required=True, aliases=("检查机构", "检查单位", "巡查机构")
            ),
            Column(
                "records_ok",
                parse_bool(True),
                required=True,
                parse_blank=True,
                aliases=("生产档案", "生产档案合规", "生产记录", "生产档案记录"),
            ),
            Column(
                "certificate_ok",
                parse_bool(True),
                required=True,
                parse_blank=True,
                aliases=("合格证", "合格证开具", "合格证开具合规", "承诺达标合格证"),
            ),
            Column(
                "inputs_ok",
                parse_bool(True),
                required=True,
                parse_blank=True,
                aliases=("投入品", "投入品使用", "投入品使用合规"),
            ),
            Column(
                "false_certificate",
                parse_bool(False),
                parse_blank=True,
                aliases=("虚假开证", "虚假开证或冒用他人名义开证", "冒用开证"),
            ),
            Column("notes", parse_text(None), aliases=("备注", "说明")),
        ],
    )
)

_register(
    KindSpec(
        "samplings",
        Sampling,
        label="抽检监测",
        key_fields=("sample_code",),
        columns=[
            _text(
                Sampling, "sample_code", required=True, aliases=("样品编号", "抽样编号", "样品编码")
            ),
            _producer_col(),
            Column("date", parse_date(), required=True, aliases=("抽样日期", "日期")),
            _text(Sampling, "product", required=True, aliases=("产品名称", "产品", "样品名称")),
            Column(
                "category",
                parse_choice(ProductCategory),
                required=True,
                aliases=("产品类别", "类别"),
            ),
            Column(
                "result",
                parse_choice(
                    CheckResult,
                    {
                        "不合格": "over_limit",
                        "禁用药物": "prohibited",
                        "检出禁用药物": "prohibited",
                    },
                ),
                required=True,
                aliases=("检测结果", "结果", "判定结果", "检验结论"),
            ),
            _text(Sampling, "failed_items", aliases=("不合格项目", "不合格项", "超标项目")),
            _text(Sampling, "lab", aliases=("检测机构", "检测单位", "检验机构")),
            Column(
                "plan", parse_choice(SamplingPlan), aliases=("抽检类型", "监测类型", "任务类型")
            ),
        ],
    )
)

_register(
    KindSpec(
        "certificates",
        Certificate,
        label="承诺达标合格证",
        key_fields=("code",),
        columns=[
            _text(Certificate, "code", required=True, aliases=("合格证编号", "编号")),
            _producer_col(),
            _text(Certificate, "product", required=True, aliases=("产品名称", "产品")),
            Column(
                "quantity",
                parse_decimal(12, 2, positive=True),
                required=True,
                aliases=("数量", "重量", "数量(重量)", "数量/重量"),
            ),
            _text(Certificate, "unit", required=True, aliases=("单位", "计量单位")),
            _text(Certificate, "origin", required=True, aliases=("产地",)),
            Column(
                "issue_date", parse_date(), required=True, aliases=("开具日期", "开证日期", "日期")
            ),
            _text(Certificate, "trace_code", aliases=("追溯码", "追溯二维码")),
        ],
    )
)

_register(
    KindSpec(
        "certifications",
        Certification,
        label="认证登录",
        key_fields=("number",),
        columns=[
            _text(Certification, "number", required=True, aliases=("证书编号", "编号")),
            _producer_col(),
            Column(
                "type",
                parse_choice(
                    CertificationType,
                    {
                        "绿色": "green",
                        "有机": "organic",
                        "有机产品": "organic",
                        "地理标志": "gi",
                        "地标": "gi",
                        "名特优新": "mtyx",
                    },
                ),
                required=True,
                aliases=("认证类型", "类型", "登录类型"),
            ),
            _text(Certification, "product", required=True, aliases=("产品名称", "产品")),
            # A renewal may start in the future (the model allows it; only the order matters).
            Column(
                "valid_from",
                parse_date(allow_future=True),
                required=True,
                aliases=("有效期起", "有效期开始", "有效期自", "发证日期"),
            ),
            Column(
                "valid_to",
                parse_date(allow_future=True),
                required=True,
                aliases=("有效期止", "有效期至", "有效期截止", "有效期到"),
            ),
        ],
        checks=[_valid_range("valid_from", "valid_to", "有效期止不能早于有效期起。")],
    )
)

_register(
    KindSpec(
        "cases",
        EnforcementCase,
        label="行政处罚案件",
        key_fields=("case_number",),
        columns=[
            _text(EnforcementCase, "case_number", required=True, aliases=("案号", "案件编号")),
            _producer_col(),
            Column(
                "decision_date",
                parse_date(),
                required=True,
                aliases=("处罚决定日期", "决定日期", "处罚日期"),
            ),
            _text(EnforcementCase, "agency", required=True, aliases=("处罚机关", "执法机关")),
            Column(
                "severity",
                parse_choice(CaseSeverity, {"较重": "serious", "重大": "serious"}),
                required=True,
                aliases=("严重程度", "情节", "情节轻重"),
            ),
            Column(
                "criminal_transfer",
                parse_bool(False),
                parse_blank=True,
                aliases=("移送司法", "移送司法机关", "是否移送司法"),
            ),
            _text(EnforcementCase, "legal_basis", aliases=("法律依据", "处罚依据")),
            _text(EnforcementCase, "facts", aliases=("违法事实", "主要违法事实")),
            _text(EnforcementCase, "penalty", aliases=("处罚内容", "处罚结果", "处罚决定")),
            Column(
                "fine_amount",
                parse_decimal(14, 2),
                aliases=("罚没金额", "罚没金额(元)", "罚款金额", "罚没款金额"),
            ),
        ],
    )
)

_register(
    KindSpec(
        "blacklist",
        BlacklistEntry,
        label="黑名单",
        key_fields=("decision_number",),
        columns=[
            _text(BlacklistEntry, "decision_number", required=True, aliases=("决定文号", "文号")),
            _producer_col(),
            Column("start_date", parse_date(), required=True, aliases=("列入日期", "开始日期")),
            Column(
                "end_date",
                parse_date(allow_future=True),
                aliases=("期满日期", "截止日期", "到期日期", "结束日期"),
            ),
            _text(
                BlacklistEntry, "reason", required=True, aliases=("列入事由", "事由", "列入原因")
            ),
            _text(BlacklistEntry, "legal_basis", aliases=("法律依据",)),
        ],
        checks=[_valid_range("start_date", "end_date", "期满日期不能早于列入日期。")],
    )
)

KINDS = tuple(SPECS)


# --- headers ------------------------------------------------------------------------------


def header_key(value) -> str:
    """NFKC, lower case, trimmed; spaces/hyphens inside English names → '_'; a trailing '*'
    (a 'required' mark some templates use) dropped."""
    s = fold(text_of(value)).rstrip("*").strip()
    if s.isascii():
        s = re.sub(r"[\s\-]+", "_", s)
    return s


def header_table(spec: KindSpec) -> dict[str, Column]:
    """Every accepted header spelling → its column: canonical name, listed Chinese labels,
    and the model field's verbose name."""
    table: dict[str, Column] = {}
    for col in spec.columns:
        names = [col.name, *col.aliases]
        model_field = col.attr if col.attr != "region_id" else "region"
        try:
            f = spec.model._meta.get_field(model_field)
        except Exception:  # noqa: BLE001 - not a model field
            f = None
        if f is not None:
            with translation.override(None):
                names.append(str(f.verbose_name))
        for n in names:
            table.setdefault(header_key(n), col)
    return table
