"""Property tests for credit policy v1 scoring (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from credit.policy import DEFAULT_POLICY
from credit.scoring import (
    BlacklistFact,
    CaseFact,
    CertificationFact,
    InspectionFact,
    ProducerFacts,
    SamplingFact,
    compute_grade,
)

FAST = hyp_settings(max_examples=200, deadline=None)
GRADE_RANK = {"A": 0, "B": 1, "C": 2, "D": 3}
# 24 months are at least 730 days, so offsets 0..729 before T are always inside the window.
MAX_IN_OFFSET = 729

as_of_dates = st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31))
checks = st.sampled_from([True, False, None])
refs = st.text(alphabet="abcdef0123456789", min_size=1, max_size=4)


def in_window(as_of: date, offset: int) -> date:
    return as_of - timedelta(days=offset)


def outside_window(as_of: date, before: bool, days: int) -> date:
    if before:
        return as_of - relativedelta(months=DEFAULT_POLICY.window_months) - timedelta(days=days)
    return as_of + timedelta(days=days + 1)


@st.composite
def inspection(draw, as_of: date, day: date | None = None) -> InspectionFact:
    return InspectionFact(
        day or in_window(as_of, draw(st.integers(0, MAX_IN_OFFSET))),
        draw(checks),
        draw(checks),
        false_certificate=draw(st.booleans()),
        ref=draw(refs),
    )


@st.composite
def sampling(draw, as_of: date, day: date | None = None, allow_prohibited: bool = True):
    results = ["pass", "over_limit"] + (["prohibited"] if allow_prohibited else [])
    return SamplingFact(
        day or in_window(as_of, draw(st.integers(0, MAX_IN_OFFSET))),
        draw(st.sampled_from(results)),
        ref=draw(refs),
    )


@st.composite
def case(draw, as_of: date, day: date | None = None) -> CaseFact:
    repaired = draw(st.none() | st.integers(-800, 800).map(lambda d: as_of + timedelta(days=d)))
    return CaseFact(
        day or in_window(as_of, draw(st.integers(0, MAX_IN_OFFSET))),
        draw(st.sampled_from(["minor", "general", "serious"])),
        criminal_transfer=draw(st.sampled_from([False, False, False, True])),  # mostly not D
        repaired_on=repaired,
        ref=draw(refs),
    )


@st.composite
def certification(draw, as_of: date) -> CertificationFact:
    start = as_of + timedelta(days=draw(st.integers(-1500, 200)))
    return CertificationFact(
        start, start + timedelta(days=draw(st.integers(0, 1500))), ref=draw(refs)
    )


@st.composite
def blacklist_entry(draw, as_of: date) -> BlacklistFact:
    start = as_of + timedelta(days=draw(st.integers(-1500, 100)))
    later = st.integers(0, 1500).map(lambda d: start + timedelta(days=d))
    return BlacklistFact(
        start,
        draw(st.none() | later),
        removed_on=draw(st.none() | later),
        repaired_on=draw(st.none() | later),
        ref=draw(refs),
    )


@st.composite
def scenario(draw, allow_prohibited: bool = True, allow_blacklist: bool = True):
    """(as_of, facts) with facts mostly inside the window."""
    as_of = draw(as_of_dates)
    small = {"max_size": 6}
    facts = ProducerFacts(
        inspections=tuple(draw(st.lists(inspection(as_of), **small))),
        samplings=tuple(
            draw(st.lists(sampling(as_of, allow_prohibited=allow_prohibited), **small))
        ),
        cases=tuple(draw(st.lists(case(as_of), max_size=3))),
        certifications=tuple(draw(st.lists(certification(as_of), max_size=4))),
        blacklist=tuple(draw(st.lists(blacklist_entry(as_of), max_size=2)))
        if allow_blacklist
        else (),
    )
    return as_of, facts


def with_samplings(facts: ProducerFacts, *extra: SamplingFact) -> ProducerFacts:
    return ProducerFacts(
        facts.inspections,
        facts.samplings + extra,
        facts.cases,
        facts.certifications,
        facts.blacklist,
    )


@FAST
@given(data=st.data(), base=scenario())
def test_passed_sampling_never_lowers_score(data, base):
    as_of, facts = base
    offset = data.draw(st.integers(0, MAX_IN_OFFSET))
    before = compute_grade(facts, DEFAULT_POLICY, as_of)
    after = compute_grade(
        with_samplings(facts, SamplingFact(in_window(as_of, offset), "pass")), DEFAULT_POLICY, as_of
    )
    assert after.score is not None  # a passed sampling is data
    assert after.hard_rules == before.hard_rules  # hard rules ignore passed samplings
    if before.score is not None:
        assert after.score >= before.score
    if before.grade != "U":
        assert GRADE_RANK[after.grade] <= GRADE_RANK[before.grade]


@FAST
@given(data=st.data(), base=scenario())
def test_prohibited_substance_always_d(data, base):
    as_of, facts = base
    offset = data.draw(st.integers(0, MAX_IN_OFFSET))
    bad = SamplingFact(in_window(as_of, offset), "prohibited", ref="bad")
    result = compute_grade(with_samplings(facts, bad), DEFAULT_POLICY, as_of)
    assert result.grade == "D"
    assert "prohibited_substance" in result.hard_rules
    assert "bad" in result.hard_rule_refs["prohibited_substance"]


@FAST
@given(base=scenario())
def test_score_bounded_with_one_decimal(base):
    as_of, facts = base
    result = compute_grade(facts, DEFAULT_POLICY, as_of)
    if result.score is None:
        assert result.grade in ("U", "D")
        return
    assert Decimal(0) <= result.score <= Decimal(100)
    assert result.score == result.score.quantize(Decimal("0.1"))
    assert result.score.as_tuple().exponent == -1
    for sub in result.subscores.values():
        assert sub.value is None or Decimal(0) <= sub.value <= Decimal(100)


@st.composite
def outside_facts(draw, as_of: date):
    def day():
        return outside_window(as_of, draw(st.booleans()), draw(st.integers(0, 400)))

    return (
        tuple(draw(inspection(as_of, day=day())) for _ in range(draw(st.integers(0, 3)))),
        tuple(draw(sampling(as_of, day=day())) for _ in range(draw(st.integers(0, 3)))),
        tuple(draw(case(as_of, day=day())) for _ in range(draw(st.integers(0, 3)))),
    )


@FAST
@given(data=st.data(), base=scenario())
def test_facts_outside_window_change_nothing(data, base):
    as_of, facts = base
    inspections, samplings, cases = data.draw(outside_facts(as_of))
    widened = ProducerFacts(
        facts.inspections + inspections,
        facts.samplings + samplings,
        facts.cases + cases,
        facts.certifications,
        facts.blacklist,
    )
    assert compute_grade(widened, DEFAULT_POLICY, as_of) == compute_grade(
        facts, DEFAULT_POLICY, as_of
    )


@FAST
@given(data=st.data(), base=scenario())
def test_deterministic_and_order_independent(data, base):
    as_of, facts = base
    shuffled = ProducerFacts(
        *(
            tuple(data.draw(st.permutations(getattr(facts, name))))
            for name in ("inspections", "samplings", "cases", "certifications", "blacklist")
        )
    )
    first = compute_grade(facts, DEFAULT_POLICY, as_of)
    assert compute_grade(facts, DEFAULT_POLICY, as_of) == first
    again = compute_grade(shuffled, DEFAULT_POLICY, as_of)
    assert again == first
    assert again.to_dict() == first.to_dict()
