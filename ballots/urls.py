from django.urls import path

from ballots import views, views_files, views_sign

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
    path("<int:pk>/answers/<int:answer_id>/sign/", views_sign.answer_sign, name="sign"),
    path("<int:pk>/delegations/", views.delegation_add, name="delegate"),
    path("<int:pk>/delegation/", views_sign.delegation_mine, name="delegate_mine"),
    path(
        "<int:pk>/delegations/<int:delegation_id>/withdraw/",
        views_sign.delegation_cancel,
        name="withdraw_delegation",
    ),
    path("<int:pk>/report/sign/", views_sign.report_sign, {"kind": "personal"}, name="sign_report"),
    path("<int:pk>/report/seal/", views_sign.report_sign, {"kind": "seal"}, name="seal_report"),
    path("<int:pk>/report/", views.report_issue, name="report"),
    path("<int:pk>/report.pdf", views_files.report_file, name="report_file"),
    path("<int:pk>/drafts/<int:document_id>/", views_files.draft_file, name="draft"),
]
