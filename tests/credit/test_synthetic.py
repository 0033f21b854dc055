"""The synthetic data generator (credit.synthetic, manage.py generate_data) and the demo set."""

import datetime
import re
from collections import Counter

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from credit import synthetic
from credit.identifiers import validate_id_number, validate_phone, validate_uscc
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
    Region,
    Sampling,
    SamplingPlan,
)
from credit.regiondata import load_regions

AS_OF = synthetic.REFERENCE_DATE
FACTS = {
    Inspection: ("date", None),
    Sampling: ("date", "sample_code"),
    Certificate: ("issue_date", "code"),
    Certification: ("valid_from", "number"),
    EnforcementCase: ("decision_date", "case_number"),
    BlacklistEntry: ("start_date", "decision_number"),
}


@pytest.fixture
def regions(db):
    """The GB/T 2260 regions (loaded by a data migration; loaded here if the table is empty)."""
    if not Region.objects.filter(level="county").exists():
        rows = load_regions()
        Region.objects.bulk_create(
            [
                Region(code=r.code, name=r.name, level=r.level, parent_id=r.parent_code or None)
                for r in rows
            ],
            batch_size=1000,
        )
    return set(Region.objects.values_list("code", flat=True))


@pytest.fixture(scope="module")
def counties():
    return synthetic.counties_from_rows(load_regions())


def _world(seed, counties, **kw):
    return synthetic.SyntheticWorld(seed, counties, **kw)


def _pure(seed, counties, n=300):
    """Producers and facts straight from the generator, without the database."""
    world, book = _world(seed, counties), synthetic.NumberBook()
    out = []
    for i in range(n):
        spec = world.producer(i)
        facts = world.facts(spec, book)
        out.append(
            (
                spec.name,
                spec.uscc,
                spec.id_number,
                spec.phone,
                spec.address,
                tuple(spec.categories),
                {k: getattr(facts, k) for k in facts.KINDS},
            )
        )
    return out


def _snapshot():
    """Everything the generator wrote, keyed by the producers' identifiers (not by pk)."""
    key = dict(
        (pk, uscc or idn)
        for pk, uscc, idn in Producer.objects.values_list("id", "uscc", "id_number")
    )
    producers = sorted(
        Producer.objects.values_list(
            "uscc",
            "id_number",
            "name",
            "kind",
            "region_id",
            "address",
            "legal_rep",
            "phone",
            "categories",
        ),
        key=lambda r: r[0] or r[1],
    )
    facts = {}
    for model in FACTS:
        rows = []
        for obj in model.objects.all():
            content = obj.content()
            content["producer_id"] = key[content["producer_id"]]
            content["recorded_at"] = obj.recorded_at.isoformat()
            rows.append(sorted(content.items(), key=lambda kv: kv[0]))
        facts[model.__name__] = sorted(map(repr, rows))
    return producers, facts


# -- determinism -------------------------------------------------------------------------------


def test_same_seed_gives_identical_data(counties):
    assert _pure(11, counties) == _pure(11, counties)


def test_different_seed_gives_different_data(counties):
    a, b = _pure(11, counties, 200), _pure(12, counties, 200)
    assert {r[0] for r in a} != {r[0] for r in b}
    overlap = {r[1] for r in a if r[1]} & {r[1] for r in b if r[1]}
    assert not overlap
    assert [r[6]["samplings"] for r in a] != [r[6]["samplings"] for r in b]


def test_producers_do_not_depend_on_batch_size_or_facts(counties):
    world = _world(5, counties)
    with_facts, book = [], synthetic.NumberBook()
    for i in range(100):
        spec = world.producer(i)
        world.facts(spec, book)
        with_facts.append((spec.name, spec.uscc, spec.id_number))
    alone = [(s.name, s.uscc, s.id_number) for s in map(_world(5, counties).producer, range(100))]
    assert with_facts == alone


@pytest.mark.django_db
def test_database_runs_are_byte_identical(regions):
    snapshots = []
    for _ in range(2):
        with transaction.atomic():
            synthetic.generate(producers=150, seed=21, batch=40)
            snapshots.append(_snapshot())
            transaction.set_rollback(True)
    assert Producer.objects.count() == 0
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0][0]) == 150


# -- validity ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_generated_data_set_is_valid(regions):
    """One 2,000-producer run (~40,000 facts), checked from several sides."""
    stats = synthetic.generate(producers=2000, seed=7, batch=700)
    assert stats.producers_created == 2000
    _check_identifiers(regions)
    _check_names()
    _check_facts()


