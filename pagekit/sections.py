"""The section index: a paginated, filterable list of one kind of child page, with feeds."""

from django.apps import apps
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page
from wagtail.search import index

from .blocks import INTRO_FEATURES
from .filters import (
    ListFilter,
    category_filter,
    field_choices,
    filter_by_field,
    has_field,
    query_string,
    region_filter,
    year_filter,
)
from .hooks import SECTION_FEEDS, site_hook
from .links import page_url
from .listing import ListingMixin


class SectionIndexPage(RoutablePageMixin, ListingMixin, Page):
    """A paginated, filterable list of one kind of child page, newest first, with RSS 2.0
    and Atom feeds at `feed/rss/` and `feed/atom/` (the feeds honour the same filters).

    Concrete subclasses name `listing_model` ("app.Model"; it must have a `date` field).
    Every list can be filtered by year; by region when the listed pages have a `region`;
    by product category when they have `categories`; by the subclass's own filter
    (`filter_param` over `filter_field`, or its own `filter_choices()` and
    `apply_filter()`); and by any filters `extra_filters()` adds. Filters combine (AND).
    """

    intro = RichTextField(_("栏目简介"), blank=True, features=INTRO_FEATURES)

    listing_model: str = ""
    per_page = 10
    feed_items = 20
    filter_param: str = ""
    filter_label = ""
    #: The listed pages' field the own filter narrows by: a relation to vocabulary terms
    #: (chosen by slug) or a field with choices. See `pagekit.filters.field_choices`.
    filter_field: str = ""
    #: Query parameters `extra_filters()` may add (for robots.txt).
    extra_filter_params: tuple[str, ...] = ()

    #: Query parameters every section list understands (robots.txt disallows them).
    COMMON_FILTER_PARAMS = ("region", "year")

    #: One template for every section index (Wagtail would otherwise derive one per class).
    listing_template = "portal/section_index_page.html"

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        abstract = True

    @classmethod
    def get_listing_model(cls):
        return apps.get_model(cls.listing_model)

    def get_template(self, request, *args, **kwargs):
        return self.listing_template

    def get_items(self):
        model = self.get_listing_model()
        return model.objects.child_of(self).live().order_by("-date", "-first_published_at", "-pk")

    def latest(self, count: int = 5):
        return list(self.get_items()[:count])

    # --- the subclass's own filter (one parameter) ---------------------------------------
    def filter_choices(self) -> list[tuple[str, str]]:
        return field_choices(self.get_items(), self.filter_field) if self.filter_field else []

    def apply_filter(self, items, value: str):
        return filter_by_field(items, self.filter_field, value) if self.filter_field else items

    # --- all filters ---------------------------------------------------------------------
    def extra_filters(self, items) -> list[ListFilter]:
        """Further filters of a subclass (after its own, before the automatic ones)."""
        return []

    @classmethod
    def _has_product_categories(cls) -> bool:
        # A section whose own filter is called "category" (case categories) keeps the name.
        if not cls.listing_model or cls.filter_param == "category":
            return False
        return has_field(cls.get_listing_model(), "categories")

    def list_filters(self) -> list[ListFilter]:
        """Every filter of this list, with the choices the section's items actually use."""
        items = self.get_items()
        filters = []
        if self.filter_param:
            filters.append(
                ListFilter(
                    self.filter_param,
                    str(self.filter_label),
                    self.filter_choices(),
                    self.apply_filter,
                )
            )
        filters.extend(self.extra_filters(items))
        params = {f.param for f in filters}
        model = self.get_listing_model()
        if "category" not in params and self._has_product_categories():
            filters.append(category_filter(items))
        if "region" not in params and has_field(model, "region"):
            filters.append(region_filter(items))
        filters.append(year_filter(items))
        return [f for f in filters if f.choices]

    @classmethod
    def filter_params(cls) -> set[str]:
        """The query parameters any list of this class may use (for robots.txt)."""
        params = set(cls.COMMON_FILTER_PARAMS)
        if cls.filter_param:
            params.add(cls.filter_param)
        if cls._has_product_categories():
            params.add("category")
        params.update(cls.extra_filter_params)
        return params

    def filtered_items(self, request):
        """(items narrowed by the request's valid filter values, the filters with their
        active value, link URLs and "all" URL set)."""
        items = self.get_items()
        filters = self.list_filters()
        active: dict[str, str] = {}
        for f in filters:
            wanted = request.GET.get(f.param, "")
            if wanted and wanted in {value for value, _label in f.choices}:
                f.active = wanted
                active[f.param] = wanted
                items = f.apply(items, wanted)
        for f in filters:
            others = {k: v for k, v in active.items() if k != f.param}
            f.all_url = query_string(others)
            f.links = [
                {
                    "value": value,
                    "label": label,
                    "url": query_string({**others, f.param: value}),
                    "current": value == f.active,
                }
                for value, label in f.choices
            ]
        return items, filters, active

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items, filters, active = self.filtered_items(request)
        paginator = Paginator(items, self.per_page)
        page_obj = paginator.get_page(request.GET.get("page"))
        own = next((f for f in filters if f.param == self.filter_param), None)
        context.update(
            items=page_obj.object_list,
            page_obj=page_obj,
            paginator=paginator,
            filters=filters,
            active_filters=active,
            is_filtered=bool(active),
            # The subclass's own filter, as before there were several.
            filter_param=self.filter_param,
            filter_label=self.filter_label,
            filter_choices=own.choices if own else [],
            active_filter=active.get(self.filter_param, ""),
            feed_links=self.feed_links(request),
        )
        if not active and not paginator.count:
            context["fallback"] = self.default_language_version()
        return context

    def default_language_version(self):
        """The default-language version of this section when it has items and this one has
        none (an English section before staff translate any item): readers then see what
        is published, marked with its language, rather than an empty page."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return None
        source = self.get_translation_or_none(default)
        if source is None or not source.live:
            return None
        source = source.specific
        items = list(source.get_items()[: self.per_page]) if hasattr(source, "get_items") else []
        return {"page": source, "items": items, "lang": default.language_code} if items else None

    # --- feeds (classes from the site: `pagekit.hooks.SECTION_FEEDS`) ----------------------
    @staticmethod
    def feed_classes() -> dict:
        feeds = site_hook(SECTION_FEEDS)
        return feeds() if feeds else {}

    def serve_feed(self, request, kind: str):
        feed_class = self.feed_classes().get(kind)
        if feed_class is None:
            raise Http404
        return feed_class()(request, section=self)

    @path("feed/rss/", name="feed_rss")
    def feed_rss(self, request):
        return self.serve_feed(request, "rss")

    @path("feed/atom/", name="feed_atom")
    def feed_atom(self, request):
        return self.serve_feed(request, "atom")

    def feed_links(self, request=None) -> list[dict]:
        """The section's feeds, for <link rel="alternate"> and the visible subscribe links."""
        base = self.get_url(request)
        if not base or not self.feed_classes():
            return []
        return [
            {
                "type": "application/rss+xml",
                "format": "RSS",
                "title": f"{self.title} (RSS)",
                "url": base + self.reverse_subpage("feed_rss"),
            },
            {
                "type": "application/atom+xml",
                "format": "Atom",
                "title": f"{self.title} (Atom)",
                "url": base + self.reverse_subpage("feed_atom"),
            },
        ]

    @property
    def listing_summary(self):
        return self.search_description or ""

    def structured_data(self, request=None):
        return {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": self.title,
            "description": self.search_description or None,
            "url": page_url(self, request),
            "inLanguage": self.locale.language_code,
        }
