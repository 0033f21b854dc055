"""Head tags for search engines and link previews: Open Graph, robots, canonical, feeds
and JSON-LD (the page's own schema.org object plus its BreadcrumbList)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from wagtail.models import Page

from portal import seo
from portal.templatetags.portal_tags import json_ld

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_meta(context):
    """robots (noindex,follow on list pages with a query string), canonical and Open Graph."""
    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page):
        return ""
    parts = []
    robots = seo.robots_directive(page.specific, request)
    if robots:
        parts.append(format_html('<meta name="robots" content="{}">', robots))
    else:
        url = seo.page_url(page, request)
        if url:
            parts.append(format_html('<link rel="canonical" href="{}">', url))
    parts.append(
        format_html_join("\n", '<meta property="{}" content="{}">', seo.open_graph(page, request))
    )
    return mark_safe("\n".join(str(p) for p in parts if p))


@register.simple_tag(takes_context=True)
def page_json_ld(context, page=None):
    """Every JSON-LD <script> of the page: its own object and its BreadcrumbList."""
    page = page or context.get("page")
    if not isinstance(page, Page):
        return ""
    request = context.get("request")
    return mark_safe("\n".join(json_ld(data) for data in seo.page_json_ld(page, request)))


@register.simple_tag
def feed_link_tags(feed_links):
    """<link rel="alternate"> for a section's RSS and Atom feeds."""
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" title="{}" href="{}">',
        ((link["type"], link["title"], link["url"]) for link in feed_links or []),
    )
