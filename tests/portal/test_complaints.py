"""投诉举报 end to end: the public form (challenge, uploads checked by content, per-IP
limits), the receipt, tracking by number + query code (enumeration → 429), and triage in
the admin (region scope, lifecycle, assignment, replies, case link, contact privacy)."""

import datetime
import io
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse
from PIL import Image

# The admin modules register Wagtail hooks: import them before the project's URLs are built
# (in the project, credit/wagtail_hooks.py and portal/wagtail_hooks.py import them).
import credit.admin.certificates_print  # noqa: F401
import credit.admin.claims  # noqa: F401
import portal.complaints.admin  # noqa: F401
from credit.models import OfficerProfile
from nongan.urls import urlpatterns as project_urls
from portal.complaints.forms import make_challenge
from portal.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintReply,
    ComplaintStatus,
)
from tests.credit.factories import CaseFactory, ProducerFactory

urlpatterns = [
    path("", include("credit.public_urls")),
    path("", include("portal.complaints.urls")),
    *project_urls,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

HOST = {"HTTP_HOST": "testserver"}
PHONE = "13812345678"
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")


def _image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, fmt)
    return buf.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    cache.clear()
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.PUBLIC_RATE_LIMITS = {"complaint": (3, 3600), "complaint-track": (20, 900)}
    yield
    cache.clear()


