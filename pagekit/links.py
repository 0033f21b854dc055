"""Absolute page URLs on the address the visitor used.

Wagtail builds absolute URLs from the Site record (hostname and port). A site reached under
another name or port (a demo on :8765, an IP address, a proxy) would then send canonical
links, JSON-LD, feeds and the sitemap to an address the visitor never used. These helpers
keep the visitor's scheme and host for pages of the request's own site; ALLOWED_HOSTS has
already vetted that host. Pages of another Site keep that site's address.
"""

from wagtail.models import Page, Site


def rebase(url: str, request=None) -> str:
    """`url` on the request's scheme and host, when it is on the request's site."""
    if not url or request is None or not hasattr(request, "get_host"):
        return url
    site = Site.find_for_request(request)
    root = site.root_url if site else ""
    if root and (url == root or url.startswith(root + "/")):
        return f"{request.scheme}://{request.get_host()}{url[len(root) :]}"
    return url


def page_url(page: Page, request=None) -> str:
    """The page's absolute URL for this visitor; "" when it is not routable."""
    return rebase(page.get_full_url(request) or "", request)
