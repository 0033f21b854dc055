"""The portal's 信用查询 data page shows the credit search (credit does not import the
portal: the page is recognised by model label and kind). Imported from
credit/wagtail_hooks.py, the module Wagtail loads."""

from django.urls import NoReverseMatch, reverse
from wagtail import hooks


def _routed() -> bool:
    """The search links to the producer pages: only take over when they are routed."""
    try:
        reverse("producer-detail", kwargs={"key": "X"})
    except NoReverseMatch:
        return False
    return True


@hooks.register("before_serve_page")
def serve_credit_data_page(page, request, serve_args, serve_kwargs):
    from credit.public.views import is_credit_data_page, render_search

    if request.method in ("GET", "HEAD") and is_credit_data_page(page) and _routed():
        return render_search(request, page=page.specific)
    return None
