"""Search routes: the public search and list pages and the JSON API. Include before
Wagtail's catch-all:

path("", include("search.urls")),
"""

from django.urls import path

from search import views
from search.api import SearchView
from search.public_api import BlacklistListView, CertifiedProductListView

urlpatterns = [
    path("api/v1/search/", SearchView.as_view(), name="api-search"),
    path("api/v1/blacklist/", BlacklistListView.as_view(), name="api-blacklist"),
    path(
        "api/v1/certified-products/",
        CertifiedProductListView.as_view(),
        name="api-certified-products",
    ),
    path("search/", views.search, name="search"),
    path("blacklist/", views.blacklist, name="search-blacklist"),
    path("blacklist/export.csv", views.blacklist_csv, name="search-blacklist-csv"),
    path("certified-products/", views.certified_products, name="search-certified"),
]
