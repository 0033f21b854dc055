"""The filters of a section list: one `ListFilter` per query parameter.

`field_choices` and `filter_by_field` are the one helper behind every section's own
filter (topic, case category, verdict, kind): by the slug of a vocabulary relation or by
the value of a choices field of the listed pages.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from credit.models import ProductCategory, Region


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


def query_string(params: dict[str, str]) -> str:
    return "?" + urlencode(params) if params else "?"


def has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


# --- a section's own filter: one field of the listed pages ---------------------------------


def field_choices(items, name: str, *, used_only: bool = True) -> list[tuple[str, str]]:
    """(value, label) of field `name` for `items`: the related vocabulary terms' (slug,
    label) in the terms' own order, or a choices field's values in declaration order.
    Only values the items use, unless `used_only` is off (choices fields only)."""
    model_field = items.model._meta.get_field(name)
    if model_field.is_relation:
        lookup = f"{model_field.related_query_name()}__in"
        terms = model_field.related_model._default_manager.filter(**{lookup: items}).distinct()
        return [(term.slug, term.label) for term in terms]
    used = set(items.values_list(name, flat=True)) if used_only else None
    return [
        (value, str(label)) for value, label in model_field.choices if used is None or value in used
    ]


def filter_by_field(items, name: str, value: str):
    """`items` whose field `name` has `value` (a vocabulary relation: a term's slug)."""
    model_field = items.model._meta.get_field(name)
    if not model_field.is_relation:
        return items.filter(**{name: value})
    items = items.filter(**{f"{name}__slug": value})
    # A page named by several terms would otherwise be listed once per term.
    return items.distinct() if model_field.many_to_many else items


# --- filters every section gets when its pages have the field -------------------------------


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
    """Product categories (a JSON list `categories` on the listed pages) the items name."""
    rows = list(items.values_list("pk", "categories"))
    used = {value for _pk, values in rows for value in values or []}
    choices = [(value, str(label)) for value, label in ProductCategory.choices if value in used]

    def apply(qs, value):
        return qs.filter(pk__in=[pk for pk, values in rows if value in (values or [])])

    return ListFilter("category", str(_("产品类别")), choices, apply)
