"""Discovery: filterable lists, RSS/Atom feeds, sitemap.xml, robots.txt, Open Graph,
JSON-LD (ClaimReview, NewsArticle, BreadcrumbList) and noindex on filtered lists."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from django.urls import resolve
from wagtail.models import Page

from cases.models import TypicalCasePage
from portal import sitemaps
from portal.models import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    RumourRebuttalPage,
    UnqualifiedNoticePage,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SECTIONS = ["/science/", "/rumours/", "/cases/", "/notices/", "/policies/"]
#: The test client's address: absolute links follow the host the visitor used, not the
#: Site record's 127.0.0.1:8000 (see pagekit.links).
ROOT = "http://testserver"


def _json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def _of_type(html: str, kind: str) -> list[dict]:
    return [data for data in _json_ld(html) if data.get("@type") == kind]


def _robots_meta(html: str) -> list[str]:
    return re.findall(r'<meta name="robots" content="([^"]+)">', html)


# --- lists ------------------------------------------------------------------------------


def test_lists_offer_topic_category_region_and_year_filters(client, demo_site):
    science = client.get("/science/")
    params = [f.param for f in science.context["filters"]]
    assert params == ["topic", "category", "year"]
    cases = client.get("/cases/")
    assert [f.param for f in cases.context["filters"]] == ["category", "region", "year"]
    notices = client.get("/notices/")
    assert "year" in [f.param for f in notices.context["filters"]]


def test_filters_combine_and_links_keep_the_others(client, demo_site):
    response = client.get("/science/?category=tea&year=2026")
    items = list(response.context["items"])
    assert items and all("tea" in item.categories and item.date.year == 2026 for item in items)
    all_tea = ArticlePage.objects.live().filter(locale__language_code="zh-hans")
    assert len(items) == sum(1 for page in all_tea if "tea" in page.categories)
    year = next(f for f in response.context["filters"] if f.param == "year")
    assert all("category=tea" in link["url"] for link in year.links)
    assert year.all_url == "?category=tea"
    html = response.content.decode()
    assert "清除筛选" in html

    # Region: a province includes its counties' cases.
    jiangxi = client.get("/cases/?region=360000")
    codes = {item.region_id for item in jiangxi.context["items"]}
    assert codes and all(code.startswith("36") for code in codes)
    # Unknown values are ignored rather than failing.
    assert client.get("/cases/?region=999999&year=abc").status_code == 200


def test_filtered_and_paged_lists_are_noindex(client, demo_site):
    plain = client.get("/science/").content.decode()
    assert _robots_meta(plain) == []
    assert f'<link rel="canonical" href="{ROOT}/science/">' in plain
    for url in (
        "/science/?topic=certificate",
        "/rumours/?verdict=false&year=2026",
        "/science/?page=2",
    ):
        html = client.get(url).content.decode()
        assert _robots_meta(html) == ["noindex,follow"], url
        assert 'rel="canonical"' not in html
    # Item pages are indexable whatever their query string.
    article = ArticlePage.objects.live().first()
    assert _robots_meta(client.get(article.url + "?utm_source=x").content.decode()) == []


# --- feeds ----------------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
def test_rss_feed_of_each_section(client, demo_site, section):
    response = client.get(section + "feed/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("language") == "zh-hans"
    assert channel.findtext("link") == ROOT + section
    items = channel.findall("item")
    assert items
    for item in items:
        assert item.findtext("title")
        assert item.findtext("link").startswith(ROOT + section)
        assert item.findtext("pubDate")


@pytest.mark.parametrize("section", SECTIONS)
def test_atom_feed_of_each_section(client, demo_site, section):
    response = client.get(section + "feed/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == ATOM + "feed"
    entries = root.findall(ATOM + "entry")
    assert entries
    for entry in entries:
        assert entry.findtext(ATOM + "title") and entry.findtext(ATOM + "updated")
        assert entry.find(ATOM + "link").get("href").startswith(ROOT + section)


def test_feeds_follow_filters_and_language(client, demo_site):
    root = ET.fromstring(client.get("/rumours/feed/rss/?verdict=true").content)
    links = [item.findtext("link") for item in root.iter("item")]
    wanted = {ROOT + page.url for page in RumourRebuttalPage.objects.live().filter(verdict="true")}
    assert links and set(links) == wanted
    english = client.get("/en/science/feed/rss/")
    assert english.status_code == 200
    assert ET.fromstring(english.content).find("channel").findtext("language") == "en"


def test_section_pages_link_their_feeds(client, demo_site):
    html = client.get("/science/").content.decode()
    assert re.search(
        r'<link rel="alternate" type="application/rss\+xml" title="[^"]+" href="/science/feed/rss/">',
        html,
    )
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="/science/feed/atom/">',
        html,
    )


# --- sitemap and robots ---------------------------------------------------------------


def _sitemap_xml():
    request = RequestFactory().get("/sitemap.xml", HTTP_HOST="127.0.0.1:8000")
    response = sitemaps.sitemap(request)
    response.render()
    assert response.status_code == 200
    return ET.fromstring(response.content)


def test_sitemap_lists_pages_in_both_languages(demo_site):
    root = _sitemap_xml()
    locations = [url.findtext(SITEMAP + "loc") for url in root.findall(SITEMAP + "url")]
    assert "http://127.0.0.1:8000/" in locations
    assert "http://127.0.0.1:8000/en/" in locations
    assert "http://127.0.0.1:8000/science/" in locations
    assert "http://127.0.0.1:8000/en/science/" in locations
    article = ArticlePage.objects.live().first()
    assert article.get_full_url() in locations
    assert len(locations) == len(set(locations))
    live = Page.objects.filter(depth__gte=2).live().public().count()
    assert len(locations) == live
    assert not any("?" in loc for loc in locations)

    # Translations point at each other (hreflang alternates).
    home = next(
        u for u in root.findall(SITEMAP + "url") if u.findtext(SITEMAP + "loc").endswith(":8000/")
    )
    alternates = {link.get("hreflang"): link.get("href") for link in home.findall(XHTML + "link")}
    assert alternates == {"zh-hans": "http://127.0.0.1:8000/", "en": "http://127.0.0.1:8000/en/"}


def test_links_follow_the_host_the_site_is_served_on(client, demo_site):
    """A site served on another port than its Site record (a demo on :8765, a proxy) must
    not send feeds, the sitemap and canonical links to an address nobody serves."""
    other = {"HTTP_HOST": "127.0.0.1:8765"}
    root = ET.fromstring(client.get("/sitemap.xml", **other).content)
    locations = [url.findtext(SITEMAP + "loc") for url in root.findall(SITEMAP + "url")]
    hrefs = [link.get("href") for link in root.iter(XHTML + "link")]
    assert locations and hrefs
    assert all(u.startswith("http://127.0.0.1:8765/") for u in locations + hrefs)
    channel = ET.fromstring(client.get("/science/feed/rss/", **other).content).find("channel")
    links = [channel.findtext("link")] + [i.findtext("link") for i in channel.iter("item")]
    assert all(u.startswith("http://127.0.0.1:8765/science/") for u in links)
    page = RumourRebuttalPage.objects.live().first()
    html = client.get(page.url, **other).content.decode()
    assert f'<link rel="canonical" href="http://127.0.0.1:8765{page.url}">' in html
    (review,) = _of_type(html, "ClaimReview")
    assert review["url"] == "http://127.0.0.1:8765" + page.url
    assert review["author"]["url"] == "http://127.0.0.1:8765/"
    # A host no setting allows is refused, not echoed into links.
    assert client.get("/sitemap.xml", HTTP_HOST="evil.example").status_code == 400


def test_sitemap_xml_route_serves_the_portal_sitemap():
    """nongan/urls.py must route sitemap.xml to portal.sitemaps.sitemap."""
    assert resolve("/sitemap.xml").func is sitemaps.sitemap


def test_robots_txt(client, demo_site):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    lines = text.splitlines()
    assert lines[0] == "User-agent: *"
    for rule in (
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /*?topic=",
        "Disallow: /*&year=",
        "Disallow: /*?region=",
        "Disallow: /*?category=",
        "Disallow: /*?verdict=",
    ):
        assert rule in lines, rule
    assert "Disallow: /*?page=" not in lines  # crawlers may follow pagination (noindex,follow)
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# --- structured data and Open Graph ----------------------------------------------------


def test_claim_review_json_ld_is_valid(client, demo_site):
    page = RumourRebuttalPage.objects.live().filter(locale__language_code="zh-hans").first()
    html = client.get(page.url).content.decode()
    (review,) = _of_type(html, "ClaimReview")
    assert review["@context"] == "https://schema.org"
    assert review["claimReviewed"] == page.claim
    assert review["url"] == ROOT + page.url
    assert review["datePublished"] == page.date.isoformat()
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    assert review["itemReviewed"]["@type"] == "Claim"
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating"
    assert isinstance(rating["ratingValue"], int)
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert rating["alternateName"] == str(page.get_verdict_display())
    # Every rebuttal carries it, with its own verdict.
    for other in RumourRebuttalPage.objects.live():
        (data,) = _of_type(client.get(other.url).content.decode(), "ClaimReview")
        assert data["reviewRating"]["alternateName"] == str(other.get_verdict_display())


def test_claim_review_names_where_the_claim_appeared_when_known(client, demo_site):
    page = RumourRebuttalPage.objects.live().filter(locale__language_code="zh-hans").first()
    (review,) = _of_type(client.get(page.url).content.decode(), "ClaimReview")
    assert review["itemReviewed"] == {"@type": "Claim", "name": page.claim}  # nothing invented

    page.claim_author = "某短视频账号"
    page.claim_author_type = "Organization"
    page.claim_date = datetime.date(2026, 5, 4)
    page.claim_url = "https://video.example/post/1"
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    (review,) = _of_type(html, "ClaimReview")
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "name": page.claim,
        "author": {"@type": "Organization", "name": "某短视频账号"},
        "datePublished": "2026-05-04",
        "appearance": [{"@type": "CreativeWork", "url": "https://video.example/post/1"}],
    }
    # Readers see the origin too.
    assert 'href="https://video.example/post/1"' in html and "2026-05-04" in html


@pytest.mark.parametrize("model", [ArticlePage, UnqualifiedNoticePage, TypicalCasePage])
def test_news_article_json_ld(client, demo_site, model):
    page = model.objects.live().filter(locale__language_code="zh-hans").first()
    html = client.get(page.url).content.decode()
    (article,) = _of_type(html, "NewsArticle")
    assert article["headline"] == page.title
    assert article["datePublished"] == page.date.isoformat()
    assert article["url"] == ROOT + page.url
    assert article["publisher"]["@type"] == "Organization" and article["publisher"]["name"]
    assert article["author"]["name"]


def test_every_page_has_a_breadcrumb_list(client, demo_site):
    pages = Page.objects.filter(depth__gte=2).live().specific()
    assert pages.filter(locale__language_code="en").exists()
    for page in pages:
        html = client.get(page.url).content.decode()
        found = _of_type(html, "BreadcrumbList")
        assert len(found) == 1, page.url
        (crumbs,) = found
        elements = crumbs["itemListElement"]
        assert [e["position"] for e in elements] == list(range(1, page.depth))
        # Pages served by a Django view (complaints, credit search) use the request's host.
        assert urlsplit(elements[-1]["item"]).path == urlsplit(page.get_full_url()).path
        if page.depth == 3:
            first = urlsplit(elements[0]["item"]).path
            assert first == urlsplit(page.get_parent().get_full_url()).path


def test_open_graph_meta(client, demo_site):
    page = ArticlePage.objects.live().filter(locale__language_code="zh-hans").first()
    html = client.get(page.url).content.decode()
    meta = dict(re.findall(r'<meta property="(og:[a-z_:]+)" content="([^"]*)">', html))
    assert meta["og:title"] == page.title
    assert meta["og:type"] == "article"
    assert meta["og:url"] == ROOT + page.url
    assert meta["og:locale"] == "zh_CN"
    assert meta["og:description"]
    assert meta["og:site_name"]
    home = client.get("/en/").content.decode()
    assert '<meta property="og:locale" content="en_US">' in home
    assert '<meta property="og:locale:alternate" content="zh_CN">' in home
    assert '<meta property="og:type" content="website">' in home


def test_article_lead_image_in_page_open_graph_and_json_ld(client, demo_site):
    page = ArticlePage.objects.get(slug="how-to-read-compliance-certificate")
    assert page.hero_image is not None and page.hero_image.description  # the alt text
    html = client.get(page.url).content.decode()
    (img,) = re.findall(r'<figure class="hero-figure"><img [^>]+>', html)
    assert f'alt="{page.hero_image.description}"' in img
    meta = dict(re.findall(r'<meta property="(og:[a-z_:]+)" content="([^"]*)">', html))
    (article,) = _of_type(html, "NewsArticle")
    assert meta["og:image"].startswith(ROOT + "/media/images/")
    assert article["image"] == [meta["og:image"]]


def test_english_home_and_index_types(demo_site):
    assert HomePage.objects.filter(locale__language_code="en").exists()
    assert ArticleIndexPage.objects.filter(locale__language_code="en").exists()
