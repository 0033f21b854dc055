"""Shared pieces of the portal's page models: the section index base, listing helpers,
the product-category list field and reading time."""

import math
import re

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
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
        """schema.org data for this page (rendered as JSON-LD); None for none."""
        return None


class SectionIndexPage(ListingMixin, Page):
    """A paginated, filterable list of one kind of child page, newest first.

    Concrete subclasses name `listing_model` ("app.Model"; it must have a `date` field) and
    may offer one filter: `filter_param` plus `filter_choices()` and `apply_filter()`.
    """

    intro = RichTextField(_("栏目简介"), blank=True, features=INTRO_FEATURES)

    listing_model: str = ""
    per_page = 10
    filter_param: str = ""
    filter_label = ""

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

    # --- the optional filter -------------------------------------------------------------
    def filter_choices(self) -> list[tuple[str, str]]:
        return []

    def apply_filter(self, items, value: str):
        return items

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = self.get_items()
        active = ""
        choices = self.filter_choices() if self.filter_param else []
        if choices:
            wanted = request.GET.get(self.filter_param, "")
            if wanted in {value for value, _label in choices}:
                active = wanted
                items = self.apply_filter(items, wanted)
        paginator = Paginator(items, self.per_page)
        page_obj = paginator.get_page(request.GET.get("page"))
        context.update(
            items=page_obj.object_list,
            page_obj=page_obj,
            paginator=paginator,
            filter_param=self.filter_param,
            filter_label=self.filter_label,
            filter_choices=choices,
            active_filter=active,
        )
        return context

    @property
    def listing_summary(self):
        return self.search_description or ""
