"""Search routes: the JSON API. Include before Wagtail's catch-all:

path("", include("search.urls")),
"""

from django.urls import path

from search.api import SearchView

urlpatterns = [
    path("api/v1/search/", SearchView.as_view(), name="api-search"),
]
