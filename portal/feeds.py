"""RSS 2.0 and Atom feeds of each section (科普, 辟谣, 典型案例, 不合格通报, 政策法规).

Served by the section index pages at `feed/rss/` and `feed/atom/` (RoutablePageMixin
routes on `SectionIndexPage`), in the section's language. The same filter parameters as
the list page apply, so `/science/feed/rss/?topic=certificate` is the feed of one topic.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from pagekit.links import page_url


def _as_datetime(value):
    """A feed needs datetimes; a page's publication `date` is taken at local midnight."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))
    return None


class SectionRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, section=None):
        # The section's language, not the request's (Django reads `language` statically).
        self.language = section.locale.language_code
        return section

    def title(self, section):
        return f"{section.title} · {_('农安信用门户')}"

    def link(self, section):
        return page_url(section, self.request)

    def feed_url(self, section):
        return self.request.build_absolute_uri(self.request.path)

    def description(self, section):
        return section.search_description or _("%(section)s栏目最新内容") % {
            "section": section.title
        }

    def items(self, section):
        items, _filters, _active = section.filtered_items(self.request)
        return list(items[: section.feed_items])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return str(getattr(item, "listing_summary", "") or "")

    def item_link(self, item):
        return page_url(item, self.request)

    def item_guid(self, item):
        return page_url(item, self.request)

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return _as_datetime(getattr(item, "date", None)) or item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at or self.item_pubdate(item)

    def item_categories(self, item):
        return [str(badge.label) for badge in getattr(item, "badges", [])]

    def item_author_name(self, item):
        for name in ("issuer", "agency", "author"):
            value = getattr(item, name, "")
            if value:
                return value
        return None


class SectionAtomFeed(SectionRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, section):
        return self.description(section)
