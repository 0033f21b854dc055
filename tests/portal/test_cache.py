"""The anonymous page cache: what it stores, for whom, under which key, and when a publish,
an unpublish, a deletion or a credit data change retires entries."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from wagtail.models import Page

from credit import events
from credit.identifiers import make_uscc
from credit.models import Producer, Sampling
from portal import cache as page_cache
from portal.models import ArticleIndexPage, ArticlePage, HomePage

pytestmark = pytest.mark.django_db

CACHE_MIDDLEWARE = "portal.cache.AnonymousPageCacheMiddleware"
HEADER = "X-Portal-Cache"


@pytest.fixture
def cached_site(settings, demo_site):
    middleware = [m for m in settings.MIDDLEWARE if m != CACHE_MIDDLEWARE]
    middleware.insert(
        middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, CACHE_MIDDLEWARE
    )
    settings.MIDDLEWARE = middleware
    settings.PORTAL_PAGE_CACHE = True
    cache.clear()
    page_cache.local_entries.clear()
    yield
    cache.clear()
    page_cache.local_entries.clear()


def _article():
    return (
        ArticlePage.objects.live().filter(locale__language_code="zh-hans").order_by("path").first()
    )


def _get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response, response.headers.get(HEADER)


def test_anonymous_pages_are_served_from_the_cache(cached_site):
    client = Client()
    url = _article().url
    first, state = _get(client, url)
    assert first.status_code == 200 and state == "miss"
    second, state = _get(client, url)
    assert state == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second.headers.get("Content-Language") == first.headers.get("Content-Language")


def test_home_page_and_english_pages_are_separate_entries(cached_site):
    client = Client()
    assert _get(client, "/")[1] == "miss"
    assert _get(client, "/en/")[1] == "miss"
    home, state = _get(client, "/")
    english, state_en = _get(client, "/en/")
    assert (state, state_en) == ("hit", "hit")
    assert b'lang="zh-hans"' in home.content and b'lang="en"' in english.content


def test_logged_in_users_bypass_the_cache(cached_site):
    user = get_user_model().objects.create_user("editor", password="x")
    client = Client()
    client.force_login(user)
    url = _article().url
    assert _get(client, url)[1] is None
    assert _get(client, url)[1] is None
    # …and what they saw was not stored for others.
    assert _get(Client(), url)[1] == "miss"


def test_query_strings(cached_site):
    client = Client()
    index = ArticleIndexPage.objects.live().filter(locale__language_code="zh-hans").first()
    assert _get(client, index.url, data={"page": "2"})[1] == "miss"
    assert _get(client, index.url, data={"page": "2"})[1] == "hit"
    assert _get(client, index.url)[1] == "miss"  # another entry than ?page=2
    # Unknown parameters (search terms, tracking tags) are never cached.
    assert _get(client, index.url, data={"utm_source": "x"})[1] is None
    assert _get(client, index.url, data={"q": "蔬菜"})[1] is None
    # Parameter order does not matter.
    assert _get(client, "/open-data/?year=2025&region=220122")[1] == "miss"
    assert _get(client, "/open-data/?region=220122&year=2025")[1] == "hit"


def test_elderly_mode_has_its_own_entries(cached_site):
    url = _article().url
    plain, elderly = Client(), Client()
    elderly.cookies["portal_elderly"] = "1"
    assert _get(plain, url)[1] == "miss"
    response, state = _get(elderly, url)
    assert state == "miss" and b'class="elderly"' in response.content
    response, state = _get(plain, url)
    assert state == "hit" and b'class="elderly"' not in response.content
    response, state = _get(elderly, url)
    assert state == "hit" and b'class="elderly"' in response.content


def test_publishing_purges_the_page_and_its_ancestors(
    cached_site, django_capture_on_commit_callbacks
):
    client = Client()
    article = _article()
    index_url = article.get_parent().url
    for url in (article.url, index_url, "/"):
        _get(client, url)
        assert _get(client, url)[1] == "hit"
    article.title = "新标题：蔬菜怎么洗"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    for url in (article.url, index_url):
        response, state = _get(client, url)
        assert state == "miss"
        assert "新标题：蔬菜怎么洗" in response.content.decode()


def test_drafts_do_not_purge(cached_site, django_capture_on_commit_callbacks):
    client = Client()
    article = _article()
    _get(client, article.url)
    article.title = "草稿标题"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision()
    response, state = _get(client, article.url)
    assert state == "hit" and "草稿标题" not in response.content.decode()


def test_unpublish_and_delete_purge(cached_site, django_capture_on_commit_callbacks):
    client = Client()
    first, second = ArticlePage.objects.live().filter(locale__language_code="zh-hans")[:2]
    url1, url2 = first.url, second.url
    _get(client, url1), _get(client, url2)
    with django_capture_on_commit_callbacks(execute=True):
        first.unpublish()
    assert client.get(url1).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=second.pk).delete()
    assert client.get(url2).status_code == 404


def test_credit_data_changes_refresh_data_pages_only(
    cached_site, django_capture_on_commit_callbacks
):
    client = Client()
    article_url = _article().url
    for url in ("/", "/open-data/", article_url):
        _get(client, url)
        assert _get(client, url)[1] == "hit"
    producer = Producer.objects.create(
        uscc=make_uscc("93", "220122", "CA0000001"),
        name="缓存测试合作社",
        kind="cooperative",
        region_id="220122",
    )
    with django_capture_on_commit_callbacks(execute=True):
        Sampling.objects.create(
            producer=producer,
            sample_code="CACHE-1",
            date=datetime.date.today(),
            product="黄瓜",
            category="vegetables",
            result="pass",
        )
    assert _get(client, "/")[1] == "miss"
    assert _get(client, "/open-data/")[1] == "miss"
    assert _get(client, article_url)[1] == "hit"  # editorial pages keep their entries


def test_grade_changes_refresh_data_pages(cached_site, django_capture_on_commit_callbacks):
    client = Client()
    _get(client, "/")
    assert _get(client, "/")[1] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        events.grades_changed.send(sender=None, producer_ids=[1])
    assert _get(client, "/")[1] == "miss"


def test_lost_generation_never_revives_old_entries(cached_site):
    client = Client()
    url = _article().url
    _get(client, url)
    assert _get(client, url)[1] == "hit"
    cache.delete(page_cache.PAGE_GENERATION)  # evicted, or the cache restarted
    assert _get(client, url)[1] == "miss"


def test_local_copies_follow_purges_from_other_processes(cached_site, settings):
    client = Client()
    url = _article().url
    _get(client, url)
    key = next(iter(page_cache.local_entries._data))
    assert page_cache.local_entries.get(key) is not None
    assert _get(client, url)[1] == "hit"
    page_cache.bump_pages()  # as another process would, through the shared cache
    assert _get(client, url)[1] == "miss"

    settings.PORTAL_PAGE_CACHE_LOCAL_ENTRIES = 0
    page_cache.local_entries.clear()
    _get(client, url)
    assert not page_cache.local_entries._data
    assert _get(client, url)[1] == "hit"  # from the shared cache alone


def test_purges_reach_other_processes_through_the_shared_files(cached_site, settings, tmp_path):
    """With the local-memory cache each process has its own entries and tokens; a publish in
    another process (publish_scheduled from cron, load_demo, another worker) reaches this
    one through the shared generation files."""
    settings.PORTAL_PAGE_CACHE_SHARED_DIR = str(tmp_path)
    client = Client()
    url = _article().url
    _get(client, url)
    assert _get(client, url)[1] == "hit"
    page_cache.SharedGenerations().bump(page_cache.PAGE_GENERATION)  # the other process
    assert _get(client, url)[1] == "miss"
    assert _get(client, url)[1] == "hit"
    page_cache.SharedGenerations().bump(page_cache.DATA_GENERATION)
    assert _get(client, url)[1] == "hit"  # an article does not show credit data
    assert _get(client, "/")[1] == "miss"
    assert len(list(tmp_path.glob("*.pagecache"))) == 2


def test_shared_files_only_for_a_local_memory_cache_on_a_file_database(settings):
    shared = page_cache.SharedGenerations()
    settings.PORTAL_PAGE_CACHE_SHARED_DIR = ""
    assert shared.directory() is None and shared.token(page_cache.PAGE_GENERATION) == ""
    del settings.PORTAL_PAGE_CACHE_SHARED_DIR
    # The test database is SQLite in memory (or PostgreSQL): nothing to share through.
    assert shared.directory() is None


def test_disabled_by_setting(cached_site, settings):
    settings.PORTAL_PAGE_CACHE = False
    client = Client()
    url = _article().url
    assert _get(client, url)[1] is None
    assert _get(client, url)[1] is None


def test_non_page_paths_are_not_cached(cached_site):
    client = Client()
    for url in ("/healthz", "/data/blacklist.json", "/no-such-page/"):
        assert _get(client, url)[1] is None
        assert _get(client, url)[1] is None
    assert client.get("/healthz").content == b"ok"


def test_cacheable_rules():
    factory = RequestFactory()
    request = factory.get("/x/")

    class Match:
        url_name = "wagtail_serve"

    request.resolver_match = Match()
    ok = HttpResponse("x")
    assert page_cache.cacheable(request, ok)
    with_cookie = HttpResponse("x")
    with_cookie.set_cookie("csrftoken", "abc")
    assert not page_cache.cacheable(request, with_cookie)
    private = HttpResponse("x")
    private["Cache-Control"] = "private"
    assert not page_cache.cacheable(request, private)
    assert not page_cache.cacheable(request, HttpResponse("x", status=404))
    request.resolver_match.url_name = "healthz"
    assert not page_cache.cacheable(request, ok)

    session = factory.get("/x/")
    session.COOKIES["sessionid"] = "abc"
    assert not page_cache.wants_cache(session)
    assert not page_cache.wants_cache(factory.post("/x/"))
    assert not page_cache.wants_cache(factory.get("/admin/"))
    assert page_cache.wants_cache(factory.get("/science/"))


def test_key_includes_host_path_params_and_mode():
    factory = RequestFactory()
    key = page_cache.cache_key(factory.get("/a/", {"page": "2", "topic": "x"}))
    assert key == page_cache.cache_key(factory.get("/a/?topic=x&page=2"))
    assert key != page_cache.cache_key(factory.get("/a/", {"page": "3", "topic": "x"}))
    assert key != page_cache.cache_key(factory.get("/b/", {"page": "2", "topic": "x"}))
    assert key != page_cache.cache_key(
        factory.get("/a/", {"page": "2", "topic": "x"}, HTTP_HOST="localhost")
    )
    elderly = factory.get("/a/", {"page": "2", "topic": "x"})
    elderly.COOKIES["portal_elderly"] = "1"
    assert key != page_cache.cache_key(elderly)
    assert page_cache.cache_key(factory.get("/a/", {"q": "x"})) is None


def test_entries_are_fresh_only_under_their_generations():
    response = HttpResponse("x")
    entry = page_cache._entry(response, "p1", "d1")  # no page known: data-dependent
    assert page_cache._fresh(entry, "p1", "d1")
    assert not page_cache._fresh(entry, "p1", "d2")
    assert not page_cache._fresh(entry, "p2", "d1")
    response.context_data = {"page": ArticlePage()}
    editorial = page_cache._entry(response, "p1", "d1")
    assert page_cache._fresh(editorial, "p1", "d2")  # articles survive data changes
    assert not page_cache._fresh(editorial, "p2", "d1")


def test_home_page_type_is_data_dependent():
    assert "portal.homepage" not in page_cache.EDITORIAL_PAGE_TYPES
    assert HomePage._meta.model_name == "homepage"
