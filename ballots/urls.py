from django.urls import path

from ballots import views, views_files

app_name = "ballots"
urlpatterns = [
    path("", views.ballot_list, name="list"),
    path("health/", views_files.health, name="health"),
    path("new/<int:body_id>/", views.ballot_new, name="new"),
    path("<int:pk>/", views.ballot_detail, name="detail"),
    path("<int:pk>/edit/", views.ballot_edit, name="edit"),
    path("<int:pk>/submit/", views.ballot_state, {"action": "submit"}, name="submit"),
    path("<int:pk>/approve/", views.ballot_state, {"action": "approve"}, name="approve"),
    path("<int:pk>/return/", views.ballot_state, {"action": "return"}, name="return"),
    path("<int:pk>/answers/<int:answer_id>/", views.answer_post, name="answer"),
    path("<int:pk>/answers/<int:answer_id>/reopen/", views.answer_reopen, name="reopen"),
    path("<int:pk>/answers/<int:answer_id>/form.pdf", views_files.answer_file, name="answer_file"),
    path("<int:pk>/delegations/", views.delegation_add, name="delegate"),
    path("<int:pk>/report/", views.report_issue, name="report"),
    path("<int:pk>/report.pdf", views_files.report_file, name="report_file"),
    path("<int:pk>/drafts/<int:document_id>/", views_files.draft_file, name="draft"),
]
