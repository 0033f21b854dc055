"""Unit tests for credit policy v1 (credit.scoring / credit.policy), hand-computed values."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from credit.policy import (
    DEFAULT_POLICY,
    GRADE_LABELS,
    GRADES,
    SCENARIOS,
    PolicyParams,
)
from credit.scoring import (
    Adjustment,
    BlacklistFact,
    CaseFact,
    CertificationFact,
    InspectionFact,
    ProducerFacts,
    SamplingFact,
    SubScore,
    active_blacklist,
    compute_grade,
    explain,
)

T = date(2024, 6, 15)
IN = date(2024, 1, 10)  # comfortably inside the window ending at T
ALL_FOUR = ("exhibition", "brand_selection", "project_application", "honours")


def D(value: str) -> Decimal:
    return Decimal(value)


def grade(as_of: date = T, policy: PolicyParams = DEFAULT_POLICY, **facts):
    return compute_grade(ProducerFacts(**facts), policy, as_of)


def samplings(passed: int, total: int, day: date = IN, bad: str = "over_limit"):
    return tuple(
        SamplingFact(day, "pass" if i < passed else bad, ref=f"s{i}") for i in range(total)
    )


def inspections(cert: tuple[int, int], records: tuple[int, int], count: int, day: date = IN):
    """`count` inspections; the first cert[1] have a certificate check, cert[0] of them ok;
    likewise for records. The rest carry 'na' (None) for that check."""

    def check(i: int, passed_total: tuple[int, int]) -> bool | None:
        passed, total = passed_total
        return None if i >= total else i < passed

    return tuple(
        InspectionFact(day, check(i, cert), check(i, records), ref=f"i{i}") for i in range(count)
    )


def full_marks() -> tuple[SamplingFact, ...]:
    """One passed sampling: base 100 with only the sampling sub-score present."""
    return samplings(1, 1)


def explain_zh(result) -> list[str]:
    """explain() in the source language, with or without Django settings configured."""
    from django.conf import settings

    if not settings.configured:
        return explain(result)
    from django.utils import translation

    with translation.override("zh-hans"):
        return explain(result)


# -- sub-score formulas -------------------------------------------------------------------


def test_certificate_subscore_counts_only_made_checks():
    # 3 checks made (2 ok), 2 inspections with the check not made ('na').
    result = grade(inspections=inspections(cert=(2, 3), records=(0, 0), count=5))
    assert result.subscores["certificate"] == SubScore(D("66.7"), 2, 3)
    assert result.subscores["records"] == SubScore(None, 0, 0)
    assert result.subscores["sampling"] == SubScore(None, 0, 0)
    assert result.base == D("66.7")
    assert result.score == D("66.7")


def test_sampling_subscore_only_pass_passes():
    facts = (
        SamplingFact(IN, "pass"),
        SamplingFact(IN, "pass"),
        SamplingFact(IN, "pass"),
        SamplingFact(IN, "over_limit"),
    )
    result = grade(samplings=facts)
    assert result.subscores["sampling"] == SubScore(D("75.0"), 3, 4)
    assert result.score == D("75.0")
    assert result.grade == "B"


def test_records_subscore_counts_only_made_checks():
    result = grade(inspections=inspections(cert=(0, 0), records=(1, 3), count=4))
    assert result.subscores["records"] == SubScore(D("33.3"), 1, 3)
    assert result.subscores["certificate"].value is None
    assert result.score == D("33.3")
    assert result.grade == "D"


def test_na_only_inspections_are_no_data():
    result = grade(inspections=inspections(cert=(0, 0), records=(0, 0), count=3))
    assert result.subscores["certificate"] == SubScore(None, 0, 0)
    assert result.subscores["records"] == SubScore(None, 0, 0)
    assert result.score is None
    assert result.grade == "U"


def test_invalid_enumerations_rejected():
    with pytest.raises(ValueError, match="sampling result"):
        SamplingFact(IN, "fail")
    with pytest.raises(ValueError, match="severity"):
        CaseFact(IN, "huge")


# -- weight re-normalisation ---------------------------------------------------------------


def test_one_subscore_is_the_base():
    result = grade(samplings=samplings(3, 4))
    assert result.base == D("75.0")


def test_two_subscores_certificate_and_sampling():
    # (0.3*50 + 0.4*100) / 0.7 = 55/0.7 = 78.571...
    result = grade(
        inspections=inspections(cert=(1, 2), records=(0, 0), count=2), samplings=samplings(1, 1)
    )
    assert result.base == D("78.6")
    assert result.score == D("78.6")
    assert result.grade == "B"


def test_two_subscores_certificate_and_records():
    # (0.3*50 + 0.3*100) / 0.6 = 75
    result = grade(inspections=inspections(cert=(1, 2), records=(2, 2), count=2))
    assert result.base == D("75.0")


def test_three_subscores():
    # 0.3*66.67 + 0.4*50 + 0.3*25 = 20 + 20 + 7.5 = 47.5 (exact, not 47.50001 from 66.7)
    result = grade(
        inspections=inspections(cert=(2, 3), records=(1, 4), count=4),
        samplings=samplings(1, 2),
    )
    assert result.subscores["certificate"].value == D("66.7")
    assert result.subscores["records"].value == D("25.0")
    assert result.subscores["sampling"].value == D("50.0")
    assert result.score == D("47.5")
    assert result.grade == "D"


def test_base_uses_exact_subscores_not_rounded():
    # certificate 0/1, sampling 3/7 (42.857... reported 42.9), records 1/1:
    # exact 0 + 0.4*300/7 + 30 = 47.142857 -> 47.1; from rounded sub-scores it would be 47.2
    result = grade(
        inspections=inspections(cert=(0, 1), records=(1, 1), count=1),
        samplings=samplings(3, 7),
    )
    assert result.subscores["sampling"].value == D("42.9")
    assert result.base == D("47.1")
    assert result.score == D("47.1")


def test_zero_weight_subscore_alone_does_not_rate():
    policy = PolicyParams(weight_certificate=D("0"), weight_sampling=D("1"), weight_records=D("0"))
    result = grade(policy=policy, inspections=inspections(cert=(1, 1), records=(1, 1), count=1))
    assert result.subscores["certificate"].value == D("100.0")  # still reported
    assert result.score is None
    assert result.grade == "U"


# -- observation window --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fact_day", "counted"),
    [
        (date(2022, 6, 15), False),  # exactly 24 months before T: out
        (date(2022, 6, 16), True),  # one day later: in
        (T, True),  # on T: in
        (T + timedelta(days=1), False),  # after T: out
    ],
)
def test_window_edges(fact_day, counted):
    result = grade(samplings=(SamplingFact(fact_day, "pass"),))
    assert result.window_start == date(2022, 6, 15)
    assert result.window_end == T
    assert result.subscores["sampling"].total == (1 if counted else 0)
    assert result.grade == ("A" if counted else "U")


@pytest.mark.parametrize(
    ("fact_day", "counted"),
    [(date(2022, 2, 28), False), (date(2022, 3, 1), True), (date(2024, 2, 29), True)],
)
def test_window_feb_29(fact_day, counted):
    leap = date(2024, 2, 29)
    result = grade(as_of=leap, samplings=(SamplingFact(fact_day, "pass"),))
    assert result.window_start == date(2022, 2, 28)  # relativedelta: Feb 29 -> Feb 28
    assert result.subscores["sampling"].total == (1 if counted else 0)


def test_window_applies_to_cases_and_false_certificates():
    edge = date(2022, 6, 15)
    result = grade(
        samplings=full_marks(),
        cases=(CaseFact(edge, "serious", criminal_transfer=True),),
        inspections=(InspectionFact(edge, None, None, false_certificate=True),),
    )
    assert result.adjustments == ()
    assert result.hard_rules == ()
    assert result.score == D("100.0")


# -- rounding ------------------------------------------------------------------------------


def test_rounding_half_up_at_x_x5():
    # certificate 7/8 = 87.5, sampling 4/5 = 80, records 4/5 = 80:
    # 26.25 + 32 + 24 = 82.25 -> 82.3 (Python's round() on floats gives 82.2)
    result = grade(
        inspections=inspections(cert=(7, 8), records=(4, 5), count=8),
        samplings=samplings(4, 5),
    )
    assert round(0.3 * 87.5 + 0.4 * 80 + 0.3 * 80, 1) == 82.2  # the trap
    assert result.score == D("82.3")
    assert result.grade == "B"


def test_rounding_where_float_arithmetic_goes_wrong():
    # certificate 5/6 (2 of 8 'na'), sampling 0/1, records 1/8:
    # exact 0.3*250/3 + 0 + 0.3*12.5 = 25 + 3.75 = 28.75 -> 28.8,
    # but in floats the sum is 28.749999999999996 and rounds to 28.7.
    result = grade(
        inspections=inspections(cert=(5, 6), records=(1, 8), count=8),
        samplings=samplings(0, 1),
    )
    naive = 0.3 * (100 * 5 / 6) + 0.4 * 0.0 + 0.3 * (100 * 1 / 8)
    assert naive < 28.75
    assert result.subscores["certificate"].value == D("83.3")
    assert result.subscores["records"].value == D("12.5")
    assert result.score == D("28.8")


def test_subscore_rounded_half_up():
    # 1 of 80 passed = 1.25 -> 1.3
    result = grade(samplings=samplings(1, 80))
    assert result.subscores["sampling"].value == D("1.3")
    assert result.score == D("1.3")


# -- adjustments ---------------------------------------------------------------------------


def cert(valid_from: date, valid_to: date, ref: str = "c") -> CertificationFact:
    return CertificationFact(valid_from, valid_to, ref=ref)


@pytest.mark.parametrize(("count", "points"), [(1, 3), (2, 6), (3, 6)])
def test_certification_bonus_capped(count, points):
    certs = tuple(cert(date(2023, 1, 1), date(2025, 1, 1), f"c{i}") for i in range(count))
    # sampling 3/4 = 75 so the bonus is visible below the 100 clamp
    result = grade(samplings=samplings(3, 4), certifications=certs)
    assert result.adjustments == (
        Adjustment("certification_bonus", points, count, tuple(f"c{i}" for i in range(count))),
    )
    assert result.score == D("75") + points


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "counts"),
    [
        (date(2022, 1, 1), T - timedelta(days=1), False),  # expired
        (T + timedelta(days=1), date(2026, 1, 1), False),  # not yet valid
        (date(2022, 1, 1), T, True),  # valid_to == T counts
        (T, date(2026, 1, 1), True),  # valid_from == T counts
    ],
)
def test_certification_validity_at_t(valid_from, valid_to, counts):
    result = grade(samplings=samplings(3, 4), certifications=(cert(valid_from, valid_to),))
    assert result.score == (D("78.0") if counts else D("75.0"))


def test_penalty_general():
    result = grade(samplings=full_marks(), cases=(CaseFact(IN, "general", ref="k1"),))
    assert result.adjustments == (Adjustment("penalty_general", -10, 1, ("k1",)),)
    assert result.score == D("90.0")
    assert result.grade == "A"


def test_penalty_serious_and_general_counted_each():
    cases = (
        CaseFact(IN, "general", ref="k2"),
        CaseFact(IN, "serious", ref="k3"),
        CaseFact(IN, "general", ref="k1"),
    )
    result = grade(samplings=full_marks(), cases=cases)
    assert result.adjustments == (
        Adjustment("penalty_general", -20, 2, ("k1", "k2")),
        Adjustment("penalty_serious", -25, 1, ("k3",)),
    )
    assert result.score == D("55.0")  # 100 - 20 - 25
    assert result.grade == "D"


def test_penalty_minor_is_zero_and_not_listed():
    result = grade(samplings=full_marks(), cases=(CaseFact(IN, "minor"),))
    assert result.adjustments == ()
    assert result.score == D("100.0")


def test_false_certificate():
    finding = InspectionFact(IN, None, None, false_certificate=True, ref="i9")
    result = grade(samplings=full_marks(), inspections=(finding,))
    assert result.adjustments == (Adjustment("false_certificate", -20, 1, ("i9",)),)
    assert result.score == D("80.0")
    assert result.grade == "B"


def test_clamped_at_zero():
    result = grade(samplings=samplings(0, 1), cases=(CaseFact(IN, "serious"),))
    assert result.base == D("0.0")
    assert result.score == D("0.0")
    assert result.grade == "D"


def test_clamped_at_hundred():
    certs = (cert(date(2023, 1, 1), date(2025, 1, 1)),) * 2
    result = grade(samplings=full_marks(), certifications=certs)
    assert result.score == D("100.0")
    assert result.grade == "A"
    assert result.honour is True


# -- grade thresholds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passed", "total", "score", "expected"),
    [
        (9, 10, "90.0", "A"),
        (899, 1000, "89.9", "B"),
        (1799, 2000, "90.0", "A"),  # 89.95 rounds to 90.0 and the rounded score is compared
        (3, 4, "75.0", "B"),
        (749, 1000, "74.9", "C"),
        (3, 5, "60.0", "C"),
        (599, 1000, "59.9", "D"),
    ],
)
def test_grade_thresholds(passed, total, score, expected):
    result = grade(samplings=samplings(passed, total))
    assert result.score == D(score)
    assert result.grade == expected


def test_no_data_is_u_even_with_adjustments():
    result = grade(
        cases=(CaseFact(IN, "serious"),),
        certifications=(cert(date(2023, 1, 1), date(2025, 1, 1)),),
    )
    assert result.score is None
    assert result.base is None
    assert result.grade == "U"
    assert [a.code for a in result.adjustments] == ["penalty_serious", "certification_bonus"]
    assert result.restrictions == ()
    assert result.supervision_per_year == 2


# -- hard rules ----------------------------------------------------------------------------


def test_hard_rule_blacklisted_overrides_score():
    entry = BlacklistFact(date(2024, 1, 1), None, ref="b1")
    result = grade(samplings=full_marks(), blacklist=(entry,))
    assert result.score == D("100.0")
    assert result.grade == "D"
    assert result.hard_rules == ("blacklisted",)
    assert result.hard_rule_refs == {"blacklisted": ("b1",)}
    assert result.restrictions == ALL_FOUR
    assert result.honour is False


def test_hard_rule_prohibited_substance():
    facts = (SamplingFact(IN, "prohibited", ref="s-bad"),) + samplings(9, 9)
    result = grade(samplings=facts)
    assert result.score == D("90.0")  # 9/10 passed
    assert result.grade == "D"
    assert result.hard_rules == ("prohibited_substance",)
    assert result.hard_rule_refs == {"prohibited_substance": ("s-bad",)}


def test_hard_rule_criminal_transfer_even_for_minor_case():
    result = grade(
        samplings=full_marks(), cases=(CaseFact(IN, "minor", criminal_transfer=True, ref="k"),)
    )
    assert result.adjustments == ()
    assert result.score == D("100.0")
    assert result.grade == "D"
    assert result.hard_rule_refs == {"criminal_transfer": ("k",)}


def test_hard_rules_in_fixed_order():
    result = grade(
        cases=(CaseFact(IN, "serious", criminal_transfer=True, ref="k"),),
        samplings=(SamplingFact(IN, "prohibited", ref="s"),),
        blacklist=(BlacklistFact(date(2020, 1, 1), None, ref="b"),),
    )
    assert result.hard_rules == ("blacklisted", "prohibited_substance", "criminal_transfer")


@pytest.mark.parametrize(
    "facts",
    [
        {"blacklist": (BlacklistFact(date(2024, 1, 1), None),)},
        {"cases": (CaseFact(IN, "general", criminal_transfer=True),)},
    ],
)
def test_hard_rule_without_data_gives_d_with_no_score(facts):
    result = grade(**facts)
    assert result.score is None
    assert result.base is None
    assert result.grade == "D"
    assert result.supervision_per_year == 12
    assert result.restrictions == ALL_FOUR


@pytest.mark.parametrize(
    ("entry", "active"),
    [
        (BlacklistFact(T, None), True),  # starts on T
        (BlacklistFact(T + timedelta(days=1), None), False),  # starts after T
        (BlacklistFact(date(2023, 1, 1), T), True),  # ends on T
        (BlacklistFact(date(2023, 1, 1), T - timedelta(days=1)), False),  # ended
        (BlacklistFact(date(2023, 1, 1), None, removed_on=T), False),  # removed on T
        (BlacklistFact(date(2023, 1, 1), None, removed_on=T + timedelta(days=1)), True),
        (BlacklistFact(date(2023, 1, 1), None, repaired_on=T), False),  # repaired on T
        (BlacklistFact(date(2023, 1, 1), None, repaired_on=T + timedelta(days=1)), True),
        (BlacklistFact(date(2019, 1, 1), None), True),  # older than the window: still active
    ],
)
def test_blacklist_edges(entry, active):
    facts = ProducerFacts(samplings=full_marks(), blacklist=(entry,))
    assert active_blacklist(facts, T) == ((entry,) if active else ())
    result = compute_grade(facts, DEFAULT_POLICY, T)
    assert result.grade == ("D" if active else "A")


def test_blacklist_restricts_all_scenarios_whatever_the_grade_mapping():
    policy = PolicyParams(
        restrictions_by_grade={"A": [], "B": [], "C": [], "D": [], "U": []},
    )
    result = grade(
        policy=policy, samplings=full_marks(), blacklist=(BlacklistFact(date(2024, 1, 1), None),)
    )
    assert result.restrictions == ALL_FOUR


@pytest.mark.parametrize(
    ("repaired_on", "effective"),
    [(T, False), (T - timedelta(days=1), False), (T + timedelta(days=1), True), (None, True)],
)
def test_case_repair(repaired_on, effective):
    cases = (
        CaseFact(IN, "general", repaired_on=repaired_on),
        CaseFact(IN, "serious", criminal_transfer=True, repaired_on=repaired_on),
    )
    result = grade(samplings=full_marks(), cases=cases)
    if effective:
        assert [a.code for a in result.adjustments] == ["penalty_general", "penalty_serious"]
        assert result.score == D("65.0")
        assert result.hard_rules == ("criminal_transfer",)
        assert result.grade == "D"
    else:
        assert result.adjustments == ()
        assert result.hard_rules == ()
        assert result.score == D("100.0")
        assert result.grade == "A"


# -- consequences --------------------------------------------------------------------------

GRADE_CASES = {
    "A": {"samplings": samplings(1, 1)},
    "B": {"samplings": samplings(4, 5)},
    "C": {"samplings": samplings(7, 10)},
    "D": {"samplings": samplings(1, 2)},
    "U": {},
}


@pytest.mark.parametrize(
    ("expected", "restrictions", "supervision", "honour"),
    [
        ("A", (), 1, True),
        ("B", (), 2, False),
        ("C", ("brand_selection", "honours"), 4, False),
        ("D", ALL_FOUR, 12, False),
        ("U", (), 2, False),
    ],
)
def test_consequences_per_grade(expected, restrictions, supervision, honour):
    result = grade(**GRADE_CASES[expected])
    assert result.grade == expected
    assert result.restrictions == restrictions
    assert result.supervision_per_year == supervision
    assert result.honour is honour


def test_result_to_dict_is_json():
    result = grade(
        inspections=inspections(cert=(2, 3), records=(1, 1), count=3),
        samplings=samplings(3, 4),
        cases=(CaseFact(IN, "general", ref="k1"),),
    )
    data = json.loads(json.dumps(result.to_dict()))
    # 0.3*66.667 + 0.4*75 + 0.3*100 = 20 + 30 + 30 = 80; -10 -> 70
    assert data["score"] == 70.0
    assert data["base"] == 80.0
    assert data["grade"] == "C"
    assert data["subscores"]["certificate"] == {"value": 66.7, "passed": 2, "total": 3}
    assert data["adjustments"] == [
        {"code": "penalty_general", "points": -10, "count": 1, "refs": ["k1"]}
    ]
    assert data["window_start"] == "2022-06-15"
    assert data["as_of"] == "2024-06-15"
    assert data["policy_version"] == "1"


def test_no_data_to_dict_has_null_score():
    data = grade().to_dict()
    assert data["score"] is None and data["base"] is None and data["grade"] == "U"


# -- explanations --------------------------------------------------------------------------


def test_explain_mentions_the_numbers():
    result = grade(
        inspections=inspections(cert=(2, 3), records=(1, 1), count=3),
        samplings=samplings(19, 20),
        cases=(CaseFact(IN, "general"),),
        certifications=tuple(cert(date(2023, 1, 1), date(2025, 1, 1)) for _ in range(3)),
    )
    # 0.3*66.667 + 0.4*95 + 0.3*100 = 20 + 38 + 30 = 88; -10 + 6 = 84
    lines = explain_zh(result)
    assert "抽检合格率 95.0%（19/20 批次），权重 40%" in lines
    assert "合格证核查通过率 66.7%（2/3 次），权重 30%" in lines
    assert "生产记录核查通过率 100.0%（1/1 次），权重 30%" in lines
    assert "一般行政处罚 1 起，扣 10 分" in lines
    assert "认证有效 3 个，加 6 分（上限 6 分）" in lines
    assert "最终得分 84.0，等级 B（基本守信）" in lines
    assert "监管频次：每年 2 次" in lines


def test_explain_no_data_and_renormalisation_note():
    assert "无监测数据，未评级" in explain_zh(grade())
    lines = explain_zh(grade(samplings=samplings(1, 1)))
    assert any(line.startswith("基础分 100.0") and "按比例" in line for line in lines)
    assert "合格证核查：评价期内无数据，不计入" in lines


def test_explain_hard_rules_and_restrictions():
    result = grade(
        samplings=samplings(1, 1),
        blacklist=(BlacklistFact(date(2024, 1, 1), None),),
        cases=(CaseFact(IN, "serious", criminal_transfer=True),),
    )
    lines = explain_zh(result)
    assert "硬性规则：列入黑名单，等级定为 D" in lines
    assert "硬性规则：案件移送司法机关，等级定为 D" in lines
    assert "严重行政处罚 1 起，扣 25 分" in lines
    assert "最终得分 75.0，等级 D（严重失信）" in lines
    assert "受限场景：展会参展、品牌评选、项目申报、评优评先" in lines


def test_explain_hard_rule_without_data():
    lines = explain_zh(grade(blacklist=(BlacklistFact(date(2024, 1, 1), None),)))
    assert "硬性规则：列入黑名单，等级定为 D" in lines
    assert any("无监测数据" in line and "D（严重失信）" in line for line in lines)


def test_explain_false_certificate():
    finding = InspectionFact(IN, False, None, false_certificate=True)
    lines = explain_zh(grade(inspections=(finding,), samplings=samplings(1, 1)))
    assert "虚假或冒用合格证 1 次，扣 20 分" in lines


# -- policy parameters ---------------------------------------------------------------------


def test_default_policy_values():
    p = DEFAULT_POLICY
    assert p.version == "1"
    assert p.window_months == 24
    assert p.weights == {"certificate": D("0.30"), "sampling": D("0.40"), "records": D("0.30")}
    assert (p.penalty_general, p.penalty_serious, p.false_certificate) == (-10, -25, -20)
    assert (p.certification_bonus, p.certification_bonus_cap) == (3, 6)
    assert (p.threshold_a, p.threshold_b, p.threshold_c) == (90, 75, 60)
    assert dict(p.supervision_per_year) == {"A": 1, "B": 2, "C": 4, "D": 12, "U": 2}
    assert p.honour_grades == ("A",)
    assert dict(p.publicity_months) == {"minor": 0, "general": 12, "serious": 36}
    assert p.blacklist_publicity_months == 36
    assert dict(p.repair_wait_months) == {"general": 3, "serious": 12, "blacklist": 12}
    assert p.objection_window_days == 21
    assert SCENARIOS == ALL_FOUR
    assert GRADES == ("A", "B", "C", "D", "U")
    assert set(GRADE_LABELS) == set(GRADES)


def test_policy_roundtrip_via_json():
    data = json.loads(json.dumps(DEFAULT_POLICY.to_dict()))
    assert data["weight_sampling"] == "0.40"
    assert data["restrictions_by_grade"]["C"] == ["brand_selection", "honours"]
    restored = PolicyParams.from_dict(data)
    assert restored == DEFAULT_POLICY
    assert restored.to_dict() == DEFAULT_POLICY.to_dict()
    assert hash(restored) == hash(DEFAULT_POLICY)


def test_policy_from_dict_partial_keeps_defaults():
    policy = PolicyParams.from_dict({"version": "1-test", "penalty_general": -5})
    assert policy.penalty_general == -5
    assert policy.window_months == 24
    result = compute_grade(
        ProducerFacts(samplings=full_marks(), cases=(CaseFact(IN, "general"),)), policy, T
    )
    assert result.score == D("95.0")
    assert result.policy_version == "1-test"


def test_policy_mappings_are_read_only():
    with pytest.raises(TypeError):
        DEFAULT_POLICY.supervision_per_year["A"] = 99  # type: ignore[index]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bogus": 1}, "bogus"),
        ({"weight_sampling": "-0.1", "weight_records": "0.8"}, "non-negative"),
        ({"weight_sampling": "0.5"}, "sum to 1"),
        ({"threshold_b": "95"}, "descending"),
        ({"threshold_c": "75"}, "descending"),
        ({"weight_sampling": "abc"}, "weight_sampling"),
        ({"window_months": 0}, "window_months"),
        ({"penalty_general": 10}, "penalty_general"),
        ({"restrictions_by_grade": {"A": [], "B": [], "C": [], "D": ["zoo"], "U": []}}, "zoo"),
        ({"supervision_per_year": {"A": 1}}, "supervision_per_year"),
    ],
)
def test_policy_validation_errors(data, message):
    with pytest.raises(ValueError, match=message):
        PolicyParams.from_dict(data)


def test_custom_weights_change_the_base():
    policy = PolicyParams(
        weight_certificate=D("0.5"), weight_sampling=D("0.5"), weight_records=D("0")
    )
    facts = ProducerFacts(
        inspections=inspections(cert=(1, 2), records=(0, 1), count=2), samplings=full_marks()
    )
    # 0.5*50 + 0.5*100 = 75; records has data but weight 0
    assert compute_grade(facts, policy, T).score == D("75.0")
    # default: 0.3*50 + 0.4*100 + 0.3*0 = 55
    assert compute_grade(facts, DEFAULT_POLICY, T).score == D("55.0")
