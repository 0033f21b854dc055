"""Credit grading, policy v1 — pure functions over plain facts (no ORM, no I/O).

The caller loads a producer's records, drops voided ones, converts them into the fact
dataclasses below and calls :func:`compute_grade`. All arithmetic is exact (Fraction);
rounding happens once, half-up to one decimal, on the exact value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta

from credit.policy import (
    DEFAULT_POLICY,
    GRADE_LABELS,
    SCENARIO_LABELS,
    SCENARIOS,
    SEVERITIES,
    SUB_SCORES,
    PolicyParams,
)

SAMPLING_RESULTS = ("pass", "over_limit", "prohibited")
ADJUSTMENT_CODES = (
    "penalty_general",
    "penalty_serious",
    "false_certificate",
    "certification_bonus",
)
HARD_RULES = ("blacklisted", "prohibited_substance", "criminal_transfer")


# -- input facts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectionFact:
    date: date
    certificate_ok: bool | None  # None: certificate check not made ('na')
    records_ok: bool | None  # None: production-record check not made ('na')
    false_certificate: bool = False
    ref: str = ""


@dataclass(frozen=True)
class SamplingFact:
    date: date
    result: str
    ref: str = ""

    def __post_init__(self) -> None:
        if self.result not in SAMPLING_RESULTS:
            raise ValueError(f"sampling result must be one of {SAMPLING_RESULTS}: {self.result!r}")


@dataclass(frozen=True)
class CaseFact:
    decision_date: date
    severity: str
    criminal_transfer: bool = False
    repaired_on: date | None = None
    ref: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"case severity must be one of {SEVERITIES}: {self.severity!r}")


@dataclass(frozen=True)
class CertificationFact:
    valid_from: date
    valid_to: date
    ref: str = ""


@dataclass(frozen=True)
class BlacklistFact:
    start: date
    end: date | None  # None: open-ended
    removed_on: date | None = None
    repaired_on: date | None = None
    ref: str = ""


@dataclass(frozen=True)
class ProducerFacts:
    inspections: tuple[InspectionFact, ...] = ()
    samplings: tuple[SamplingFact, ...] = ()
    cases: tuple[CaseFact, ...] = ()
    certifications: tuple[CertificationFact, ...] = ()
    blacklist: tuple[BlacklistFact, ...] = ()

    def __post_init__(self) -> None:
        # Accept lists from callers but keep the frozen object truly immutable.
        for name in ("inspections", "samplings", "cases", "certifications", "blacklist"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Adjustment:
    code: str
    points: int  # total for the code, bonus already capped
    count: int
    refs: tuple[str, ...]


@dataclass(frozen=True)
class SubScore:
    value: Decimal | None  # rounded half-up to one decimal; None = no data
    passed: int
    total: int


@dataclass(frozen=True)
class GradeResult:
    as_of: date
    policy_version: str
    score: Decimal | None
    grade: str
    subscores: dict[str, SubScore]
    base: Decimal | None
    adjustments: tuple[Adjustment, ...]
    hard_rules: tuple[str, ...]
    hard_rule_refs: dict[str, tuple[str, ...]]
    restrictions: tuple[str, ...]
    supervision_per_year: int
    honour: bool
    window_start: date  # exclusive
    window_end: date  # inclusive (= as_of)
    # Kept so explain() can quote weights and caps; not part of equality or to_dict().
    policy: PolicyParams = field(default=DEFAULT_POLICY, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "policy_version": self.policy_version,
            "score": _json_decimal(self.score),
            "grade": self.grade,
            "subscores": {
                name: {"value": _json_decimal(s.value), "passed": s.passed, "total": s.total}
                for name, s in self.subscores.items()
            },
            "base": _json_decimal(self.base),
            "adjustments": [
                {"code": a.code, "points": a.points, "count": a.count, "refs": list(a.refs)}
                for a in self.adjustments
            ],
            "hard_rules": list(self.hard_rules),
            "hard_rule_refs": {k: list(v) for k, v in self.hard_rule_refs.items()},
            "restrictions": list(self.restrictions),
            "supervision_per_year": self.supervision_per_year,
            "honour": self.honour,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
        }


def _json_decimal(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 1)


# -- helpers ---------------------------------------------------------------------------------


def window_start(as_of: date, policy: PolicyParams = DEFAULT_POLICY) -> date:
    """Exclusive lower bound of the observation window (relativedelta maps Feb 29 → Feb 28)."""
    return _months_before(as_of, policy.window_months)


@lru_cache(maxsize=64)
def _months_before(day: date, months: int) -> date:
    # Cached: a full recompute asks for the same day 100,000 times, and relativedelta is slow.
    return day - relativedelta(months=months)


def round_half_up(value: Fraction) -> Decimal:
    """Round an exact non-negative value half-up to one decimal."""
    # floor(x*10 + 1/2) is half-up for x >= 0; scores and sub-scores are never negative.
    # With x = n/d that is (20n + d) // 2d, in integers (a full recompute does this a lot).
    value = Fraction(value)
    n, d = value.numerator, value.denominator
    return Decimal((20 * n + d) // (2 * d)).scaleb(-1)


def _refs(items: Iterable[Any]) -> tuple[str, ...]:
    # Sorted so that the result does not depend on the order the caller loaded facts in.
    return tuple(sorted(item.ref for item in items))


def _active_on(start: date, end: date | None, as_of: date) -> bool:
    return start <= as_of and (end is None or as_of <= end)


def _not_lifted(lifted_on: date | None, as_of: date) -> bool:
    return lifted_on is None or as_of < lifted_on


def active_blacklist(facts: ProducerFacts, as_of: date) -> tuple[BlacklistFact, ...]:
    """Blacklist entries in force at as_of (started, not ended, removed or repaired)."""
    return tuple(
        entry
        for entry in facts.blacklist
        if _active_on(entry.start, entry.end, as_of)
        and _not_lifted(entry.removed_on, as_of)
        and _not_lifted(entry.repaired_on, as_of)
    )


@dataclass(frozen=True)
class _Window:
    start: date  # exclusive
    end: date  # inclusive

    def __contains__(self, day: date) -> bool:
        return self.start < day <= self.end


def _effective_cases(facts: ProducerFacts, window: _Window) -> list[CaseFact]:
    """Cases decided in the window and not repaired by the window end."""
    return [
        case
        for case in facts.cases
        if case.decision_date in window and _not_lifted(case.repaired_on, window.end)
    ]


# -- sub-scores ------------------------------------------------------------------------------


def _ratio(outcomes: list[bool]) -> tuple[Fraction | None, int, int]:
    passed, total = sum(outcomes), len(outcomes)
    return (Fraction(100 * passed, total) if total else None), passed, total


def _exact_subscores(facts: ProducerFacts, window: _Window) -> dict[str, tuple]:
    inspections = [i for i in facts.inspections if i.date in window]
    samplings = [s for s in facts.samplings if s.date in window]
    return {
        # None ('na') means the check was not made, so it is not an observation.
        "certificate": _ratio(
            [i.certificate_ok for i in inspections if i.certificate_ok is not None]
        ),
        "sampling": _ratio([s.result == "pass" for s in samplings]),
        "records": _ratio([i.records_ok for i in inspections if i.records_ok is not None]),
    }


def _base(exact: dict[str, Fraction | None], policy: PolicyParams) -> Fraction | None:
    """Weighted mean over the sub-scores that have data, weights re-normalised."""
    weights = policy.exact_weights
    present = [name for name in SUB_SCORES if exact[name] is not None and weights[name] > 0]
    weight_sum = sum(weights[name] for name in present)
    if not present:
        return None
    return sum(weights[name] * exact[name] for name in present) / weight_sum


# -- adjustments and hard rules --------------------------------------------------------------


def _adjustments(
    facts: ProducerFacts, policy: PolicyParams, window: _Window
) -> tuple[Adjustment, ...]:
    cases = _effective_cases(facts, window)
    groups = {
        "penalty_general": [c for c in cases if c.severity == "general"],
        "penalty_serious": [c for c in cases if c.severity == "serious"],
        "false_certificate": [
            i for i in facts.inspections if i.date in window and i.false_certificate
        ],
        "certification_bonus": [
            c for c in facts.certifications if _active_on(c.valid_from, c.valid_to, window.end)
        ],
    }
    unit = {
        "penalty_general": policy.penalty_general,
        "penalty_serious": policy.penalty_serious,
        "false_certificate": policy.false_certificate,
        "certification_bonus": policy.certification_bonus,
    }
    result = []
    for code in ADJUSTMENT_CODES:
        items = groups[code]
        if not items:
            continue  # only list what actually applies
        points = unit[code] * len(items)
        if code == "certification_bonus":
            points = min(points, policy.certification_bonus_cap)
        result.append(Adjustment(code, points, len(items), _refs(items)))
    return tuple(result)


def _hard_rules(facts: ProducerFacts, window: _Window) -> dict[str, tuple[str, ...]]:
    """Triggered hard rules in fixed order, each with the refs that triggered it."""
    triggers = {
        "blacklisted": active_blacklist(facts, window.end),
        "prohibited_substance": [
            s for s in facts.samplings if s.date in window and s.result == "prohibited"
        ],
        "criminal_transfer": [c for c in _effective_cases(facts, window) if c.criminal_transfer],
    }
    return {code: _refs(triggers[code]) for code in HARD_RULES if triggers[code]}


def _grade_for(score: Decimal, policy: PolicyParams) -> str:
    for grade, minimum in policy.grade_thresholds:
        if score >= minimum:
            return grade
    return "D"


def _restrictions(grade: str, blacklisted: bool, policy: PolicyParams) -> tuple[str, ...]:
    restricted = set(policy.restrictions_by_grade[grade])
    if blacklisted:
        # An active blacklist entry bars every scenario whatever the grade.
        restricted.update(SCENARIOS)
    return tuple(s for s in SCENARIOS if s in restricted)


# -- entry point -----------------------------------------------------------------------------


def compute_grade(facts: ProducerFacts, policy: PolicyParams, as_of: date) -> GradeResult:
    window = _Window(window_start(as_of, policy), as_of)
    raw = _exact_subscores(facts, window)
    exact = {name: value for name, (value, _, _) in raw.items()}
    subscores = {
        name: SubScore(None if value is None else round_half_up(value), passed, total)
        for name, (value, passed, total) in raw.items()
    }
    base = _base(exact, policy)
    adjustments = _adjustments(facts, policy, window)
    hard_rule_refs = _hard_rules(facts, window)

    score: Decimal | None = None
    if base is not None:
        total = base + sum(a.points for a in adjustments)
        score = round_half_up(min(max(total, Fraction(0)), Fraction(100)))

    if hard_rule_refs:
        grade = "D"
    elif score is None:
        grade = "U"  # adjustments alone do not rate a producer
    else:
        grade = _grade_for(score, policy)

    return GradeResult(
        as_of=as_of,
        policy_version=policy.version,
        score=score,
        grade=grade,
        subscores=subscores,
        base=None if base is None else round_half_up(base),
        adjustments=adjustments,
        hard_rules=tuple(hard_rule_refs),
        hard_rule_refs=hard_rule_refs,
        restrictions=_restrictions(grade, "blacklisted" in hard_rule_refs, policy),
        supervision_per_year=policy.supervision_per_year[grade],
        honour=grade in policy.honour_grades,
        window_start=window.start,
        window_end=window.end,
        policy=policy,
    )


# -- explanation -----------------------------------------------------------------------------


def _translator() -> Callable[[str], str]:
    """Django's gettext when settings exist, identity otherwise (scripts, bare tests)."""
    from django.conf import settings

    if not settings.configured:
        return lambda message: message
    from django.utils.translation import gettext

    return gettext


