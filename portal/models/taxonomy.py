"""Managed taxonomies: science topics (科普专题)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class BilingualNameMixin(models.Model):
    """A short vocabulary term with a Chinese name and an English one.

    Vocabulary terms are few and rarely change, so they carry both names rather than
    going through page translation; `label` picks the one for the active language.
    """

    name = models.CharField(_("名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    slug = models.SlugField(_("标识"), max_length=60, unique=True, allow_unicode=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        language = (get_language() or "").lower()
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


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
