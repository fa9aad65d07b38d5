from django.urls import path

from ecabinet.audit import views

app_name = "audit"
urlpatterns = [
    path("<int:body_id>/", views.audit_list, name="list"),
    path(
        "<int:body_id>/checkpoints.json",
        views.audit_checkpoints_download,
        name="checkpoints",
    ),
]
