"""Managed vocabularies (topics, case categories): short terms named in two languages."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualNameMixin(models.Model):
    """A short vocabulary term with a Chinese name and an English one.

    Vocabulary terms are few and rarely change, so they carry both names rather than
    going through page translation; `label` picks the one for the active language. A
    section index filters its pages by a relation to such terms, by `slug`
    (`SectionIndexPage.filter_field`).
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
