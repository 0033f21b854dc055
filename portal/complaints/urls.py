"""Public complaint routes. Include in nongan/urls.py before the Wagtail catch-all:

path("", include("portal.complaints.urls")),
"""

from django.urls import path

from portal.complaints import views

urlpatterns = [
    path("complaints/", views.complaint_form, name="complaint-form"),
    path("complaints/submitted/", views.complaint_submitted, name="complaint-submitted"),
    path("complaints/track/", views.complaint_track, name="complaint-track"),
]
