"""What a listed page offers its section index: a summary, badges and JSON-LD."""

import datetime

from .hooks import NEWS_ARTICLE, site_hook


class Badge:
    """A small label on a listing card or page header (verdict, category, topic…)."""

    __slots__ = ("label", "tone", "content")

    def __init__(self, label, tone: str = "neutral", *, content: bool = False):
        # content: the label is the item's own text (a place, an issuer), in the item's
        # language, not a translated interface label; a card in another language marks it.
        self.label, self.tone, self.content = label, tone, content

    def __repr__(self):
        return f"Badge({self.label!r}, {self.tone!r})"


class ListingMixin:
    """What a section index needs from its children to show them as cards."""

    @property
    def listing_summary(self) -> str:
        return getattr(self, "search_description", "") or ""

    @property
    def badges(self) -> list[Badge]:
        return []

    def structured_data(self, request=None) -> dict | None:
        """schema.org data for this page (rendered as JSON-LD); None for none.

        A dated announcement (a `date` field: notices, typical cases…) is a NewsArticle by
        the issuing body (`issuer`, `agency` or `author`, else the site's organiser).
        """
        if not isinstance(getattr(self, "date", None), datetime.date):
            return None
        news_article = site_hook(NEWS_ARTICLE)
        if news_article is None:
            return None
        author = next(
            (
                getattr(self, name)
                for name in ("issuer", "agency", "author")
                if getattr(self, name, "")
            ),
            None,
        )
        return news_article(self, request, description=self.listing_summary, author=author)
