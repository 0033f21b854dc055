"""数据公开 dashboard: pure formatting and SVG charts, the metrics on hand-made credit data
(exact figures, few queries), the DataPage rendering it, and the CSV/XLSX/JSON downloads."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale, Page

from credit.identifiers import make_uscc
from credit.models import (
    BlacklistEntry,
    Certificate,
    EnforcementCase,
    Producer,
    Region,
    Sampling,
)
from credit.services.records import void_fact
from portal.dashboard import charts, exports
from portal.dashboard import formatting as fmt
from portal.dashboard.metrics import (
    DATASETS,
    Metrics,
    Scope,
    ancestor_codes,
    child_code,
    child_level,
    parse_scope,
)
from portal.dashboard.presentation import build_dashboard

# --- pure: formatting -------------------------------------------------------------------------


def test_rates_round_half_up_and_handle_zero():
    assert fmt.rate(1, 3) == 33.3
    assert fmt.rate(2, 3) == 66.7
    assert fmt.rate(0, 0) is None
    assert fmt.round_half_up(2.25, 1) == 2.3
    assert fmt.round_half_up(97.45, 1) == 97.5
    assert fmt.per_thousand(1500, 1_000_000) == 1.5
    assert fmt.per_thousand(3, None) is None


def test_display_text():
    assert fmt.percent(98.0) == "98.0%"
    assert fmt.percent(None) == "—"
    assert fmt.decimal(1.5) == "1.50"
    assert fmt.integer(12000) == "12,000"
    assert fmt.cell_text(True, "bool") == "✓"
    assert fmt.cell_text(None, "int") == "—"
    assert fmt.meets(98.0, 98.0) is True
    assert fmt.meets(97.9, 98.0) is False
    assert fmt.meets(None, 98.0) is None
    assert fmt.meets(2.1, 1.5, 2.0) is False


def test_nice_scales_and_ticks():
    assert fmt.nice_ceiling(0.023) == 0.025
    assert fmt.nice_ceiling(17) == 20
    assert charts.nice_ticks(80, 100, most=5) == [80, 85, 90, 95, 100]
    assert charts.nice_ticks(0, 5, most=5, integer=True) == [0, 2, 4]
    assert charts.nice_ticks(0, 2.5, most=6) == [0, 0.5, 1, 1.5, 2, 2.5]


# --- pure: charts ---------------------------------------------------------------------------


def _ids(svg):
    return re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()


def test_bar_chart_is_a_named_described_image_with_scaled_bars():
    svg = charts.bar_chart(
        "c1",
        "合格率 <地区>",
        "描述 & 说明",
        [charts.Bar("农安县", 99.0, "99.0%", True), charts.Bar("<b>", 90.0, "90.0%", False)],
        scale=(80.0, 100.0),
        target=charts.Target(98.0, None, "目标 ≥ 98%"),
        ticks=[80, 90, 100],
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert _ids(svg) == ["c1-title", "c1-desc"]
    assert '<title id="c1-title">合格率 &lt;地区&gt;</title>' in svg
    assert '<desc id="c1-desc">描述 &amp; 说明</desc>' in svg
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    assert 'class="chart-bar is-met" x="0" y="3.2em" width="95%"' in svg
    assert 'width="50%"' in svg  # 90 on an 80–100 scale
    assert svg.count('class="chart-target"') == 2  # a mark across each bar at 90 %
    assert 'x1="90%"' in svg


def test_bar_chart_band_for_a_target_range():
    svg = charts.bar_chart(
        "c2",
        "t",
        "d",
        [charts.Bar("a", 1.0, "1.00")],
        scale=(0, 2.5),
        target=charts.Target(1.5, 2.0, "1.5–2"),
    )
    assert 'class="chart-band" x="60%"' in svg and 'width="20%"' in svg


def test_line_chart_leaves_gaps_without_data():
    points = [
        charts.Point("Q1", 97.0, "97.0%"),
        charts.Point("Q2", None, "—"),
        charts.Point("Q3", 99.0, "99.0%"),
        charts.Point("Q4", 98.5, "98.5%"),
    ]
    svg = charts.line_chart(
        "c3", "t", "d", points, scale=(90.0, 100.0), target=charts.Target(98.0, None, "98%")
    )
    assert svg.count('class="chart-line"') == 1  # only Q3–Q4 are joined
    assert svg.count("<circle") == 3
    assert 'class="chart-point is-missed"' in svg and 'class="chart-point is-met"' in svg


def test_stacked_bars_share_the_full_width():
    series = [charts.Series("A", "A"), charts.Series("B", "B"), charts.Series("D", "D")]
    svg = charts.stacked_bar_chart(
        "c4", "t", "d", [charts.Stack("x", {"A": 1, "B": 1, "D": 2}, "4")], series
    )
    widths = [
        float(w)
        for w in re.findall(
            r'class="chart-seg seg-\w" x="[\d.]+%" y="[\d.]+em" width="([\d.]+)%"', svg
        )
    ]
    assert widths == [25, 25, 50]
    assert 'aria-hidden="true"' in charts.legend(series)


def test_region_codes_nest_by_prefix():
    assert child_level(None) == "province"
    assert child_level("province") == "city"
    assert child_level("city") == "county"
    assert child_level("county") == "county"
    assert child_code("220122", "province") == "220000"
    assert child_code("220122", "city") == "220100"
    assert child_code("220122", "county") == "220122"
    assert ancestor_codes("220122") == ["220000", "220100", "220122"]
    assert ancestor_codes("220000") == ["220000"]


# --- metrics on hand-made data ------------------------------------------------------------------

YEAR = 2025
TODAY = datetime.date(2026, 3, 1)
NONGAN, YUSHU, TAIGU = "220122", "220182", "140703"


def _producer(name, region, n, kind="cooperative", grade="A"):
    return Producer.objects.create(
        uscc=make_uscc("93", region, f"DB{n:07d}"),
        name=name,
        kind=kind,
        region_id=region,
        grade=grade,
    )


def _sampling(producer, code, day, result="pass"):
    return Sampling.objects.create(
        producer=producer,
        sample_code=code,
        date=day,
        product="黄瓜",
        category="vegetables",
        result=result,
    )


@pytest.fixture
def credit_world(db):
    Region.objects.filter(code=NONGAN).update(population=800_000)
    Region.objects.filter(code=YUSHU).update(population=200_000)
    Region.objects.filter(code=TAIGU).update(population=500_000)
    a = _producer("农安甲合作社", NONGAN, 1, grade="A")
    b = _producer("农安乙农场", NONGAN, 2, kind="family_farm", grade="C")
    c = _producer("榆树丙企业", YUSHU, 3, kind="enterprise", grade="D")
    _producer("农安农资店", NONGAN, 4, kind="input_dealer", grade="U")
    t = _producer("太谷丁合作社", TAIGU, 5, grade="B")
    d = datetime.date
    # 农安: Q1 2 pass; Q2 1 pass 1 fail; a voided failure; one in another year.
    _sampling(a, "S1", d(YEAR, 1, 10))
    _sampling(a, "S2", d(YEAR, 2, 10))
    _sampling(b, "S3", d(YEAR, 4, 10))
    _sampling(b, "S4", d(YEAR, 5, 10), "over_limit")
    void_fact(_sampling(b, "S5", d(YEAR, 6, 10), "prohibited"), reason="录入错误")
    _sampling(a, "S6", d(YEAR - 1, 12, 31), "over_limit")
    # 榆树: Q4 1 prohibited. 太谷: Q3 1 pass.
    _sampling(c, "S7", d(YEAR, 11, 1), "prohibited")
    _sampling(t, "S8", d(YEAR, 8, 1))
    # Certificates: a and t in the year, c only the year before.
    for code, producer, day in (
        ("C1", a, d(YEAR, 3, 1)),
        ("C2", a, d(YEAR, 4, 1)),
        ("C3", t, d(YEAR, 9, 1)),
        ("C4", c, d(YEAR - 1, 9, 1)),
    ):
        Certificate.objects.create(
            producer=producer,
            code=code,
            product="黄瓜",
            quantity=Decimal("10"),
            unit="kg",
            origin="农安",
            issue_date=day,
        )
    # Cases: 农安 2 (one serious), 榆树 1 criminal transfer, 太谷 1 voided.
    EnforcementCase.objects.create(
        producer=a,
        case_number="K1",
        decision_date=d(YEAR, 3, 3),
        agency="农安县农业农村局",
        severity="general",
    )
    EnforcementCase.objects.create(
        producer=b,
        case_number="K2",
        decision_date=d(YEAR, 7, 3),
        agency="农安县农业农村局",
        severity="serious",
    )
    EnforcementCase.objects.create(
        producer=c,
        case_number="K3",
        decision_date=d(YEAR, 8, 3),
        agency="榆树市农业农村局",
        severity="serious",
        criminal_transfer=True,
    )
    void_fact(
        EnforcementCase.objects.create(
            producer=t,
            case_number="K4",
            decision_date=d(YEAR, 8, 3),
            agency="太谷",
            severity="general",
        ),
        reason="重复",
    )
    # Blacklist: c in force at year end; b listed and removed within the year.
    BlacklistEntry.objects.create(
        producer=c,
        decision_number="B1",
        start_date=d(YEAR, 11, 5),
        end_date=d(YEAR + 2, 11, 5),
        reason="检出禁用药物",
    )
    entry = BlacklistEntry.objects.create(
        producer=b,
        decision_number="B2",
        start_date=d(YEAR, 2, 1),
        end_date=d(YEAR + 1, 2, 1),
        reason="虚假开证",
    )
    BlacklistEntry.objects.filter(pk=entry.pk).update(removed_on=d(YEAR, 6, 1))
    return {"a": a, "b": b, "c": c, "t": t}


def _rows(dataset):
    return {row["region_code"]: row for row in dataset.rows}


def test_pass_rate_by_quarter_and_province(credit_world, django_assert_max_num_queries):
    metrics = Metrics(Scope(None, YEAR, TODAY))
    with django_assert_max_num_queries(5):  # samplings, producers, cases, blacklist, regions
        data = metrics.pass_rate()
    rows = _rows(data)
    assert list(rows) == ["140000", "220000"]
    jilin = rows["220000"]
    assert (jilin["q1"], jilin["q2"], jilin["q3"], jilin["q4"]) == (100.0, 50.0, None, 0.0)
    assert (jilin["samples"], jilin["passed"], jilin["pass_rate"]) == (5, 3, 60.0)
    assert rows["140000"]["pass_rate"] == 100.0
    total = data.total
    assert (total["samples"], total["passed"], total["pass_rate"]) == (6, 4, 66.7)
    assert total["q3"] == 100.0
    assert data.goal.low == 98.0


def test_sampling_density_uses_county_populations(credit_world):
    metrics = Metrics(Scope(Region.objects.get(code="220100"), YEAR, TODAY))
    data = metrics.sampling_density()
    rows = _rows(data)
    assert rows[NONGAN]["population"] == 800_000
    assert rows[NONGAN]["per_1000"] == fmt.per_thousand(4, 800_000)
    assert rows[YUSHU]["per_1000"] == 0.01  # 1 per 200,000 people → 0.005 → 0.01
    assert data.total["population"] == 1_000_000 and data.total["samples"] == 5


def test_certificate_coverage_counts_producers_not_dealers(credit_world):
    data = Metrics(Scope(Region.objects.get(code="220100"), YEAR, TODAY)).certificate_coverage()
    rows = _rows(data)
    # 农安: a issued, b did not, the dealer does not count; 榆树: c only the year before.
    assert (rows[NONGAN]["producers"], rows[NONGAN]["issuing"], rows[NONGAN]["coverage"]) == (
        2,
        1,
        50.0,
    )
    assert rows[YUSHU]["coverage"] == 0.0
    assert data.total["coverage"] == 33.3


def test_grades_blacklist_and_cases(credit_world):
    metrics = Metrics(Scope(None, YEAR, TODAY))
    grades = _rows(metrics.grade_distribution())
    assert grades["220000"] == {**grades["220000"], "A": 1, "C": 1, "D": 1, "U": 1, "total": 4}
    assert metrics.grade_distribution().total["total"] == 5

    blacklist = metrics.blacklist()
    assert _rows(blacklist)["220000"]["in_force"] == 1  # b was removed in June
    assert _rows(blacklist)["220000"]["listed"] == 2
    assert blacklist.total["in_force"] == 1

    cases = metrics.cases_per_county()
    rows = _rows(cases)
    assert rows[NONGAN]["cases"] == 2 and rows[NONGAN]["meets_target"] is True
    assert rows[NONGAN]["region"] == "吉林省长春市农安县"
    assert rows[YUSHU]["criminal"] == 1 and rows[YUSHU]["meets_target"] is False
    assert rows[TAIGU]["cases"] == 0  # the voided case is not counted
    assert (cases.total["counties"], cases.total["counties_meeting"]) == (3, 1)


def test_scope_names_counties_below_it(credit_world):
    metrics = Metrics(Scope(Region.objects.get(code="220100"), YEAR, TODAY))
    assert _rows(metrics.cases_per_county())[NONGAN]["region"] == "农安县"


def test_all_datasets_in_a_few_queries(credit_world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        datasets = Metrics(Scope(None, YEAR, TODAY)).datasets()
    assert list(datasets) == list(DATASETS)


def test_parse_scope_falls_back_on_bad_input(credit_world):
    assert parse_scope({"region": "999999", "year": "abc"}, TODAY) == Scope(None, 2026, TODAY)
    scope = parse_scope({"region": NONGAN, "year": "2025"}, TODAY)
    assert scope.region.code == NONGAN and scope.year == 2025
    assert scope.reference_date == datetime.date(2025, 12, 31) and not scope.partial
    assert parse_scope({"year": "1900"}, TODAY).year == 2026


def test_dashboard_figures(credit_world):
    dashboard = build_dashboard({"year": str(YEAR)}, TODAY)
    figures = {f.key: f for f in dashboard.figures}
    assert figures["pass-rate"].value == "66.7%" and figures["pass-rate"].status is False
    assert figures["cases-per-county"].value == "1 / 3"
    assert figures["producers"].value == "5"
    assert [p.slug for p in dashboard.panels] == list(DATASETS)
    codes = [r["code"] for r in dashboard.regions]
    assert {"140000", "140700", "140703", "220000", "220100", NONGAN, YUSHU} == set(codes)
    assert dashboard.years[0] == 2026 and YEAR in dashboard.years


# --- exports --------------------------------------------------------------------------------------


def test_exports_in_three_formats(credit_world):
    scope = Scope(None, YEAR, TODAY)
    data = Metrics(scope).pass_rate()
    text = exports.to_csv(data).decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0][:3] == ["行政区划代码", "地区", "一季度（%）"]
    assert table[-1][1] == "合计" and table[-1][-1] == "66.7"

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(exports.to_xlsx(data, scope)))
    sheet = book["pass-rate"]
    assert sheet["B1"].value == "地区" and sheet.max_row == 4
    assert "说明" in book.sheetnames

    payload = json.loads(exports.to_json(data, scope))
    assert payload["dataset"] == "pass-rate" and payload["year"] == YEAR
    assert payload["target"]["low"] == 98.0
    assert payload["total"]["pass_rate"] == 66.7
    assert {c["key"] for c in payload["columns"]} >= {"region_code", "q1", "pass_rate"}


def test_download_views(credit_world):
    client = Client()
    url = reverse("portal_data_download", kwargs={"dataset": "cases-per-county", "fmt": "csv"})
    assert url == "/data/cases-per-county.csv"
    response = client.get(url, {"region": "220100", "year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="cases-per-county_220100_2025.csv"' in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    assert "农安县,2,0,0,是" not in body and "农安县,2,1,0,是" in body

    response = client.get("/data/grade-distribution.json", {"year": YEAR})
    assert response.json()["total"]["total"] == 5
    response = client.get("/data/blacklist.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get("/data/nothing.csv").status_code == 404
    assert client.get("/data/blacklist.pdf").status_code == 404
    assert client.get("/data/blacklist.csv", {"region": "999999"}).status_code == 404


def test_download_in_english(credit_world):
    response = Client().get("/data/pass-rate.json", {"lang": "en", "year": YEAR})
    payload = response.json()
    assert payload["title"] == "Monitoring pass rate"
    assert payload["total"]["region"] == "Total"
    translation.activate("zh-hans")


# --- the 数据公开 page ----------------------------------------------------------------------------


def test_open_data_page_renders_the_dashboard(demo_site, db, client):
    page = Page.objects.get(slug="open-data", locale__language_code="zh-hans").specific
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') >= 7
    for slug in DATASETS:
        assert f'id="{slug}"' in html
        assert f'href="/data/{slug}.csv?year={timezone.localdate().year}"' in html
    assert "<caption" in html and 'scope="row"' in html and 'scope="col"' in html
    assert '<option value="220122"' in html

    response = client.get(page.url, {"region": "220122", "year": timezone.localdate().year})
    html = response.content.decode()
    assert '<option value="220122" selected' in html
    assert "/data/pass-rate.xlsx?region=220122&amp;year=" in html

    english = page.get_translation(Locale.objects.get(language_code="en"))
    response = client.get(english.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Monitoring pass rate" in html and "lang=en" in html


def test_other_data_pages_show_their_own_service_not_the_dashboard(demo_site, db, client):
    # 黑名单 is now the live list of search.views (its before_serve_page hook and the
    # unprefixed /blacklist/ route), no longer an outline of what is to come.
    page = Page.objects.get(slug="blacklist", locale__language_code="zh-hans")
    html = client.get(page.url).content.decode()
    assert 'class="dashboard"' not in html and "coming-soon" not in html
    assert 'class="record-list' in html
    # The English 投诉举报 page is a data page (the form lives at the unprefixed
    # /complaints/): it links to the form and the tracking page instead of promising them.
    english = Page.objects.get(slug="complaints", locale__language_code="en")
    html = client.get(english.url).content.decode()
    assert 'class="dashboard"' not in html and "coming-soon" not in html
    assert f'href="{reverse("complaint-form")}"' in html
    assert f'href="{reverse("complaint-track")}"' in html
