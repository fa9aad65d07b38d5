from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("inbox/packages", views.packages, name="inbox_packages"),
    path("inbox/statuses", views.statuses, name="inbox_statuses"),
]
