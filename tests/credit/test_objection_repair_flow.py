"""Producer self-service end to end: claim code on the notice letter → identification →
objection / repair application / reply → decision in the admin → public effect (fact
voided, grade recomputed, restrictions lifted and pushed to the feed, reply shown).

Also: bad uploads, enumeration of claim codes and application numbers (429), and that no
phone number or full ID number reaches the public pages.
"""

import datetime
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import include, path, reverse

# The admin modules register Wagtail hooks: import them before the project's URLs are built
# (in the project, credit/wagtail_hooks.py and portal/wagtail_hooks.py import them).
import credit.admin.certificates_print  # noqa: F401
import credit.admin.claims  # noqa: F401
import portal.complaints.admin  # noqa: F401
from credit.models import (
    FACT_MODELS,
    ApiToken,
    ClaimCode,
    Objection,
    OfficerProfile,
    Organisation,
    Producer,
    ProducerReply,
    RepairApplication,
    RepairChecklist,
    RestrictionChange,
    ReviewAttachment,
    ReviewStatus,
)
from credit.publicforms.identity import application_number, issue_claim
from credit.publicforms.replies import get_public_reply
from credit.publicity import case_published
from credit.services.credit_view import producer_credit
from credit.services.grading import policy_for, recompute
from credit.services.reviews import fact_under_objection
from nongan.urls import urlpatterns as project_urls
from tests.credit.factories import (
    CaseFactory,
    ProducerFactory,
    SamplingFactory,
    next_id_number,
)

