"""Managed taxonomies: science topics (科普专题)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from pagekit.vocabulary import BilingualNameMixin


class Topic(index.Indexed, BilingualNameMixin):
    """科普专题, e.g. 合格证, 农药残留, 兽药与瘦肉精, 认证标志, 选购储存."""

    description = models.TextField(_("说明"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("description"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("name_en"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("科普专题")
        verbose_name_plural = _("科普专题")
