from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from credit.api.checks_views import ApiNotFoundView
from portal.sitemaps import sitemap as portal_sitemap

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("sitemap.xml", portal_sitemap, name="sitemap"),
    path("", include("credit.urls")),
    path("", include("credit.public.urls")),
    path("", include("credit.public_urls")),
    path("", include("portal.complaints.urls")),
    path("", include("search.urls")),
    path("", include("portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Unknown /api/ paths answer in the API's JSON error shape, not the site's HTML 404.
urlpatterns += [re_path(r"^api/", ApiNotFoundView.as_view())]

# Wagtail's page tree last: it matches every remaining path, per language prefix.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
