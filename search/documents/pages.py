"""Page documents: every live public Wagtail page (type ``page``) and typical-case pages
(type ``case``, id ``page-<pk>``). Text comes from the page's own ``search_fields``:
StreamField and RichText values through their ``get_searchable_content`` (tags stripped).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.utils import timezone
from wagtail.models import Page
from wagtail.search import index

from .base import DocType, SearchDocument, register
from .context import BuildContext

BODY_LIMIT = 60_000  # characters of page text indexed (a long policy text stays searchable)


def _typical_case_model():
    from cases.models import TypicalCasePage

    return TypicalCasePage


def page_text(page) -> str:
    """search_description, then the text of every SearchField but the title."""
    parts = [page.search_description or ""]
    for f in page.get_search_fields():
        if not isinstance(f, index.SearchField) or f.field_name in ("title", "search_description"):
            continue
        try:
            value = getattr(page, f.field_name)
        except Exception:  # noqa: BLE001 - a broken field must not stop indexing
            continue
        if callable(value):
            value = value()
        if value in (None, ""):
            continue
        try:
            model_field = page._meta.get_field(f.field_name)
        except Exception:  # noqa: BLE001 - a method or property
            model_field = None
        if model_field is not None and hasattr(model_field, "get_searchable_content"):
            parts.extend(str(x) for x in model_field.get_searchable_content(value))
        else:
            parts.append(str(value))
    return " ".join(p.strip() for p in parts if p and str(p).strip())[:BODY_LIMIT]


def _page_date(page) -> date | None:
    value = getattr(page, "date", None)
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    if isinstance(value, date):
        return value
    first = page.first_published_at
    return timezone.localtime(first).date() if first else None


def _region_code(page) -> str:
    for attr in ("region_id", "county_id"):
        code = getattr(page, attr, None)
        if code:
            return str(code)
    return ""


def build_page(page, ctx: BuildContext, doc_type: str = "page", doc_id: str | None = None):
    url = page.get_url()
    if not url:
        return None  # not under any site: nobody can open it
    region = _region_code(page)
    day = _page_date(page)
    categories = (
        list(getattr(page, "categories", None) or [])
        if isinstance(getattr(page, "categories", None), list)
        else []
    )
    facets = {"type": [doc_type], "locale": [page.locale.language_code]}
    if region:
        facets["region"] = list(ctx.regions.ancestors(region))
    if categories:
        facets["category"] = [str(c) for c in categories]
    if day:
        facets["year"] = [str(day.year)]
    fields = {
        "page_type": page._meta.model_name,
        "page_type_label": str(page._meta.verbose_name),
        "locale": page.locale.language_code,
        "date": day.isoformat() if day else None,
    }
    identifiers: list[str] = []
    if doc_type == "case":
        fields.update(
            category=str(page.category) if page.category_id else None,
            agency=page.agency,
            region_code=region or None,
            region_name=ctx.regions.path_name(region) if region else None,
        )
        identifiers = [c.case_number for c in page.public_cases(ctx.today)]
    number = getattr(page, "document_number", "")
    if number:
        identifiers.append(number)
    return SearchDocument(
        type=doc_type,
        id=doc_id or str(page.pk),
        title=page.title,
        url=url,
        body=page_text(page),
        identifiers=identifiers,
        facets=facets,
        fields=fields,
        date=day,
    )


def _public_pages():
    return Page.objects.live().public().filter(depth__gt=1).select_related("locale")


def _plain_pages():
    return _public_pages().not_type(_typical_case_model())


def _typical_pages():
    return _public_pages().type(_typical_case_model())


def _iter(qs, batch: int, doc_type: str, ctx: BuildContext | None = None):
    ctx = ctx or BuildContext()
    last = 0
    while True:
        pages = list(qs.filter(pk__gt=last).order_by("pk")[:batch].specific())
        if not pages:
            return
        last = pages[-1].pk
        docs = []
        for page in pages:
            doc_id = f"page-{page.pk}" if doc_type == "case" else None
            doc = build_page(page, ctx, doc_type, doc_id)
            if doc is not None:
                docs.append(doc)
        yield docs


def iter_typical_cases(batch: int) -> Iterator[list[SearchDocument]]:
    yield from _iter(_typical_pages(), min(batch, 200), "case")


def load_typical_cases(ids: Iterable[str]) -> list[SearchDocument]:
    pks = sorted({int(i.removeprefix("page-")) for i in ids if i.removeprefix("page-").isdigit()})
    if not pks:
        return []
    ctx = BuildContext()
    out = []
    for page in _typical_pages().filter(pk__in=pks).specific():
        doc = build_page(page, ctx, "case", f"page-{page.pk}")
        if doc is not None:
            out.append(doc)
    return out


def typical_case_ids() -> set[str]:
    return {f"page-{pk}" for pk in _typical_pages().values_list("pk", flat=True)}


def _iter_pages(batch: int, ctx: BuildContext | None = None):
    yield from _iter(_plain_pages(), min(batch, 200), "page", ctx)


def _load_pages(ids: Iterable[str], ctx: BuildContext | None = None):
    pks = sorted({int(i) for i in ids if str(i).isdigit()})
    ctx = ctx or BuildContext()
    out = []
    for start in range(0, len(pks), 500):
        for page in _plain_pages().filter(pk__in=pks[start : start + 500]).specific():
            doc = build_page(page, ctx)
            if doc is not None:
                out.append(doc)
    return out


register(
    DocType(
        "page",
        count=lambda: _plain_pages().count(),
        iter_all=_iter_pages,
        load=_load_pages,
        public_ids=lambda: {str(pk) for pk in _plain_pages().values_list("pk", flat=True)},
    )
)
