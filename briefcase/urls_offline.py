"""The briefcase page, wired into briefcase/urls.py (the app's namespace `briefcase`)."""

from django.urls import path

from briefcase import views_offline

urlpatterns = [
    path("", views_offline.home, name="home"),
]
