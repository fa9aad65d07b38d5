from django.urls import path

from minutes import views

app_name = "minutes"

urlpatterns = [
    path("meeting/<int:meeting_id>/", views.minutes_page, name="meeting"),
    path("meeting/<int:meeting_id>/draft/", views.draft_start, name="start"),
    path("meeting/<int:meeting_id>/save/", views.draft_save, name="save"),
    path("meeting/<int:meeting_id>/preview.pdf", views.preview, name="preview"),
    path("meeting/<int:meeting_id>/issue/", views.issue, name="issue"),
    path("meeting/<int:meeting_id>/sign/<str:step>/", views.sign, name="sign"),
    path("meeting/<int:meeting_id>/correct/", views.correct, name="correct"),
    path("meeting/<int:meeting_id>/approve-item/", views.approve_item, name="approve_item"),
    path("<int:minutes_id>/file.pdf", views.minutes_file, name="file"),
]
