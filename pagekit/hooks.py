"""The kit's extension points: what only the site knows, supplied as Wagtail hooks.

The kit sits below `cases` and `portal` and may not import them (DESIGN §3), yet a
listed page's JSON-LD names the site's publisher and a section's feeds carry the site's
name. The site registers these hooks (portal does, in its `wagtail_hooks`); without them
pages have no default JSON-LD and sections no feeds. The last registration wins.
"""

from wagtail import hooks

#: fn(page, request, *, description, author) -> dict: schema.org NewsArticle of a dated page.
NEWS_ARTICLE = "pagekit_news_article"
#: fn() -> {"rss": FeedClass, "atom": FeedClass}: syndication feeds of a section index;
#: a feed class is called as `FeedClass()(request, section=index_page)`.
SECTION_FEEDS = "pagekit_section_feeds"


def site_hook(name: str):
    """The site's function for `name`, or None when the site registered none."""
    registered = hooks.get_hooks(name)
    return registered[-1] if registered else None
