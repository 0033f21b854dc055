"""Public credit pages (信用查询, producer credit pages, 守信红名单).

Include before Wagtail's catch-all in nongan/urls.py::

    path("", include("credit.public.urls")),
"""