def _percent(weight: Decimal) -> str:
    value = weight * 100
    return str(int(value)) if value == value.to_integral_value() else f"{value:.1f}"


def explain(result: GradeResult) -> list[str]:
    """Plain-language lines (Chinese source strings, translated via gettext at call time)."""
    _ = _translator()
    lines = [
        _("评价期间：%(start)s（不含）至 %(end)s，政策版本 %(version)s")
        % {
            "start": result.window_start.isoformat(),
            "end": result.window_end.isoformat(),
            "version": result.policy_version,
        }
    ]
    lines += _explain_subscores(result, _)
    lines += _explain_adjustments(result, _)
    lines += _explain_hard_rules(result, _)
    lines += _explain_outcome(result, _)
    return lines


def _explain_subscores(result: GradeResult, _: Callable[[str], str]) -> list[str]:
    with_data = {
        "certificate": _(
            "合格证核查通过率 %(value)s%%（%(passed)d/%(total)d 次），权重 %(weight)s%%"
        ),
        "sampling": _("抽检合格率 %(value)s%%（%(passed)d/%(total)d 批次），权重 %(weight)s%%"),
        "records": _(
            "生产记录核查通过率 %(value)s%%（%(passed)d/%(total)d 次），权重 %(weight)s%%"
        ),
    }
    without_data = {
        "certificate": _("合格证核查：评价期内无数据，不计入"),
        "sampling": _("抽检：评价期内无数据，不计入"),
        "records": _("生产记录核查：评价期内无数据，不计入"),
    }
    weights = result.policy.weights
    lines = []
    for name in SUB_SCORES:
        sub = result.subscores[name]
        if sub.value is None:
            lines.append(without_data[name])
            continue
        lines.append(
            with_data[name]
            % {
                "value": sub.value,
                "passed": sub.passed,
                "total": sub.total,
                "weight": _percent(weights[name]),
            }
        )
    if result.base is not None:
        missing = any(result.subscores[name].value is None for name in SUB_SCORES)
        line = _("基础分 %(base)s") % {"base": result.base}
        if missing:
            line += _("（无数据指标的权重按比例分配给其余指标）")
        lines.append(line)
    return lines


