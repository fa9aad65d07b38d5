from django.urls import path

from meetings import views, views_leave, views_live, views_papers, views_reader, views_reading

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/room/", views_live.meeting_room, name="room"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/publish/", views.meeting_state, {"action": "publish"}, name="publish"),
    path("<int:pk>/start/", views.meeting_state, {"action": "start"}, name="start"),
    path("<int:pk>/close/", views.meeting_state, {"action": "close"}, name="close"),
    path("<int:pk>/items/new/", views.item_new, name="item_new"),
    path("<int:pk>/items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("<int:pk>/items/<int:item_id>/move/", views.item_move, name="item_move"),
    path("<int:pk>/items/<int:item_id>/position/", views.position_mark, name="position"),
    path("<int:pk>/positions/", views.positions, name="positions"),
    path("<int:pk>/reading/", views_reading.reading, name="reading"),
    path("<int:pk>/guests/new/", views.guest_new, name="guest_new"),
    path(
        "<int:pk>/participants/<int:participant_id>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/papers/new/", views_papers.paper_new, name="paper_new"),
    path("<int:pk>/papers/<int:paper_id>/", views_papers.paper_detail, name="paper"),
    path("<int:pk>/papers/<int:paper_id>/file/", views_papers.paper_file, name="paper_file"),
    path("<int:pk>/papers/<int:paper_id>/read/", views_reader.paper_read, name="paper_read"),
    path(
        "<int:pk>/papers/<int:paper_id>/versions/new/",
        views_papers.version_new,
        name="version_new",
    ),
    path(
        "<int:pk>/papers/<int:paper_id>/v/<int:number>/sign/",
        views_papers.paper_version_sign,
        name="paper_sign",
    ),
    path(
        "<int:pk>/papers/<int:paper_id>/v/<int:number>/seal/",
        views_papers.paper_version_sign,
        {"kind": "seal"},
        name="paper_seal",
    ),
    path(
        "<int:pk>/papers/<int:paper_id>/v/<int:number>/verify/",
        views_papers.paper_version_verify,
        name="paper_verify",
    ),
    path("<int:pk>/leave/", views_leave.meeting_leave, name="leave"),
    path("<int:pk>/leave/<int:leave_id>/decide/", views_leave.leave_decide, name="leave_decide"),
]