def _check_identifiers(regions):
    counties = {c for c in regions if not c.endswith("00")}
    prefixes = Counter()
    for p in Producer.objects.all():
        if p.uscc:
            assert validate_uscc(p.uscc) == p.uscc
            assert p.uscc[2:8] == p.region_id and p.uscc[2:8] in counties
            prefixes[(p.kind, p.uscc[:2])] += 1
        if p.id_number:
            assert validate_id_number(p.id_number, today=AS_OF) == p.id_number
            assert p.id_number[:6] == p.region_id
            assert 1955 <= int(p.id_number[6:10]) <= 1995
            prefixes[(p.kind, "id")] += 1
        assert validate_phone(p.phone) == p.phone and len(p.phone) == 11
        if p.kind == ProducerKind.GROWER:
            assert p.uscc is None and p.id_number and p.name == p.legal_rep
            assert 2 <= len(p.name) <= 4
    allowed = {
        "enterprise": {"91"},
        "cooperative": {"93", "N2", "N3"},
        "family_farm": {"92", "id"},
        "grower": {"id"},
        "input_dealer": {"92", "91"},
    }
    for (kind, prefix), _n in prefixes.items():
        assert prefix in allowed[kind], (kind, prefix)
    # Family farms are about half USCC, half ID number; village collectives exist.
    farms_uscc, farms_id = prefixes[("family_farm", "92")], prefixes[("family_farm", "id")]
    assert 0.35 < farms_uscc / (farms_uscc + farms_id) < 0.65
    assert prefixes[("cooperative", "N2")] + prefixes[("cooperative", "N3")] > 0


def _check_names():
    producers = list(Producer.objects.all())
    kinds = Counter(p.kind for p in producers)
    assert set(kinds) == set(ProducerKind.values)
    names = Counter(p.name for p in producers)
    assert len(names) >= 0.97 * len(producers)
    within_county = Counter(
        (p.name, p.region_id) for p in producers if p.kind != ProducerKind.GROWER
    )
    assert max(within_county.values()) == 1
    region_names = dict(Region.objects.values_list("code", "name"))
    word_for = {"vegetables": "蔬菜|果蔬", "tea": "茶", "aquatic": "水产|渔|稻渔"}
    for p in producers:
        assert p.categories and set(p.categories) <= set(ProductCategory.values)
        if p.kind == ProducerKind.COOPERATIVE:
            assert p.name.startswith(region_names[p.region_id])
            assert p.name.endswith(("专业合作社", "股份经济合作社", "经济联合总社"))
            if (
                p.name.endswith("专业合作社")
                and len(p.categories) == 1
                and p.categories[0] in word_for
            ):
                assert re.search(word_for[p.categories[0]], p.name), (p.name, p.categories)
        elif p.kind == ProducerKind.FAMILY_FARM:
            assert p.name.endswith("家庭农场") and region_names[p.region_id] in p.name
            assert p.legal_rep in p.name
        elif p.kind == ProducerKind.ENTERPRISE:
            assert p.name.endswith("公司")
        elif p.kind == ProducerKind.INPUT_DEALER:
            assert "农资" in p.name or "农药" in p.name or "种子" in p.name
            assert p.categories == ["other"]


def _check_facts():
    earliest = AS_OF - relativedelta(months=30)
    window = AS_OF - relativedelta(months=24)
    total = 0
    for model, (date_field, key) in FACTS.items():
        dates = list(model.objects.values_list(date_field, flat=True))
        total += len(dates)
        assert dates, model
        assert max(dates) <= AS_OF
        if model is not Certification:
            assert min(dates) > earliest
        if key:
            keys = list(model.objects.values_list(key, flat=True))
            assert len(keys) == len(set(keys)), model
    assert 15 * 2000 < total < 25 * 2000  # ~20 facts a producer
    assert Sampling.objects.filter(date__lte=window).exists()  # some fall out of the window
    # Inspections: one per producer, day and agency.
    trio = list(Inspection.objects.values_list("producer_id", "date", "agency"))
    assert len(trio) == len(set(trio))
    # Enumerations.
    assert set(Sampling.objects.values_list("result", flat=True)) == set(CheckResult.values)
    assert set(Sampling.objects.values_list("plan", flat=True)) <= set(SamplingPlan.values)
    assert set(Sampling.objects.values_list("category", flat=True)) <= set(ProductCategory.values)
    assert set(EnforcementCase.objects.values_list("severity", flat=True)) <= set(
        CaseSeverity.values
    )
    assert set(Certification.objects.values_list("type", flat=True)) <= set(
        CertificationType.values
    )
    # Rates roughly as specified.
    results = Counter(Sampling.objects.values_list("result", flat=True))
    n = sum(results.values())
    assert results["pass"] / n > 0.94
    assert (
        Inspection.objects.filter(records_ok__isnull=True).count() / Inspection.objects.count()
        > 0.05
    )
    assert Inspection.objects.filter(certificate_ok=False).exists()
    assert 0.03 < Certification.objects.values("producer").distinct().count() / 2000 < 0.13
    assert (
        EnforcementCase.objects.filter(severity="general").count()
        >= EnforcementCase.objects.filter(severity="serious").count()
    )
    for s in Sampling.objects.exclude(result="pass"):
        assert s.failed_items
    for c in EnforcementCase.objects.all():
        assert re.fullmatch(r"\S+农罚〔20\d\d〕\d+号", c.case_number)
    for c in Certification.objects.all():
        assert (c.valid_to - c.valid_from).days in (1094, 1095)
    assert not Sampling.objects.exclude(source=synthetic.SOURCE).exists()


