"""Public credit pages: a producer's credit page, 信用查询 and the 守信红名单.

The pages must say what GET /api/v1/producers/<uscc>/ says, show only published records,
and never show an ID number or a phone number in full.
"""

import csv
import datetime
import html
import io
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import include, path

import credit.public.wagtail_hooks  # noqa: F401 - registers the data-page hook
from credit.identifiers import is_valid_id_number
from credit.models import (
    Objection,
    ProducerKind,
    RepairApplication,
    RepairStatus,
    Restriction,
    RestrictionSource,
)
from credit.public.keys import decode_public_id, encode_pk, producer_url
from credit.services import grading
from nongan import urls as project_urls
from tests.credit.factories import (
    BlacklistFactory,
    CaseFactory,
    CertificationFactory,
    InspectionFactory,
    ProducerFactory,
    SamplingFactory,
    next_id_number,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()

# Until nongan/urls.py includes them, the tests route the pages themselves (before the
# Wagtail catch-all, as the project will).
_extra = [path("", include("credit.public.urls"))]
try:
    import credit.public_urls  # noqa: F401 - the objection/repair forms, when present

    _extra.insert(0, path("", include("credit.public_urls")))
except ImportError:  # pragma: no cover
    pass
urlpatterns = [*_extra, *project_urls.urlpatterns]

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


@pytest.fixture(autouse=True)
def _routes(settings):
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["*"]


def days(n):
    return TODAY - datetime.timedelta(days=n)


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def assert_no_personal_numbers(body: str, *producers):
    for p in producers:
        if p.id_number:
            assert p.id_number not in body
        if p.phone:
            assert p.phone not in body
    assert not MOBILE.search(body), MOBILE.search(body).group(0)
    for candidate in ID_LIKE.findall(body):
        assert not is_valid_id_number(candidate), candidate


def recompute(*producers):
    grading.recompute([p.id for p in producers])
    for p in producers:
        p.refresh_from_db()


# -- producers for each grade ----------------------------------------------------------------


def grade_a():
    p = ProducerFactory(name="农安县绿源蔬菜种植专业合作社")
    InspectionFactory(producer=p)
    SamplingFactory(producer=p)
    CertificationFactory(producer=p, product="黄瓜", type="green")
    return p


def grade_c():
    p = ProducerFactory(name="农安县青山果蔬专业合作社")
    InspectionFactory(producer=p)
    SamplingFactory(producer=p)
    SamplingFactory(producer=p, result="over_limit", product="芹菜", failed_items="毒死蜱")
    CaseFactory(producer=p, severity="general", case_number="农安农罚〔2026〕88号")
    return p  # base 80, −10 → 70: C


def grade_d():
    p = ProducerFactory(name="农安县黑土地韭菜种植专业合作社")
    InspectionFactory(producer=p)
    SamplingFactory(producer=p, result="prohibited", product="韭菜", failed_items="腐霉利、克百威")
    return p


def grade_u():
    return ProducerFactory(name="农安县新立家庭农场", kind=ProducerKind.FAMILY_FARM)


@pytest.mark.parametrize(
    "make, grade, label",
    [
        (grade_a, "A", "A 守信"),
        (grade_c, "C", "C 失信"),
        (grade_d, "D", "D 严重失信"),
        (grade_u, "U", "U 未评级"),
    ],
)
def test_page_says_what_the_api_says(client, make, grade, label):
    producer = make()
    recompute(producer)
    api = client.get(f"/api/v1/producers/{producer.uscc}/").json()
    assert api["grade"] == grade
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    assert producer.name in body and producer.uscc in body
    assert label in body
    assert f"v{api['policy_version']}" in body
    assert api["as_of"] in body
    if api["score"] is not None:
        assert f"{api['score']:.1f}" in body
    for line in api["explanation"]:
        assert line in body
    assert len(api["restrictions"]) == {"A": 0, "U": 0, "C": 2, "D": 4}[grade]
    for r in api["restrictions"]:
        assert r["basis"] in body
    scenario_labels = {
        "exhibition": "展会参展",
        "brand_selection": "品牌评选",
        "project_application": "项目申报",
        "honours": "评优评先",
    }
    restrictions = body.split('id="restrictions"')[1].split("</section>")[0]
    for code, name in scenario_labels.items():
        assert (name in restrictions) == (code in {r["scenario"] for r in api["restrictions"]})
    # Sub-scores as a table, the grade history, the ways to object and repair.
    assert '<table class="data-table subscores">' in body
    assert 'id="history"' in body
    assert f"/credit/{producer.uscc}/objection/" in body
    assert f"/credit/{producer.uscc}/repair/" in body
    assert_no_personal_numbers(body, producer)


def test_structured_data_and_sections(client):
    producer = grade_c()
    recompute(producer)
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    assert '"@type": "Organization"' in body and '"@type": "BreadcrumbList"' in body
    assert f'"value": "{producer.uscc}"' in body
    # Adjustment, failed sampling with its failed item, the C-grade objection window.
    assert "一般行政处罚" in body
    assert "芹菜" in body and "毒死蜱" in body
    until = (producer.graded_on + datetime.timedelta(days=21)).isoformat()
    assert until in body
    # A general case is published and may be repaired after 3 months: not yet.
    assert "农安农罚〔2026〕88号" in body
    assert "最早可于" in body


def test_hard_rules_and_certified_products(client):
    d = grade_d()
    a = grade_a()
    recompute(d, a)
    body_d = text_of(client.get(f"/credit/{d.uscc}/"))
    assert "抽检检出禁限用物质：等级定为 D（严重失信）" in body_d
    assert "腐霉利、克百威" in body_d
    body_a = text_of(client.get(f"/credit/{a.uscc}/"))
    assert "黄瓜" in body_a and "绿色食品" in body_a
    assert "守信红名单" in body_a


def test_blacklisted_producer_shows_the_entry(client):
    producer = grade_a()
    entry = BlacklistFactory(
        producer=producer, decision_number="农安农黑〔2026〕7号", reason="销售含禁用药物的韭菜"
    )
    recompute(producer)
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    assert "已列入黑名单" in body
    section = body.split('id="blacklist"')[1].split('id="cases"')[0]
    assert entry.decision_number in section and entry.reason in section
    assert entry.end_date.isoformat() in section
    # An entry removed earlier is no longer published.
    from credit.services.records import remove_from_blacklist

    remove_from_blacklist(entry, days(1), "期满前依法移出")
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    assert entry.decision_number not in body


def test_minor_case_is_never_shown(client):
    producer = grade_a()
    minor = CaseFactory(
        producer=producer, severity="minor", case_number="农安农罚〔2026〕1号", facts="轻微违法事实"
    )
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    assert minor.case_number not in body
    assert "轻微违法事实" not in body


def test_case_past_its_publicity_period_is_not_shown(client):
    producer = grade_a()
    old = CaseFactory(
        producer=producer,
        severity="general",
        decision_date=days(400),
        case_number="农安农罚〔2025〕3号",
    )
    serious = CaseFactory(
        producer=producer,
        severity="serious",
        decision_date=days(700),
        case_number="农安农罚〔2024〕9号",
    )
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    assert old.case_number not in body  # general: 1 year
    assert serious.case_number in body  # serious: 3 years


def test_repaired_record_is_not_shown(client):
    producer = grade_a()
    case = CaseFactory(
        producer=producer,
        severity="general",
        decision_date=days(150),
        case_number="农安农罚〔2026〕21号",
    )
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    assert case.case_number in body
    assert "符合信用修复申请条件" in body  # general: repair after 3 months
    RepairApplication.objects.create(
        producer=producer,
        fact_type=ContentType.objects.get_for_model(case),
        fact_id=case.pk,
        statement="已整改",
        commitment_accepted=True,
        status=RepairStatus.APPROVED,
        approved_on=days(1),
    )
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    assert case.case_number not in body


def test_records_under_objection_are_marked(client):
    producer = grade_c()
    sampling = producer.samplings.get(result="over_limit")
    badge = '<span class="badge badge-warning">异议审核中</span>'
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    assert badge not in body
    Objection.objects.create(
        producer=producer,
        fact_type=ContentType.objects.get_for_model(sampling),
        fact_id=sampling.pk,
        reason="样品非本主体生产",
    )
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    samplings = body.split('id="samplings"')[1].split('id="history"')[0]
    assert badge in samplings
    cases = body.split('id="cases"')[1].split('id="samplings"')[0]
    assert badge not in cases


def test_id_only_producer_by_opaque_id_with_masked_number(client):
    number = next_id_number()
    producer = ProducerFactory(
        uscc=None, id_number=number, name="王建国", kind=ProducerKind.GROWER, phone="13912345678"
    )
    SamplingFactory(producer=producer)
    recompute(producer)
    url = producer_url(producer)
    public_id = url.rstrip("/").rsplit("/", 1)[1]
    assert url == f"/credit/p/{public_id}/"
    assert decode_public_id(public_id) == producer.pk and encode_pk(producer.pk) == public_id
    assert str(producer.pk) != public_id and number not in url
    body = text_of(client.get(url))
    assert producer.masked_id_number in body
    assert "王**" in body and "王建国" not in body  # a grower is a natural person
    assert_no_personal_numbers(body, producer)
    # The masked number that lists show leads to the page when it names one producer.
    response = client.get(f"/credit/{producer.masked_id_number}/")
    assert response.status_code == 302 and response["Location"] == url
    # Unknown or malformed ids are 404; a USCC producer's opaque id goes to its USCC page.
    assert client.get("/credit/p/zzzzzzzz/").status_code == 404
    assert client.get("/credit/p/nope/").status_code == 404
    other = grade_a()
    response = client.get(f"/credit/p/{encode_pk(other.pk)}/")
    assert response.status_code == 301 and response["Location"] == f"/credit/{other.uscc}/"


def test_lowercase_and_merged_producers_redirect(client):
    survivor = grade_a()
    merged = ProducerFactory(merged_into=survivor)
    response = client.get(f"/credit/{survivor.uscc.lower()}/")
    assert response.status_code == 301 and response["Location"] == f"/credit/{survivor.uscc}/"
    response = client.get(f"/credit/{merged.uscc}/")
    assert response.status_code == 301 and response["Location"] == f"/credit/{survivor.uscc}/"
    assert client.get("/credit/91220122MA00000000/").status_code == 404


def test_no_full_phone_or_id_number_anywhere(client):
    grower = ProducerFactory(
        uscc=None,
        id_number=next_id_number(),
        name="李四",
        kind=ProducerKind.GROWER,
        phone="13800138000",
    )
    farm = ProducerFactory(
        uscc=None,
        id_number=next_id_number(),
        name="农安县李家家庭农场",
        kind=ProducerKind.FAMILY_FARM,
        phone="0431-84561234",
    )
    coop = grade_a()
    for p in (grower, farm):
        SamplingFactory(producer=p)
        InspectionFactory(producer=p)
    recompute(grower, farm, coop)
    pages = [
        producer_url(grower),
        producer_url(farm),
        producer_url(coop),
        "/credit/",
        "/credit/?q=李家",
        "/credit/honour/",
    ]
    for url in pages:
        body = text_of(client.get(url))
        assert_no_personal_numbers(body, grower, farm, coop)
        assert "84561234" not in body
    exported = b"".join(client.get("/credit/honour/export.csv").streaming_content).decode()
    assert_no_personal_numbers(exported, grower, farm, coop)
    assert farm.masked_id_number in exported


def test_honour_list_shows_only_unrestricted_a_grades(client):
    a = grade_a()
    c = grade_c()
    d = grade_d()
    u = grade_u()
    a2 = ProducerFactory(name="农安县金穗粮食种植专业合作社", categories=["grain"])
    SamplingFactory(producer=a2, product="玉米", category="grain")
    recompute(a, c, d, u, a2)
    assert (a.grade, c.grade, d.grade, u.grade, a2.grade) == ("A", "C", "D", "U", "A")
    body = text_of(client.get("/credit/honour/"))
    assert a.name in body and a2.name in body
    for other in (c, d, u):
        assert other.name not in body
    assert a.graded_on.isoformat() in body
    # A restriction in force (whatever its source) keeps an A-grade producer off the list.
    Restriction.objects.create(
        producer=a2,
        scenario="exhibition",
        start=days(3),
        basis="测试惩戒",
        source=RestrictionSource.GRADE,
    )
    body = text_of(client.get("/credit/honour/"))
    assert a.name in body and a2.name not in body
    # Filters: kind, category, region at any level (province, city, county).
    a3 = ProducerFactory(
        name="农安县丰收家庭农场", kind=ProducerKind.FAMILY_FARM, categories=["fruit"]
    )
    SamplingFactory(producer=a3)
    recompute(a3)
    assert a3.name not in text_of(client.get("/credit/honour/?kind=cooperative"))
    assert a3.name in text_of(client.get("/credit/honour/?kind=family_farm"))
    body = text_of(client.get("/credit/honour/?category=fruit"))
    assert a3.name in body and a.name not in body
    for code in ("220000", "220100", "220122"):
        assert a.name in text_of(client.get(f"/credit/honour/?region={code}"))
    assert a.name not in text_of(client.get("/credit/honour/?region=140000"))
    # CSV export with the same filters, readable by spreadsheet programs.
    response = client.get("/credit/honour/export.csv?kind=cooperative")
    assert response["Content-Type"].startswith("text/csv")
    data = b"".join(response.streaming_content).decode()
    assert data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    names = [r[0] for r in rows[1:]]
    assert names == [a.name]
    assert rows[1][1] == a.uscc and rows[1][6] == "A" and rows[1][8] == a.graded_on.isoformat()


def test_honour_list_paginates(client):
    producers = []
    for n in range(23):
        p = ProducerFactory(name=f"农安县守信{n:02d}号合作社")
        SamplingFactory(producer=p)
        producers.append(p)
    recompute(*producers)
    first = text_of(client.get("/credit/honour/"))
    second = text_of(client.get("/credit/honour/?page=2"))
    assert "共 23 个主体" in first
    assert first.count("守信00号") == 1 and "守信22号" not in first
    assert "守信22号" in second


def test_search_finds_a_producer_by_two_chinese_characters(client):
    target = grade_a()  # 农安县绿源蔬菜种植专业合作社
    other = grade_c()
    recompute(target, other)
    body = text_of(client.get("/credit/?q=绿源"))
    assert target.name in body and other.name not in body
    assert producer_url(target) in body
    assert "A 守信" in body and "黄瓜（绿色食品）" in body
    # The same producers as the API's filter, for the same query and filters.
    for query in (
        "q=绿源",
        "q=合作社",
        f"q={target.uscc}",
        "grade=C",
        "region=220122&kind=cooperative",
    ):
        api = client.get(f"/api/v1/producers/?{query}").json()
        api_keys = {row["key"] for row in api["results"]}
        page = text_of(client.get(f"/credit/?{query}"))
        shown = set(re.findall(r'href="/credit/([0-9A-Z]{18})/"', page))
        assert shown == api_keys, query


def test_search_filters_and_empty_result(client):
    a = grade_a()
    d = grade_d()
    recompute(a, d)
    body = text_of(client.get("/credit/?grade=D"))
    assert d.name in body and a.name not in body
    assert "已列入黑名单" not in body
    body = text_of(client.get("/credit/?q=不存在的名字"))
    assert "没有找到符合条件的生产经营主体" in body
    # Unknown region: nothing, as the API does.
    assert a.name not in text_of(client.get("/credit/?region=999999"))
    # Bad filter values are ignored rather than failing.
    assert client.get("/credit/?kind=bogus&page=abc").status_code == 200


def test_producer_reply_is_shown_beside_the_grade(client):
    replies = pytest.importorskip("credit.publicforms.replies")
    from credit.models import ProducerReply, ReplyStatus

    producer = grade_c()
    recompute(producer)
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    assert "reply-slot" not in body
    ProducerReply.objects.create(
        producer=producer,
        text="我社已完成整改，芹菜复检合格。",
        grade=producer.grade,
        status=ReplyStatus.APPROVED,
        moderated_at=datetime.datetime.now(datetime.UTC),
    )
    assert replies.get_public_reply(producer) is not None
    body = text_of(client.get(f"/credit/{producer.uscc}/"))
    summary = body.split('class="credit-summary"')[1].split('id="explanation"')[0]
    assert "我社已完成整改，芹菜复检合格。" in summary


def test_credit_data_page_renders_the_search(client):
    from wagtail.models import Page, Site

    from portal.models import DataPage

    site = Site.objects.get(is_default_site=True)
    root = site.root_page
    page = root.add_child(
        instance=DataPage(
            title="信用查询", slug="credit", kind="credit", intro="<p>按名称查询主体信用。</p>"
        )
    )
    other = root.add_child(
        instance=DataPage(
            title="信用信息", slug="xinyong", kind="credit", intro="<p>另一个入口。</p>"
        )
    )
    blacklist = root.add_child(
        instance=DataPage(
            title="黑名单", slug="heimingdan", kind="blacklist", intro="<p>黑名单。</p>"
        )
    )
    producer = grade_a()
    recompute(producer)
    # /credit/ is the page's Chinese URL: Chinese even for an English browser, as pages are.
    response = client.get("/credit/?q=绿源", HTTP_ACCEPT_LANGUAGE="en")
    body = text_of(response)
    assert response["Content-Language"] == "zh-hans"
    assert "按名称查询主体信用。" in body and producer.name in body
    body = text_of(client.get(Page.objects.get(pk=other.pk).url + "?q=绿源"))
    assert "另一个入口。" in body and producer.name in body and 'class="credit-form"' in body
    body = text_of(client.get(Page.objects.get(pk=blacklist.pk).url))
    assert 'class="credit-form"' not in body
    assert page.live


def test_lists_carry_breadcrumbs_and_sitemap_lists_producer_pages(client):
    from credit.public.sitemaps import CreditListsSitemap, ProducerSitemap

    coop = grade_a()
    grower = ProducerFactory(
        uscc=None, id_number=next_id_number(), name="赵六", kind=ProducerKind.GROWER
    )
    merged = ProducerFactory(merged_into=coop)
    for url in ("/credit/", "/credit/honour/"):
        assert '"@type": "BreadcrumbList"' in text_of(client.get(url))
    locations = {ProducerSitemap().location(p) for p in ProducerSitemap().items()}
    assert producer_url(coop) in locations and producer_url(grower) in locations
    assert producer_url(merged) not in locations
    assert all(grower.id_number not in loc for loc in locations)
    assert [CreditListsSitemap().location(i) for i in CreditListsSitemap().items()] == [
        "/credit/",
        "/credit/honour/",
    ]
    assert client.head("/credit/honour/").status_code == 200
