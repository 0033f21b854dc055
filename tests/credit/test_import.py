"""`manage.py import_facts` and `credit.importers.run_import` (DESIGN §9 import formats).

Every kind imports a valid file with the right values (English and Chinese headers, UTF-8
with and without BOM, GB18030, XLSX), re-imports idempotently, corrects changed rows,
rejects a file with any bad row without writing anything, and audits what it writes.
"""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from credit.identifiers import make_id_number, make_uscc
from credit.importers import REPORT_HEADER, run_import
from credit.importers import importer as importer_module
from credit.models import (
    AuditEvent,
    BlacklistEntry,
    Certificate,
    Certification,
    EnforcementCase,
    Inspection,
    OfficerProfile,
    Producer,
    Region,
    Sampling,
)
from credit.services.audit import verify_chain

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TODAY = timezone.localdate()


def ago(days: int) -> str:
    return (TODAY - datetime.timedelta(days=days)).isoformat()


def ahead(days: int) -> str:
    return (TODAY + datetime.timedelta(days=days)).isoformat()


P1 = make_uscc("93", "220122", "MA0000001")  # 93220122MA0000001A
P2 = make_uscc("91", "220122", "MA0000002")  # 91220122MA0000002K
P3 = make_id_number("220122", datetime.date(1975, 3, 4), "123")  # 220122197503041231
OTHER_REGION_USCC = make_uscc("93", "140726", "MA0000009")

