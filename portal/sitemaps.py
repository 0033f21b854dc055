"""sitemap.xml: every live, public page of the site in every language.

Wagtail's own sitemap lists the descendants of the site's root page only, i.e. the Chinese
tree; the English tree is a sibling (root → home-en), reached through /en/. This one lists
each translation of the site root and its descendants, with <xhtml:link hreflang> links
between translations of the same page.

nongan/urls.py: path("sitemap.xml", portal.sitemaps.sitemap, name="sitemap")
"""

from collections import defaultdict

from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from pagekit.links import rebase


class PortalSitemap(Sitemap):
    """Wagtail's sitemap over every language tree of the request's site."""

    def items(self):
        site = self.get_wagtail_site()
        tree = Q()
        for root in site.root_page.get_translations(inclusive=True):
            tree |= Q(path__startswith=root.path, depth__gte=root.depth)
        return (
            Page.objects.filter(tree)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page, protocol, domain):
        entries = []
        for item in self.paginator.page(page).object_list.iterator():
            for url in item.get_sitemap_urls(self.request):
                url["location"] = rebase(url["location"], self.request)  # the visitor's host
                entries.append((item.translation_key, item.locale.language_code, url))
        translations = defaultdict(list)
        for key, language, url in entries:
            translations[key].append({"lang_code": language, "location": url["location"]})
        urls, last_mods = [], set()
        for key, _language, url in entries:
            if len(translations[key]) > 1:
                url["alternates"] = translations[key]
            urls.append(url)
            last_mods.add(url.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


def sitemap(request):
    """The sitemap.xml view (it needs no sitemaps dict: it serves `PortalSitemap`)."""
    return sitemap_views.sitemap(request, {"pages": PortalSitemap(request)})
