"""Shared pieces of the portal's page models: the section index base, listing helpers,
the product-category list field and reading time."""

import datetime
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from credit.models import ProductCategory

INTRO_FEATURES = ["bold", "italic", "link", "document-link"]


class CategoryListField(models.JSONField):
    """A list of credit `ProductCategory` values, edited as checkboxes.

    Stored as a JSON list (works the same on SQLite and PostgreSQL), so a page can name
    several categories without a join table for a fixed vocabulary owned by `credit`.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=ProductCategory.choices,
            required=not self.blank,
            widget=kwargs.get("widget") or forms.CheckboxSelectMultiple,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        valid = set(ProductCategory.values)
        unknown = [v for v in value or [] if v not in valid]
        if unknown:
            raise forms.ValidationError(
                _("未知的产品类别：%(values)s"), params={"values": ", ".join(map(str, unknown))}
            )


def category_labels(values) -> list[str]:
    labels = dict(ProductCategory.choices)
    return [str(labels[v]) for v in values or [] if v in labels]


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")

#: Reading speeds: Chinese characters and Latin words per minute for general readers.
CJK_PER_MINUTE = 400
WORDS_PER_MINUTE = 200


def reading_minutes(text: str) -> int:
    """Minutes to read `text`, counting Chinese characters and Latin words separately."""
    if not text:
        return 1
    minutes = len(_CJK.findall(text)) / CJK_PER_MINUTE + len(_WORD.findall(text)) / WORDS_PER_MINUTE
    return max(1, math.ceil(minutes))


class Badge:
    """A small label on a listing card or page header (verdict, category, topic…)."""

    __slots__ = ("label", "tone")

    def __init__(self, label, tone: str = "neutral"):
        self.label, self.tone = label, tone

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
        from portal.seo import news_article

        author = next(
            (
                getattr(self, name)
                for name in ("issuer", "agency", "author")
                if getattr(self, name, "")
            ),
            None,
        )
        return news_article(self, request, description=self.listing_summary, author=author)


@dataclass
class ListFilter:
    """One filter of a section list: a query parameter, its label and its choices.

    `apply(items, value)` narrows a queryset to the chosen value (a valid choice).
    """

    param: str
    label: str
    choices: list[tuple[str, str]]
    apply: Callable
    active: str = ""
    links: list[dict] = field(default_factory=list)
    all_url: str = ""


def _query_string(params: dict[str, str]) -> str:
    return "?" + urlencode(params) if params else "?"


class SectionIndexPage(RoutablePageMixin, ListingMixin, Page):
    """A paginated, filterable list of one kind of child page, newest first, with RSS 2.0
    and Atom feeds at `feed/rss/` and `feed/atom/` (the feeds honour the same filters).

    Concrete subclasses name `listing_model` ("app.Model"; it must have a `date` field).
    Every list can be filtered by year; by region when the listed pages have a `region`;
    by the subclass's own filter (`filter_param` plus `filter_choices()` and
    `apply_filter()`); and by any filters `extra_filters()` adds (topic, category…).
    Filters combine (AND).
    """

    intro = RichTextField(_("栏目简介"), blank=True, features=INTRO_FEATURES)

    listing_model: str = ""
    per_page = 10
    feed_items = 20
    filter_param: str = ""
    filter_label = ""

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
        return []

    def apply_filter(self, items, value: str):
        return items

    # --- all filters ---------------------------------------------------------------------
    def extra_filters(self, items) -> list[ListFilter]:
        """Further filters of a subclass (after its own, before region and year)."""
        return []

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
        model = self.get_listing_model()
        if "region" not in {f.param for f in filters} and _has_field(model, "region"):
            filters.append(region_filter(items))
        filters.append(year_filter(items))
        return [f for f in filters if f.choices]

    @classmethod
    def filter_params(cls) -> set[str]:
        """The query parameters any list of this class may use (for robots.txt)."""
        params = set(cls.COMMON_FILTER_PARAMS)
        if cls.filter_param:
            params.add(cls.filter_param)
        params.update(getattr(cls, "extra_filter_params", ()))
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
            f.all_url = _query_string(others)
            f.links = [
                {
                    "value": value,
                    "label": label,
                    "url": _query_string({**others, f.param: value}),
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
        return context

    # --- feeds -----------------------------------------------------------------------------
    @path("feed/rss/", name="feed_rss")
    def feed_rss(self, request):
        from portal.feeds import SectionRssFeed

        return SectionRssFeed()(request, section=self)

    @path("feed/atom/", name="feed_atom")
    def feed_atom(self, request):
        from portal.feeds import SectionAtomFeed

        return SectionAtomFeed()(request, section=self)

    def feed_links(self, request=None) -> list[dict]:
        """The section's feeds, for <link rel="alternate"> and the visible subscribe links."""
        base = self.get_url(request)
        if not base:
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
            "url": self.get_full_url(request),
            "inLanguage": self.locale.language_code,
        }


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def year_filter(items) -> ListFilter:
    years = [d.year for d in items.dates("date", "year", order="DESC")]
    return ListFilter(
        "year",
        str(_("年份")),
        [(str(y), str(y)) for y in years],
        lambda qs, value: qs.filter(date__year=int(value)),
    )


def region_filter(items) -> ListFilter:
    """Regions the items name, each with its ancestors (a city includes its counties)."""
    from credit.models import Region

    used = set(items.exclude(region__isnull=True).values_list("region_id", flat=True))
    codes = set(used)
    for region in Region.objects.filter(code__in=used).select_related("parent", "parent__parent"):
        node = region.parent
        while node is not None:
            codes.add(node.code)
            node = node.parent
    regions = list(Region.objects.filter(code__in=codes).order_by("code"))
    by_code = {r.code: r for r in regions}

    def apply(qs, value):
        region = by_code[value]
        return qs.filter(region__code__startswith=region.prefix)

    # A lone ancestor chain (all items in one county) offers nothing to choose between.
    if len(used) <= 1 and len(regions) <= 3:
        regions = [by_code[code] for code in used]
    return ListFilter("region", str(_("地区")), [(r.code, r.name) for r in regions], apply)


def category_filter(items) -> ListFilter:
    """Product categories (a `CategoryListField` on the listed pages) the items name."""
    rows = list(items.values_list("pk", "categories"))
    used = {value for _pk, values in rows for value in values or []}
    choices = [(value, str(label)) for value, label in ProductCategory.choices if value in used]

    def apply(qs, value):
        return qs.filter(pk__in=[pk for pk, values in rows if value in (values or [])])

    return ListFilter("category", str(_("产品类别")), choices, apply)
