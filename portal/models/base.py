"""Portal-only pieces of the page models: the product-category list field and reading time.

The shared page kit (section index, listing mixin, badges, filters) lives in `pagekit`.
`ListingMixin` is also importable from here only because migrations name it
(`portal.models.base.ListingMixin` in `bases`, in portal's and cases' 0001_initial).
"""

import math
import re

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from credit.models import ProductCategory
from pagekit.listing import ListingMixin  # noqa: F401  (named by migrations)


class CategoryListField(models.JSONField):
    """A list of credit `ProductCategory` values, edited as checkboxes.

    Stored as a JSON list (works the same on SQLite and PostgreSQL), so a page can name
    several categories without a join table for a fixed vocabulary owned by `credit`. A
    section index lists by these when its pages call the field `categories`
    (`pagekit.filters.category_filter`).
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
