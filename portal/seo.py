"""What search engines and link previews read: Open Graph meta, schema.org JSON-LD
(NewsArticle, ClaimReview, BreadcrumbList…), robots rules and robots.txt.

Pure helpers over pages; the template tags in `portal.templatetags.portal_seo` render them.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from pagekit.links import page_url, rebase

log = logging.getLogger(__name__)

#: Open Graph locale per content language.
OG_LOCALES = {"zh-hans": "zh_CN", "en": "en_US"}
NOINDEX = "noindex,follow"


def _site(page: Page, request=None) -> Site | None:
    site = Site.find_for_request(request) if request is not None else None
    return site or page.get_site() or Site.objects.filter(is_default_site=True).first()


def root_url(page: Page, request=None) -> str:
    site = _site(page, request)
    return rebase(site.root_url, request) if site else ""


def absolute(page: Page, request, url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return root_url(page, request) + url


def organisation(page: Page, request=None) -> dict:
    """The organisation behind the site (PortalSettings.organiser, else the site name)."""
    from portal.models import PortalSettings

    site = _site(page, request)
    name = ""
    if site is not None:
        name = PortalSettings.for_site(site).organiser_label
    return {
        "@type": "Organization",
        "name": name or _(settings.WAGTAIL_SITE_NAME),
        "url": (root_url(page, request) + "/") if site else None,
        "logo": absolute(page, request, static("img/emblem.svg")) if site else None,
    }


def _iso(value) -> str | None:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return None


def image_url(page: Page, request=None, spec: str = "width-1200") -> str | None:
    """An absolute URL of the page's lead image rendition, if it has one that renders."""
    image = getattr(page, "hero_image", None)
    if image is None:
        return None
    try:
        return absolute(page, request, image.get_rendition(spec).url)
    except Exception:  # noqa: BLE001 - a missing source file must not break the page
        log.warning("no rendition of image %s for page %s", image.pk, page.pk, exc_info=True)
        return None


def news_article(page: Page, request=None, *, description="", author=None) -> dict:
    """schema.org NewsArticle for a dated announcement (article, notice, typical case)."""
    url = page_url(page, request)
    org = organisation(page, request)
    published = getattr(page, "date", None) or page.first_published_at
    image = image_url(page, request)
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title[:110],
        "description": str(description or "") or None,
        "datePublished": _iso(published),
        "dateModified": _iso(page.last_published_at) or _iso(published),
        "inLanguage": page.locale.language_code,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url} if url else None,
        "image": [image] if image else None,
        "author": {"@type": "Organization", "name": author} if author else org,
        "publisher": org,
    }


def breadcrumb_trail(page: Page) -> list[Page]:
    """From the page's home (depth 2: each language has its own) down to the page."""
    return list(
        Page.objects.ancestor_of(page, inclusive=True).filter(depth__gte=2).order_by("depth")
    )


def breadcrumb_list(page: Page, request=None) -> dict:
    items = []
    for position, crumb in enumerate(breadcrumb_trail(page), start=1):
        items.append(
            {
                "@type": "ListItem",
                "position": position,
                "name": _("首页") if crumb.depth == 2 else crumb.title,
                "item": page_url(crumb, request),
            }
        )
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}


def page_json_ld(page: Page, request=None) -> list[dict]:
    """Every JSON-LD object of a page: its own (if any) and its BreadcrumbList."""
    page = page.specific
    data = []
    own = getattr(page, "structured_data", None)
    if callable(own):
        value = own(request)
        if value:
            data.append(value)
    data.append(breadcrumb_list(page, request))
    return data


# --- robots -----------------------------------------------------------------------------


def robots_directive(page, request) -> str | None:
    """`noindex,follow` for list pages reached with any query string (filter combinations,
    later pages): their items are indexed from their own pages and the sitemap."""
    from portal.models import SectionIndexPage

    if isinstance(page, SectionIndexPage) and request is not None and request.GET:
        return NOINDEX
    return None


def list_filter_params() -> list[str]:
    """Every filter parameter of every section list (for robots.txt)."""
    from django.apps import apps

    from portal.models import SectionIndexPage

    params: set[str] = set()
    for model in apps.get_models():
        if issubclass(model, SectionIndexPage):
            params |= model.filter_params()
    return sorted(params)


def robots_txt(request) -> str:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /search/",
        "Disallow: /en/search/",
    ]
    # Filtered list URLs: the parameter first or after another one, in either language.
    for param in list_filter_params():
        lines.append(f"Disallow: /*?{param}=")
        lines.append(f"Disallow: /*&{param}=")
    lines += ["Allow: /", "", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}", ""]
    return "\n".join(lines)


# --- Open Graph -----------------------------------------------------------------------


def open_graph(page: Page, request=None) -> list[tuple[str, str]]:
    """(property, content) pairs of Open Graph meta for a page."""
    page = page.specific
    language = page.locale.language_code
    description = page.search_description or str(getattr(page, "listing_summary", "") or "")
    dated = getattr(page, "date", None)
    tags = [
        ("og:site_name", _("农安信用门户")),
        ("og:type", "article" if isinstance(dated, datetime.date) else "website"),
        ("og:title", page.seo_title or page.title),
        ("og:url", page_url(page, request)),
        ("og:locale", OG_LOCALES.get(language, language)),
    ]
    if description:
        tags.append(("og:description", description[:300]))
    for translation in page.get_translations().live().select_related("locale"):
        code = translation.locale.language_code
        tags.append(("og:locale:alternate", OG_LOCALES.get(code, code)))
    image = image_url(page, request)
    if image:
        tags.append(("og:image", image))
    if isinstance(dated, datetime.date):
        tags.append(("article:published_time", dated.isoformat()))
        if page.last_published_at:
            tags.append(("article:modified_time", page.last_published_at.isoformat()))
    return [(name, str(value)) for name, value in tags if value]
