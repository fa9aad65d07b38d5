from django.urls import path

from registers import views

app_name = "registers"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:body_id>/<str:direction>/", views.register, name="register"),
    path("<int:body_id>/out/new/", views.issue, name="issue"),
    path("<int:body_id>/in/new/", views.receive, name="receive"),
    path("<int:body_id>/out/<int:entry_id>/cancel/", views.cancel, name="cancel"),
]
