"""The project's URLs with the search routes in front (as nongan/urls.py will have them)."""

from django.urls import include, path

from nongan.urls import urlpatterns as project

urlpatterns = [path("", include("search.urls")), *project]
