"""The demo site: load_demo is idempotent and every page type renders, in both languages."""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cases.models import TypicalCaseLink, TypicalCasePage
from credit.identifiers import make_uscc
from credit.models import EnforcementCase, Producer, Sampling
from credit.services.records import void_fact
from portal.models import ArticleIndexPage, ArticlePage, HomePage, Topic, UnqualifiedNoticePage

pytestmark = pytest.mark.django_db

PAGE_TYPES = {
    "portal.homepage",
    "portal.articleindexpage",
    "portal.articlepage",
    "portal.rumourindexpage",
    "portal.rumourrebuttalpage",
    "cases.typicalcaseindexpage",
    "cases.typicalcasepage",
    "portal.noticeindexpage",
    "portal.unqualifiednoticepage",
    "portal.policyindexpage",
    "portal.policypage",
    "portal.datapage",
    "portal.qualitycountyindexpage",
    "portal.qualitycountypage",
    "portal.standardpage",
}


def _producer(name, kind="cooperative", region="220122", body="PT0000001"):
    return Producer.objects.create(
        uscc=make_uscc("93", region, body), name=name, kind=kind, region_id=region
    )


def _tree():
    return sorted(
        Page.objects.filter(depth__gte=2).values_list("locale__language_code", "url_path", "title")
    )


def test_demo_builds_chinese_first_tree(demo_site):
    home = HomePage.objects.get(locale__language_code="zh-hans")
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == home.pk
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)
    slugs = set(home.get_children().values_list("slug", flat=True))
    assert {
        "science",
        "rumours",
        "cases",
        "notices",
        "policies",
        "blacklist",
        "certified",
        "credit",
        "open-data",
    } <= slugs
    zh_pages = Page.objects.filter(depth__gte=2, locale__language_code="zh-hans")
    assert zh_pages.count() >= 30
    types = {f"{p.content_type.app_label}.{p.content_type.model}" for p in zh_pages}
    assert types == PAGE_TYPES
    assert HomePage.objects.filter(locale__language_code="en").exists()


def test_load_demo_twice_changes_nothing(demo_site):
    before = _tree()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _tree() == before
    assert "新建 created 0, 更新 updated 0" in out.getvalue()


def test_load_demo_if_empty_skips(demo_site):
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()


def test_home_in_chinese_and_english(client, demo_site):
    zh = client.get("/")
    assert zh.status_code == 200
    html = zh.content.decode()
    assert 'lang="zh-hans"' in html
    assert "农安信用门户" in html
    assert re.search(r'<nav class="main-nav"[^>]*>.*?>科普</a>', html, re.S)
    assert 'href="/verify-certificate/"' in html

    en = client.get("/en/")
    assert en.status_code == 200
    html = en.content.decode()
    assert 'lang="en"' in html
    assert "Nong&#x27;an Credit Portal" in html or "Nong'an Credit Portal" in html
    assert re.search(r'<nav class="main-nav"[^>]*>.*?href="/en/science/">Science</a>', html, re.S)


def test_every_page_renders_without_cdn(client, demo_site):
    seen = set()
    for page in Page.objects.filter(depth__gte=2).live().specific():
        url = page.get_url()
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode().lower()
        assert "cdn" not in body and "googleapis" not in body, url
        seen.add(f"{page._meta.app_label}.{page._meta.model_name}")
    assert seen == PAGE_TYPES


def test_section_filters_and_pagination(client, demo_site):
    response = client.get("/rumours/?verdict=true")
    assert response.status_code == 200
    titles = [item.title for item in response.context["items"]]
    assert titles and all(item.verdict == "true" for item in response.context["items"])
    assert client.get("/science/?topic=certificate").context["active_filter"] == "certificate"
    # Unknown filter values and page numbers fall back instead of failing.
    assert client.get("/science/?topic=nope&page=999").status_code == 200


def test_english_section_without_translated_items_lists_the_chinese_ones(client, demo_site):
    html = client.get("/en/science/").content.decode()
    assert 'hreflang="zh-hans"' in html
    # Not an empty page: the newest Chinese items, marked as Chinese, under a note.
    newest = ArticlePage.objects.live().filter(locale__language_code="zh-hans")
    newest = newest.order_by("-date").first()
    assert f'<h3 class="card-title" lang="zh-hans"><a href="{newest.url}">' in html
    assert "Nothing in this section yet" not in html
    # The Chinese section itself lists its own items, with no language marks.
    assert 'lang="zh-hans"><a' not in client.get("/science/").content.decode()


def test_english_plain_pages_are_in_english(client, demo_site):
    for slug, sentence in (
        ("about", "Where the information comes from"),
        ("accessibility", "The standards we follow"),
        ("contact", "Agricultural product quality-safety complaints hotline: 12316;"),
    ):
        page = Page.objects.get(slug=slug, locale__language_code="en")
        main = client.get(page.url).content.decode().split("<main", 1)[1].split("</main>")[0]
        assert sentence in main, slug
        assert not re.search(r"[\u4e00-\u9fff]", main), slug


