"""承诺达标合格证: verification page, QR target and API (public fields only, warnings,
per-IP limits against enumeration), and the printable PDF from the admin."""

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
from django.urls import include, path, reverse

# The admin modules register Wagtail hooks: import them before the project's URLs are built
# (in the project, credit/wagtail_hooks.py and portal/wagtail_hooks.py import them).
import credit.admin.certificates_print  # noqa: F401
import credit.admin.claims  # noqa: F401
import portal.complaints.admin  # noqa: F401
from credit.models import Certificate, OfficerProfile
from credit.public.keys import producer_url
from credit.services.records import void_fact
from nongan.urls import urlpatterns as project_urls
from tests.credit.factories import (
    BlacklistFactory,
    ProducerFactory,
    SamplingFactory,
    next_id_number,
)

# The project's URLs with this issue's routes in front, as nongan/urls.py will have them.
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


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    cache.clear()
    settings.PUBLIC_RATE_LIMITS = {"certificate": (20, 600)}
    yield
    cache.clear()


def make_certificate(producer=None, **kwargs):
    producer = producer or ProducerFactory(name="农安县青山蔬菜种植专业合作社", phone="13904315678")
    values = {
        "code": "220122260301A7K001",
        "product": "黄瓜",
        "quantity": Decimal("1250.50"),
        "unit": "千克",
        "origin": "吉林省长春市农安县青山乡",
        "issue_date": TODAY - datetime.timedelta(days=3),
        "trace_code": "TR-220122-0001",
    }
    values.update(kwargs)
    return Certificate.objects.create(producer=producer, **values)


def assert_no_personal_numbers(text: str):
    assert not MOBILE_RE.search(text), MOBILE_RE.search(text).group(0)
    assert not ID_RE.search(text), ID_RE.search(text).group(0)


# --- the verification page ------------------------------------------------------------------


def test_valid_certificate_page_shows_batch_issuer_and_credit(client):
    cert = make_certificate()
    producer = cert.producer
    SamplingFactory(producer=producer, result="pass")
    from credit.services.grading import recompute

    recompute([producer.id], TODAY)
    response = client.get(f"/c/{cert.code}/", **HOST)
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "黄瓜",
        "1250.5 千克",
        "吉林省长春市农安县青山乡",
        "年",
        "农安县青山蔬菜种植专业合作社",
        "农安县",
        "139****5678",
        "TR-220122-0001",
        "查验通过",
        f'href="/credit/{producer.uscc}/"',
    ):
        assert text in html, text
    assert "13904315678" not in html
    assert_no_personal_numbers(html)
    assert "noindex" in html


def test_lookup_box_redirects_to_the_qr_target(client):
    cert = make_certificate()
    page = client.get("/verify-certificate/", **HOST)
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    response = client.get("/verify-certificate/", {"code": f"  {cert.code} "}, **HOST)
    assert response.status_code == 302
    assert response["Location"] == f"/c/{cert.code}/"
    # full-width characters typed on a Chinese keyboard are folded
    wide = "".join(chr(ord(c) + 0xFEE0) for c in cert.code)
    response = client.get("/verify-certificate/", {"code": wide}, **HOST)
    assert response["Location"] == f"/c/{cert.code}/"


def test_unknown_code_warns(client):
    response = client.get("/c/NOSUCHCODE123/", **HOST)
    assert response.status_code == 404
    html = response.content.decode()
    assert "查不到该合格证" in html and 'data-warning="unknown"' in html


def test_voided_certificate_warns(client):
    cert = make_certificate()
    void_fact(cert, None, "录入错误")
    html = client.get(f"/c/{cert.code}/", **HOST).content.decode()
    assert 'data-warning="voided"' in html and "已作废" in html
    assert "查验通过" not in html


def test_blacklisted_issuer_warns(client):
    cert = make_certificate()
    BlacklistFactory(producer=cert.producer)
    html = client.get(f"/c/{cert.code}/", **HOST).content.decode()
    assert 'data-warning="blacklisted"' in html and "黑名单" in html
    assert "查验通过" not in html


def test_restricted_issuer_warns(client):
    cert = make_certificate()
    # one sampling, failed: S_samp = 0 → grade D → all four scenarios restricted
    SamplingFactory(producer=cert.producer, result="over_limit")
    html = client.get(f"/c/{cert.code}/", **HOST).content.decode()
    assert 'data-warning="restricted"' in html
    assert "D 严重失信" in html and "展会参展" in html


