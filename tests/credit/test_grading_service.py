"""The credit engine with its database: recompute on save, stored grades, restrictions,
the feed, audit events, append-only facts and the producer API."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from credit.models import (
    AppendOnlyError,
    AuditEvent,
    CreditGrade,
    Producer,
    Restriction,
    RestrictionChange,
    Sampling,
)
from credit.services import grading
from credit.services.records import correct_fact, remove_from_blacklist, void_fact
from tests.credit.factories import (
    BlacklistFactory,
    CaseFactory,
    CertificationFactory,
    InspectionFactory,
    ProducerFactory,
    SamplingFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the queued recomputes) as the real commit would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def open_scenarios(producer):
    return sorted(
        Restriction.objects.filter(producer=producer, lifted_at__isnull=True).values_list(
            "scenario", flat=True
        )
    )


def test_saving_a_fact_recomputes_the_grade(on_commit):
    producer = ProducerFactory()
    assert producer.grade == "U"
    on_commit(SamplingFactory, producer=producer, result="pass")
    producer.refresh_from_db()
    assert (producer.grade, producer.score) == ("A", 100)
    grade = CreditGrade.objects.get(producer=producer)
    assert grade.subscores["sampling"]["value"] == 100.0
    assert any("抽检合格率 100.0%" in line for line in grade.explanation())
    actions = list(
        AuditEvent.objects.filter(producer_id=producer.id).values_list("action", flat=True)
    )
    assert actions == ["fact.created", "grade.changed"]


def test_unchanged_result_writes_no_new_grade_row(on_commit):
    producer = ProducerFactory()
    on_commit(SamplingFactory, producer=producer)
    on_commit(SamplingFactory, producer=producer)  # still A, but 2/2: a new breakdown
    assert CreditGrade.objects.filter(producer=producer).count() == 2
    events = AuditEvent.objects.count()
    stats = grading.recompute([producer.id])  # nothing changed: nothing written
    assert stats.grades_changed == 0
    assert CreditGrade.objects.filter(producer=producer).count() == 2
    assert AuditEvent.objects.count() == events


def test_prohibited_finding_gives_d_and_all_restrictions_then_void_lifts(on_commit):
    producer = ProducerFactory()
    on_commit(SamplingFactory, producer=producer)
    bad = on_commit(SamplingFactory, producer=producer, result="prohibited", failed_items="克百威")
    producer.refresh_from_db()
    assert producer.grade == "D"
    assert open_scenarios(producer) == [
        "brand_selection",
        "exhibition",
        "honours",
        "project_application",
    ]
    assert RestrictionChange.objects.filter(change="imposed").count() == 4

    on_commit(void_fact, bad, reason="复检合格，原检测结果有误")
    producer.refresh_from_db()
    assert producer.grade == "A"
    assert open_scenarios(producer) == []
    lifted = RestrictionChange.objects.filter(change="lifted")
    assert lifted.count() == 4
    assert all(c.end == TODAY - datetime.timedelta(days=1) for c in lifted)
    assert AuditEvent.objects.filter(action="fact.voided", object_id=str(bad.pk)).exists()


def test_grade_c_to_d_amends_shared_restrictions(on_commit):
    producer = ProducerFactory()
    # 2 of 3 samplings pass: 66.7 → C (brand_selection, honours).
    for result in ("pass", "pass", "over_limit"):
        on_commit(SamplingFactory, producer=producer, result=result)
    producer.refresh_from_db()
    assert (producer.grade, str(producer.score)) == ("C", "66.7")
    assert open_scenarios(producer) == ["brand_selection", "honours"]
    on_commit(CaseFactory, producer=producer, severity="general")  # 56.7 → D
    producer.refresh_from_db()
    assert producer.grade == "D"
    kinds = dict(
        RestrictionChange.objects.filter(
            restriction__producer=producer, change="amended"
        ).values_list("scenario", "change")
    )
    assert set(kinds) == {"brand_selection", "honours"}
    assert open_scenarios(producer) == [
        "brand_selection",
        "exhibition",
        "honours",
        "project_application",
    ]


def test_blacklist_restricts_all_scenarios_until_removed(on_commit):
    producer = ProducerFactory()
    on_commit(SamplingFactory, producer=producer)
    entry = on_commit(BlacklistFactory, producer=producer)
    rows = Restriction.objects.filter(producer=producer, source="blacklist", lifted_at__isnull=True)
    assert sorted(r.scenario for r in rows) == [
        "brand_selection",
        "exhibition",
        "honours",
        "project_application",
    ]
    assert {(r.start, r.end) for r in rows} == {(entry.start_date, entry.end_date)}
    on_commit(remove_from_blacklist, entry, TODAY, "整改到位，经审核移出")
    producer.refresh_from_db()
    assert producer.grade == "A"
    assert open_scenarios(producer) == []


def test_facts_are_append_only(on_commit):
    sampling = on_commit(SamplingFactory)
    sampling.result = "over_limit"
    with pytest.raises(AppendOnlyError):
        sampling.save()
    with pytest.raises(AppendOnlyError):
        sampling.delete()
    with pytest.raises(AppendOnlyError):
        Sampling.objects.filter(pk=sampling.pk).update(result="over_limit")
    with pytest.raises(AppendOnlyError):
        Sampling.objects.filter(pk=sampling.pk).delete()
    with pytest.raises(AppendOnlyError):
        void_fact(sampling, reason="  ")


def test_correction_voids_old_and_counts_new(on_commit):
    producer = ProducerFactory()
    original = on_commit(SamplingFactory, producer=producer, result="over_limit")
    producer.refresh_from_db()
    assert producer.grade == "D"  # 0 % sampling
    new = on_commit(correct_fact, original, {"result": "pass"}, reason="录入错误")
    original.refresh_from_db()
    producer.refresh_from_db()
    assert original.voided_at is not None and new.corrects_id == original.pk
    assert new.sample_code == original.sample_code
    assert producer.grade == "A"


def test_grade_as_of_a_past_day_is_recomputed_exactly(on_commit):
    producer = ProducerFactory()
    on_commit(
        SamplingFactory,
        producer=producer,
        date=TODAY - datetime.timedelta(days=400),
        result="over_limit",
    )
    on_commit(SamplingFactory, producer=producer, date=TODAY - datetime.timedelta(days=10))
    past = grading.compute_for(producer.id, TODAY - datetime.timedelta(days=100))
    assert (past.grade, past.score) == ("D", 0)
    now = grading.compute_for(producer.id, TODAY)
    assert (now.grade, str(now.score)) == ("D", "50.0")


def test_producer_api_detail(client, on_commit):
    producer = ProducerFactory()
    on_commit(InspectionFactory, producer=producer, records_ok=True, certificate_ok=None)
    on_commit(InspectionFactory, producer=producer, records_ok=False, certificate_ok=True)
    for result in ("pass", "pass", "pass", "over_limit"):
        on_commit(SamplingFactory, producer=producer, result=result)
    on_commit(CertificationFactory, producer=producer)
    on_commit(CaseFactory, producer=producer, severity="general")
    # certificate 100 (1/1), sampling 75 (3/4), records 50 (1/2):
    # base = .3*100 + .4*75 + .3*50 = 75; -10 + 3 = 68.0 → C
    body = client.get(f"/api/v1/producers/{producer.uscc}/").json()
    assert body["grade"] == "C" and body["score"] == 68.0
    assert body["subscores"] == {"certificate": 100.0, "sampling": 75.0, "records": 50.0}
    assert {(a["reason"], a["points"]) for a in body["adjustments"]} == {
        ("penalty_general", -10),
        ("certification_bonus", 3),
    }
    assert body["hard_rules"] == [] and body["blacklisted"] is False
    assert sorted(r["scenario"] for r in body["restrictions"]) == ["brand_selection", "honours"]
    assert body["policy_version"] == "1" and body["as_of"] == TODAY.isoformat()
    assert "phone" not in body and "id_number" not in body

    before = (TODAY - datetime.timedelta(days=365 * 3)).isoformat()
    old = client.get(f"/api/v1/producers/{producer.uscc}/?as_of={before}").json()
    assert old["grade"] == "U" and old["score"] is None and old["restrictions"] == []


def test_producer_api_errors_share_one_shape(client):
    producer = ProducerFactory()
    future = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client.get(f"/api/v1/producers/{producer.uscc}/?as_of={future}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["fields"][0]["field"] == "as_of"
    response = client.get("/api/v1/producers/911111111111111111/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    bad = client.get(f"/api/v1/producers/{producer.uscc}/?as_of=2025-13-01").json()
    assert bad["error"]["fields"][0]["field"] == "as_of"


def test_producer_list_api_filters_and_hides_personal_numbers(client, on_commit):
    grower = ProducerFactory(
        uscc=None, id_number="220122197001010011", kind="grower", name="王建国", phone="13912345678"
    )
    ProducerFactory(name="太谷区绿源种植专业合作社", region_id="140703")
    data = client.get("/api/v1/producers/?region=220100").json()
    assert [p["name"] for p in data["results"]] == ["王建国"]
    text = client.get("/api/v1/producers/").content.decode()
    assert grower.id_number not in text and "13912345678" not in text
    assert "220122********0011" in text
    data = client.get("/api/v1/producers/", {"q": "绿源"}).json()
    assert [p["name"] for p in data["results"]] == ["太谷区绿源种植专业合作社"]


def test_verify_audit_detects_edits_deletes_and_truncation(on_commit):
    producer = ProducerFactory()
    for _ in range(3):
        on_commit(SamplingFactory, producer=producer)
    call_command("verify_audit")
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) >= 4

    AuditEvent.objects.filter(pk=events[1].pk).update(reason="tampered")
    with pytest.raises(CommandError, match=f"#{events[1].pk}"):
        call_command("verify_audit")
    AuditEvent.objects.filter(pk=events[1].pk).update(reason=events[1].reason)
    call_command("verify_audit")

    AuditEvent.objects.filter(pk=events[2].pk).delete()
    with pytest.raises(CommandError, match=f"#{events[3].pk}"):
        call_command("verify_audit")


def test_verify_audit_detects_removal_of_the_newest_event(on_commit):
    on_commit(SamplingFactory)
    AuditEvent.objects.order_by("-id").first().delete()
    with pytest.raises(CommandError, match="removed from the end"):
        call_command("verify_audit")


def test_recompute_grades_command_by_region(on_commit):
    a = ProducerFactory(region_id="220122")
    b = ProducerFactory(region_id="140703")
    on_commit(SamplingFactory, producer=a)
    on_commit(SamplingFactory, producer=b)
    Producer.objects.filter(pk__in=[a.pk, b.pk]).update(grade="U", grade_fingerprint="")
    call_command("recompute_grades", "--region", "220100")
    assert Producer.objects.get(pk=a.pk).grade == "A"
    assert Producer.objects.get(pk=b.pk).grade == "U"
    with pytest.raises(CommandError, match="region"):
        call_command("recompute_grades", "--region", "999999")


def test_correcting_a_removed_blacklist_entry_keeps_it_removed(on_commit):
    producer = ProducerFactory()
    entry = on_commit(BlacklistFactory, producer=producer)
    on_commit(remove_from_blacklist, entry, TODAY, "整改到位")
    new = on_commit(correct_fact, entry, {"reason": "更正列入事由"}, reason="文字错误")
    assert new.removed_on == TODAY
    assert open_scenarios(producer) == []


def test_a_repair_survives_a_correction_of_its_record(on_commit, admin_user):
    from django.contrib.contenttypes.models import ContentType

    from credit.models import RepairApplication
    from credit.services.reviews import decide_repair

    producer = ProducerFactory()
    on_commit(SamplingFactory, producer=producer)
    case = on_commit(
        CaseFactory,
        producer=producer,
        severity="serious",
        decision_date=TODAY - datetime.timedelta(days=400),
    )
    producer.refresh_from_db()
    assert producer.score == 75  # 100 − 25
    app = RepairApplication.objects.create(
        producer=producer,
        fact_type=ContentType.objects.get_for_model(case),
        fact_id=case.pk,
        statement="已整改并履行处罚决定",
        commitment_accepted=True,
    )
    on_commit(decide_repair, app, True, admin_user, "整改到位，准予修复")
    producer.refresh_from_db()
    assert producer.score == 100
    on_commit(correct_fact, case, {"penalty": "罚款五千元"}, reason="补录处罚内容")
    producer.refresh_from_db()
    assert producer.score == 100
