"""Things every public page's chrome needs (navigation), computed once per request.

Nothing is added to admin pages: Wagtail's admin templates have their own context (and use
some of the same generic names)."""

from django.utils import timezone
from wagtail.models import Page, Site

SEARCH_URL = "/search/"


def site_chrome(request):
    if request is None or request.path_info.startswith("/admin/"):
        return {}
    chrome = {
        "nav_pages": [],
        "site_root": None,
        "portal_search_url": SEARCH_URL,
        "current_year": timezone.localdate().year,
    }
    site = Site.find_for_request(request)
    if site is None:
        return chrome
    # The home page in the active language (the default one when not yet translated);
    # its in-menu children are already in that language.
    root = site.root_page.localized
    chrome["site_root"] = root
    chrome["nav_pages"] = list(
        Page.objects.child_of(root).live().public().in_menu().order_by("path")
    )
    return chrome