def form_data(**overrides):
    challenge = make_challenge(now=time.time() - 30)
    data = {
        "category": "residues",
        "description": "在农安镇农贸市场买的韭菜有很重的农药味，家人食用后头晕。",
        "place": "农安镇农贸市场东门第三个摊位",
        "region": "农安县",
        "producer_name": "农安县绿野蔬菜种植专业合作社",
        "producer_uscc": "",
        "occurred_on": (datetime.date.today() - datetime.timedelta(days=2)).isoformat(),
        "contact_name": "张三",
        "contact_phone": PHONE,
        "challenge_token": challenge.token,
        "challenge_answer": str(challenge.answer),
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(client, **overrides):
    return client.post("/complaints/", form_data(**overrides), **HOST)


def receipt(client, response):
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(response["Location"], **HOST).content.decode()
    number = re.search(r'id="tracking-number">(TS\d{13})<', page).group(1)
    code = re.search(r'id="query-code">([0-9A-Z]{8})<', page).group(1)
    return number, code, page


def assert_no_personal_numbers(html: str):
    assert not MOBILE_RE.search(html), MOBILE_RE.search(html).group(0)
    assert not ID_RE.search(html), ID_RE.search(html).group(0)


def officer(username, region_code):
    group, _ = Group.objects.get_or_create(name="投诉举报承办")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    ct = ContentType.objects.get_for_model(Complaint)
    group.permissions.add(*Permission.objects.filter(content_type=ct))
    user = get_user_model().objects.create_user(username, password="pw-123456", is_staff=True)
    user.groups.add(group)
    OfficerProfile.objects.create(user=user, region_id=region_code)
    return user


# --- the form and the receipt ---------------------------------------------------------------


def test_complaint_pages_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get("/complaints/", **HOST).content.decode()
    for text in (
        "Agricultural product quality and safety complaints",
        "Report anonymously",
        "Check question: What is",
        "Submit complaint",
    ):
        assert text in html, text
    assert "等于几" not in html and "提交投诉举报" not in html
    track = client.get("/complaints/track/", **HOST).content.decode()
    assert "Follow a complaint" in track and "Query code" in track


def test_form_renders_with_challenge_and_honeypot(client):
    html = client.get("/complaints/", **HOST).content.decode()
    assert "验证题" in html and "等于几" in html
    assert 'name="challenge_token"' in html and 'name="website"' in html
    for label in (
        "禁限用药物",
        "农药兽药残留",
        "私屠滥宰",
        "注水注药",
        "假劣农资",
        "合格证问题",
        "其他",
    ):
        assert label in html
    assert '<script src="http' not in html


def test_submit_gets_tracking_number_and_query_code(client):
    producer = ProducerFactory(name="农安县绿野蔬菜种植专业合作社", region_id="220122")
    files = [
        SimpleUploadedFile("韭菜.jpg", JPEG, content_type="image/jpeg"),
        SimpleUploadedFile("小票.pdf", PDF, content_type="application/pdf"),
    ]
    response = client.post("/complaints/", {**form_data(), "attachments": files}, **HOST)
    number, code, page = receipt(client, response)
    assert re.fullmatch(rf"TS{datetime.date.today():%Y%m%d}\d{{5}}", number)
    assert number.endswith("00001")
    complaint = Complaint.objects.get(tracking_number=number)
    assert complaint.region_id == "220122"
    assert complaint.producer == producer  # matched by exact name
    assert complaint.contact_phone == PHONE
    assert code not in complaint.query_code_hash
    assert sorted(a.kind for a in complaint.attachments.all()) == ["jpeg", "pdf"]
    assert all(
        not a.file.name.endswith(("韭菜.jpg", "小票.pdf")) for a in complaint.attachments.all()
    )
    assert_no_personal_numbers(page)
    # the receipt is shown once
    assert client.get(reverse("complaint-submitted"), **HOST).status_code == 302
    # the next one that day gets the next number
    second, _code, _page = receipt(client, submit(client))
    assert second.endswith("00002")


def test_anonymous_drops_contact_and_uscc_matches(client):
    producer = ProducerFactory(name="某合作社", region_id="220122")
    response = submit(client, anonymous="on", producer_name="", producer_uscc=producer.uscc)
    number, _code, _page = receipt(client, response)
    complaint = Complaint.objects.get(tracking_number=number)
    assert complaint.anonymous and complaint.contact_name == "" and complaint.contact_phone == ""
    assert complaint.producer == producer


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"challenge_answer": "99"}, "验证题答案不正确"),
        ({"challenge_token": "forged:token"}, "验证题答案不正确"),
        ({"website": "http://spam.example"}, "验证题答案不正确"),
        ({"region": "不存在县"}, "未找到该地区"),
        ({"occurred_on": "2099-01-01"}, "日期不能晚于今天"),
        ({"contact_phone": "12345"}, "手机号码应为"),
    ],
)
def test_invalid_submissions_are_refused(client, settings, overrides, message):
    settings.PUBLIC_RATE_LIMITS = {"complaint": (100, 3600)}
    response = submit(client, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Complaint.objects.exists()


def test_challenge_too_fast_and_replay(client, settings):
    settings.PUBLIC_RATE_LIMITS = {"complaint": (100, 3600)}
    fresh = make_challenge()  # issued just now: a person takes longer than 3 s
    response = submit(client, challenge_token=fresh.token, challenge_answer=str(fresh.answer))
    assert "提交过快" in response.content.decode() and not Complaint.objects.exists()
    old = make_challenge(now=time.time() - 30)
    data = form_data(challenge_token=old.token, challenge_answer=str(old.answer))
    assert client.post("/complaints/", data, **HOST).status_code == 302
    again = client.post("/complaints/", data, **HOST)
    assert again.status_code == 200 and "验证题答案不正确" in again.content.decode()
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            lambda: SimpleUploadedFile(
                "evidence.jpg",
                b"plain text pretending to be a photo\n" * 4,
                content_type="image/jpeg",
            ),
            "不是图片或 PDF",
        ),
        (
            lambda: SimpleUploadedFile(
                "photo.jpg", b"MZ\x90\x00" + b"\x00" * 300, content_type="image/jpeg"
            ),
            "不是图片或 PDF",
        ),
        (
            lambda: SimpleUploadedFile(
                "huge.jpg", JPEG + b"\x00" * (5 * 1024 * 1024), content_type="image/jpeg"
            ),
            "超过 5 MB",
        ),
        # The right magic bytes are not enough: the rest must parse as that format.
        (
            lambda: SimpleUploadedFile(
                "fake.png", b"\x89PNG\r\n\x1a\n" + b"<script>" * 40, content_type="image/png"
            ),
            "已损坏或含有不允许的内容",
        ),
        (
            lambda: SimpleUploadedFile(
                "cut.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n", content_type="application/pdf"
            ),
            "已损坏或含有不允许的内容",
        ),
        (
            lambda: SimpleUploadedFile(
                "script.pdf",
                b"%PDF-1.7\n1 0 obj<</OpenAction<</S/Java#53cript/JS(app.alert(1))>>>>"
                b"endobj\n%%EOF\n",
                content_type="application/pdf",
            ),
            "已损坏或含有不允许的内容",
        ),
    ],
)
def test_bad_uploads_are_refused(client, settings, upload, message):
    settings.PUBLIC_RATE_LIMITS = {"complaint": (100, 3600)}
    response = client.post("/complaints/", {**form_data(), "attachments": [upload()]}, **HOST)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()


