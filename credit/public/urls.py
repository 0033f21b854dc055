"""Public credit pages. Include before Wagtail's catch-all::

path("", include("credit.public.urls")),
"""

from django.urls import path

from credit.public import views

urlpatterns = [
    path("credit/", views.search, name="credit-search"),
    path("credit/honour/", views.honour, name="credit-honour"),
    path("credit/honour/export.csv", views.honour_csv, name="credit-honour-csv"),
    path("credit/p/<str:public_id>/", views.producer_detail_id, name="producer-detail-id"),
    path("credit/<str:key>/", views.producer_detail, name="producer-detail"),
]