def _explain_adjustments(result: GradeResult, _: Callable[[str], str]) -> list[str]:
    templates = {
        "penalty_general": _("一般行政处罚 %(count)d 起，扣 %(points)d 分"),
        "penalty_serious": _("严重行政处罚 %(count)d 起，扣 %(points)d 分"),
        "false_certificate": _("虚假或冒用合格证 %(count)d 次，扣 %(points)d 分"),
        "certification_bonus": _("认证有效 %(count)d 个，加 %(points)d 分（上限 %(cap)d 分）"),
    }
    return [
        templates[adj.code]
        % {
            "count": adj.count,
            "points": abs(adj.points),
            "cap": result.policy.certification_bonus_cap,
        }
        for adj in result.adjustments
    ]


def _explain_hard_rules(result: GradeResult, _: Callable[[str], str]) -> list[str]:
    templates = {
        "blacklisted": _("硬性规则：列入黑名单，等级定为 D"),
        "prohibited_substance": _("硬性规则：抽检检出禁用物质，等级定为 D"),
        "criminal_transfer": _("硬性规则：案件移送司法机关，等级定为 D"),
    }
    return [templates[code] for code in result.hard_rules]


def _explain_outcome(result: GradeResult, _: Callable[[str], str]) -> list[str]:
    label = _(GRADE_LABELS[result.grade])
    if result.grade == "U":
        lines = [_("无监测数据，未评级")]
    elif result.score is None:
        lines = [
            _("无监测数据，不计算得分；等级 %(grade)s（%(label)s）")
            % {
                "grade": result.grade,
                "label": label,
            }
        ]
    else:
        lines = [
            _("最终得分 %(score)s，等级 %(grade)s（%(label)s）")
            % {"score": result.score, "grade": result.grade, "label": label}
        ]
    if result.restrictions:
        scenarios = "、".join(_(SCENARIO_LABELS[s]) for s in result.restrictions)
        lines.append(_("受限场景：%(scenarios)s") % {"scenarios": scenarios})
    lines.append(_("监管频次：每年 %(count)d 次") % {"count": result.supervision_per_year})
    if result.honour:
        lines.append(_("列入守信红名单"))
    return lines
