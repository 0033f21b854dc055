"""Template tags for the public site's chrome: breadcrumbs, language switch, JSON-LD."""

import json

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from wagtail.models import Locale, Page, Site

from pagekit.links import page_url

register = template.Library()

# The same escapes as django.utils.html.json_script: the JSON cannot close the <script>.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _site_root(request):
    site = Site.find_for_request(request) if request else None
    return site.root_page if site else None


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """Links from the (localised) home page down to the current page's parent."""
    page = context.get("page")
    request = context.get("request")
    root = _site_root(request)
    trail = []
    if isinstance(page, Page) and root is not None:
        home = root.localized
        if page.pk != home.pk:
            trail = list(
                Page.objects.ancestor_of(page).filter(depth__gte=home.depth).order_by("depth")
            )
            trail = [p for p in trail if p.path.startswith(home.path)]
    return {"trail": trail, "page": page, "request": request}


def _locale_or_none(code):
    try:
        return Locale.objects.get_for_language(code)
    except Locale.DoesNotExist:
        return None


def _page_url_in(page, root, locale, request):
    """The page's translation in `locale`, else that language's home page, else None."""
    for candidate in (page, root):
        if candidate is None:
            continue
        translation = candidate.get_translation_or_none(locale)
        if translation is not None and translation.live:
            return translation.get_url(request)
    return None


def _language_options(context):
    """One entry per language: a URL to follow, or None to switch via set_language."""
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    root = _site_root(request)
    options = []
    for code, _name in settings.LANGUAGES:
        url = None
        if code == current:
            url = request.get_full_path() if request else None
        elif isinstance(page, Page):
            locale = _locale_or_none(code)
            url = _page_url_in(page, root, locale, request) if locale else None
        elif request is not None:
            translated = translate_url(request.get_full_path(), code)
            url = translated if translated != request.get_full_path() else None
        options.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return options


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    request = context.get("request")
    return {
        "options": _language_options(context),
        "request": request,
        "next": request.get_full_path() if request else "/",
    }


@register.simple_tag(takes_context=True)
def hreflang_links(context):
    """<link rel="alternate" hreflang> for each existing translation of the page."""
    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page):
        return ""
    links = []
    for translation in page.get_translations(inclusive=True).live().select_related("locale"):
        url = page_url(translation, request)
        if url:
            links.append(
                format_html(
                    '<link rel="alternate" hreflang="{}" href="{}">',
                    translation.locale.language_code,
                    url,
                )
            )
    return mark_safe("\n".join(links)) if len(links) > 1 else ""


def _drop_empty(value):
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


@register.simple_tag
def json_ld(data):
    """A schema.org JSON-LD <script>, or nothing when data is empty."""
    if not data:
        return ""
    text = json.dumps(_drop_empty(data), ensure_ascii=False, default=str)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped above
    )


@register.filter
def in_section(page, section):
    """True when `page` is `section` or below it (for aria-current in the main menu)."""
    if not isinstance(page, Page) or section is None:
        return False
    return page.path.startswith(section.path)
