from django.urls import path

from signing import views

app_name = "signing"
urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
    path("keys/", views.keys_page, name="keys"),
    path("keys/locked/", views.keys_locked_page, name="keys_locked"),
    path("preview/<str:token>.png", views.preview_image, name="preview"),
]
