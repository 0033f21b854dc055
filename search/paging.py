"""Pagination of engine results with Django's Paginator (so ``includes/pagination.html``
renders them): the engine returns one page and a total, never the whole list."""

from __future__ import annotations

from functools import cached_property
from math import ceil

from django.core.paginator import Paginator


class OnePage:
    """A result list known by its total and the items of one page."""

    def __init__(self, total: int, items: list):
        self.total = total
        self.items = list(items)

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        # Paginator only ever slices out the page it was asked for: these items.
        return self.items


class CappedPaginator(Paginator):
    """A Paginator that offers at most ``max_pages`` pages: an engine ranks a bounded number
    of matches, and pages past them would be empty."""

    def __init__(self, object_list, per_page, max_pages: int):
        super().__init__(object_list, per_page)
        self.max_pages = max_pages

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0:
            return 1
        return max(1, min(self.max_pages, ceil(self.count / self.per_page)))


def page_number(value, max_pages: int) -> int:
    """The requested page from a query parameter: 1 unless a number in 1..max_pages."""
    try:
        number = int(str(value or "1").strip())
    except ValueError:
        return 1
    return min(max(1, number), max_pages)


def engine_page(total: int, number: int, items: list, per_page: int, max_pages: int):
    """A Django ``Page`` of ``items`` (the ``number``-th page of ``total`` results)."""
    paginator = CappedPaginator(OnePage(total, items), per_page, max_pages)
    return paginator.page(min(number, paginator.num_pages))
