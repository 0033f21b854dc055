"""Signal handlers that keep the index fresh. Connected from ``SearchConfig.ready()``;
credit, cases and portal know nothing of them.

Each handler only records the affected document keys (``search.indexing.mark_dirty``,
inside the writer's transaction); the indexing itself runs after the commit as a Celery task
(eager on the embedded default) and never fails the write.
"""

from __future__ import annotations

import functools
import logging

from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)

_RECORD_TYPES = {
    "certification": "product",
    "blacklistentry": "blacklist",
    "enforcementcase": "case",
}


def _safe(handler):
    """A search handler must never break the write that triggered it."""

    @functools.wraps(handler)
    def run(*args, **kwargs):
        try:
            handler(*args, **kwargs)
        except Exception:  # noqa: BLE001
            log.exception("search: %s failed", handler.__name__)

    return run


def _mark(keys) -> None:
    from search.indexing import mark_dirty

    try:
        mark_dirty(keys)
    except Exception:  # noqa: BLE001 - search must never break a credit write
        log.exception("search: could not record keys %s", keys)


@_safe
def producer_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _mark([f"producer:{instance.pk}"])


@_safe
def fact_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    keys = [f"producer:{instance.producer_id}"]
    doc_type = _RECORD_TYPES.get(sender._meta.model_name)
    if doc_type:
        keys.append(f"{doc_type}:{instance.pk}")
    _mark(keys)


@_safe
def repair_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    keys = [f"producer:{instance.producer_id}"]
    doc_type = _RECORD_TYPES.get(instance.fact_type.model if instance.fact_type_id else "")
    if doc_type:
        keys.append(f"{doc_type}:{instance.fact_id}")
    _mark(keys)


@_safe
def producers_changed(sender, producer_ids=(), **kwargs):
    """``grades_changed`` and ``records_imported``: a producer's key also brings its record
    documents (certified products, blacklist entries, cases: ``indexing.expand``)."""
    _mark(f"producer:{int(i)}" for i in producer_ids)


def page_key(page) -> str:
    from cases.models import TypicalCasePage

    cls = page.specific_class or type(page)
    if issubclass(cls, TypicalCasePage):
        return f"case:page-{page.pk}"
    return f"page:{page.pk}"


def _page_keys(page, with_descendants: bool) -> list[str]:
    from cases.models import TypicalCasePage

    keys = [page_key(page)]
    if with_descendants and not page.is_leaf():
        descendants = page.get_descendants()
        typical = set(descendants.type(TypicalCasePage).values_list("pk", flat=True)[:5000])
        keys += [f"case:page-{pk}" for pk in typical]
        keys += [
            f"page:{pk}"
            for pk in descendants.values_list("pk", flat=True)[:20000]
            if pk not in typical
        ]
    return keys


@_safe
def page_published(sender, instance, **kwargs):
    # Descendants too: their URLs follow a changed slug, their visibility a parent's.
    _mark(_page_keys(instance, with_descendants=True))


@_safe
def page_unpublished(sender, instance, **kwargs):
    _mark(_page_keys(instance, with_descendants=True))


@_safe
def page_deleted(sender, instance, **kwargs):
    _mark([page_key(instance)])


@_safe
def page_moved(sender, instance, **kwargs):
    _mark(_page_keys(instance, with_descendants=True))


@_safe
def restriction_changed(sender, instance, **kwargs):
    from wagtail.models import Page

    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        _mark(_page_keys(page, with_descendants=True))


def connect() -> None:
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_published as wagtail_published
    from wagtail.signals import page_unpublished as wagtail_unpublished
    from wagtail.signals import post_page_move

    from credit import events
    from credit.models import FACT_MODELS, Producer, RepairApplication

    post_save.connect(producer_changed, sender=Producer, dispatch_uid="search-producer-save")
    post_delete.connect(producer_changed, sender=Producer, dispatch_uid="search-producer-delete")
    for model in FACT_MODELS:
        post_save.connect(fact_changed, sender=model, dispatch_uid=f"search-fact-{model.__name__}")
    post_save.connect(repair_changed, sender=RepairApplication, dispatch_uid="search-repair")
    events.grades_changed.connect(producers_changed, dispatch_uid="search-grades")
    events.records_imported.connect(producers_changed, dispatch_uid="search-imports")
    # Wagtail sends page_published/unpublished with the specific class as sender: no filter.
    wagtail_published.connect(page_published, dispatch_uid="search-page-published")
    wagtail_unpublished.connect(page_unpublished, dispatch_uid="search-page-unpublished")
    post_page_move.connect(page_moved, dispatch_uid="search-page-moved")
    post_delete.connect(_page_delete_receiver, dispatch_uid="search-page-deleted")
    post_save.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid="search-restriction-save"
    )
    post_delete.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid="search-restriction-delete"
    )
    _page_model[0] = Page


_page_model: list = [None]


def _page_delete_receiver(sender, instance, **kwargs):
    page_cls = _page_model[0]
    if page_cls is not None and isinstance(instance, page_cls):
        page_deleted(sender, instance)
