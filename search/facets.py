"""Facet names, labels and presentation, shared by every engine.

Engines count raw values; ``present`` turns the counts into ``{name: [(value, label,
count)]}``. The region facet holds every ancestor of a document's region ("any level"), so
counts are shown one level at a time: provinces, or the children of the filtered region.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from search.doc import DOC_TYPES, TYPE_RANK
from search.fields import FACET_CODES

FACETS = tuple(FACET_CODES)  # type, region, kind, category, grade, cert, year, locale
FACET_SIZE = 20
REGION_FACET_SIZE = 60

TYPE_LABELS = {
    "producer": _("生产经营主体"),
    "product": _("认证产品"),
    "blacklist": _("黑名单"),
    "case": _("案件"),
    "page": _("页面"),
}


@lru_cache(maxsize=1)
def _regions():
    from search.documents.context import RegionIndex

    return RegionIndex.load()


def region_index():
    return _regions()


def reset_caches() -> None:
    _regions.cache_clear()
    _static_labels.cache_clear()


@lru_cache(maxsize=1)
def _children() -> dict[str | None, list[str]]:
    out: dict[str | None, list[str]] = {}
    for code, (_name, parent) in _regions().rows.items():
        out.setdefault(parent, []).append(code)
    return out


def region_facet_values(filters: Mapping[str, list[str]]) -> list[str] | None:
    """The region codes to count: provinces, or the children of the one filtered region."""
    chosen = filters.get("region") or []
    try:
        children = _children()
    except Exception:  # noqa: BLE001 - no database (pure tests)
        return None
    if len(chosen) == 1:
        return children.get(chosen[0], [chosen[0]]) or [chosen[0]]
    return children.get(None, [])


@lru_cache(maxsize=1)
def _static_labels() -> dict[str, dict[str, str]]:
    from credit.models import CertificationType, GradeChoices, ProducerKind, ProductCategory

    return {
        "kind": dict(ProducerKind.choices),
        "category": dict(ProductCategory.choices),
        "grade": dict(GradeChoices.choices),
        "cert": dict(CertificationType.choices),
        "type": TYPE_LABELS,
        "locale": dict(settings.LANGUAGES),
    }


def label(name: str, value: str) -> str:
    if name == "region":
        try:
            return _regions().name(value)
        except Exception:  # noqa: BLE001
            return value
    if name == "year":
        return value
    return str(_static_labels().get(name, {}).get(value, value))


def _sort(name: str, items: list[tuple[str, int]]) -> list[tuple[str, int]]:
    if name == "type":
        return sorted(items, key=lambda kv: TYPE_RANK.get(kv[0], 99))
    if name == "year":
        return sorted(items, key=lambda kv: kv[0], reverse=True)
    if name == "grade":
        return sorted(items, key=lambda kv: kv[0])
    return sorted(items, key=lambda kv: (-kv[1], kv[0]))


def present(
    raw: Mapping[str, Mapping[str, float]], filters: Mapping[str, list[str]], scale: float = 1.0
) -> dict[str, list[tuple[str, str, int]]]:
    """Labelled, ordered facet lists from raw counts (scaled when counted on a sample)."""
    regions = region_facet_values(filters)
    out: dict[str, list[tuple[str, str, int]]] = {}
    for name in FACETS:
        counts = raw.get(name) or {}
        if name == "region" and regions is not None:
            counts = {v: counts[v] for v in regions if counts.get(v)}
        items = [(v, max(1, round(c * scale))) for v, c in counts.items() if c]
        size = REGION_FACET_SIZE if name == "region" else FACET_SIZE
        out[name] = [(v, label(name, v), c) for v, c in _sort(name, items)[:size]]
    return out


def valid_filters(filters: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Only known facets; unknown names are ignored (the API validates them first)."""
    return {k: list(v) for k, v in filters.items() if k in FACET_CODES and v}


__all__ = ["DOC_TYPES", "FACETS", "label", "present", "region_facet_values", "valid_filters"]
