"""Accessibility (WCAG 2.1 AA / GB/T 37668) of the public site in a real browser.

Headless Chromium (Debian's, never a downloaded one) drives pytest-django's live server with
the demo content loaded; axe-core (npm, pinned in package.json; `make test` installs it)
checks one page of every type, in the normal and the elderly-friendly (适老化) mode, for
serious or critical violations. Also: keyboard order and visible focus, the elderly mode
toggle persisting across pages without JavaScript, no horizontal scrolling at 360 px, and
screenshots in /tmp/shots/ for people to look at.

The toggle's server side (cookie, safe redirect) is tested without a browser at the end.
"""

import datetime
import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path("/tmp/shots")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def _requirements():
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (make system-deps-test)")
    if not AXE.exists():
        pytest.skip("needs node_modules/axe-core (run `make test`, or `npm install`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("needs the playwright Python package (pip install -e '.[dev]')")


@pytest.fixture
def demo_server(live_server):
    """The live server's URL, with the demo loaded (its page URLs in `demo_urls`)."""
    _requirements()
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def demo_urls(demo_server):
    # Read before the browser starts: Playwright's sync API runs an event loop in this
    # thread, and Django refuses database queries there.
    return _urls()


@pytest.fixture
def browser():
    _requirements()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def _urls() -> dict[str, str]:
    """One public URL per page type (and the dashboard with its filters)."""
    from wagtail.models import Page

    from cases.models import TypicalCaseIndexPage, TypicalCasePage
    from portal.models import (
        ArticleIndexPage,
        ArticlePage,
        DataPage,
        NoticeIndexPage,
        PolicyIndexPage,
        PolicyPage,
        QualityCountyIndexPage,
        QualityCountyPage,
        RumourIndexPage,
        RumourRebuttalPage,
        StandardPage,
        UnqualifiedNoticePage,
    )

    def first(model, language="zh-hans", **filters):
        page = (
            model.objects.live()
            .filter(locale__language_code=language, **filters)
            .order_by("path")
            .first()
        )
        assert page is not None, f"no live {language} {model.__name__} in the demo"
        return page.url

    year = datetime.date.today().year
    return {
        "home": "/",
        "section": first(ArticleIndexPage),
        "article": first(ArticlePage),
        "rebuttal": first(RumourRebuttalPage),
        "typical-case": first(TypicalCasePage),
        "notice-index": first(NoticeIndexPage),
        "notice": first(UnqualifiedNoticePage),
        "county-index": first(QualityCountyIndexPage),
        "county": first(QualityCountyPage),
        "policy": first(PolicyPage),
        "standard": first(StandardPage),
        "data-page": first(DataPage, kind="blacklist"),
        "search": "/search/?q=%E5%90%88%E4%BD%9C%E7%A4%BE",  # 合作社
        "dashboard": first(DataPage, kind="open_data"),
        "dashboard-filtered": first(DataPage, kind="open_data") + f"?region=220100&year={year}",
        "rumour-index": first(RumourIndexPage),
        "case-index": first(TypicalCaseIndexPage),
        "policy-index": first(PolicyIndexPage),
        "filtered-list": first(RumourIndexPage) + "?verdict=false",
        "certified-page": first(DataPage, kind="certified"),
        "credit-page": first(DataPage, kind="credit"),
        "complaints": "/complaints/",
        "en-home": Page.objects.get(depth=2, locale__language_code="en").url,
        # English pages: translated sections (an untranslated one lists the Chinese items),
        # the dashboard, a plain page and the data pages.
        "en-section": first(ArticleIndexPage, "en"),
        "en-dashboard": first(DataPage, "en", kind="open_data"),
        "en-standard": first(StandardPage, "en"),
        "en-data-page": first(DataPage, "en", kind="blacklist"),
        "en-complaints": first(DataPage, "en", kind="complaint"),
    }


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return result["violations"]


def _describe(name: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{name}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').strip()[:300]}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_axe_finds_no_serious_violations_on_any_page_type(demo_server, demo_urls, browser):
    failures, report = [], []
    urls = demo_urls
    for width, elderly in ((1280, False), (360, True)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        if elderly:
            context.add_cookies([{"name": "portal_elderly", "value": "1", "url": demo_server}])
        page = context.new_page()
        for name, path in urls.items():
            response = page.goto(demo_server + path)
            assert response.status == 200, f"{name} {path}: HTTP {response.status}"
            violations = _axe(page)
            label = f"{name} {path} @{width}px{' elderly' if elderly else ''}"
            if violations:
                report.append(_describe(label, violations))
            failures += [v for v in violations if v["impact"] in BLOCKING]
        context.close()
    print("\n".join(report) or "axe: no violations at all")
    assert not failures, "serious/critical axe violations:\n" + "\n".join(report)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_keyboard_reaches_skip_link_then_main_nav_with_visible_focus(demo_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(demo_server + "/")
    describe = """() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {
            tag: el.tagName, cls: el.className, text: (el.textContent || '').trim().slice(0, 30),
            inHeader: !!el.closest('header.site-header'), inNav: !!el.closest('.main-nav'),
            inMain: !!el.closest('main'), skip: el.classList.contains('skip-link'),
            outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
            top: box.top, bottom: box.bottom, width: box.width,
        };
    }"""
    page.keyboard.press("Tab")
    first = page.evaluate(describe)
    assert first["skip"], f"the first Tab stop is {first}, not the skip link"
    assert first["top"] >= 0 and first["width"] > 0, "the focused skip link is off screen"
    assert first["outline"] != "none" and first["outlineWidth"] >= 2

    stops = [first]
    for _ in range(15):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(describe))
        if stops[-1]["inNav"]:
            break
    nav_at = next((i for i, s in enumerate(stops) if s["inNav"]), None)
    assert nav_at is not None, f"Tab never reached the main navigation: {stops}"
    assert all(s["inHeader"] for s in stops[1:nav_at]), "something outside the header comes first"
    for stop in stops[1:]:
        assert stop["outline"] != "none" and stop["outlineWidth"] >= 2, f"no visible focus: {stop}"

    # The skip link moves focus to <main>.
    page.goto(demo_server + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.close()


def _html_class(page) -> str:
    return page.evaluate("document.documentElement.className")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_elderly_mode_persists_without_javascript_and_fits_360px(demo_server, demo_urls, browser):
    urls = demo_urls
    # No JavaScript at all: the toggle is a link, the class comes from the server.
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_server + urls["article"])
    toggle = page.locator("a.elderly-toggle")
    assert "elderly" not in (page.locator("html").get_attribute("class") or "")
    toggle.click()
    page.wait_for_load_state()
    assert page.url.endswith(urls["article"]), "the toggle should come back to the same page"
    assert "elderly" in page.locator("html").get_attribute("class")
    for name in ("home", "rebuttal", "dashboard", "en-home"):
        page.goto(demo_server + urls[name])
        assert "elderly" in page.locator("html").get_attribute("class"), f"lost on {name}"
    page.locator("a.elderly-toggle").click()
    page.wait_for_load_state()
    page.goto(demo_server + urls["home"])
    assert "elderly" not in (page.locator("html").get_attribute("class") or "")
    context.close()

    # The mode really is bigger: the root font size grows.
    sizes = {}
    for elderly in (False, True):
        context = browser.new_context(viewport={"width": 360, "height": 800})
        if elderly:
            context.add_cookies([{"name": "portal_elderly", "value": "1", "url": demo_server}])
        page = context.new_page()
        page.goto(demo_server + "/")
        sizes[elderly] = page.evaluate(
            "parseFloat(getComputedStyle(document.documentElement).fontSize)"
        )
        # Responsive from 360 px: no page scrolls sideways (wide tables scroll in their box).
        for name, path in urls.items():
            page.goto(demo_server + path)
            assert _overflow(page) <= 0, f"{name} scrolls sideways at 360 px (elderly={elderly})"
        context.close()
    assert sizes[True] >= 1.2 * sizes[False]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_screenshots_for_review(demo_server, demo_urls, browser):
    """Home, an article, a rebuttal and the dashboard at 360 and 1280 px, normal and elderly,
    in /tmp/shots/ (look at them: tests cannot judge layout)."""
    urls = demo_urls
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    taken = []
    for width in (360, 1280):
        for elderly in (False, True):
            context = browser.new_context(viewport={"width": width, "height": 900})
            if elderly:
                context.add_cookies([{"name": "portal_elderly", "value": "1", "url": demo_server}])
            page = context.new_page()
            for name in ("home", "article", "rebuttal", "dashboard"):
                page.goto(demo_server + urls[name])
                path = SHOTS / f"{name}-{width}{'-elderly' if elderly else ''}.png"
                page.screenshot(path=str(path), full_page=True)
                taken.append(path.name)
            context.close()
    (SHOTS / "index.json").write_text(json.dumps({"shots": taken, "urls": urls}, indent=1))
    assert len(taken) == 16 and all((SHOTS / name).stat().st_size > 5000 for name in taken)


# --- the toggle's server side (no browser) -----------------------------------------------------


@pytest.mark.django_db
def test_elderly_toggle_sets_cookie_and_returns_safely():
    client = Client()
    response = client.get("/a11y/elderly/", {"on": "1", "next": "/science/?topic=x"})
    assert response.status_code == 302 and response["Location"] == "/science/?topic=x"
    assert response.cookies["portal_elderly"].value == "1"
    assert response.cookies["portal_elderly"]["samesite"] == "Lax"
    response = client.get("/a11y/elderly/", {"on": "0", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert response.cookies["portal_elderly"]["max-age"] == 0
    assert client.post("/a11y/elderly/").status_code == 405