@pytest.mark.django_db
def test_rerun_adds_nothing_and_a_larger_run_extends(regions):
    first = synthetic.generate(producers=300, seed=9, batch=128)
    counts = {m: m.objects.count() for m in (Producer, *FACTS)}
    again = synthetic.generate(producers=300, seed=9, batch=50)
    assert (again.producers_created, again.producers_skipped, again.facts_created) == (0, 300, 0)
    assert counts == {m: m.objects.count() for m in (Producer, *FACTS)}
    more = synthetic.generate(producers=400, seed=9)
    assert (more.producers_created, more.producers_skipped) == (100, 300)
    assert Producer.objects.count() == 400
    for model, (_d, key) in FACTS.items():
        if key:
            keys = list(model.objects.values_list(key, flat=True))
            assert len(keys) == len(set(keys))
    # Another seed into the same database stays unique too.
    synthetic.generate(producers=300, seed=10)
    for model, (_d, key) in FACTS.items():
        if key:
            keys = list(model.objects.values_list(key, flat=True))
            assert len(keys) == len(set(keys))
    assert first.facts_created > 0


@pytest.mark.django_db
def test_command_with_regions_and_no_facts(regions, capsys):
    call_command(
        "generate_data",
        "--producers",
        "60",
        "--seed",
        "4",
        "--region",
        "220100",
        "140703",
        "--no-facts",
    )
    codes = set(Producer.objects.values_list("region_id", flat=True))
    assert codes and all(c.startswith("2201") or c == "140703" for c in codes)
    assert Sampling.objects.count() == 0
    assert "created 60 producers" in capsys.readouterr().out
    call_command(
        "generate_data",
        "--producers",
        "60",
        "--seed",
        "4",
        "--region",
        "220100",
        "140703",
        "--no-facts",
    )
    assert Producer.objects.count() == 60


# -- the demo set ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_demo_credit_is_idempotent_and_mixed(regions):
    today = timezone.localdate()
    ids = synthetic.load_demo_credit(seed=2026, count=200)
    assert len(ids) == 200
    counts = {m: m.objects.count() for m in (Producer, *FACTS)}
    assert synthetic.load_demo_credit(seed=2026, count=200) == []
    assert counts == {m: m.objects.count() for m in (Producer, *FACTS)}

    producers = Producer.objects.filter(id__in=ids)
    areas = Counter(p.region_id[:4] for p in producers)
    assert set(areas) <= {"2201", "1407", "3611", "5203", "5227"}
    assert producers.filter(region_id="220122").count() >= 10
    assert BlacklistEntry.objects.filter(
        producer__in=ids, start_date__lte=today, end_date__gte=today
    ).exists()
    assert Sampling.objects.filter(producer__in=ids, result="prohibited").exists()
    assert Sampling.objects.filter(
        producer__in=ids, result="over_limit", date__gte=today - datetime.timedelta(days=120)
    ).exists()
    assert Certification.objects.filter(
        producer__in=ids, valid_from__lte=today, valid_to__gte=today
    ).exists()
    assert EnforcementCase.objects.filter(producer__in=ids).exists()
    for model, (date_field, _k) in FACTS.items():
        assert not model.objects.filter(**{f"{date_field}__gt": today}).exists()
    # Grades are not computed here...
    assert set(producers.values_list("grade", flat=True)) == {"U"}
    # ...but the facts are built so the v1 policy gives every grade.
    from credit.services.grading import compute_for

    grades = Counter(compute_for(pid, today).grade for pid in ids)
    assert set(grades) == {"A", "B", "C", "D", "U"}, grades


@pytest.mark.django_db
def test_small_demo_still_shows_every_outcome(regions):
    ids = synthetic.load_demo_credit(seed=1, count=12)
    assert len(ids) == 12
    assert BlacklistEntry.objects.filter(producer__in=ids).exists()
    assert Sampling.objects.filter(producer__in=ids, result="prohibited").exists()
    assert Certification.objects.filter(producer__in=ids).exists()


def test_demo_is_deterministic_for_a_seed_and_day(counties):
    demo = synthetic._demo_counties(counties)
    day = datetime.date(2026, 5, 20)
    a = synthetic.SyntheticWorld(3, demo, as_of=day, salt="demo")
    b = synthetic.SyntheticWorld(3, demo, as_of=day, salt="demo")
    assert [a.producer(i).name for i in range(50)] == [b.producer(i).name for i in range(50)]
    assert synthetic.demo_profiles(3, 200) == synthetic.demo_profiles(3, 200)
    assert Counter(synthetic.demo_profiles(3, 200))["D_blacklist"] >= 5
