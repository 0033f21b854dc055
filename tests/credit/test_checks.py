"""Batch credit checks: API tokens, matching and verdicts, the API and its error shape,
upload and paste pages, reports (PDF, XLSX, CSV) and the public verification page."""

import csv
import datetime
import hashlib
import io
import json
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import include, path

import nongan.urls
from credit.checks import matching, report, service
from credit.checks.service import Entry
from credit.identifiers import make_uscc
from credit.models import ApiToken, BatchCheck, CheckSource, Organisation, Programme
from credit.models.organisations import hash_token
from tests.credit.factories import (
    BlacklistFactory,
    CaseFactory,
    ProducerFactory,
    SamplingFactory,
    next_id_number,
    next_uscc,
)

# The check pages and /verify/ are routed by credit.checks.urls (included from credit/urls.py).
urlpatterns = [path("", include("credit.checks.urls")), *nongan.urls.urlpatterns]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

TODAY = datetime.date.today()
HOST = {"HTTP_HOST": "testserver"}


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from django.core.cache import cache

    cache.clear()  # rate-limit counters
    service._index_cache.update(fingerprint=None, index=None)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def org():
    return Organisation.objects.create(name="长春国际农博会组委会", kind="exhibition")


@pytest.fixture
def token(org):
    row, raw = ApiToken.issue(org, ["exhibition"], label="tests")
    return raw


def post_check(client, raw, body, **extra):
    return client.post(
        "/api/v1/checks/",
        json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {raw}",
        **HOST,
        **extra,
    )


def graded(on_commit, results=("pass",), **producer):
    """A producer whose grade follows from these sampling results (recomputed on commit)."""
    p = ProducerFactory(**producer)
    for result in results:
        on_commit(SamplingFactory, producer=p, result=result)
    p.refresh_from_db()
    return p


# -- tokens ---------------------------------------------------------------------------------


def test_token_is_hashed_scoped_and_revocable(org):
    row, raw = ApiToken.issue(org, ["exhibition", "honours"])
    assert raw.startswith(f"nat_{row.prefix}_") and len(raw) > 40
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest() == hash_token(raw)
    assert raw not in {row.prefix, row.token_hash}
    assert ApiToken.authenticate(raw) == row
    assert ApiToken.authenticate(raw + "x") is None
    assert ApiToken.authenticate(raw.replace(row.prefix, "zzzzzzzz")) is None
    assert row.allows("honours") and not row.allows("brand_selection")
    row.revoke()
    assert ApiToken.authenticate(raw) is None
    with pytest.raises(ValueError):
        ApiToken.issue(org, ["parties"])


def test_issue_api_token_command_prints_token_last():
    out = io.StringIO()
    call_command(
        "issue_api_token",
        "晋中市品牌评选办公室",
        "--scenario",
        "brand_selection",
        "--scenario",
        "honours",
        stdout=out,
    )
    raw = out.getvalue().rstrip("\n").splitlines()[-1]
    row = ApiToken.authenticate(raw)
    assert row is not None and row.organisation.name == "晋中市品牌评选办公室"
    assert row.scenarios == ["brand_selection", "honours"]
    assert raw not in "".join(out.getvalue().splitlines()[:-1])
    call_command(
        "issue_api_token", "晋中市品牌评选办公室", "--scenario", "honours", stdout=io.StringIO()
    )
    assert Organisation.objects.filter(name="晋中市品牌评选办公室").count() == 1
    assert ApiToken.objects.filter(organisation=row.organisation).count() == 2


