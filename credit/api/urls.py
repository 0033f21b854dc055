from django.urls import path

from credit.api import checks_views, feed_views, views

urlpatterns = [
    path("producers/", views.ProducerListView.as_view(), name="api-producers"),
    path("producers/<str:uscc>/", views.ProducerCreditView.as_view(), name="api-producer"),
]

# Batch checks and the joint-punishment feed (organisation API tokens).
urlpatterns += [
    path("checks/", checks_views.CheckCreateView.as_view(), name="api-checks"),
    path("checks/<int:pk>/", checks_views.CheckDetailView.as_view(), name="api-check"),
    path(
        "checks/<int:pk>/report.<str:fmt>",
        checks_views.CheckReportView.as_view(),
        name="api-check-report",
    ),
    path(
        "restrictions/changes",
        feed_views.RestrictionChangesView.as_view(),
        name="api-restriction-changes",
    ),
]
