"""The portal's data pages of kind 黑名单 (``blacklist``) and 认证产品 (``certified``) show
the live lists of ``search.views`` in every language (``/en/blacklist/`` too). The page is
recognised by model label and kind: ``search`` does not import the portal's views."""

from wagtail import hooks


@hooks.register("before_serve_page")
def serve_list_data_pages(page, request, serve_args, serve_kwargs):
    from search import views

    if request.method not in ("GET", "HEAD"):
        return None
    kind = views.data_page_kind(page)
    if kind == "blacklist":
        return views.render_blacklist(request, page=page.specific)
    if kind == "certified":
        return views.render_certified(request, page=page.specific)
    return None
