"""Public non-page routes of the portal (feeds, dashboard data, robots.txt…).

Section feeds are routes of the section pages themselves (`<section>/feed/rss/`,
`<section>/feed/atom/`); sitemap.xml is `portal.sitemaps.sitemap`, routed in nongan/urls.py.
"""

from django.urls import include, path

from portal import a11y, health, views

urlpatterns: list = [
    path("robots.txt", views.robots, name="robots_txt"),
    # 数据公开 dashboard downloads: /data/<dataset>.<csv|xlsx|json>?region=&year=
    path("", include("portal.dashboard.urls")),
    path("a11y/elderly/", a11y.elderly_mode, name="portal_elderly_mode"),
    path("healthz", health.healthz, name="healthz"),
]