urlpatterns = [
    path("", include("credit.public_urls")),
    path("", include("portal.complaints.urls")),
    *project_urls,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

HOST = {"HTTP_HOST": "testserver"}
TODAY = datetime.date.today()
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"  # 1x1 RGB
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    cache.clear()
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.PUBLIC_RATE_LIMITS = {"claim": (20, 900)}
    yield
    cache.clear()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def producer(on_commit):
    """S_samp 75 (3 of 4 pass) − 10 for a general penalty = 65 → C: brand_selection and
    honours restricted. The penalty (with a fine) was decided 200 days ago: repairable."""
    p = ProducerFactory(name="农安县金穗玉米种植专业合作社", phone="13904319876")
    for result in ("pass", "pass", "pass"):
        SamplingFactory(producer=p, result=result)
    SamplingFactory(producer=p, result="over_limit", product="玉米", failed_items="镉")
    CaseFactory(
        producer=p,
        case_number="农安农罚〔2026〕8号",
        severity="general",
        decision_date=TODAY - datetime.timedelta(days=200),
        penalty="罚款 3000 元",
        fine_amount=Decimal("3000"),
    )
    on_commit(recompute, [p.id], TODAY)
    p.refresh_from_db()
    assert p.grade == "C"
    return p


@pytest.fixture
def claim(producer):
    return issue_claim(producer, None, subject="农安农罚〔2026〕8号")


def identify(client, producer, code, identifier=None, kind="objection"):
    url = f"/credit/{producer.uscc}/{kind}/" if producer.uscc else f"/credit/online/{kind}/"
    return client.post(
        url,
        {"step": "identify", "identifier": identifier or producer.uscc, "code": code},
        **HOST,
    )


def officer(region_code="220122", username="nongan"):
    group, _ = Group.objects.get_or_create(name="信用管理人员")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    from credit.models import ClaimCode as CC

    for model in (
        Producer,
        *FACT_MODELS,
        Objection,
        RepairApplication,
        CC,
        ProducerReply,
        ReviewAttachment,
    ):
        ct = ContentType.objects.get_for_model(model)
        group.permissions.add(*Permission.objects.filter(content_type=ct))
    user = get_user_model().objects.create_user(username, password="pw-123456", is_staff=True)
    user.groups.add(group)
    OfficerProfile.objects.create(user=user, region_id=region_code)
    return user


def assert_no_personal_numbers(html: str):
    assert not MOBILE_RE.search(html), MOBILE_RE.search(html).group(0)
    assert not ID_RE.search(html), ID_RE.search(html).group(0)


def row_key(fact):
    return f"{fact._meta.model_name}:{fact.pk}"


# --- identification -------------------------------------------------------------------------


def test_identification_needs_uscc_and_claim_code(client, producer, claim):
    _claim, code = claim
    page = client.get(f"/credit/{producer.uscc}/objection/", **HOST)
    assert page.status_code == 200 and "认领码" in page.content.decode()
    wrong = identify(client, producer, "AAAA-BBBB-CCCC")
    assert wrong.status_code == 200 and "不匹配" in wrong.content.decode()
    assert client.get(f"/credit/{producer.uscc}/objection/", **HOST).context["identified"] is False
    ok = identify(client, producer, code.lower().replace("-", " "))
    assert ok.status_code == 302
    page = client.get(f"/credit/{producer.uscc}/objection/", **HOST)
    assert page.context["identified"] is True
    assert "农安农罚〔2026〕8号" in page.content.decode()


def test_claim_code_of_another_producer_or_revoked_is_refused(client, producer, claim):
    other = ProducerFactory(name="另一合作社")
    _c, other_code = issue_claim(other, None)
    assert identify(client, producer, other_code).status_code == 200  # refused, form again
    # the other producer's code with the other producer's USCC, on this producer's page
    response = identify(client, producer, other_code, identifier=other.uscc)
    assert response.status_code == 200 and "不匹配" in response.content.decode()
    # a newer code revokes the older one
    _old, old_code = claim
    issue_claim(producer, None)
    assert identify(client, producer, old_code).status_code == 200


def test_producer_known_by_id_number_never_sees_its_number_echoed(client):
    number = next_id_number()
    farm = ProducerFactory(uscc=None, id_number=number, name="李某家庭农场", kind="family_farm")
    _c, code = issue_claim(farm, None)
    wrong = client.post(
        "/credit/online/objection/",
        {"step": "identify", "identifier": number, "code": "WRONG-CODE-0000"},
        **HOST,
    )
    assert number not in wrong.content.decode()
    assert_no_personal_numbers(wrong.content.decode())
    ok = client.post(
        "/credit/online/objection/",
        {"step": "identify", "identifier": number, "code": code},
        **HOST,
    )
    assert ok.status_code == 302
    page = client.get("/credit/online/objection/", **HOST).content.decode()
    assert "李某家庭农场" in page and farm.masked_id_number in page
    assert_no_personal_numbers(page)


def test_guessing_claim_codes_is_cut_off(client, producer, claim):
    statuses = [identify(client, producer, f"GUES-SXXX-{i:04d}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # even the right code is refused until the window ends
    assert identify(client, producer, claim[1]).status_code == 429


# --- objection ------------------------------------------------------------------------------


def test_objection_end_to_end(client, producer, claim, on_commit):
    failed = producer.samplings.get(result="over_limit")
    identify(client, producer, claim[1])
    page = client.get(f"/credit/{producer.uscc}/objection/", **HOST)
    html = page.content.decode()
    assert "玉米" in html and "镉" in html and "抽检不合格" in html
    assert_no_personal_numbers(html)

    evidence = SimpleUploadedFile("复检报告.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/credit/{producer.uscc}/objection/",
        {
            "record": row_key(failed),
            "reason": "该批玉米非本社生产，有购销合同为证",
            "attachments": [evidence],
        },
        **HOST,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    objection = Objection.objects.get(producer=producer)
    number = application_number(objection)
    assert response["Location"].endswith(f"?n={number}")
    assert objection.status == ReviewStatus.SUBMITTED and objection.deadline
    assert fact_under_objection(failed)
    att = ReviewAttachment.objects.get(objection=objection)
    assert att.kind == "pdf" and att.original_name == "复检报告.pdf"
    assert ClaimCode.objects.get(pk=claim[0].pk).used

    status = client.get(response["Location"], **HOST).content.decode()
    assert number in status and "已提交" in status
    # the record now reads "异议审核中" and cannot be disputed twice
    page = client.get(f"/credit/{producer.uscc}/objection/", **HOST).content.decode()
    assert "异议审核中" in page
    again = client.post(
        f"/credit/{producer.uscc}/objection/", {"record": row_key(failed), "reason": "再次"}, **HOST
    )
    assert again.status_code == 200 and Objection.objects.count() == 1

    # an objection under review does not change the grade (DESIGN §5)
    on_commit(recompute, [producer.id], TODAY)
    producer.refresh_from_db()
    assert producer.grade == "C"

    # staff uphold it: the fact is voided and the producer recomputed
    admin = officer()
    client.force_login(admin)
    inspect = client.get(reverse("credit_objection:inspect", args=(objection.pk,)), **HOST)
    assert inspect.status_code == 200
    response = on_commit(
        client.post,
        reverse("credit_objection:decide", args=(objection.pk,)),
        {"decision": "yes", "reason": "经核实该批次非该社产品"},
        **HOST,
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    producer.refresh_from_db()
    assert failed.is_voided
    # S_samp 100 − 10 = 90 → A
    assert producer.grade == "A"
    client.logout()
    status = client.post(
        reverse("credit-application-status"), {"number": number, "code": claim[1]}, **HOST
    ).content.decode()
    assert "成立" in status and "经核实该批次非该社产品" in status


# --- uploads --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            lambda: SimpleUploadedFile(
                "photo.jpg", b"just some text, not an image\n" * 3, content_type="image/jpeg"
            ),
            "不是图片或 PDF",
        ),
        (
            lambda: SimpleUploadedFile(
                "setup.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="image/jpeg"
            ),
            "不是图片或 PDF",
        ),
        (
            lambda: SimpleUploadedFile(
                "big.png", PNG + b"\x00" * (5 * 1024 * 1024), content_type="image/png"
            ),
            "超过 5 MB",
        ),
    ],
)
def test_bad_uploads_are_refused(client, producer, claim, upload, message):
    failed = producer.samplings.get(result="over_limit")
    identify(client, producer, claim[1])
    response = client.post(
        f"/credit/{producer.uscc}/objection/",
        {"record": row_key(failed), "reason": "理由", "attachments": [upload()]},
        **HOST,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Objection.objects.exists() and not ReviewAttachment.objects.exists()


def test_at_most_three_files(client, producer, claim):
    failed = producer.samplings.get(result="over_limit")
    identify(client, producer, claim[1])
    files = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(4)]
    response = client.post(
        f"/credit/{producer.uscc}/objection/",
        {"record": row_key(failed), "reason": "理由", "attachments": files},
        **HOST,
    )
    assert "最多上传 3 个文件" in response.content.decode()
    assert not Objection.objects.exists()


# --- repair ---------------------------------------------------------------------------------


def repair_post(client, producer, case, **overrides):
    data = {
        "record": row_key(case),
        "fine_paid": "on",
        "rectification_done": "on",
        "statement": "已缴清罚款，建立了农药使用台账并通过复查。",
        "signer": "张某",
        "commitment": "on",
        "attachments": [SimpleUploadedFile("缴款凭证.png", PNG, content_type="image/png")],
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/credit/{producer.uscc}/repair/", data, **HOST)


def test_repair_page_shows_eligibility_per_record(client, producer, claim):
    CaseFactory(
        producer=producer,
        case_number="农安农罚〔2026〕20号",
        severity="serious",
        decision_date=TODAY - datetime.timedelta(days=100),
    )
    identify(client, producer, claim[1], kind="repair")
    page = client.get(f"/credit/{producer.uscc}/repair/", **HOST)
    rows = {r.number: r for r in page.context["rows"]}
    assert rows["农安农罚〔2026〕20号"].can_repair is False
    html = page.content.decode()
    assert "最短公示期未满" in html
    # the general case was followed by a new case: a repeat bars repair too
    assert rows["农安农罚〔2026〕8号"].can_repair is False
    assert "再次发生违法行为" in html
    assert "目前没有可以申请修复的记录" in html


def test_repair_needs_obligations_commitment_and_documents(client, producer, claim):
    case = producer.enforcementcases.get()
    identify(client, producer, claim[1], kind="repair")
    no_fine = repair_post(client, producer, case, fine_paid=None)
    assert "罚没款" in no_fine.content.decode()
    no_commitment = repair_post(client, producer, case, commitment=None)
    assert "须同意信用修复承诺书" in no_commitment.content.decode()
    no_files = repair_post(client, producer, case, attachments=[])
    assert "请至少上传 1 个证明文件" in no_files.content.decode()
    assert not RepairApplication.objects.exists()


def test_repair_approved_end_to_end_lifts_restrictions_and_feeds(
    client, producer, claim, on_commit
):
    case = producer.enforcementcases.get()
    restricted = {r["scenario"] for r in producer_credit(producer, TODAY)["restrictions"]}
    assert restricted == {"brand_selection", "honours"}
    assert case_published(case.decision_date, "general", TODAY, policy_for(TODAY))

    identify(client, producer, claim[1], kind="repair")
    response = repair_post(client, producer, case)
    assert response.status_code == 302, response.content.decode()[:3000]
    app = RepairApplication.objects.get(producer=producer)
    checklist = RepairChecklist.objects.get(application=app)
    assert checklist.fine_paid is True and checklist.signer == "张某"
    assert (
        "信用修复承诺书" in checklist.commitment_text and producer.name in checklist.commitment_text
    )
    assert app.commitment_accepted and "【义务履行清单】" in app.statement
    assert ReviewAttachment.objects.filter(repair=app, kind="png").count() == 1

    # a feed consumer reads up to now
    org = Organisation.objects.create(name="品牌评选委员会")
    _row, token = ApiToken.issue(org, ["brand_selection", "honours"])
    feed = client.get(
        "/api/v1/restrictions/changes", {"since": ""}, HTTP_AUTHORIZATION=f"Token {token}", **HOST
    ).json()
    cursor = feed["next"]

    admin = officer()
    client.force_login(admin)
    response = on_commit(
        client.post,
        reverse("credit_repair:decide", args=(app.pk,)),
        {"decision": "yes", "reason": "已履行处罚决定，整改到位"},
        **HOST,
    )
    assert response.status_code == 302
    app.refresh_from_db()
    producer.refresh_from_db()
    assert app.status == "approved" and app.approved_on == TODAY
    # the penalty no longer counts: 75 → B, no restrictions, not published
    assert producer.grade == "B"
    assert producer_credit(producer, TODAY)["restrictions"] == []
    assert not case_published(
        case.decision_date, "general", TODAY, policy_for(TODAY), repaired_on=app.approved_on
    )
    lifted = RestrictionChange.objects.filter(restriction__producer=producer, change="lifted")
    assert {c.scenario for c in lifted} == {"brand_selection", "honours"}
    client.logout()
    changes = client.get(
        "/api/v1/restrictions/changes",
        {"since": cursor},
        HTTP_AUTHORIZATION=f"Token {token}",
        **HOST,
    ).json()["results"]
    assert {(c["scenario"], c["change"]) for c in changes} == {
        ("brand_selection", "lifted"),
        ("honours", "lifted"),
    }
    # the record is now marked repaired and cannot be applied for again
    identify(client, producer, claim[1], kind="repair")
    page = client.get(f"/credit/{producer.uscc}/repair/", **HOST).content.decode()
    assert "已修复" in page


def test_refused_repair_reasons_on_status_page(client, producer, claim):
    case = producer.enforcementcases.get()
    identify(client, producer, claim[1], kind="repair")
    assert repair_post(client, producer, case).status_code == 302
    app = RepairApplication.objects.get()
    number = application_number(app)
    client.force_login(officer())
    client.post(
        reverse("credit_repair:decide", args=(app.pk,)),
        {"decision": "no", "reason": "缴款凭证与处罚决定书金额不符"},
        **HOST,
    )
    client.logout()
    fresh = client.__class__()
    page = fresh.get(reverse("credit-application-status"), **HOST)
    assert page.status_code == 200 and "申请编号" in page.content.decode()
    result = fresh.post(
        reverse("credit-application-status"), {"number": number, "code": claim[1]}, **HOST
    ).content.decode()
    assert "不予修复" in result and "缴款凭证与处罚决定书金额不符" in result
    assert "不予支持的理由" in result
    assert_no_personal_numbers(result)
    wrong = fresh.post(
        reverse("credit-application-status"), {"number": number, "code": "AAAA-BBBB-CCCC"}, **HOST
    ).content.decode()
    assert "不匹配" in wrong and "缴款凭证" not in wrong


def test_guessing_application_numbers_is_cut_off(client, producer, claim):
    prefix = f"XF{TODAY:%Y%m%d}"
    statuses = [
        client.post(
            reverse("credit-application-status"),
            {"number": f"{prefix}{i:06d}", "code": "AAAA-BBBB-CCCC"},
            **HOST,
        ).status_code
        for i in range(1, 6)
    ]
    assert statuses == [200, 200, 200, 200, 429]


# --- right to reply -------------------------------------------------------------------------


def test_reply_moderated_and_shown_beside_grade(client, producer, claim, on_commit):
    identify(client, producer, claim[1], kind="reply")
    url = f"/credit/{producer.uscc}/reply/"
    too_long = client.post(url, {"text": "说" * 501, "agree": "on"}, **HOST)
    assert "500" in too_long.content.decode() and not ProducerReply.objects.exists()
    with_phone = client.post(url, {"text": "请致电 139 0431 9876 了解详情", "agree": "on"}, **HOST)
    assert "不能包含手机号码" in with_phone.content.decode()
    text = "本社已于今年完成整改，全部基地实行农药统防统治，欢迎监督。"
    response = client.post(url, {"text": text, "agree": "on"}, **HOST)
    assert response.status_code == 302
    reply = ProducerReply.objects.get()
    assert reply.status == "pending" and reply.grade == "C"
    assert get_public_reply(producer) is None
    page = client.get(url, **HOST).content.decode()
    assert "正在审核" in page

    admin = officer()
    client.force_login(admin)
    listing = client.get(reverse("credit_reply:index"), **HOST)
    assert listing.status_code == 200 and producer.name in listing.content.decode()
    moderate = reverse("credit_reply:moderate", args=(reply.pk,))
    assert client.get(moderate, **HOST).status_code == 200
    response = client.post(moderate, {"decision": "yes", "note": ""}, **HOST)
    assert response.status_code == 302
    shown = get_public_reply(producer)
    assert shown == reply
    html = render_to_string("credit/includes/producer_reply.html", {"reply": shown})
    assert "主体自述" in html and text in html and "不代表本平台观点" in html
    # a reply to grade C is not shown once the grade changes
    producer.grade = "B"
    producer.save(update_fields=["grade"])
    assert get_public_reply(producer) is None
    assert (
        render_to_string(
            "credit/includes/producer_reply.html", {"reply": get_public_reply(producer)}
        ).strip()
        == ""
    )


def test_rejected_reply_reason_reaches_producer(client, producer, claim):
    identify(client, producer, claim[1], kind="reply")
    client.post(
        f"/credit/{producer.uscc}/reply/", {"text": "等级评定不公！", "agree": "on"}, **HOST
    )
    reply = ProducerReply.objects.get()
    client.force_login(officer())
    moderate = reverse("credit_reply:moderate", args=(reply.pk,))
    assert client.post(moderate, {"decision": "no", "note": ""}, **HOST).status_code == 200
    client.post(moderate, {"decision": "no", "note": "未说明具体情况，请补充事实"}, **HOST)
    reply.refresh_from_db()
    assert reply.status == "rejected"
    client.logout()
    result = client.post(
        reverse("credit-application-status"),
        {"number": application_number(reply), "code": claim[1]},
        **HOST,
    ).content.decode()
    assert "未通过" in result and "未说明具体情况，请补充事实" in result


# --- the notice letter and the admin ------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_officer_issues_claim_letter_and_producer_uses_its_code(client, producer, tmp_path):
    case = producer.enforcementcases.get()
    admin = officer()
    client.force_login(admin)
    form = client.get(reverse("credit_claim:issue"), {"fact": f"enforcementcase:{case.pk}"}, **HOST)
    assert form.status_code == 200 and "农安农罚〔2026〕8号" in form.content.decode()
    response = client.post(
        reverse("credit_claim:issue"),
        {"producer": producer.pk, "subject": "农安农罚〔2026〕8号 行政处罚", "valid_days": 365},
        **HOST,
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    claim = ClaimCode.objects.get(producer=producer)
    assert claim.issued_by == admin
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    text = re.sub(r"\s+", "", text)
    assert "信用信息告知书" in text and producer.name in text
    code = re.search(r"认领码.*?([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", text).group(1)
    assert code.replace("-", "") not in claim.code_hash  # only a hash is stored
    assert f"/credit/{producer.uscc}/objection/" in text
    client.logout()
    assert identify(client, producer, code).status_code == 302


def test_claim_admin_and_attachments_are_region_scoped(client, producer, claim):
    failed = producer.samplings.get(result="over_limit")
    identify(client, producer, claim[1])
    client.post(
        f"/credit/{producer.uscc}/objection/",
        {
            "record": row_key(failed),
            "reason": "非本社产品",
            "attachments": [SimpleUploadedFile("a.png", PNG, content_type="image/png")],
        },
        **HOST,
    )
    att = ReviewAttachment.objects.get()
    download = reverse("credit_review_attachment_download", args=(att.pk,))
    mine = officer("220122", "mine")
    client.force_login(mine)
    assert producer.name in client.get(reverse("credit_claim:index"), **HOST).content.decode()
    response = client.get(download, **HOST)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    theirs = officer("140703", "theirs")
    client.force_login(theirs)
    assert producer.name not in client.get(reverse("credit_claim:index"), **HOST).content.decode()
    assert client.get(download, **HOST).status_code in (302, 403, 404)
    issue = client.post(
        reverse("credit_claim:issue"),
        {"producer": producer.pk, "subject": "", "valid_days": 365},
        **HOST,
    )
    assert issue.get("Content-Type") != "application/pdf"
    assert ClaimCode.objects.filter(producer=producer).count() == 1


@pytest.mark.parametrize(
    "text",
    [
        "请致电 +86-139-0431-9876",
        "电话（0431）8123-4567",
        "联系 0086 13904319876",
        "身份证 22012219900101123x",
    ],
)
def test_reply_refuses_phone_and_id_numbers_in_any_spelling(client, producer, claim, text):
    identify(client, producer, claim[1], kind="reply")
    response = client.post(f"/credit/{producer.uscc}/reply/", {"text": text, "agree": "on"}, **HOST)
    assert "不能包含手机号码" in response.content.decode()
    assert not ProducerReply.objects.exists()


def test_contains_personal_data_keeps_ordinary_numbers():
    from credit.publicforms.privacy import contains_personal_data

    for text in (
        "罚款 5000 元已于 2026.3.15 缴纳",
        "决定书 农（农安）罚〔2024〕12号",
        "面积 1.5 亩，产量 12000 公斤",
        "申请编号 XF20260301000012",
    ):
        assert not contains_personal_data(text), text


def test_self_service_pages_in_english(client, producer, claim):
    client.cookies["django_language"] = "en"
    page = client.get(f"/credit/{producer.uscc}/objection/", **HOST).content.decode()
    for text in ("Online services for producers", "First, confirm who you are", "Claim code"):
        assert text in page, text
    identify(client, producer, claim[1], kind="repair")
    repair = client.get(f"/credit/{producer.uscc}/repair/", **HOST).content.decode()
    assert "Credit repair" in repair and "Sign out (end this session)" in repair
    status = client.get("/credit/online/status/", **HOST).content.decode()
    assert "Application progress" in status