def test_structured_data_and_language_alternates(client, demo_site):
    html = client.get("/rumours/seedless-grapes-contraceptives/").content.decode()
    assert '"@type": "ClaimReview"' in html
    home = client.get("/").content.decode()
    assert 'hreflang="en"' in home


def test_pages_keep_the_language_of_their_url(client, negotiated_language, demo_site):
    """The middleware must not touch Wagtail pages: / is Chinese whatever the browser says."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="zh-hans"' in response.content.decode()


def test_admin_creates_an_article(client, demo_site):
    admin = get_user_model().objects.create_superuser("editor", "", "pw-for-tests-only")
    client.force_login(admin)
    index = ArticleIndexPage.objects.get(locale__language_code="zh-hans")
    topic = Topic.objects.get(slug="certificate")
    data = nested_form_data(
        {
            "title": "冬季蔬菜储存小知识",
            "slug": "winter-vegetable-storage",
            "date": "2026-11-01",
            "intro": "白菜、萝卜怎样储存更久。",
            "author": "",
            "reviewer": "",
            "hero_image": "",
            "body": streamfield([("paragraph", rich_text("<p>低温、通风、避光。</p>"))]),
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )
    # Multiple-choice fields post one value per checkbox (nested_form_data would number them).
    data.update(topics=[topic.pk], categories=["vegetables", "fruit"])
    response = client.post(
        f"/admin/pages/add/portal/articlepage/{index.pk}/", data, HTTP_HOST="127.0.0.1"
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = ArticlePage.objects.get(slug="winter-vegetable-storage")
    assert article.live and article.categories == ["vegetables", "fruit"]
    assert list(article.topics.all()) == [topic]
    assert article.reading_time == 1


def test_page_edit_forms_render(client, demo_site):
    client.force_login(get_user_model().objects.create_superuser("editor2", "", "x-pw-only"))
    seen = set()
    for page in Page.objects.filter(depth__gte=2, locale__language_code="zh-hans").specific():
        if type(page) in seen:
            continue
        seen.add(type(page))
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, type(page).__name__
    assert HomePage in seen


def test_notice_lists_failed_samplings_live(client, demo_site):
    notice = UnqualifiedNoticePage.objects.filter(locale__language_code="zh-hans").first()
    day = notice.period_start + datetime.timedelta(days=3)
    coop = _producer("农安县测试门户蔬菜专业合作社")
    grower = _producer("王小明", kind="grower", body="PT0000002")

    def sample(code, producer, result, date=day, **extra):
        return Sampling.objects.create(
            sample_code=code,
            producer=producer,
            date=date,
            product="芹菜",
            category="vegetables",
            result=result,
            lab="测试检测中心",
            **extra,
        )

    sample("PT-FAIL-1", coop, "over_limit", failed_items="毒死蜱")
    sample("PT-FAIL-2", grower, "prohibited", failed_items="克百威")
    sample("PT-PASS-1", coop, "pass")
    void_fact(sample("PT-FAIL-VOID", coop, "over_limit", failed_items="腐霉利"), reason="录入错误")
    sample(
        "PT-FAIL-LATE",
        coop,
        "over_limit",
        failed_items="毒死蜱",
        date=notice.period_end + datetime.timedelta(days=1),
    )

    html = client.get(notice.url).content.decode()
    assert "PT-FAIL-1" in html and "毒死蜱" in html and "农安县测试门户蔬菜专业合作社" in html
    assert "PT-FAIL-2" in html and "克百威" in html
    assert "王小明" not in html and "王**" in html  # a grower is a person: surname only
    assert "PT-PASS-1" not in html and "PT-FAIL-VOID" not in html and "PT-FAIL-LATE" not in html


def test_typical_case_shows_only_publishable_cases(client, demo_site):
    page = TypicalCasePage.objects.filter(locale__language_code="zh-hans").first()
    producer = _producer("农安县测试门户养殖有限公司", kind="enterprise", body="PT0000003")
    today = datetime.date.today()

    def case(number, severity, days_ago):
        return EnforcementCase.objects.create(
            producer=producer,
            case_number=number,
            severity=severity,
            agency="测试农业农村局",
            decision_date=today - datetime.timedelta(days=days_ago),
            penalty="罚款",
        )

    TypicalCaseLink.objects.filter(page=page).delete()
    for row in (
        case("测罚〔2026〕1号", "general", 30),
        case("测罚〔2026〕2号", "minor", 30),
        case("测罚〔2024〕3号", "general", 800),
    ):
        TypicalCaseLink.objects.create(page=page, case=row)
    html = client.get(page.url).content.decode()
    assert "测罚〔2026〕1号" in html
    assert "测罚〔2026〕2号" not in html  # minor: never published
    assert "测罚〔2024〕3号" not in html  # general: published for one year only


def test_missing_page_uses_the_portal_404(client, demo_site):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