def test_at_most_three_attachments(client, settings):
    settings.PUBLIC_RATE_LIMITS = {"complaint": (100, 3600)}
    files = [SimpleUploadedFile(f"{i}.png", PNG, content_type="image/png") for i in range(4)]
    response = client.post("/complaints/", {**form_data(), "attachments": files}, **HOST)
    assert "最多上传 3 个文件" in response.content.decode()
    assert not Complaint.objects.exists()


def test_submissions_are_rate_limited_per_ip(client):
    for _ in range(3):
        assert (
            client.post("/complaints/", form_data(), REMOTE_ADDR="10.1.1.1", **HOST).status_code
            == 302
        )
    refused = client.post("/complaints/", form_data(), REMOTE_ADDR="10.1.1.1", **HOST)
    assert refused.status_code == 429 and refused["Retry-After"]
    assert Complaint.objects.count() == 3
    assert (
        client.post("/complaints/", form_data(), REMOTE_ADDR="10.1.1.2", **HOST).status_code == 302
    )


# --- tracking -------------------------------------------------------------------------------


def track(client, number, code, **extra):
    return client.post(
        "/complaints/track/", {"tracking_number": number, "query_code": code}, **extra, **HOST
    )


def test_tracking_needs_both_number_and_code(client):
    number, code, _page = receipt(client, submit(client))
    page = track(client, number, code.lower()).content.decode()
    assert "已接收" in page and number in page
    assert "张三" not in page and PHONE not in page
    wrong = track(client, number, "ABCDEFGH").content.decode()
    assert "不匹配" in wrong and "已接收" not in wrong
    other = track(client, number[:-1] + "9", code).content.decode()
    assert "不匹配" in other


def test_enumerating_tracking_numbers_is_cut_off(client):
    number, code, _page = receipt(client, submit(client))
    prefix = number[:-5]
    statuses = [track(client, f"{prefix}{i:05d}", "ABCDEFGH").status_code for i in range(2, 7)]
    assert statuses == [200, 200, 200, 200, 429]
    refused = track(client, number, code)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # another address is not affected
    assert track(client, number, code, REMOTE_ADDR="10.9.9.9").status_code == 200


# --- triage in the admin --------------------------------------------------------------------


@pytest.fixture
def filed(client):
    number, code, _page = receipt(client, submit(client))
    client.cookies.clear()
    return Complaint.objects.get(tracking_number=number), code


def status_post(client, complaint, to_status, note=""):
    return client.post(
        reverse("portal_complaint_action", args=(complaint.pk, "status")),
        {"to_status": to_status, "note": note},
        **HOST,
    )


def test_officers_see_only_their_region(client, filed):
    complaint, _code = filed
    elsewhere = Complaint.objects.create(
        tracking_number="TS2026010100001",
        query_code_hash="x",
        category="other",
        description="太谷区的问题",
        place="太谷",
        region_id="140703",
    )
    nongan = officer("nongan", "220122")
    client.force_login(nongan)
    listing = client.get(reverse("portal_complaint:index"), **HOST).content.decode()
    assert complaint.tracking_number in listing and elsewhere.tracking_number not in listing
    inspect = client.get(reverse("portal_complaint:inspect", args=(elsewhere.pk,)), **HOST)
    assert inspect.status_code in (302, 403, 404)
    response = status_post(client, elsewhere, "accepted")
    assert response.status_code in (302, 403, 404)
    elsewhere.refresh_from_db()
    assert elsewhere.status == ComplaintStatus.RECEIVED


