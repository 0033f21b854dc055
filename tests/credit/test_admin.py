"""The credit admin (信用管理): region scope on every view, append-only facts, reviews,
the integrity file, imports and the Chinese substring search.

Officers are ordinary staff users in a group with Wagtail admin access and the credit
model permissions; their OfficerProfile gives their region: a county officer in 农安县
(220122) and a province officer for 吉林省 (220000). Regions come from the migrations.
"""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from credit.identifiers import make_uscc
from credit.models import (
    FACT_MODELS,
    AuditEvent,
    CreditGrade,
    Inspection,
    Objection,
    OfficerProfile,
    Producer,
    RepairApplication,
    ReviewStatus,
    Sampling,
    ScoringPolicy,
)
from credit.services.grading import recompute
from credit.services.reviews import submit_objection
from tests.credit.factories import (
    CaseFactory,
    InspectionFactory,
    ProducerFactory,
    SamplingFactory,
    next_uscc,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HOST = {"HTTP_HOST": "testserver"}
ADMIN_HOME = reverse("wagtailadmin_home")


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def officer_group(db):
    # The migration creates the group; these tests widen it to every credit permission.
    group, _ = Group.objects.get_or_create(name="信用管理人员")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    models = [Producer, *FACT_MODELS, CreditGrade, Objection, RepairApplication, AuditEvent]
    from credit.models import Region, Restriction

    models += [Region, Restriction]
    for model in models:
        ct = ContentType.objects.get_for_model(model)
        group.permissions.add(*Permission.objects.filter(content_type=ct))
    return group


def make_officer(group, username, region_code):
    user = get_user_model().objects.create_user(username, password="pw-123456", is_staff=True)
    user.groups.add(group)
    if region_code:
        OfficerProfile.objects.create(user=user, region_id=region_code)
    return user


@pytest.fixture
def county_officer(officer_group):
    return make_officer(officer_group, "nongan", "220122")


@pytest.fixture
def province_officer(officer_group):
    return make_officer(officer_group, "jilin", "220000")


@pytest.fixture
def regionless_staff(officer_group):
    return make_officer(officer_group, "nobody", None)


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def producers(db):
    nongan = ProducerFactory(name="农安县绿源蔬菜种植专业合作社", region_id="220122")
    dehui = ProducerFactory(
        name="德惠市丰收粮食种植专业合作社",
        region_id="220183",
        uscc=next_uscc(region="220183"),
    )
    taigu = ProducerFactory(
        name="太谷区绿源种植专业合作社", region_id="140703", uscc=next_uscc(region="140703")
    )
    return {"nongan": nongan, "dehui": dehui, "taigu": taigu}


def url(name, *args):
    return reverse(name, args=args)


def refused(response) -> bool:
    """Wagtail turns PermissionDenied into a redirect to the dashboard; 404 for unknown."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"].startswith(ADMIN_HOME)


def listing_text(client, name, **params):
    response = client.get(reverse(name), params, **HOST)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- listing scope ------------------------------------------------------------------------


def test_county_officer_sees_only_own_region(client, county_officer, producers):
    login(client, county_officer)
    html = listing_text(client, "credit_producer:index")
    assert producers["nongan"].name in html
    assert producers["taigu"].name not in html
    assert producers["dehui"].name not in html  # another county of the same province


def test_province_officer_sees_whole_province(client, province_officer, producers):
    login(client, province_officer)
    html = listing_text(client, "credit_producer:index")
    assert producers["nongan"].name in html
    assert producers["dehui"].name in html
    assert producers["taigu"].name not in html


def test_superuser_sees_all(admin_client, producers):
    html = listing_text(admin_client, "credit_producer:index")
    for p in producers.values():
        assert p.name in html


def test_staff_without_officer_profile_sees_nothing(client, regionless_staff, producers):
    login(client, regionless_staff)
    assert refused(client.get(url("credit_producer:index"), **HOST))
    assert refused(client.get(url("credit_producer:inspect", producers["nongan"].pk), **HOST))
    menu = client.get(ADMIN_HOME, **HOST).content.decode()
    assert "credit_producer" not in menu


def test_fact_listing_scoped(client, county_officer, producers):
    mine = SamplingFactory(producer=producers["nongan"], product="黄瓜")
    theirs = SamplingFactory(producer=producers["taigu"], product="山药")
    login(client, county_officer)
    html = listing_text(client, "credit_sampling:index")
    assert mine.sample_code in html
    assert theirs.sample_code not in html


# --- single-object scope ------------------------------------------------------------------


def test_other_region_single_object_views_refused(client, county_officer, producers):
    taigu = producers["taigu"]
    fact = InspectionFactory(producer=taigu)
    login(client, county_officer)
    for name in (
        "credit_producer:inspect",
        "credit_producer:edit",
        "credit_producer:history",
        "credit_producer:integrity",
    ):
        assert refused(client.get(url(name, taigu.pk), **HOST)), name
    assert refused(client.post(url("credit_producer:recompute", taigu.pk), **HOST))
    for name in (
        "credit_inspection:inspect",
        "credit_inspection:correct",
        "credit_inspection:void",
        "credit_inspection:history",
    ):
        assert refused(client.get(url(name, fact.pk), **HOST)), name
    response = client.post(url("credit_inspection:void", fact.pk), {"reason": "x"}, **HOST)
    assert refused(response)
    fact.refresh_from_db()
    assert fact.voided_at is None


def test_own_region_single_object_views_open(client, county_officer, producers):
    mine = producers["nongan"]
    fact = InspectionFactory(producer=mine)
    login(client, county_officer)
    for name, pk in (
        ("credit_producer:inspect", mine.pk),
        ("credit_producer:edit", mine.pk),
        ("credit_producer:integrity", mine.pk),
        ("credit_inspection:inspect", fact.pk),
        ("credit_inspection:correct", fact.pk),
        ("credit_inspection:void", fact.pk),
    ):
        assert client.get(url(name, pk), **HOST).status_code == 200, name


def test_export_is_scoped(client, county_officer, producers):
    SamplingFactory(producer=producers["nongan"])
    other = SamplingFactory(producer=producers["taigu"])
    login(client, county_officer)
    response = client.get(reverse("credit_producer:index"), {"export": "csv"}, **HOST)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert producers["nongan"].uscc in body
    assert producers["taigu"].uscc not in body
    assert producers["taigu"].name not in body
    response = client.get(reverse("credit_sampling:index"), {"export": "csv"}, **HOST)
    body = b"".join(response.streaming_content).decode("utf-8")
    assert other.sample_code not in body
    # Filtering the export to another region cannot widen it.
    response = client.get(
        reverse("credit_producer:index"), {"export": "xlsx", "region": "140703"}, **HOST
    )
    assert response.status_code == 200
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 1  # headings only


def test_create_form_choices_scoped(client, county_officer, producers):
    login(client, county_officer)
    html = client.get(url("credit_inspection:add"), **HOST).content.decode()
    assert producers["nongan"].name in html
    assert producers["taigu"].name not in html
    # Posting another region's producer is rejected.
    data = {
        "producer": producers["taigu"].pk,
        "date": TODAY.isoformat(),
        "agency": "某执法大队",
        "records_ok": "true",
        "certificate_ok": "true",
        "inputs_ok": "true",
    }
    response = client.post(url("credit_inspection:add"), data, **HOST)
    assert response.status_code == 200
    assert not Inspection.objects.filter(producer=producers["taigu"]).exists()
    producer_form = client.get(url("credit_producer:add"), **HOST).content.decode()
    assert 'value="220122"' in producer_form
    assert 'value="140703"' not in producer_form


def test_officer_creates_fact_in_scope_and_future_date_refused(client, county_officer, producers):
    login(client, county_officer)
    data = {
        "producer": producers["nongan"].pk,
        "date": TODAY.isoformat(),
        "agency": "农安县农业综合行政执法大队",
        "records_ok": "true",
        "certificate_ok": "false",
        "inputs_ok": "unknown",
        "notes": "",
    }
    response = client.post(url("credit_inspection:add"), data, **HOST)
    assert response.status_code == 302, response.content.decode()[:2000]
    fact = Inspection.objects.get(producer=producers["nongan"])
    assert fact.recorded_by == county_officer and fact.source == "admin"
    future = dict(data, date=(TODAY + datetime.timedelta(days=3)).isoformat(), agency="另一组")
    response = client.post(url("credit_inspection:add"), future, **HOST)
    assert response.status_code == 200
    assert "日期不能晚于今天" in response.content.decode()


# --- append-only facts --------------------------------------------------------------------


def test_fact_edit_and_delete_refused(admin_client, producers):
    fact = InspectionFactory(producer=producers["nongan"])
    for name in ("credit_inspection:edit", "credit_inspection:delete"):
        assert refused(admin_client.get(url(name, fact.pk), **HOST)), name
        assert refused(admin_client.post(url(name, fact.pk), {}, **HOST)), name
    assert Inspection.objects.filter(pk=fact.pk, voided_at__isnull=True).exists()
    # Producers are master data: no deleting either.
    assert refused(admin_client.post(url("credit_producer:delete", producers["nongan"].pk), **HOST))
    assert Producer.objects.filter(pk=producers["nongan"].pk).exists()


def test_void_requires_reason_voids_and_recomputes(
    client, county_officer, producers, django_capture_on_commit_callbacks
):
    producer = producers["nongan"]
    failed = SamplingFactory(producer=producer, result="prohibited")
    recompute([producer.pk])
    producer.refresh_from_db()
    assert producer.grade == "D"
    login(client, county_officer)
    response = client.post(url("credit_sampling:void", failed.pk), {"reason": ""}, **HOST)
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.voided_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("credit_sampling:void", failed.pk), {"reason": "样品编号录入错误"}, **HOST
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.voided_at is not None and failed.void_reason == "样品编号录入错误"
    assert failed.voided_by == county_officer
    producer.refresh_from_db()
    assert producer.grade != "D"
    assert AuditEvent.objects.filter(action="fact.voided", object_id=str(failed.pk)).exists()


def test_correct_creates_correction(client, county_officer, producers):
    fact = SamplingFactory(producer=producers["nongan"], result="over_limit", product="黄瓜")
    login(client, county_officer)
    page = client.get(url("credit_sampling:correct", fact.pk), **HOST).content.decode()
    assert fact.sample_code in page and "黄瓜" in page  # prefilled
    data = {
        "sample_code": fact.sample_code,
        "date": fact.date.isoformat(),
        "product": "黄瓜",
        "category": "vegetables",
        "result": "pass",
        "failed_items": "",
        "lab": fact.lab,
        "plan": "routine",
        "reason": "复检合格，原结果录入错误",
    }
    response = client.post(url("credit_sampling:correct", fact.pk), data, **HOST)
    assert response.status_code == 302, response.content.decode()[:3000]
    fact.refresh_from_db()
    assert fact.is_voided
    new = Sampling.objects.get(corrects=fact)
    assert new.result == "pass" and new.voided_at is None and new.recorded_by == county_officer


def test_correct_without_reason_refused(client, county_officer, producers):
    fact = SamplingFactory(producer=producers["nongan"])
    login(client, county_officer)
    data = {
        "sample_code": fact.sample_code,
        "date": fact.date.isoformat(),
        "product": "西红柿",
        "category": "vegetables",
        "result": "pass",
        "lab": fact.lab,
        "plan": "routine",
        "reason": "",
    }
    response = client.post(url("credit_sampling:correct", fact.pk), data, **HOST)
    assert response.status_code == 200
    fact.refresh_from_db()
    assert not fact.is_voided


# --- reviews ------------------------------------------------------------------------------


def test_objection_upheld_voids_fact(
    client, county_officer, producers, django_capture_on_commit_callbacks
):
    producer = producers["nongan"]
    fact = SamplingFactory(producer=producer, result="over_limit")
    objection = submit_objection(producer, fact, "样品不是本社产品")
    login(client, county_officer)
    page = client.get(url("credit_objection:decide", objection.pk), **HOST)
    assert page.status_code == 200
    response = client.post(
        url("credit_objection:decide", objection.pk), {"decision": "yes", "reason": ""}, **HOST
    )
    assert response.status_code == 200  # reason required
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("credit_objection:decide", objection.pk),
            {"decision": "yes", "reason": "经核实样品非该社产品"},
            **HOST,
        )
    assert response.status_code == 302
    objection.refresh_from_db()
    fact.refresh_from_db()
    assert objection.status == ReviewStatus.UPHELD
    assert objection.decided_by == county_officer
    assert fact.is_voided and "异议成立" in fact.void_reason
    assert AuditEvent.objects.filter(
        action="objection.decided", object_id=str(objection.pk)
    ).exists()


def test_objection_other_region_refused(client, county_officer, producers):
    fact = SamplingFactory(producer=producers["taigu"])
    objection = submit_objection(producers["taigu"], fact, "不服")
    login(client, county_officer)
    response = client.post(
        url("credit_objection:decide", objection.pk), {"decision": "yes", "reason": "x"}, **HOST
    )
    assert refused(response)
    objection.refresh_from_db()
    assert objection.status == ReviewStatus.SUBMITTED


def test_repair_decision_shows_eligibility(client, county_officer, producers):
    from credit.services.reviews import submit_repair

    case = CaseFactory(
        producer=producers["nongan"],
        severity="general",
        decision_date=TODAY - datetime.timedelta(days=200),
    )
    app = submit_repair(producers["nongan"], case, "已整改完毕", True)
    login(client, county_officer)
    page = client.get(url("credit_repair:decide", app.pk), **HOST).content.decode()
    assert "修复条件" in page
    response = client.post(
        url("credit_repair:decide", app.pk), {"decision": "no", "reason": "整改材料不全"}, **HOST
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "refused"


# --- integrity file -----------------------------------------------------------------------


def test_integrity_file_renders_explanation_and_timeline(client, county_officer, producers):
    producer = producers["nongan"]
    InspectionFactory(producer=producer, agency="农安县执法大队一组")
    bad = SamplingFactory(producer=producer, result="over_limit", product="韭菜")
    voided = SamplingFactory(producer=producer, product="芹菜")
    from credit.services.records import void_fact

    void_fact(voided, None, "重复录入")
    submit_objection(producer, bad, "对检测结果有异议")
    recompute([producer.pk])
    grade = producer.grades.order_by("-as_of", "-id").first()
    login(client, county_officer)
    response = client.get(url("credit_producer:integrity", producer.pk), **HOST)
    assert response.status_code == 200
    html = response.content.decode()
    for line in grade.explanation():
        assert line in html
    assert "农安县执法大队一组" in html and "韭菜" in html
    assert "<del>" in html and "重复录入" in html
    assert "异议中" in html
    assert "重新计算" in html


def test_integrity_file_masks_id_number_for_officers(client, county_officer, admin_client):
    from tests.credit.factories import next_id_number

    farm = ProducerFactory(
        uscc=None, id_number=next_id_number("220122"), kind="family_farm", name="农安县张三家庭农场"
    )
    login(client, county_officer)
    html = client.get(url("credit_producer:integrity", farm.pk), **HOST).content.decode()
    assert farm.id_number not in html and farm.masked_id_number in html
    html = admin_client.get(url("credit_producer:integrity", farm.pk), **HOST).content.decode()
    assert farm.id_number in html


def test_recompute_button(client, county_officer, producers):
    producer = producers["nongan"]
    SamplingFactory(producer=producer, result="pass")
    login(client, county_officer)
    response = client.post(url("credit_producer:recompute", producer.pk), **HOST)
    assert response.status_code == 302
    assert producer.grades.exists()
    assert refused(client.get(url("credit_producer:recompute", producer.pk), **HOST)) or (
        client.get(url("credit_producer:recompute", producer.pk), **HOST).status_code == 405
    )


# --- search -------------------------------------------------------------------------------


def test_two_character_chinese_search(client, province_officer, producers):
    login(client, province_officer)
    html = listing_text(client, "credit_producer:index", q="绿源")
    assert producers["nongan"].name in html
    assert producers["dehui"].name not in html
    assert producers["taigu"].name not in html  # out of scope even though it matches
    html = listing_text(client, "credit_producer:index", q=producers["dehui"].uscc.lower())
    assert producers["dehui"].name in html and producers["nongan"].name not in html


def test_fact_search_by_producer_name(admin_client, producers):
    s = SamplingFactory(producer=producers["taigu"])
    html = listing_text(admin_client, "credit_sampling:index", q="太谷")
    assert s.sample_code in html


def test_region_filter_resolves_any_level(admin_client, producers):
    html = listing_text(admin_client, "credit_producer:index", region="220000")
    assert producers["nongan"].name in html and producers["dehui"].name in html
    assert producers["taigu"].name not in html
    html = listing_text(admin_client, "credit_producer:index", region="农安")
    assert producers["nongan"].name in html and producers["dehui"].name not in html


# --- superuser-only and read-only ---------------------------------------------------------


def test_policy_and_officers_superuser_only(client, province_officer, admin_client):
    login(client, province_officer)
    assert refused(client.get(url("credit_policy:index"), **HOST))
    assert refused(client.get(url("credit_officer:index"), **HOST))
    assert admin_client.get(url("credit_policy:index"), **HOST).status_code == 200
    assert admin_client.get(url("credit_officer:index"), **HOST).status_code == 200
    policy = ScoringPolicy.objects.first()
    assert refused(admin_client.get(url("credit_policy:edit", policy.pk), **HOST))


def test_read_only_models_have_no_edit(client, county_officer, producers):
    producer = producers["nongan"]
    SamplingFactory(producer=producer)
    recompute([producer.pk])
    grade = producer.grades.first()
    login(client, county_officer)
    assert client.get(url("credit_grade:index"), **HOST).status_code == 200
    assert client.get(url("credit_grade:inspect", grade.pk), **HOST).status_code == 200
    with pytest.raises(Exception):  # noqa: B017 - no such URL
        url("credit_grade:edit", grade.pk)
    other = ProducerFactory(region_id="140703", uscc=make_uscc("93", "140703", "MA0000077"))
    SamplingFactory(producer=other)
    recompute([other.pk])
    assert refused(client.get(url("credit_grade:inspect", other.grades.first().pk), **HOST))


# --- import -------------------------------------------------------------------------------


def _csv_upload(rows, name="producers.csv", encoding="utf-8"):
    buffer = io.StringIO()
    import csv

    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


HEADERS = [
    "uscc",
    "id_number",
    "name",
    "kind",
    "region_code",
    "address",
    "legal_rep",
    "phone",
    "categories",
]


def test_import_valid_csv(client, county_officer):
    uscc = make_uscc("93", "220122", "MA0000123")
    upload = _csv_upload(
        [
            HEADERS,
            [
                uscc,
                "",
                "农安县新导入蔬菜合作社",
                "cooperative",
                "220122",
                "农安镇",
                "李四",
                "13900001111",
                "vegetables",
            ],
        ]
    )
    login(client, county_officer)
    response = client.post(
        url("credit_import:index"), {"kind": "producers", "file": upload}, **HOST
    )
    assert response.status_code == 200
    assert Producer.objects.filter(uscc=uscc).exists()
    assert "导入完成" in response.content.decode()


def test_import_bad_rows_and_out_of_scope(client, county_officer):
    good = make_uscc("93", "220122", "MA0000124")
    elsewhere = make_uscc("93", "140703", "MA0000125")
    upload = _csv_upload(
        [
            HEADERS,
            [good, "", "农安县好合作社", "cooperative", "220122", "", "", "", "vegetables"],
            ["NOT-A-USCC", "", "坏行", "cooperative", "220122", "", "", "", ""],
            [elsewhere, "", "太谷区外地合作社", "cooperative", "140703", "", "", "", ""],
        ]
    )
    login(client, county_officer)
    response = client.post(
        url("credit_import:index"), {"kind": "producers", "file": upload}, **HOST
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "导入未完成" in html
    assert "<td>3</td>" in html and "<td>4</td>" in html  # the bad rows, by row number
    assert not Producer.objects.filter(uscc__in=[good, elsewhere]).exists()
    # The full report downloads for its owner only.
    import re

    link = re.search(r'href="(/admin/credit/import/report/[^"]+)"', html).group(1)
    report = client.get(link, **HOST)
    assert report.status_code == 200
    assert "原因" in b"".join(report.streaming_content).decode("utf-8-sig")
    client.force_login(make_officer(Group.objects.get(name="信用管理人员"), "other", "220122"))
    assert refused(client.get(link, **HOST))


def test_import_rejects_disguised_files(client, county_officer):
    login(client, county_officer)
    fake_xlsx = SimpleUploadedFile("data.xlsx", b"uscc,name\n1,2\n")
    response = client.post(
        url("credit_import:index"), {"kind": "producers", "file": fake_xlsx}, **HOST
    )
    assert "不是 Excel 工作簿" in response.content.decode()
    binary = SimpleUploadedFile("data.csv", b"\xff\xfe\x00\x00binary\x00")
    response = client.post(
        url("credit_import:index"), {"kind": "producers", "file": binary}, **HOST
    )
    html = response.content.decode()
    assert "CSV" in html and "导入完成" not in html
    exe = SimpleUploadedFile("data.exe", b"MZ")
    response = client.post(url("credit_import:index"), {"kind": "producers", "file": exe}, **HOST)
    assert "只接受" in response.content.decode()


def test_import_size_limit(client, county_officer, monkeypatch):
    from credit.admin import forms as cforms

    monkeypatch.setattr(cforms, "MAX_UPLOAD_BYTES", 10)
    login(client, county_officer)
    upload = _csv_upload([HEADERS])
    response = client.post(
        url("credit_import:index"), {"kind": "producers", "file": upload}, **HOST
    )
    assert "文件过大" in response.content.decode()


def test_import_gb18030_csv(client, county_officer):
    uscc = make_uscc("93", "220122", "MA0000126")
    upload = _csv_upload(
        [HEADERS, [uscc, "", "农安县国标编码合作社", "cooperative", "220122", "", "", "", ""]],
        encoding="gb18030",
    )
    login(client, county_officer)
    client.post(url("credit_import:index"), {"kind": "producers", "file": upload}, **HOST)
    assert Producer.objects.filter(uscc=uscc, name="农安县国标编码合作社").exists()


def test_menu_lists_credit_group(admin_client):
    html = admin_client.get(ADMIN_HOME, **HOST).content.decode()
    for name in (
        "credit_producer",
        "credit_inspection",
        "credit_sampling",
        "credit_certificate",
        "credit_certification",
        "credit_enforcementcase",
        "credit_blacklistentry",
        "credit_grade",
        "credit_restriction",
        "credit_objection",
        "credit_repair",
        "credit_policy",
        "credit_audit",
        "credit_region",
        "credit_officer",
        "credit_import",
    ):
        assert f'"name": "{name}"' in html, name


# --- history, producer edits, large scopes ------------------------------------------------


def test_history_is_audit_trail_and_scoped(client, county_officer, producers):
    from credit.services.records import void_fact

    fact = InspectionFactory(producer=producers["nongan"])
    void_fact(fact, county_officer, "录入错误")
    other = InspectionFactory(producer=producers["taigu"])
    login(client, county_officer)
    html = client.get(url("credit_inspection:history", fact.pk), **HOST).content.decode()
    assert "fact.voided" in html and "录入错误" in html
    assert refused(client.get(url("credit_inspection:history", other.pk), **HOST))


def test_officer_edits_producer_within_scope(client, county_officer, producers):
    producer = producers["nongan"]
    login(client, county_officer)
    data = {
        "name": "农安县绿源果蔬种植专业合作社",
        "kind": "cooperative",
        "region": "220122",
        "address": "农安镇",
        "legal_rep": "张三",
        "phone": "13900001234",
        "categories": ["vegetables", "fruit"],
    }
    response = client.post(url("credit_producer:edit", producer.pk), data, **HOST)
    assert response.status_code == 302, response.content.decode()[:2000]
    producer.refresh_from_db()
    assert producer.name == "农安县绿源果蔬种植专业合作社"
    assert producer.categories == ["vegetables", "fruit"]
    event = AuditEvent.objects.get(action="producer.updated", object_id=str(producer.pk))
    assert event.actor == "nongan" and "name" in event.data["changed"]
    # Moving it out of the officer's region is not a valid choice.
    response = client.post(
        url("credit_producer:edit", producer.pk), dict(data, region="140703"), **HOST
    )
    assert response.status_code == 200
    producer.refresh_from_db()
    assert producer.region_id == "220122"


def test_producer_key_input_when_scope_is_large(client, county_officer, producers, monkeypatch):
    from credit.admin import forms as cforms

    monkeypatch.setattr(cforms, "PRODUCER_SELECT_LIMIT", 0)
    login(client, county_officer)
    html = client.get(url("credit_sampling:add"), **HOST).content.decode()
    assert 'placeholder="统一社会信用代码或身份证号码"' in html
    data = {
        "producer": producers["nongan"].uscc.lower(),
        "sample_code": "NA-TEXT-1",
        "date": TODAY.isoformat(),
        "product": "黄瓜",
        "category": "vegetables",
        "result": "pass",
        "plan": "routine",
    }
    response = client.post(url("credit_sampling:add"), data, **HOST)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Sampling.objects.get(sample_code="NA-TEXT-1").producer == producers["nongan"]
    data = dict(data, producer=producers["taigu"].uscc, sample_code="NA-TEXT-2")
    response = client.post(url("credit_sampling:add"), data, **HOST)
    assert "不在您的管辖范围内" in response.content.decode()
    assert not Sampling.objects.filter(sample_code="NA-TEXT-2").exists()
