"""Routes of the dashboard's downloads, included by portal.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("data/<slug:dataset>.<str:fmt>", views.download, name="portal_data_download"),
]