def test_lifecycle_is_enforced_and_replies_reach_the_reporter(client, filed):
    complaint, code = filed
    user = officer("nongan", "220122")
    client.force_login(user)
    status_post(client, complaint, "investigating")  # not allowed from received
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED
    status_post(client, complaint, "accepted", "转农安镇农产品质量安全监管站核查")
    status_post(client, complaint, "investigating")
    status_post(client, complaint, "concluded")  # a conclusion needs an answer
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.INVESTIGATING
    client.post(
        reverse("portal_complaint_action", args=(complaint.pk, "reply")),
        {"body": "内部：摊主系外地批发来源，已协查", "public": ""},
        **HOST,
    )
    client.post(
        reverse("portal_complaint_action", args=(complaint.pk, "reply")),
        {"body": "已对涉事摊位抽样送检。", "public": "on"},
        **HOST,
    )
    status_post(client, complaint, "concluded", "抽检韭菜腐霉利超标，已立案查处。感谢您的举报。")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CONCLUDED
    status_post(client, complaint, "accepted")  # terminal
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CONCLUDED
    assert list(complaint.events.exclude(to_status="").values_list("to_status", flat=True)) == [
        "received",
        "accepted",
        "investigating",
        "concluded",
    ]
    client.logout()
    page = track(client, complaint.tracking_number, code).content.decode()
    assert "已办结" in page and "已对涉事摊位抽样送检" in page
    assert "抽检韭菜腐霉利超标，已立案查处" in page
    assert "内部：" not in page and "转农安镇农产品质量安全监管站核查" not in page
    assert "nongan" not in page  # no staff names
    assert_no_personal_numbers(page)


def test_rejection_needs_an_answer(client, filed):
    complaint, code = filed
    client.force_login(officer("nongan", "220122"))
    status_post(client, complaint, "rejected")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED
    status_post(
        client, complaint, "rejected", "不属于农产品质量安全监管范围，请向市场监管部门反映。"
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.REJECTED
    assert ComplaintReply.objects.get(complaint=complaint).public


def test_contact_only_for_assigned_officers_and_superusers(client, filed, admin_user):
    complaint, _code = filed
    first = officer("first", "220122")
    second = officer("second", "220100")  # 长春市: covers 农安县
    outsider = officer("outsider", "140703")
    inspect = reverse("portal_complaint:inspect", args=(complaint.pk,))

    client.force_login(first)
    page = client.get(inspect, **HOST).content.decode()
    assert PHONE not in page and "张三" not in page and "联系方式仅承办人员可见" in page
    assert "outsider" not in page  # only officers covering the region are offered
    assign = reverse("portal_complaint_action", args=(complaint.pk, "assign"))
    client.post(assign, {"officers": [second.pk, outsider.pk]}, **HOST)
    assert not complaint.assignees.exists()  # an officer of another region is refused
    client.post(assign, {"officers": [second.pk]}, **HOST)
    assert list(complaint.assignees.all()) == [second]

    client.force_login(second)
    page = client.get(inspect, **HOST).content.decode()
    assert PHONE in page and "张三" in page
    client.force_login(first)
    assert PHONE not in client.get(inspect, **HOST).content.decode()
    client.force_login(admin_user)
    assert PHONE in client.get(inspect, **HOST).content.decode()
    listing = client.get(reverse("portal_complaint:index"), **HOST).content.decode()
    assert PHONE not in listing


def test_link_to_enforcement_case_in_scope(client, filed):
    complaint, _code = filed
    mine = CaseFactory(
        producer=ProducerFactory(region_id="220122"), case_number="农安农罚〔2026〕31号"
    )
    theirs = CaseFactory(
        producer=ProducerFactory(region_id="140703"), case_number="太农罚〔2026〕5号"
    )
    client.force_login(officer("nongan", "220122"))
    url = reverse("portal_complaint_action", args=(complaint.pk, "case"))
    client.post(url, {"case_number": theirs.case_number}, **HOST)
    complaint.refresh_from_db()
    assert complaint.enforcement_case is None
    client.post(url, {"case_number": mine.case_number}, **HOST)
    complaint.refresh_from_db()
    assert complaint.enforcement_case == mine


def test_attachment_download_is_scoped(client, settings):
    response = client.post(
        "/complaints/",
        {
            **form_data(),
            "attachments": [SimpleUploadedFile("a.png", PNG, content_type="image/png")],
        },
        **HOST,
    )
    number, _code, _page = receipt(client, response)
    att = ComplaintAttachment.objects.get(complaint__tracking_number=number)
    url = reverse("portal_complaint_attachment", args=(att.pk,))
    assert client.get(url, **HOST).status_code in (302, 403)  # anonymous
    client.force_login(officer("outsider", "140703"))
    assert client.get(url, **HOST).status_code in (302, 403, 404)
    client.force_login(officer("nongan", "220122"))
    download = client.get(url, **HOST)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["X-Content-Type-Options"] == "nosniff"
