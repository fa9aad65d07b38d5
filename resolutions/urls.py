from django.urls import path

from resolutions import views, views_tasks

app_name = "resolutions"

urlpatterns = [
    path("", views.resolution_list, name="list"),
    path("from-meeting/<int:meeting_id>/", views.draft_from_meeting, name="from_meeting"),
    path("from-ballot/<int:ballot_id>/", views.draft_from_ballot, name="from_ballot"),
    path("<int:pk>/", views.resolution_page, name="detail"),
    path("<int:pk>/edit/", views.resolution_edit, name="edit"),
    path("<int:pk>/preview.pdf", views.preview, name="preview"),
    path("<int:pk>/circulate/", views.circulate, name="circulate"),
    path("<int:pk>/number/", views.number, name="number"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/seal/", views.seal, name="seal"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/file.pdf", views.resolution_file, name="file"),
    # The tasks of issued resolutions (resolutions/tracking.py).
    path("tasks/", views_tasks.dashboard, name="tasks"),
    path("tasks/mine/", views_tasks.my_agency, name="tasks_mine"),
    path("tasks/<int:pk>/", views_tasks.task_page, name="task"),
    path("tasks/<int:pk>/report/", views_tasks.task_report, name="task_report"),
    path("tasks/<int:pk>/reopen/", views_tasks.task_reopen, name="task_reopen"),
    path(
        "tasks/<int:pk>/reports/<int:report_id>/file.pdf",
        views_tasks.report_file,
        name="task_report_file",
    ),
]