PRODUCER_HEADERS = [
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
PRODUCER_ROWS = [
    [
        P1,
        "",
        "农安县绿源蔬菜种植专业合作社",
        "cooperative",
        "220122",
        "农安县合隆镇陈家店村",
        "张三",
        "13900001234",
        "vegetables;fruit",
    ],
    [
        P2,
        "",
        "农安县禾丰农业发展有限公司",
        "enterprise",
        "220122",
        "农安县农安镇",
        "王五",
        "0431-82345678",
        "grain",
    ],
    [
        "",
        P3,
        "李四家庭农场",
        "family_farm",
        "220122",
        "农安县烧锅镇",
        "李四",
        "",
        "grain；vegetables",
    ],
]

# Per kind: English headers, Chinese headers, two valid rows, and a changed copy of row 0.
KINDS = {
    "inspections": dict(
        model=Inspection,
        en=[
            "producer",
            "date",
            "agency",
            "records_ok",
            "certificate_ok",
            "inputs_ok",
            "false_certificate",
            "notes",
        ],
        zh=[
            "生产经营主体",
            "检查日期",
            "检查机构",
            "生产档案",
            "合格证",
            "投入品",
            "虚假开证",
            "备注",
        ],
        rows=[
            [P1, ago(30), "农安县农业综合行政执法大队", "yes", "no", "na", "", "检查正常"],
            [P3, ago(20), "农安县农业农村局", "是", "否", "空", "是", ""],
        ],
        changed=(3, "no"),  # records_ok yes → no
        count_field=("agency", "农安县农业综合行政执法大队"),
    ),
    "samplings": dict(
        model=Sampling,
        en=[
            "sample_code",
            "producer",
            "date",
            "product",
            "category",
            "result",
            "failed_items",
            "lab",
            "plan",
        ],
        zh=[
            "样品编号",
            "生产经营主体",
            "抽样日期",
            "产品名称",
            "产品类别",
            "检测结果",
            "不合格项目",
            "检测机构",
            "抽检类型",
        ],
        rows=[
            [
                "NA-2026-000001",
                P1,
                ago(10),
                "黄瓜",
                "vegetables",
                "pass",
                "",
                "长春市农产品质量安全检测中心",
                "routine",
            ],
            [
                "NA-2026-000002",
                P2,
                ago(12),
                "玉米",
                "粮食",
                "超标",
                "镉",
                "长春市农产品质量安全检测中心",
                "监督抽查",
            ],
        ],
        changed=(5, "over_limit"),
        count_field=("sample_code", "NA-2026-000001"),
    ),
    "certificates": dict(
        model=Certificate,
        en=[
            "code",
            "producer",
            "product",
            "quantity",
            "unit",
            "origin",
            "issue_date",
            "trace_code",
        ],
        zh=["合格证编号", "生产经营主体", "产品名称", "数量", "单位", "产地", "开具日期", "追溯码"],
        rows=[
            ["HGZ-0001", P1, "黄瓜", "120.5", "kg", "吉林省农安县合隆镇", ago(3), "TR0001"],
            ["HGZ-0002", P3, "玉米", "3000", "斤", "吉林省农安县烧锅镇", ago(4), ""],
        ],
        changed=(3, "130"),
        count_field=("code", "HGZ-0001"),
    ),
    "certifications": dict(
        model=Certification,
        en=["number", "producer", "type", "product", "valid_from", "valid_to"],
        zh=["证书编号", "生产经营主体", "认证类型", "产品名称", "有效期起", "有效期止"],
        rows=[
            ["LB-15-2024000001", P1, "green", "大米", ago(100), ahead(900)],
            ["AGI-2020-0001", P2, "农产品地理标志", "农安小米", ago(400), ahead(400)],
        ],
        changed=(5, ahead(1000)),
        count_field=("number", "LB-15-2024000001"),
    ),
    "cases": dict(
        model=EnforcementCase,
        en=[
            "case_number",
            "producer",
            "decision_date",
            "agency",
            "severity",
            "criminal_transfer",
            "legal_basis",
            "facts",
            "penalty",
            "fine_amount",
        ],
        zh=[
            "案号",
            "生产经营主体",
            "处罚决定日期",
            "处罚机关",
            "严重程度",
            "移送司法",
            "法律依据",
            "违法事实",
            "处罚内容",
            "罚没金额",
        ],
        rows=[
            [
                "农安农罚〔2026〕1号",
                P1,
                ago(60),
                "农安县农业农村局",
                "general",
                "",
                "《中华人民共和国农产品质量安全法》第七十一条",
                "销售不合格黄瓜",
                "罚款",
                "5000",
            ],
            ["农安农罚〔2026〕2号", P3, ago(50), "农安县农业农村局", "严重", "是", "", "", "", ""],
        ],
        changed=(4, "serious"),
        count_field=("case_number", "农安农罚〔2026〕1号"),
    ),
    "blacklist": dict(
        model=BlacklistEntry,
        en=["decision_number", "producer", "start_date", "end_date", "reason", "legal_basis"],
        zh=["决定文号", "生产经营主体", "列入日期", "期满日期", "列入事由", "法律依据"],
        rows=[
            [
                "农安农黑〔2026〕1号",
                P1,
                ago(10),
                ahead(355),
                "销售含禁用药物的农产品",
                "《农产品质量安全“黑名单”管理暂行办法》",
            ],
            ["农安农黑〔2026〕2号", P3, ago(5), "", "冒用他人名义开具合格证", ""],
        ],
        changed=(4, "销售含禁用药物的农产品（更正）"),
        count_field=("decision_number", "农安农黑〔2026〕1号"),
    ),
}


# --- helpers ------------------------------------------------------------------------------


def write_csv(path: Path, headers, rows, encoding="utf-8", delimiter=",") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, headers, rows) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def run(kind, path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_facts", kind, str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_fails(kind, path, tmp_path, *args):
    report = tmp_path / f"report-{kind}.csv"
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_facts",
            kind,
            str(path),
            "--report",
            str(report),
            *args,
            stdout=io.StringIO(),
            stderr=err,
        )
    with open(report, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert report.read_bytes().startswith(b"\xef\xbb\xbf")
    assert tuple(rows[0]) == REPORT_HEADER
    return rows[1:], err.getvalue(), str(exc.value)


def fact_counts():
    return {
        m.__name__: m.objects.count()
        for m in (Inspection, Sampling, Certificate, Certification, EnforcementCase, BlacklistEntry)
    }


@pytest.fixture
def regions(db):
    """GB/T 2260 regions normally come from the migration; make sure the ones used exist."""
    province, _ = Region.objects.get_or_create(
        code="220000", defaults={"name": "吉林省", "level": "province"}
    )
    city, _ = Region.objects.get_or_create(
        code="220100", defaults={"name": "长春市", "level": "city", "parent": province}
    )
    Region.objects.get_or_create(
        code="220122", defaults={"name": "农安县", "level": "county", "parent": city}
    )
    sx, _ = Region.objects.get_or_create(
        code="140000", defaults={"name": "山西省", "level": "province"}
    )
    jz, _ = Region.objects.get_or_create(
        code="140700", defaults={"name": "晋中市", "level": "city", "parent": sx}
    )
    Region.objects.get_or_create(
        code="140726", defaults={"name": "太谷区", "level": "county", "parent": jz}
    )


@pytest.fixture
def producers(regions, tmp_path):
    path = write_csv(tmp_path / "producers.csv", PRODUCER_HEADERS, PRODUCER_ROWS)
    run("producers", path)
    return {p.uscc or p.id_number: p for p in Producer.objects.all()}


# --- producers ----------------------------------------------------------------------------


def test_producers_fixture_file_imports_with_values(regions):
    out, _ = run("producers", FIXTURES / "producers.csv")
    assert "created 3" in out
    p1 = Producer.objects.get(uscc=P1)
    assert p1.name == "农安县绿源蔬菜种植专业合作社"
    assert p1.kind == "cooperative"
    assert p1.region_id == "220122"
    assert p1.address == "农安县合隆镇陈家店村"
    assert p1.legal_rep == "张三"
    assert p1.phone == "13900001234"
    assert p1.categories == ["vegetables", "fruit"]
    assert p1.id_number is None
    p2 = Producer.objects.get(uscc=P2)
    assert p2.phone == "043182345678"  # normalised by credit.identifiers
    p3 = Producer.objects.get(id_number=P3)
    assert p3.uscc is None
    assert p3.kind == "family_farm"
    assert p3.phone == ""
    assert p3.categories == ["grain", "vegetables"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_producers_chinese_headers_in_every_encoding(regions, tmp_path, encoding):
    headers = [
        "统一社会信用代码",
        "身份证号码",
        "名称",
        "主体类型",
        "行政区划代码",
        "地址",
        "法定代表人",
        "联系电话",
        "产品类别",
    ]
    rows = [
        [
            *r[:3],
            {"cooperative": "农民专业合作社", "enterprise": "企业", "family_farm": "家庭农场"}[
                r[3]
            ],
            *r[4:],
        ]
        for r in PRODUCER_ROWS
    ]
    path = write_csv(tmp_path / "p.csv", headers, rows, encoding=encoding)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
    run("producers", path)
    assert Producer.objects.count() == 3
    assert Producer.objects.get(uscc=P1).kind == "cooperative"
    assert Producer.objects.get(uscc=P2).kind == "enterprise"
    assert Producer.objects.get(id_number=P3).name == "李四家庭农场"


def test_producers_xlsx_with_typed_cells(regions, tmp_path):
    rows = [list(r) for r in PRODUCER_ROWS]
    rows[0][7] = 13900001234  # a phone typed as a number
    rows[0][4] = 220122  # region code as a number
    rows[2][1] = P3
    path = write_xlsx(tmp_path / "producers.xlsx", PRODUCER_HEADERS, rows)
    run("producers", path)
    p1 = Producer.objects.get(uscc=P1)
    assert p1.phone == "13900001234"
    assert p1.region_id == "220122"
    assert Producer.objects.count() == 3


def test_header_matching_ignores_case_spaces_and_full_width(regions, tmp_path):
    headers = [
        " USCC ",
        "Id_Number",
        "ｎａｍｅ",
        "KIND",
        "Region Code",
        "address ",
        "Legal-Rep",
        "PHONE",
        "Categories",
    ]
    path = write_csv(tmp_path / "p.csv", headers, PRODUCER_ROWS)
    run("producers", path)
    assert Producer.objects.count() == 3


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_csv_delimiter_is_sniffed(regions, tmp_path, delimiter):
    path = write_csv(tmp_path / "p.csv", PRODUCER_HEADERS, PRODUCER_ROWS, delimiter=delimiter)
    run("producers", path)
    assert Producer.objects.get(uscc=P1).categories == ["vegetables", "fruit"]


def test_excel_unicode_text_export_utf16(regions, tmp_path):
    """Excel's 'Unicode text' (.txt): UTF-16 with a BOM, tab-separated."""
    path = write_csv(
        tmp_path / "p.txt", PRODUCER_HEADERS, PRODUCER_ROWS, encoding="utf-16", delimiter="\t"
    )
    run("producers", path)
    assert Producer.objects.get(uscc=P1).categories == ["vegetables", "fruit"]


def test_producers_reimport_is_idempotent_and_update_is_audited(producers, tmp_path):
    path = write_csv(tmp_path / "p.csv", PRODUCER_HEADERS, PRODUCER_ROWS)
    before = AuditEvent.objects.count()
    out, _ = run("producers", path)
    assert "created 0, updated 0, unchanged 3" in out
    assert AuditEvent.objects.count() == before

    rows = [list(r) for r in PRODUCER_ROWS]
    rows[0][2] = "农安县绿源果蔬种植专业合作社"
    rows[0][8] = "fruit;vegetables"  # same set, other order: not a change
    out, _ = run("producers", write_csv(tmp_path / "p2.csv", PRODUCER_HEADERS, rows))
    assert "created 0, updated 1, unchanged 2" in out
    p1 = Producer.objects.get(uscc=P1)
    assert p1.name == "农安县绿源果蔬种植专业合作社"
    assert p1.categories == ["vegetables", "fruit"]
    event = AuditEvent.objects.filter(action="producer.updated").get()
    assert event.object_id == str(p1.pk)
    assert event.data == {
        "changed": {"name": ["农安县绿源蔬菜种植专业合作社", "农安县绿源果蔬种植专业合作社"]}
    }
    assert verify_chain().ok


def test_producers_created_events(regions, tmp_path):
    run("producers", write_csv(tmp_path / "p.csv", PRODUCER_HEADERS, PRODUCER_ROWS))
    events = AuditEvent.objects.filter(action="producer.created")
    assert events.count() == 3
    data = events.get(object_id=str(Producer.objects.get(uscc=P1).pk)).data
    assert data["region_code"] == "220122" and data["categories"] == ["vegetables", "fruit"]
    assert verify_chain().ok


def test_producer_absent_columns_keep_recorded_values(producers, tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        ["uscc", "name", "kind", "region_code"],
        [[P1, "新名称合作社", "cooperative", "220122"]],
    )
    run("producers", path)
    p1 = Producer.objects.get(uscc=P1)
    assert p1.name == "新名称合作社"
    assert p1.phone == "13900001234" and p1.categories == ["vegetables", "fruit"]


def test_producer_identifier_added_by_import(producers, tmp_path):
    uscc = make_uscc("92", "220122", "MA0000003")
    row = [
        uscc,
        P3,
        "李四家庭农场",
        "family_farm",
        "220122",
        "农安县烧锅镇",
        "李四",
        "",
        "grain;vegetables",
    ]
    run("producers", write_csv(tmp_path / "p.csv", PRODUCER_HEADERS, [row]))
    p3 = Producer.objects.get(id_number=P3)
    assert p3.uscc == uscc
    assert Producer.objects.count() == 3


# --- facts: valid files -------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("headers", ["en", "zh"])
def test_fact_kind_imports_valid_file(producers, tmp_path, kind, headers):
    spec = KINDS[kind]
    path = write_csv(tmp_path / f"{kind}.csv", spec[headers], spec["rows"])
    out, _ = run(kind, path)
    assert "created 2" in out
    model = spec["model"]
    assert model.objects.active().count() == 2
    field, value = spec["count_field"]
    obj = model.objects.get(**{field: value})
    assert obj.producer == producers[P1]
    assert obj.source == "import"
    assert obj.corrects is None and obj.voided_at is None


def test_inspection_values_and_na_booleans(producers, tmp_path):
    spec = KINDS["inspections"]
    run("inspections", write_csv(tmp_path / "i.csv", spec["zh"], spec["rows"]))
    a = Inspection.objects.get(producer=producers[P1])
    assert a.date == TODAY - datetime.timedelta(days=30)
    assert (a.records_ok, a.certificate_ok, a.inputs_ok) == (True, False, None)
    assert a.false_certificate is False  # blank → False
    assert a.notes == "检查正常"
    b = Inspection.objects.get(producer=producers[P3])
    assert (b.records_ok, b.certificate_ok, b.inputs_ok, b.false_certificate) == (
        True,
        False,
        None,
        True,
    )


def test_sampling_values_from_chinese_fixture_file(producers):
    run("samplings", FIXTURES / "samplings_zh.csv")
    s1 = Sampling.objects.get(sample_code="NA-2025-000001")
    assert (s1.date, s1.category, s1.result, s1.plan) == (
        datetime.date(2025, 6, 5),
        "vegetables",
        "pass",
        "routine",
    )
    s2 = Sampling.objects.get(sample_code="NA-2025-000002")
    assert (s2.date, s2.category, s2.result, s2.failed_items, s2.plan) == (
        datetime.date(2025, 6, 6),
        "grain",
        "over_limit",
        "镉",
        "supervision",
    )
    s3 = Sampling.objects.get(sample_code="NA-2025-000003")
    assert s3.producer == producers[P3]
    assert (s3.result, s3.plan, s3.lab) == ("prohibited", "special", "吉林省农产品质量安全检测中心")


def test_sampling_plan_column_is_optional(producers, tmp_path):
    headers = ["sample_code", "producer", "date", "product", "category", "result"]
    run(
        "samplings",
        write_csv(tmp_path / "s.csv", headers, [["S-1", P1, ago(1), "白菜", "vegetables", "pass"]]),
    )
    s = Sampling.objects.get()
    assert (s.plan, s.lab, s.failed_items) == ("routine", "", "")


def test_certificate_values(producers, tmp_path):
    spec = KINDS["certificates"]
    run("certificates", write_csv(tmp_path / "c.csv", spec["en"], spec["rows"]))
    c = Certificate.objects.get(code="HGZ-0001")
    assert c.quantity == Decimal("120.50") and c.unit == "kg"
    assert c.issue_date == TODAY - datetime.timedelta(days=3)
    assert c.trace_code == "TR0001"
    assert Certificate.objects.get(code="HGZ-0002").trace_code == ""


def test_certification_valid_to_may_be_future(producers, tmp_path):
    spec = KINDS["certifications"]
    run("certifications", write_csv(tmp_path / "c.csv", spec["zh"], spec["rows"]))
    c = Certification.objects.get(number="AGI-2020-0001")
    assert c.type == "gi" and c.valid_to == TODAY + datetime.timedelta(days=400)


def test_case_values(producers, tmp_path):
    spec = KINDS["cases"]
    run("cases", write_csv(tmp_path / "c.csv", spec["zh"], spec["rows"]))
    a = EnforcementCase.objects.get(case_number="农安农罚〔2026〕1号")
    assert (a.severity, a.criminal_transfer, a.fine_amount) == ("general", False, Decimal("5000"))
    b = EnforcementCase.objects.get(case_number="农安农罚〔2026〕2号")
    assert (b.severity, b.criminal_transfer, b.fine_amount, b.facts) == ("serious", True, None, "")


def test_blacklist_values(producers, tmp_path):
    spec = KINDS["blacklist"]
    run("blacklist", write_csv(tmp_path / "b.csv", spec["en"], spec["rows"]))
    a = BlacklistEntry.objects.get(decision_number="农安农黑〔2026〕1号")
    assert a.end_date == TODAY + datetime.timedelta(days=355)
    assert a.legal_basis.startswith("《农产品质量安全")
    assert BlacklistEntry.objects.get(decision_number="农安农黑〔2026〕2号").end_date is None


def test_xlsx_with_excel_dates_and_numbers(producers, tmp_path):
    headers = KINDS["certificates"]["zh"]
    rows = [
        ["HGZ-X1", P1, "黄瓜", 120.5, "kg", "农安县", datetime.datetime(2025, 5, 1), None],
        ["HGZ-X2", P3, "玉米", 3000, "斤", "农安县", datetime.date(2025, 5, 2), "T-2"],
        [None, None, None, None, None, None, None, None],  # a blank row is skipped
        ["HGZ-X3", P2, "大豆", "12.25", "kg", "农安县", "2025年5月3日", 12345],
    ]
    run("certificates", write_xlsx(tmp_path / "c.xlsx", headers, rows))
    c1 = Certificate.objects.get(code="HGZ-X1")
    assert (c1.quantity, c1.issue_date, c1.trace_code) == (
        Decimal("120.50"),
        datetime.date(2025, 5, 1),
        "",
    )
    c2 = Certificate.objects.get(code="HGZ-X2")
    assert (c2.quantity, c2.issue_date) == (Decimal("3000"), datetime.date(2025, 5, 2))
    c3 = Certificate.objects.get(code="HGZ-X3")
    assert (c3.issue_date, c3.trace_code) == (datetime.date(2025, 5, 3), "12345")


def test_xlsx_inspection_booleans_typed(producers, tmp_path):
    headers = KINDS["inspections"]["en"]
    rows = [[P1, datetime.datetime(2025, 7, 1), "检查组", True, False, None, None, None]]
    run("inspections", write_xlsx(tmp_path / "i.xlsx", headers, rows))
    i = Inspection.objects.get()
    assert (i.records_ok, i.certificate_ok, i.inputs_ok, i.false_certificate) == (
        True,
        False,
        None,
        False,
    )


def test_xlsx_row_numbers_in_report(producers, tmp_path):
    headers = KINDS["samplings"]["en"]
    rows = [
        ["S-1", P1, ago(1), "白菜", "vegetables", "pass", "", "", ""],
        [None] * 9,
        ["S-2", P1, ago(1), "白菜", "vegetable", "pass", "", "", ""],
    ]
    errors, _, _ = run_fails("samplings", write_xlsx(tmp_path / "s.xlsx", headers, rows), tmp_path)
    assert [e[:3] for e in errors] == [["4", "category", "vegetable"]]
    assert Sampling.objects.count() == 0


# --- idempotence and corrections ----------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_reimport_is_idempotent(producers, tmp_path, kind):
    spec = KINDS[kind]
    path = write_csv(tmp_path / f"{kind}.csv", spec["en"], spec["rows"])
    run(kind, path)
    events = AuditEvent.objects.count()
    # Same content in the other header language and another encoding: still unchanged.
    again = write_csv(tmp_path / f"{kind}-zh.csv", spec["zh"], spec["rows"], encoding="gb18030")
    out, _ = run(kind, again)
    assert "created 0, corrected 0, unchanged 2" in out
    assert spec["model"].objects.count() == 2
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("kind", list(KINDS))
def test_changed_row_is_a_correction(producers, tmp_path, kind):
    spec = KINDS[kind]
    model = spec["model"]
    run(kind, write_csv(tmp_path / "a.csv", spec["en"], spec["rows"]))
    field, value = spec["count_field"]
    old = model.objects.get(**{field: value})
    rows = [list(r) for r in spec["rows"]]
    index, new_value = spec["changed"]
    rows[0][index] = new_value
    out, _ = run(kind, write_csv(tmp_path / "b.csv", spec["en"], rows))
    assert "created 0, corrected 1, unchanged 1" in out

    old.refresh_from_db()
    assert old.voided_at is not None and old.void_reason == "import correction"
    new = model.objects.active().get(**{field: value})
    assert new.corrects_id == old.pk and new.pk != old.pk
    assert model.objects.count() == 3 and model.objects.active().count() == 2

    name = model._meta.model_name
    voided = AuditEvent.objects.get(action="fact.voided", object_type=name)
    assert voided.object_id == str(old.pk) and voided.reason == "import correction"
    created = AuditEvent.objects.filter(action="fact.created", object_type=name)
    assert created.count() == 3
    assert created.order_by("-id").first().data == {
        k: (str(v) if isinstance(v, Decimal) else v) for k, v in new.content().items()
    }
    assert verify_chain().ok


def test_absent_optional_fact_column_keeps_recorded_value(producers, tmp_path):
    spec = KINDS["samplings"]
    run("samplings", write_csv(tmp_path / "a.csv", spec["en"], spec["rows"]))
    headers = ["sample_code", "producer", "date", "product", "category", "result"]
    rows = [r[:6] for r in spec["rows"]]
    out, _ = run("samplings", write_csv(tmp_path / "b.csv", headers, rows))
    assert "unchanged 2" in out
    assert Sampling.objects.get(sample_code="NA-2026-000002").plan == "supervision"


def test_identical_duplicate_rows_import_once(producers, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_module, "VALIDATE_BATCH", 2)
    monkeypatch.setattr(importer_module, "WRITE_BATCH", 2)
    spec = KINDS["samplings"]
    rows = [spec["rows"][0], spec["rows"][1], spec["rows"][0], spec["rows"][0]]
    out, _ = run("samplings", write_csv(tmp_path / "s.csv", spec["en"], rows))
    assert "created 2, corrected 0, unchanged 0, duplicate rows 2" in out
    assert Sampling.objects.count() == 2


def test_many_rows_over_several_batches(producers, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_module, "VALIDATE_BATCH", 7)
    monkeypatch.setattr(importer_module, "WRITE_BATCH", 5)
    pids = [P1, P2, P3]
    rows = [
        [
            f"S-{i:04d}",
            pids[i % 3],
            ago(i % 300 + 1),
            "黄瓜",
            "vegetables",
            "pass" if i % 10 else "over_limit",
            "" if i % 10 else "腐霉利",
            "检测中心",
            "routine",
        ]
        for i in range(53)
    ]
    path = write_csv(tmp_path / "s.csv", KINDS["samplings"]["en"], rows)
    run("samplings", path)
    assert Sampling.objects.count() == 53
    assert AuditEvent.objects.filter(action="fact.created").count() == 53
    assert Sampling.objects.get(sample_code="S-0010").result == "over_limit"
    out, _ = run("samplings", path)
    assert "created 0, corrected 0, unchanged 53" in out
    assert verify_chain().ok


# --- rejected files -----------------------------------------------------------------------


def _samplings_with(bad_row, at=1):
    rows = [list(r) for r in KINDS["samplings"]["rows"]]
    rows.insert(at, bad_row)
    return rows


BAD_FACT_CASES = {
    "future date": (
        "samplings",
        ["S-9", P1, ahead(1), "黄瓜", "vegetables", "pass", "", "", ""],
        ("date", ahead(1), "日期不能晚于今天"),
    ),
    "bad date": (
        "samplings",
        ["S-9", P1, "2025-02-30", "黄瓜", "vegetables", "pass", "", "", ""],
        ("date", "2025-02-30", "日期不存在"),
    ),
    "bad enum": (
        "samplings",
        ["S-9", P1, ago(1), "黄瓜", "vegetables", "failed", "", "", ""],
        ("result", "failed", "不是有效的取值"),
    ),
    "unknown producer": (
        "samplings",
        ["S-9", OTHER_REGION_USCC, ago(1), "黄瓜", "vegetables", "pass", "", "", ""],
        ("producer", OTHER_REGION_USCC, "生产经营主体不存在"),
    ),
    "bad producer check char": (
        "samplings",
        ["S-9", P1[:-1] + "B", ago(1), "黄瓜", "vegetables", "pass", "", "", ""],
        ("producer", P1[:-1] + "B", "校验位错误"),
    ),
    "required blank": (
        "samplings",
        ["S-9", P1, ago(1), "", "vegetables", "pass", "", "", ""],
        ("product", "", "必填项为空"),
    ),
    "duplicate key, other content": (
        "samplings",
        ["NA-2026-000001", P1, ago(10), "西红柿", "vegetables", "pass", "", "", ""],
        ("sample_code", "NA-2026-000001", "与第 2 行"),
    ),
    "bad boolean": (
        "inspections",
        [P2, ago(5), "检查组", "maybe", "yes", "no", "", ""],
        ("records_ok", "maybe", "不是有效的是/否值"),
    ),
    "bad boolean (na not allowed)": (
        "inspections",
        [P2, ago(5), "检查组", "yes", "yes", "no", "na", ""],
        ("false_certificate", "na", "不是有效的是/否值"),
    ),
    "bad quantity": (
        "certificates",
        ["HGZ-9", P1, "黄瓜", "12.345", "kg", "农安县", ago(1), ""],
        ("quantity", "12.345", "小数位过多"),
    ),
    "negative fine": (
        "cases",
        ["案9", P1, ago(1), "农业农村局", "general", "", "", "", "", "-5"],
        ("fine_amount", "-5", "不能为负数"),
    ),
    "valid_to before valid_from": (
        "certifications",
        ["C-9", P1, "organic", "大米", ago(10), ago(20)],
        ("valid_to", ago(20), "有效期止不能早于有效期起"),
    ),
    "end before start": (
        "blacklist",
        ["黑9", P1, ago(10), ago(20), "事由", ""],
        ("end_date", ago(20), "期满日期不能早于列入日期"),
    ),
}


@pytest.mark.parametrize("case", list(BAD_FACT_CASES))
def test_one_bad_row_imports_nothing(producers, tmp_path, case):
    kind, bad, (column, value, reason) = BAD_FACT_CASES[case]
    spec = KINDS[kind]
    rows = [list(r) for r in spec["rows"]]
    rows.insert(1, bad)  # row 3 of the sheet: header, good, bad, good
    before, events = fact_counts(), AuditEvent.objects.count()
    errors, stderr, message = run_fails(
        kind, write_csv(tmp_path / "x.csv", spec["en"], rows), tmp_path
    )
    assert fact_counts() == before and AuditEvent.objects.count() == events
    assert len(errors) == 1, errors
    row, col, val, why = errors[0]
    assert (row, col, val) == ("3", column, value)
    assert reason in why
    assert "共 1 处错误" in message and "未写入任何数据" in message
    assert f"第 3 行，列“{column}”" in stderr


BAD_PRODUCER_CASES = {
    "bad USCC check char": (
        [P1[:-1] + "B", "", "某合作社", "cooperative", "220122", "", "", "", ""],
        ("uscc", P1[:-1] + "B", "校验位错误"),
    ),
    "bad id number": (
        ["", P3[:-1] + "0", "某农场", "family_farm", "220122", "", "", "", ""],
        ("id_number", P3[:-1] + "0", "校验码错误"),
    ),
    "unknown region": (
        [
            make_uscc("93", "220122", "MA0000005"),
            "",
            "某合作社",
            "cooperative",
            "229999",
            "",
            "",
            "",
            "",
        ],
        ("region_code", "229999", "行政区划代码不存在"),
    ),
    "bad kind": (
        [make_uscc("93", "220122", "MA0000005"), "", "某合作社", "coop", "220122", "", "", "", ""],
        ("kind", "coop", "不是有效的取值"),
    ),
    "bad phone": (
        [
            make_uscc("93", "220122", "MA0000005"),
            "",
            "某合作社",
            "cooperative",
            "220122",
            "",
            "",
            "12345",
            "",
        ],
        ("phone", "12345", "手机号码应为"),
    ),
    "bad category": (
        [
            make_uscc("93", "220122", "MA0000005"),
            "",
            "某合作社",
            "cooperative",
            "220122",
            "",
            "",
            "",
            "vegetables;meat",
        ],
        ("categories", "vegetables;meat", "产品类别“meat”无效"),
    ),
    "no identifier": (
        ["", "", "某合作社", "cooperative", "220122", "", "", "", ""],
        ("uscc", "", "至少填写一项"),
    ),
    "duplicate uscc, other content": (
        [P1, "", "另一个名字", "cooperative", "220122", "", "", "", ""],
        ("uscc", P1, "与第 2 行相同但内容不同"),
    ),
}


@pytest.mark.parametrize("case", list(BAD_PRODUCER_CASES))
def test_one_bad_producer_row_imports_nothing(regions, tmp_path, case):
    bad, (column, value, reason) = BAD_PRODUCER_CASES[case]
    rows = [list(r) for r in PRODUCER_ROWS]
    rows.insert(1, bad)
    errors, _, _ = run_fails(
        "producers", write_csv(tmp_path / "p.csv", PRODUCER_HEADERS, rows), tmp_path
    )
    assert Producer.objects.count() == 0 and AuditEvent.objects.count() == 0
    assert len(errors) == 1, errors
    assert tuple(errors[0][:3]) == ("3", column, value)
    assert reason in errors[0][3]


def test_existing_producer_identifier_cannot_be_changed(producers, tmp_path):
    # P1 and P3 are two producers: one row cannot claim both identifiers.
    row = [P1, P3, "农安县绿源蔬菜种植专业合作社", "cooperative", "220122", "", "", "", ""]
    errors, _, _ = run_fails(
        "producers", write_csv(tmp_path / "p.csv", PRODUCER_HEADERS, [row]), tmp_path
    )
    assert errors[0][:3] == ["2", "id_number", P3] and "另一个生产经营主体" in errors[0][3]
    # A recorded identifier is never replaced by a different one.
    uscc = make_uscc("92", "220122", "MA0000003")
    run(
        "producers",
        write_csv(
            tmp_path / "a.csv",
            PRODUCER_HEADERS,
            [[uscc, P3, "李四家庭农场", "family_farm", "220122", "", "", "", ""]],
        ),
    )
    other = make_uscc("92", "220122", "MA0000004")
    row = [other, P3, "李四家庭农场", "family_farm", "220122", "", "", "", ""]
    errors, _, _ = run_fails(
        "producers", write_csv(tmp_path / "b.csv", PRODUCER_HEADERS, [row]), tmp_path
    )
    assert errors[0][:3] == ["2", "uscc", other] and "不能通过导入更改" in errors[0][3]
    assert Producer.objects.get(id_number=P3).uscc == uscc


def test_unknown_column_is_reported_before_rows(producers, tmp_path):
    spec = KINDS["samplings"]
    rows = [[*r, "x"] for r in spec["rows"]]
    errors, _, _ = run_fails(
        "samplings", write_csv(tmp_path / "s.csv", [*spec["en"], "颜色"], rows), tmp_path
    )
    assert errors == [["1", "颜色", "颜色", errors[0][3]]]
    assert "未知的列“颜色”" in errors[0][3]
    assert Sampling.objects.count() == 0


def test_missing_required_column_is_reported_before_rows(producers, tmp_path):
    spec = KINDS["samplings"]
    headers = [h for h in spec["en"] if h != "result"]
    rows = [[c for h, c in zip(spec["en"], r, strict=True) if h != "result"] for r in spec["rows"]]
    rows.append(["S-bad", P1, "not a date", "x", "vegetables", "", "", ""])
    errors, _, _ = run_fails("samplings", write_csv(tmp_path / "s.csv", headers, rows), tmp_path)
    assert len(errors) == 1  # the bad row is not even read
    assert errors[0][:2] == ["1", "result"] and "缺少必需的列" in errors[0][3]


def test_duplicate_column_is_an_error(producers, tmp_path):
    headers = [*KINDS["samplings"]["en"], "样品编号"]
    rows = [[*r, r[0]] for r in KINDS["samplings"]["rows"]]
    errors, _, _ = run_fails("samplings", write_csv(tmp_path / "s.csv", headers, rows), tmp_path)
    assert errors[0][:2] == ["1", "样品编号"] and "列重复" in errors[0][3]


def test_many_errors_are_all_in_the_report(producers, tmp_path):
    spec = KINDS["samplings"]
    rows = [[f"S-{i}", P1, "bad", "黄瓜", "vegetables", "pass", "", "", ""] for i in range(80)]
    errors, stderr, message = run_fails(
        "samplings", write_csv(tmp_path / "s.csv", spec["en"], rows), tmp_path
    )
    assert len(errors) == 80 and [int(e[0]) for e in errors] == list(range(2, 82))
    assert "共 80 处错误" in message
    assert stderr.count("第 ") >= 50 and "另有 30 处错误" in stderr


def test_default_report_path_under_var(producers, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    spec = KINDS["samplings"]
    rows = _samplings_with(["S-9", P1, ahead(3), "黄瓜", "vegetables", "pass", "", "", ""])
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_facts",
            "samplings",
            str(write_csv(tmp_path / "s.csv", spec["en"], rows)),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    reports = list((tmp_path / "var" / "import-reports").glob("samplings-*.csv"))
    assert len(reports) == 1 and str(reports[0]) in str(exc.value)


def test_undecodable_file_is_rejected(producers, tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"sample_code,producer\n\x81\xff\xfe,1\n")
    errors, _, _ = run_fails("samplings", path, tmp_path)
    assert "编码" in errors[0][3]


def test_legacy_xls_is_rejected(producers, tmp_path):
    path = tmp_path / "s.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    errors, _, _ = run_fails("samplings", path, tmp_path)
    assert ".xls" in errors[0][3]


# --- dry run, API, users ------------------------------------------------------------------


def test_dry_run_writes_nothing(producers, tmp_path):
    spec = KINDS["samplings"]
    path = write_csv(tmp_path / "s.csv", spec["en"], spec["rows"])
    before, events = fact_counts(), AuditEvent.objects.count()
    out, _ = run("samplings", path, "--dry-run")
    assert "would create 2, would correct 0, unchanged 0" in out
    assert fact_counts() == before and AuditEvent.objects.count() == events

    run("samplings", path)
    rows = [list(r) for r in spec["rows"]]
    rows[0][5] = "over_limit"
    out, _ = run("samplings", write_csv(tmp_path / "t.csv", spec["en"], rows), "--dry-run")
    assert "would create 0, would correct 1, unchanged 1" in out
    assert Sampling.objects.active().get(sample_code="NA-2026-000001").result == "pass"


def test_dry_run_with_errors_fails(producers, tmp_path):
    spec = KINDS["samplings"]
    rows = _samplings_with(["S-9", P1, ahead(3), "黄瓜", "vegetables", "pass", "", "", ""])
    errors, _, _ = run_fails(
        "samplings", write_csv(tmp_path / "s.csv", spec["en"], rows), tmp_path, "--dry-run"
    )
    assert errors[0][1] == "date"


def test_run_import_api_with_file_objects(producers):
    spec = KINDS["samplings"]
    buf = io.StringIO()
    csv.writer(buf).writerows([spec["zh"], *spec["rows"]])
    data = b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
    result = run_import("samplings", io.BytesIO(data), "抽检.csv", dry_run=True, progress=False)
    assert result.ok and result.counts["created"] == 2 and result.error_count == 0

    class Pipe(io.RawIOBase):  # not seekable, like a stream from a socket
        def __init__(self, payload):
            self._src = io.BytesIO(payload)

        def readable(self):
            return True

        def readinto(self, b):
            chunk = self._src.read(len(b))
            b[: len(chunk)] = chunk
            return len(chunk)

    seen = []
    result = run_import(
        "samplings",
        io.BufferedReader(Pipe(data)),
        "抽检.csv",
        progress=lambda phase, done, total: seen.append((phase, done, total)),
    )
    assert result.ok and result.counts["created"] == 2
    assert Sampling.objects.count() == 2
    assert seen and seen[-1][1:] == (2, 2)


def test_run_import_api_reports_errors(producers, tmp_path):
    spec = KINDS["samplings"]
    rows = _samplings_with(["S-9", P1, ago(1), "黄瓜", "vegetables", "bad", "", "", ""])
    path = write_csv(tmp_path / "s.csv", spec["en"], rows)
    result = run_import("samplings", path, progress=False, report_path=tmp_path / "r.csv")
    assert not result.ok and result.error_count == 1
    e = result.errors[0]
    assert (e.row, e.column, e.value) == (3, "result", "bad")
    assert result.report_csv_bytes().startswith(b"\xef\xbb\xbf")
    assert Sampling.objects.count() == 0


def test_user_is_recorded_and_region_scope_applies(producers, tmp_path, regions):
    User = get_user_model()
    officer = User.objects.create_user("officer1", password="x" * 12)
    OfficerProfile.objects.create(user=officer, region_id="220122")
    spec = KINDS["samplings"]
    run("samplings", write_csv(tmp_path / "s.csv", spec["en"], spec["rows"]), "--user", "officer1")
    s = Sampling.objects.get(sample_code="NA-2026-000001")
    assert s.recorded_by == officer
    assert set(
        AuditEvent.objects.filter(action="fact.created").values_list("actor", flat=True)
    ) == {"officer1"}

    row = [OTHER_REGION_USCC, "", "太谷区某合作社", "cooperative", "140726", "", "", "", ""]
    errors, _, _ = run_fails(
        "producers",
        write_csv(tmp_path / "p.csv", PRODUCER_HEADERS, [row]),
        tmp_path,
        "--user",
        "officer1",
    )
    assert errors[0][:3] == ["2", "region_code", "140726"] and "管辖区域" in errors[0][3]


def test_unknown_user_is_an_error(producers, tmp_path):
    spec = KINDS["samplings"]
    with pytest.raises(CommandError, match="unknown user"):
        run(
            "samplings", write_csv(tmp_path / "s.csv", spec["en"], spec["rows"]), "--user", "nobody"
        )


def test_audit_chain_after_a_mixed_sequence(producers, tmp_path):
    for kind, spec in KINDS.items():
        run(kind, write_csv(tmp_path / f"{kind}.csv", spec["en"], spec["rows"]))
    actions = dict.fromkeys(["producer.created", "fact.created"], 0)
    for action in actions:
        actions[action] = AuditEvent.objects.filter(action=action).count()
    assert actions == {"producer.created": 3, "fact.created": 12}
    result = verify_chain()
    assert result.ok and result.checked == AuditEvent.objects.count()


def test_recompute_scheduled_for_affected_producers(producers, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "credit.signals.schedule_recompute",
        lambda ids, reason="": calls.append((sorted(ids), reason)),
    )
    spec = KINDS["samplings"]
    run("samplings", write_csv(tmp_path / "s.csv", spec["en"], spec["rows"]))
    assert calls == [
        (sorted([producers[P1].pk, producers[P2].pk]), f"import samplings {tmp_path / 's.csv'}")
    ]


def test_correcting_a_removed_blacklist_entry_keeps_the_removal(producers, tmp_path):
    from credit.services.records import remove_from_blacklist

    spec = KINDS["blacklist"]
    run("blacklist", write_csv(tmp_path / "a.csv", spec["en"], spec["rows"]))
    entry = BlacklistEntry.objects.get(decision_number="农安农黑〔2026〕1号")
    remove_from_blacklist(entry, TODAY, "信用修复")
    rows = [list(r) for r in spec["rows"]]
    rows[0][4] = "销售含禁用药物的农产品（更正）"
    run("blacklist", write_csv(tmp_path / "b.csv", spec["en"], rows))
    new = BlacklistEntry.objects.active().get(decision_number="农安农黑〔2026〕1号")
    assert new.corrects_id == entry.pk
    assert (new.removed_on, new.removal_reason) == (TODAY, "信用修复")


def test_fact_file_may_head_the_producer_column_with_the_identifier_name(producers, tmp_path):
    spec = KINDS["samplings"]
    headers = ["样品编号", "统一社会信用代码", *spec["zh"][2:]]
    run("samplings", write_csv(tmp_path / "s.csv", headers, spec["rows"]))
    assert Sampling.objects.get(sample_code="NA-2026-000002").producer == producers[P2]


def test_run_import_api_with_django_uploads(producers, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

    spec = KINDS["certificates"]
    xlsx = write_xlsx(tmp_path / "c.xlsx", spec["zh"], spec["rows"]).read_bytes()
    upload = SimpleUploadedFile("合格证.xlsx", xlsx)
    result = run_import("certificates", upload, upload.name, dry_run=True, progress=False)
    assert result.ok and result.counts["created"] == 2

    big = TemporaryUploadedFile("合格证.xlsx", "application/octet-stream", len(xlsx), None)
    big.write(xlsx)
    big.seek(0)
    result = run_import("certificates", big, big.name, progress=False)
    assert result.ok and Certificate.objects.count() == 2
    assert result.summary_lines()[1].startswith("已新增 2")
