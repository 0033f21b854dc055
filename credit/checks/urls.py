"""Routes of batch checks for organisation users and the public report verification.

Include from credit/urls.py: path("", include("credit.checks.urls")).
"""

from django.urls import path

from credit.checks import views

urlpatterns = [
    path("checks/", views.index, name="credit-checks"),
    path("checks/upload/", views.upload, name="credit-check-upload"),
    path("checks/paste/", views.paste, name="credit-check-paste"),
    path("checks/<int:pk>/", views.detail, name="credit-check-detail"),
    path("checks/<int:pk>/report.<str:fmt>", views.download, name="credit-check-download"),
    path("verify/", views.verify_lookup, name="credit-check-verify-lookup"),
    path("verify/<str:code>/", views.verify, name="credit-check-verify"),
    path("verify/<str:code>/content.json", views.verify_content, name="credit-check-content"),
]
