from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("<int:pk>/", views.record_page, name="record"),
    path("<int:pk>/original/", views.record_original, name="original"),
    path("<int:pk>/revisions/<int:number>/", views.record_revision, name="revision"),
    path("<int:pk>/renew/", views.record_renew, name="renew"),
    path("<int:pk>/verify/", views.record_verify_page, name="verify"),
    path("<int:pk>/package.zip", views.record_package, name="package"),
    path("<int:pk>/edxml/", views.record_edxml, name="edxml"),
    path("<int:pk>/package/", views.record_package_request, name="package_request"),
    path("exports/<int:job_id>/", views.export_page, name="export"),
    path("exports/<int:job_id>/file/", views.export_file, name="export_file"),
]