def test_certificate_pages_in_english(client):
    """The language comes from the django_language cookie (portal.middleware)."""
    cert = make_certificate()
    SamplingFactory(producer=cert.producer, result="over_limit")  # grade D: a warning
    client.cookies["django_language"] = "en"
    html = client.get(f"/c/{cert.code}/", **HOST).content.decode()
    for text in (
        "Compliance certificate verification",
        "Caution: there are warnings",
        "Issuer under joint punishment",
        "is currently under joint punishment",
        "Seriously untrustworthy",
        "Date issued",
        "Verify another certificate",
    ):
        assert text in html, text
    assert "查验通过" not in html and "开具主体" not in html
    lookup = client.get("/verify-certificate/", **HOST).content.decode()
    assert "What is a compliance certificate?" in lookup
    unknown = client.get("/c/NO-SUCH-CODE/", **HOST).content.decode()
    assert "Certificate not found" in unknown and "No compliance certificate" in unknown
    api = client.get(f"/api/v1/certificates/{cert.code}/", HTTP_ACCEPT_LANGUAGE="en", **HOST)
    assert api.json()["warnings"][0]["code"] == "restricted"


def test_issuer_known_by_id_number_is_masked(client):
    number = next_id_number()
    producer = ProducerFactory(
        uscc=None,
        id_number=number,
        name="王某某家庭农场",
        kind="family_farm",
        phone="0431-87654321",
    )
    cert = make_certificate(producer=producer, code="220122260301B00002")
    html = client.get(f"/c/{cert.code}/", **HOST).content.decode()
    assert number not in html
    assert producer.masked_id_number in html
    assert "0431-******21" in html
    assert "/credit/None/" not in html
    api = client.get(f"/api/v1/certificates/{cert.code}/", **HOST)
    assert number not in api.content.decode()
    # Linked by its opaque public id, never by the ID number.
    credit_url = api.json()["issuer"]["credit_url"]
    assert credit_url == producer_url(producer) and credit_url.startswith("/credit/p/")
    assert f'href="{credit_url}"' in html
    assert_no_personal_numbers(html + api.content.decode())


def test_grower_issuer_shows_surname_only(client):
    """A large grower is a natural person: only the surname, as on its credit page."""
    producer = ProducerFactory(name="张三丰", kind="grower")
    cert = make_certificate(producer=producer, code="220122260301B00003")
    html = client.get(f"/c/{cert.code}/", **HOST).content.decode()
    api = client.get(f"/api/v1/certificates/{cert.code}/", **HOST).json()
    assert "张三丰" not in html and "张**" in html
    assert api["issuer"]["name"] == "张**"


# --- the API --------------------------------------------------------------------------------


def test_api_returns_public_fields(client):
    cert = make_certificate()
    response = client.get(f"/api/v1/certificates/{cert.code}/", **HOST)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "valid" and body["valid"] is True
    assert body["certificate"] == {
        "code": cert.code,
        "product": "黄瓜",
        "quantity": 1250.5,
        "unit": "千克",
        "origin": "吉林省长春市农安县青山乡",
        "issue_date": cert.issue_date.isoformat(),
        "trace_code": "TR-220122-0001",
        "voided": False,
    }
    issuer = body["issuer"]
    assert issuer["name"] == "农安县青山蔬菜种植专业合作社"
    assert issuer["contact"] == "139****5678"
    assert issuer["region_code"] == "220122"
    assert issuer["credit_url"] == f"/credit/{cert.producer.uscc}/"
    assert set(issuer) == {
        "name",
        "key",
        "uscc",
        "region_code",
        "region_name",
        "contact",
        "grade",
        "grade_label",
        "credit_url",
        "blacklisted",
        "restricted",
        "restrictions",
    }
    assert_no_personal_numbers(response.content.decode())


def test_api_unknown_code_is_404_in_the_error_shape(client):
    response = client.get("/api/v1/certificates/NOSUCHCODE123/", **HOST)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_blacklisted_and_voided(client):
    cert = make_certificate()
    BlacklistFactory(producer=cert.producer)
    void_fact(cert, None, "重复开具")
    body = client.get(f"/api/v1/certificates/{cert.code}/", **HOST).json()
    assert body["status"] == "voided" and body["valid"] is False
    assert [w["code"] for w in body["warnings"]] == ["voided", "blacklisted"]
    assert body["issuer"]["blacklisted"] is True


