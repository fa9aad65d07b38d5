from django.urls import path

from circulation import views

app_name = "circulation"
urlpatterns = [
    path("", views.draft_list, name="list"),
    path("new/<int:body_id>/", views.draft_new, name="new"),
    path("<int:pk>/", views.draft_detail, name="detail"),
    path("<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("<int:pk>/versions/", views.version_add, name="version_add"),
    path("<int:pk>/close/", views.draft_close, name="close"),
    path("<int:pk>/v/<int:number>/file/", views.version_file, name="file"),
    path("<int:pk>/v/<int:number>/original.docx", views.version_source, name="source"),
    path("<int:pk>/v/<int:number>/sign/", views.version_sign, name="sign"),
    path("<int:pk>/v/<int:number>/verify/", views.version_verify, name="verify"),
    path("<int:pk>/v/<int:number>/seal/", views.version_sign, {"kind": "seal"}, name="seal"),
]
