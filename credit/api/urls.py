from django.urls import path

from credit.api import views

urlpatterns = [
    path("producers/", views.ProducerListView.as_view(), name="api-producers"),
    path("producers/<str:uscc>/", views.ProducerCreditView.as_view(), name="api-producer"),
]