def test_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}, **HOST).json()
    assert "/api/v1/certificates/{code}/" in schema["paths"]


# --- enumeration ----------------------------------------------------------------------------


def test_enumerating_codes_on_the_page_is_cut_off(client):
    # budget 20; an unknown code costs 5: the fifth guess is refused
    statuses = [client.get(f"/c/GUESS{i:06d}/", **HOST).status_code for i in range(5)]
    assert statuses == [404, 404, 404, 404, 429]
    refused = client.get(f"/c/GUESS{9:06d}/", **HOST)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "请求过于频繁" in refused.content.decode()


def test_known_codes_cost_less_than_unknown(client):
    cert = make_certificate()
    ok = [client.get(f"/c/{cert.code}/", **HOST).status_code for _ in range(20)]
    assert ok == [200] * 20
    assert client.get(f"/c/{cert.code}/", **HOST).status_code == 429


def test_api_and_page_share_the_budget_and_api_answers_429_json(client):
    for i in range(3):
        assert client.get(f"/c/GUESS{i:06d}/", **HOST).status_code == 404
    assert client.get("/api/v1/certificates/GUESS999999/", **HOST).status_code == 404
    response = client.get("/api/v1/certificates/GUESS999998/", **HOST)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_limits_are_per_ip(client):
    for i in range(4):
        client.get(f"/c/GUESS{i:06d}/", REMOTE_ADDR="10.0.0.1", **HOST)
    assert client.get("/c/GUESS000009/", REMOTE_ADDR="10.0.0.1", **HOST).status_code == 429
    assert client.get("/c/GUESS000009/", REMOTE_ADDR="10.0.0.2", **HOST).status_code == 404


# --- the PDF from the admin -----------------------------------------------------------------


def officer(region_code, username):
    group, _ = Group.objects.get_or_create(name="信用管理人员")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    ct = ContentType.objects.get_for_model(Certificate)
    group.permissions.add(*Permission.objects.filter(content_type=ct))
    user = get_user_model().objects.create_user(username, password="pw-123456", is_staff=True)
    user.groups.add(group)
    OfficerProfile.objects.create(user=user, region_id=region_code)
    return user


def pdf_text(data: bytes, tmp_path) -> str:
    path_ = tmp_path / "cert.pdf"
    path_.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path_), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_officer_prints_certificate_pdf_from_inspect_view(client, settings, tmp_path):
    settings.PORTAL_BASE_URL = "https://xinyong.example.gov.cn"
    cert = make_certificate()
    user = officer("220122", "nongan-cert")
    client.force_login(user)
    inspect = client.get(reverse("credit_certificate:inspect", args=(cert.pk,)), **HOST)
    assert inspect.status_code == 200
    print_url = reverse("credit_certificate_print", args=(cert.pk,))
    assert print_url in inspect.content.decode()
    response = client.get(print_url, **HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content, tmp_path)
    for expected in (
        "承诺达标合格证",
        cert.code,
        "黄瓜",
        "1250.5千克",
        "吉林省长春市农安县青山乡",
        "农安县青山蔬菜种植专业合作社",
        "13904315678",
        "TR-220122-0001",
        "不使用禁用农药兽药、停用兽药和非法添加物",
        "常规农药兽药残留不超标",
        f"https://xinyong.example.gov.cn/c/{cert.code}/",
    ):
        assert expected in text, expected


def test_pdf_is_region_scoped_and_voided_not_printed(client):
    cert = make_certificate()
    other = officer("140703", "taigu-cert")
    client.force_login(other)
    response = client.get(reverse("credit_certificate_print", args=(cert.pk,)), **HOST)
    assert response.status_code in (302, 403, 404)
    assert response.get("Content-Type") != "application/pdf"
    mine = officer("220122", "nongan-cert2")
    client.force_login(mine)
    void_fact(cert, None, "作废")
    response = client.get(reverse("credit_certificate_print", args=(cert.pk,)), **HOST)
    assert response.get("Content-Type") != "application/pdf"


def test_qr_points_to_the_portal_default_base(settings):
    from credit.certificates.pdf import context_for

    settings.PORTAL_BASE_URL = ""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    cert = make_certificate()
    context = context_for(cert)
    assert context["verify_url"] == f"http://127.0.0.1:8000/c/{cert.code}/"
    assert context["qr"].startswith("data:image/svg+xml")