def test_api_requires_a_valid_token_scoped_to_the_scenario(client, org, token):
    body = {"scenario": "exhibition", "entries": [{"uscc": next_uscc()}]}
    r = client.post("/api/v1/checks/", body, content_type="application/json", **HOST)
    assert r.status_code == 401
    assert r.json()["error"]["status"] == 401
    assert r.headers["WWW-Authenticate"] == "Token"
    assert post_check(client, "nat_bogus_secret", body).status_code == 401
    r = post_check(client, token, {**body, "scenario": "brand_selection"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "scenario_not_allowed"
    assert r.json()["error"]["fields"][0]["field"] == "scenario"
    assert post_check(client, token, body).status_code == 201
    ApiToken.objects.get(prefix=token.split("_")[1]).revoke()
    assert post_check(client, token, body).status_code == 401


# -- matching (pure) ------------------------------------------------------------------------


def test_name_keys_fold_width_script_punctuation_and_legal_forms():
    assert matching.name_key("农安县绿源蔬菜种植有限责任公司") == matching.name_key(
        "农安縣綠源蔬菜種植 有限公司"
    )
    assert matching.name_key("ＡＢＣ（长春）农业有限公司") == "abc长春农业有限公司"
    assert matching.name_key("太谷区绿源种植农民专业合作社") == "太谷区绿源种植专业合作社"
    names = ["綠源", "", "太谷区 绿源", "ＡＢ"]
    assert matching.name_keys(names) == [matching.name_key(n) for n in names]
    divisions = matching.DivisionNames(["山西省", "晋中市", "太谷区"])
    assert matching.parts_of("山西省晋中市太谷区绿源种植专业合作社", divisions) == (
        "山西省晋中市太谷区",
        "绿源种植专业合作社",
        "绿源种植",
    )


def test_similarity_weighs_the_core_and_penalises_conflicting_counties():
    d = matching.DivisionNames(["太谷区", "祁县", "齐河县"])

    def score(a, b):
        return matching.similarity(matching.parts_of(a, d), matching.parts_of(b, d))

    assert score("绿源种植专业合作社", "太谷区绿源种植专业合作社") == 100
    # One brand character differs: clearly below a match.
    assert score("太谷区绿丰种植专业合作社", "太谷区绿源种植专业合作社") < matching.ACCEPT
    assert score("齐河县李琳家庭农场", "太谷区李琳家庭农场") < matching.ACCEPT


# -- verdicts and matching through the service ------------------------------------------------


def test_each_verdict_kind(on_commit, org):
    good = graded(on_commit, ("pass",))
    bad = graded(on_commit, ("pass", "prohibited"))
    assert (good.grade, bad.grade) == ("A", "D")
    twin_a = ProducerFactory(name="农安县丰收蔬菜种植专业合作社", region_id="220122")
    ProducerFactory(name="农安县丰收蔬菜种植专业合作社", region_id="140105")
    entries = [
        Entry(uscc=good.uscc),
        Entry(uscc=bad.uscc),
        Entry(uscc=make_uscc("93", "220122", "XX0000001")),  # valid, not registered
        Entry(name="完全不存在的某某公司"),
        Entry(name="农安县丰收蔬菜种植专业合作社"),  # two producers, no region given
        Entry(name="农安县丰收蔬菜种植专业合作社", region_code="220122"),
    ]
    rows, summary = service.run(entries, "exhibition", TODAY)
    assert [r["verdict"] for r in rows] == [
        "allowed",
        "restricted",
        "not_found",
        "not_found",
        "ambiguous",
        "allowed",
    ]
    assert summary == {
        "total": 6,
        "allowed": 2,
        "restricted": 1,
        "not_found": 2,
        "ambiguous": 1,
        "matched_by": {"uscc": 2, "id_number": 0, "name": 1, "former_name": 0, "fuzzy": 0},
    }
    assert rows[0]["grade"] == "A" and rows[0]["restrictions"] == []
    assert rows[1]["grade"] == "D" and rows[1]["blacklisted"] is False
    assert [r["scenario"] for r in rows[1]["restrictions"]] == ["exhibition"]
    assert rows[1]["restrictions"][0]["basis"].startswith("信用等级 D")
    assert rows[2]["producer"] is None and rows[2]["confidence"] == 0
    assert len(rows[4]["candidates"]) == 2 and rows[4]["producer"] is None
    assert rows[5]["producer"]["uscc"] == twin_a.uscc and rows[5]["confidence"] == 0.98
    # Grade C restricts brand selection and honours only.
    c = graded(on_commit, ("pass", "pass", "over_limit"))
    assert c.grade == "C"
    for scenario, verdict in [("exhibition", "allowed"), ("brand_selection", "restricted")]:
        assert service.run([Entry(uscc=c.uscc)], scenario, TODAY)[0][0]["verdict"] == verdict


def test_uscc_name_former_name_and_fuzzy_matching_with_confidence(on_commit):
    p = ProducerFactory(
        name="农安县绿源蔬菜种植有限责任公司",
        former_names=["农安县老绿源蔬菜种植场"],
        region_id="220122",
    )
    ProducerFactory(name="农安县金穗玉米种植专业合作社", region_id="220122")
    entries = [
        Entry(uscc=p.uscc.lower(), name="写错的名称"),
        Entry(name="農安縣綠源蔬菜種植有限公司"),  # traditional script, folded legal form
        Entry(name="农安县老绿源蔬菜种植场"),
        Entry(name="绿源蔬菜种植有限公司", region_code="220100"),  # county left out
        Entry(name="农安县绿源蔬采种植有限公司", region_code="220122"),  # one character wrong
        Entry(name="绿源蔬菜种植有限公司", region_code="140000"),  # wrong province
    ]
    rows, _ = service.run(
        service.validate_entries([e.as_input() for e in entries]), "exhibition", TODAY
    )
    assert [(r["matched_by"], r["confidence"]) for r in rows[:3]] == [
        ("uscc", 1.0),
        ("name", 0.98),
        ("former_name", 0.95),
    ]
    assert all(r["producer"]["uscc"] == p.uscc for r in rows[:3])
    assert rows[3]["matched_by"] == "fuzzy" and rows[3]["producer"]["uscc"] == p.uscc
    assert rows[3]["confidence"] == matching.CONF_FUZZY_CAP
    typo = rows[4]
    assert typo["candidates"][0]["uscc"] == p.uscc
    assert 0.65 <= typo["confidence"] < 0.95
    assert typo["verdict"] == ("allowed" if typo["confidence"] >= 0.9 else "ambiguous")
    assert rows[5]["verdict"] == "not_found"  # fuzzy matching stays inside the region


def test_merged_producer_resolves_to_its_survivor(on_commit):
    survivor = graded(on_commit, ("pass", "prohibited"))
    old = ProducerFactory(merged_into=survivor)
    row = service.run([Entry(uscc=old.uscc)], "exhibition", TODAY)[0][0]
    assert row["producer"]["uscc"] == survivor.uscc and row["verdict"] == "restricted"


def test_results_agree_with_the_producer_api(client, on_commit):
    d = graded(on_commit, ("pass", "prohibited"))
    c = graded(on_commit, ("pass", "pass", "over_limit"))
    a = graded(on_commit, ("pass",))
    black = graded(on_commit, ("pass",))
    on_commit(BlacklistFactory, producer=black)
    case = graded(on_commit, ("pass", "pass", "pass"))
    on_commit(
        CaseFactory,
        producer=case,
        severity="serious",
        decision_date=TODAY - datetime.timedelta(days=3),
    )
    producers = [d, c, a, black, case]
    for day in (TODAY, TODAY - datetime.timedelta(days=7)):
        for scenario in ("exhibition", "brand_selection", "project_application", "honours"):
            rows, _ = service.run([Entry(uscc=p.uscc) for p in producers], scenario, day)
            for p, row in zip(producers, rows, strict=True):
                api = client.get(
                    f"/api/v1/producers/{p.uscc}/", {"as_of": day.isoformat()}, **HOST
                ).json()
                expected = [
                    {k: r[k] for k in ("scenario", "start", "end", "basis")}
                    for r in api["restrictions"]
                    if r["scenario"] == scenario
                ]
                assert row["restrictions"] == expected, (p.name, scenario, day)
                assert row["grade"] == api["grade"]
                assert row["blacklisted"] == api["blacklisted"]
                assert row["verdict"] == ("restricted" if expected else "allowed")


# -- the API -----------------------------------------------------------------------------------


def test_api_check_response(client, on_commit, org, token):
    bad = graded(on_commit, ("pass", "prohibited"))
    good = graded(on_commit, ("pass",))
    programme = Programme.objects.create(
        organisation=org, kind="exhibition", name="2026 长春农博会", start_date=TODAY
    )
    r = post_check(
        client,
        token,
        {
            "scenario": "exhibition",
            "date": TODAY.isoformat(),
            "programme": programme.pk,
            "entries": [{"uscc": bad.uscc}, {"name": good.name, "region_code": "220122"}],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    check = BatchCheck.objects.get(pk=body["id"])
    assert body["verification_code"] == check.verification_code
    assert len(check.verification_code) == 12
    assert set(check.verification_code) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    assert body["summary"]["restricted"] == 1 and body["summary"]["allowed"] == 1
    assert body["programme"] == "2026 长春农博会"
    assert [row["verdict"] for row in body["results"]] == ["restricted", "allowed"]
    assert body["results"][1]["matched_by"] == "name"
    assert body["content_sha256"] == hashlib.sha256(check.content.encode()).hexdigest()
    assert body["verify_url"].endswith(f"/verify/{check.verification_code}/")
    assert set(body["reports"]) == {"pdf", "xlsx", "csv"}
    auth = {"HTTP_AUTHORIZATION": f"Token {token}", **HOST}
    again = client.get(f"/api/v1/checks/{check.pk}/", **auth).json()
    assert again["results"] == body["results"]
    csv_response = client.get(body["reports"]["csv"], **auth)
    assert csv_response.status_code == 200
    assert csv_response.content.startswith("\ufeff".encode())
    assert client.get(f"/api/v1/checks/{check.pk}/").status_code == 401
    other, other_raw = ApiToken.issue(Organisation.objects.create(name="别的机构"), ["exhibition"])
    assert (
        client.get(
            f"/api/v1/checks/{check.pk}/", HTTP_AUTHORIZATION=f"Token {other_raw}", **HOST
        ).status_code
        == 404
    )


def test_invalid_entries_give_400_naming_each_entry_and_field(client, org, token):
    good = next_uscc()
    r = post_check(
        client,
        token,
        {
            "scenario": "exhibition",
            "entries": [
                {"uscc": good},
                {"uscc": good[:-1] + ("0" if good[-1] != "0" else "1")},  # wrong check character
                {"name": "", "uscc": ""},
                {"name": "某合作社", "region_code": "999999"},
                {"name": 12},
                "农安县某某合作社",
            ],
        },
    )
    assert r.status_code == 400
    error = r.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    fields = [f["field"] for f in error["fields"]]
    assert fields == ["entries[1].uscc", "entries[2]", "entries[3].region_code", "entries[5]"]
    assert "校验位" in error["fields"][0]["message"]
    assert not BatchCheck.objects.exists()

    for body, field in [
        ({"entries": [{"uscc": good}]}, "scenario"),
        ({"scenario": "parties", "entries": [{"uscc": good}]}, "scenario"),
        (
            {
                "scenario": "exhibition",
                "date": (TODAY + datetime.timedelta(days=1)).isoformat(),
                "entries": [{"uscc": good}],
            },
            "date",
        ),
        ({"scenario": "exhibition", "date": "2026/01/01", "entries": [{"uscc": good}]}, "date"),
        ({"scenario": "exhibition"}, "entries"),
        ({"scenario": "exhibition", "entries": []}, "entries"),
        ({"scenario": "exhibition", "entries": {"uscc": good}}, "entries"),
        ({"scenario": "exhibition", "programme": 999, "entries": [{"uscc": good}]}, "programme"),
    ]:
        r = post_check(client, token, body)
        assert r.status_code == 400, body
        assert [f["field"] for f in r.json()["error"]["fields"]] == [field], body
    r = client.post(
        "/api/v1/checks/",
        "[1, 2]",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
        **HOST,
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"
    r = client.post(
        "/api/v1/checks/",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
        **HOST,
    )
    assert r.status_code == 400 and "error" in r.json()


def test_rate_limit_gives_429_in_the_error_shape(client, org, token):
    rates = {"checks": "2/min", "public": "1000/min", "feed": "1000/min", "reports": "1000/min"}
    body = {"scenario": "exhibition", "entries": [{"uscc": next_uscc()}]}
    with override_settings(
        REST_FRAMEWORK={
            **__import__("django.conf").conf.settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": rates,
        }
    ):
        assert post_check(client, token, body).status_code == 201
        assert post_check(client, token, body).status_code == 201
        r = post_check(client, token, body)
        assert r.status_code == 429
        assert r.json()["error"]["status"] == 429 and r.json()["error"]["code"] == "throttled"
        assert int(r.headers["Retry-After"]) > 0
        # Another token has its own allowance.
        _row, other = ApiToken.issue(org, ["exhibition"])
        assert post_check(client, other, body).status_code == 201


# -- pages for organisation users ----------------------------------------------------------------


@pytest.fixture
def member(client, org):
    user = get_user_model().objects.create_user("organiser", password="pw-123456")
    org.users.add(user)
    client.force_login(user)
    return user


def test_pages_need_an_organisation_member(client):
    assert client.get("/checks/", **HOST).status_code == 302
    user = get_user_model().objects.create_user("outsider", password="pw-123456")
    client.force_login(user)
    refused = client.get("/checks/upload/", **HOST)
    assert refused.status_code == 403
    text = refused.content.decode()
    assert "尚未加入核查机构" in text and "--user outsider" in text
    # issue_api_token --user makes the account a member: the pages open.
    out = io.StringIO()
    call_command(
        "issue_api_token", "长春农博会组委会", "--scenario", "exhibition", "--user", "outsider",
        stdout=out,
    )  # fmt: skip
    assert "outsider" in out.getvalue() and ApiToken.authenticate(out.getvalue().split()[-1])
    assert client.get("/checks/upload/", **HOST).status_code == 200
    with pytest.raises(CommandError, match="no such user"):
        call_command(
            "issue_api_token", "长春农博会组委会", "--scenario", "exhibition", "--user", "nobody",
            stdout=io.StringIO(),
        )  # fmt: skip


def upload(client, name, data, content_type, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = {"scenario": "exhibition", "date": TODAY.isoformat(), **fields}
    form["file"] = SimpleUploadedFile(name, data, content_type=content_type)
    organisation = Organisation.objects.get()
    form.setdefault("organisation", organisation.pk)
    return client.post("/checks/upload/", form, **HOST)


def test_upload_csv_in_gb18030(client, member, on_commit):
    bad = graded(on_commit, ("pass", "prohibited"), name="农安县黑土地大米有限公司")
    good = graded(on_commit, ("pass",), name="农安县金穗玉米种植专业合作社")
    text = (
        "统一社会信用代码,名称,行政区划代码\r\n" + f"{bad.uscc},,\r\n" + f",{good.name},220122\r\n"
    )
    response = upload(client, "参展商.csv", text.encode("gb18030"), "text/csv")
    assert response.status_code == 302, response.content.decode()[:2000]
    check = BatchCheck.objects.get()
    assert check.source == CheckSource.UPLOAD and check.created_by == member
    assert [r["verdict"] for r in check.results] == ["restricted", "allowed"]
    page = client.get(response["Location"], **HOST).content.decode()
    assert check.display_code in page and "受限" in page and good.name in page


def test_upload_xlsx(client, member, on_commit):
    from openpyxl import Workbook

    good = graded(on_commit, ("pass",))
    wb = Workbook()
    ws = wb.active
    ws.append(["uscc", "name", "region_code"])
    ws.append([good.uscc, None, None])
    ws.append([None, good.name, 220122])  # region code typed as a number
    buf = io.BytesIO()
    wb.save(buf)
    response = upload(
        client,
        "exhibitors.xlsx",
        buf.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert response.status_code == 302
    check = BatchCheck.objects.get()
    assert [r["verdict"] for r in check.results] == ["allowed", "allowed"]
    assert check.results[1]["input"]["region_code"] == "220122"


def test_upload_rejects_bad_files_and_reports_rows(client, member):
    r = upload(client, "list.pdf", b"%PDF-1.4", "application/pdf")
    assert r.status_code == 200 and "只接受 .csv 或 .xlsx" in r.content.decode()
    r = upload(client, "list.csv", b"uscc\n91", "image/png")
    assert "文件类型" in r.content.decode()
    r = upload(client, "list.xlsx", b"uscc,name\n", "application/octet-stream")
    assert "不是有效的 Excel" in r.content.decode() or "不符" in r.content.decode()
    big = b"name\n" + b"x" * (6 * 1024 * 1024)
    assert "不能超过" in upload(client, "big.csv", big, "text/csv").content.decode()
    r = upload(client, "list.csv", "name,uscc\n某合作社,123\n,\n".encode(), "text/csv")
    assert "第 2 行 uscc" in r.content.decode()
    r = upload(client, "list.csv", "名字\n某合作社\n".encode(), "text/csv")
    assert "列标题" in r.content.decode()
    assert not BatchCheck.objects.exists()


def test_paste_a_list(client, member, on_commit):
    good = graded(on_commit, ("pass",))
    bad = graded(on_commit, ("pass", "prohibited"))
    text = f"{bad.uscc}\n\n{good.name}\t220122\n完全不存在的某某公司\n"
    r = client.post(
        "/checks/paste/",
        {
            "organisation": member.credit_organisations.get().pk,
            "scenario": "exhibition",
            "date": TODAY.isoformat(),
            "text": text,
        },
        **HOST,
    )
    assert r.status_code == 302
    check = BatchCheck.objects.get()
    assert check.source == CheckSource.PASTE
    assert [r["verdict"] for r in check.results] == ["restricted", "allowed", "not_found"]
    assert client.get("/checks/", **HOST).status_code == 200
    filtered = client.get(f"/checks/{check.pk}/?verdict=restricted", **HOST).content.decode()
    assert bad.name in filtered and good.name not in filtered


# -- reports and verification -----------------------------------------------------------------


@pytest.fixture
def issued(on_commit, org):
    bad = graded(on_commit, ("pass", "prohibited"), name="农安县黑土地大米有限公司")
    good = graded(on_commit, ("pass",))
    ProducerFactory(name="农安县丰收蔬菜种植专业合作社", region_id="220122")
    ProducerFactory(name="农安县丰收蔬菜种植专业合作社", region_id="140105")
    entries = service.validate_entries(
        [
            {"uscc": bad.uscc},
            {"uscc": good.uscc},
            {"name": "农安县丰收蔬菜种植专业合作社"},
            {"name": "完全不存在的某某公司"},
        ]
    )
    return service.create_check(org, "exhibition", TODAY, entries, CheckSource.API)


def test_pdf_report(issued, tmp_path):
    pdf = report.pdf_bytes(issued)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert issued.display_code in text
    assert issued.content_sha256 in text
    assert "长春国际农博会组委会" in text and "农安县黑土地大米有限公司" in text
    assert "受限" in text and "待人工确认" in text
    # Issued reports never change: the stored PDF is served again.
    issued.refresh_from_db()
    assert issued.pdf.name and report.pdf_bytes(issued) == pdf


def test_xlsx_and_csv_reports(issued):
    from openpyxl import load_workbook

    rows = list(csv.reader(io.StringIO(report.csv_bytes(issued).decode("utf-8-sig"))))
    assert rows[0][:5] == ["序号", "输入统一社会信用代码", "输入名称", "输入行政区划代码", "结论"]
    assert [r[4] for r in rows[1:]] == ["受限", "未受限", "待人工确认", "未找到"]
    wb = load_workbook(io.BytesIO(report.xlsx_bytes(issued)))
    sheet = wb["核查结果"]
    assert [c.value for c in sheet["E"]][1:] == ["受限", "未受限", "待人工确认", "未找到"]
    about = {r[0]: r[1] for r in wb["报告信息"].iter_rows(values_only=True)}
    assert about["内容 SHA-256"] == issued.content_sha256


def test_verify_page_shows_the_hash_of_the_content(client, issued):
    r = client.get(f"/verify/{issued.verification_code}/", **HOST)
    assert r.status_code == 200
    page = r.content.decode()
    assert issued.content_sha256 in page and "长春国际农博会组委会" in page
    content = client.get(f"/verify/{issued.verification_code}/content.json", **HOST).content
    assert hashlib.sha256(content).hexdigest() == issued.content_sha256
    doc = json.loads(content)
    assert doc["verification_code"] == issued.verification_code
    assert doc["summary"]["restricted"] == 1 and len(doc["results"]) == 4
    assert content.decode() == service.canonical_json(doc)
    # As printed: grouped and in lower case.
    r = client.get(f"/verify/{issued.display_code.lower()}/", **HOST)
    assert r.status_code == 302 and r["Location"].endswith(f"/verify/{issued.verification_code}/")
    assert client.get("/verify/ABCDEFGHJKMN/", **HOST).status_code == 404
    r = client.get("/verify/", {"code": issued.display_code}, **HOST)
    assert r.status_code == 302


def test_verification_codes_are_unique_and_checks_immutable(on_commit, org):
    p = graded(on_commit, ("pass",))
    entries = [Entry(uscc=p.uscc)]
    a = service.create_check(org, "exhibition", TODAY, entries, CheckSource.API)
    b = service.create_check(org, "exhibition", TODAY, entries, CheckSource.API)
    assert a.verification_code != b.verification_code
    assert a.content_sha256 != b.content_sha256  # the code is part of the content
    on_commit(SamplingFactory, producer=p, result="prohibited")
    a.refresh_from_db()
    assert a.results[0]["verdict"] == "allowed"  # issued results stay as issued
    assert hashlib.sha256(a.content.encode()).hexdigest() == a.content_sha256


def test_verification_is_rate_limited_and_misses_cost_more(client, issued, settings):
    settings.PUBLIC_RATE_LIMITS = {"check-verify": (12, 600)}
    code = issued.verification_code
    assert client.get(f"/verify/{code}/", REMOTE_ADDR="10.9.9.9", **HOST).status_code == 200
    for _ in range(2):  # 1 + 2 × MISS_COST (5) = 11 of 12 points
        r = client.get("/verify/ABCDEFGHJKMN/", REMOTE_ADDR="10.9.9.9", **HOST)
        assert r.status_code == 404
    assert (
        client.get(f"/verify/{code}/content.json", REMOTE_ADDR="10.9.9.9", **HOST).status_code
        == 200
    )
    blocked = client.get(f"/verify/{code}/", REMOTE_ADDR="10.9.9.9", **HOST)
    assert blocked.status_code == 429 and blocked["Retry-After"]
    assert (
        client.get(f"/verify/{code}/content.json", REMOTE_ADDR="10.9.9.9", **HOST).status_code
        == 429
    )
    # Another client is not affected.
    assert client.get(f"/verify/{code}/", REMOTE_ADDR="10.9.9.8", **HOST).status_code == 200


def test_id_number_entries_are_masked_in_the_issued_content(on_commit, org):
    """The content is downloadable by anyone holding the printed code: no ID number in it."""
    number = next_id_number()
    farm = ProducerFactory(uscc=None, id_number=number, name="王某家庭农场", kind="family_farm")
    entries = service.validate_entries([{"uscc": number}, {"uscc": next_uscc()}])
    check = service.create_check(org, "exhibition", TODAY, entries, CheckSource.API)
    assert number not in check.content
    first = check.results[0]
    assert first["input"]["uscc"] == farm.masked_id_number
    assert first["matched_by"] == "id_number" and first["producer"]["key"] == farm.masked_id_number
    assert check.results[1]["input"]["uscc"] == entries[1].uscc  # a USCC stays as given
    assert number not in report.csv_bytes(check).decode("utf-8-sig")


def _synthetic_check(n: int) -> BatchCheck:
    """An unsaved issued check with n result rows of 1 to 4 lines each."""
    rows = []
    for i in range(n):
        kind = ("allowed", "restricted", "ambiguous", "not_found")[i % 4]
        uscc = next_uscc()
        row = {
            "index": i,
            "input": {
                "uscc": uscc,
                "name": "农安县绿源蔬菜种植专业合作社" * (1 + i % 2),
                "region_code": "220122",
            },
            "verdict": kind,
            "matched_by": None,
            "confidence": 0.0,
            "producer": None,
            "grade": None,
            "blacklisted": None,
            "restrictions": [],
            "candidates": [],
        }
        if kind in ("allowed", "restricted"):
            row.update(
                matched_by="uscc",
                confidence=1.0,
                grade="D" if kind == "restricted" else "A",
                producer={
                    "uscc": uscc,
                    "key": uscc,
                    "name": "农安县绿源蔬菜种植专业合作社",
                    "region_code": "220122",
                },
                blacklisted=False,
            )
        if kind == "restricted":
            row["restrictions"] = [
                {
                    "scenario": "exhibition",
                    "start": "2026-01-01",
                    "end": None,
                    "basis": "信用等级 D（严重失信）",
                }
            ]
        if kind == "ambiguous":
            row["candidates"] = [
                {
                    "uscc": uscc,
                    "key": uscc,
                    "name": "农安县绿源蔬菜合作社",
                    "region_code": "220122",
                    "score": 80.0,
                }
            ] * 3
        rows.append(row)
    summary = {"total": n, **{k: sum(r["verdict"] == k for r in rows) for k in service.VERDICTS}}
    doc = {
        "version": 1,
        "verification_code": "ABCD2345EFGH",
        "organisation": "测试主办方",
        "programme": None,
        "scenario": "exhibition",
        "date": "2026-03-01",
        "created": "2026-03-01T00:00:00Z",
        "summary": summary,
        "results": rows,
    }
    check = BatchCheck(
        verification_code="ABCD2345EFGH", scenario="exhibition", content=service.canonical_json(doc)
    )
    check.content_sha256 = service.sha256_hex(check.content)
    return check


def test_pdf_grid_is_paginated_exactly(tmp_path):
    """report.grid_pages packs whole rows into LINES_PER_PAGE lines per page: each page
    block must fit its page (no spill-over pages), with the column header and the
    verification code on every page."""
    check = _synthetic_check(160)
    blocks = report.grid_pages(check.results).count('<div class="pg"')
    assert blocks >= 4
    path = tmp_path / "grid.pdf"
    path.write_bytes(report.render_pdf(check))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    assert pages == 1 + blocks
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout.split("\f")
    for page in text[1:pages]:
        assert "序号" in page and "匹配主体" in page and check.display_code in page
    assert "160" in text[pages - 1]  # the last row is on the last page


def _pdf_pages_text(data: bytes, tmp_path, name: str) -> tuple[int, list[str], str]:
    path = tmp_path / name
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout.split("\f")[:pages]
    return pages, text, info.stdout


def test_pdf_rendered_in_parts_matches_one_piece(tmp_path, monkeypatch):
    """A long report renders in parts in other processes (credit.checks.pdfparts) and is
    joined: same pages, page numbers running on across the join, the column header and
    the verification code on every grid page, the document title kept."""
    from credit.checks import pdfparts

    check = _synthetic_check(160)
    blocks = len(report.page_blocks(check.results))
    monkeypatch.setattr(report, "PAGES_PER_PART", 1)
    whole = _pdf_pages_text(report.render_pdf(check, workers=1), tmp_path, "whole.pdf")
    parted = _pdf_pages_text(report.render_pdf(check, workers=3), tmp_path, "parts.pdf")
    assert pdfparts._pool is not None  # the later parts went to pool processes
    assert whole[0] == parted[0] == 1 + blocks
    for k, page in enumerate(parted[1], start=1):
        assert f"第{k}页/共{1 + blocks}页" in "".join(page.split())
        if k > 1:
            assert "序号" in page and check.display_code in page
    for a, b in zip(whole[1], parted[1], strict=True):
        assert a.split() == b.split()
    assert f"Title:           信用批量核查报告 {check.display_code}" in parted[2]


def test_pdf_parts_fall_back_to_one_process(tmp_path, monkeypatch):
    """Where no process can be started (multiprocessing refuses children in a daemonic
    process, e.g. some worker pools), the parts are rendered here one after another."""
    from credit.checks import pdfparts

    def refuse(workers):
        raise AssertionError("daemonic processes are not allowed to have children")

    check = _synthetic_check(160)
    blocks = len(report.page_blocks(check.results))
    monkeypatch.setattr(report, "PAGES_PER_PART", 2)
    monkeypatch.setattr(pdfparts, "_executor", refuse)
    pages, text, _info = _pdf_pages_text(report.render_pdf(check, workers=2), tmp_path, "f.pdf")
    assert pages == 1 + blocks
    assert f"第{pages}页/共{pages}页" in "".join(text[-1].split())


def test_part_sizes_balance_the_cover_page():
    assert report.part_sizes(200, 1) == [200]
    assert report.part_sizes(200, 2) == [100, 100]
    assert report.part_sizes(5, 3) == [1, 2, 2]
    assert sum(report.part_sizes(77, 4)) == 77
