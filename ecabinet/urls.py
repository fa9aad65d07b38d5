"""URL wiring: each app brings its own urls; the API is one NinjaAPI mounted at /api/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ecabinet import pwa, views
from people import views as people_views
from worklist import views as worklist_views

urlpatterns = [
    path("", worklist_views.home, name="dashboard"),
    path("healthz", views.health, name="health"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("accounts/login/", people_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("people.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("meetings/", include("meetings.urls")),
    path("briefcase/", include("briefcase.urls")),
    path("drafts/", include("circulation.urls")),
    path("signing/", include("signing.urls")),
    path("ballots/", include("ballots.urls")),
    path("minutes/", include("minutes.urls")),
    path("archive/", include("archive.urls")),
    path("registers/", include("registers.urls")),
    path("resolutions/", include("resolutions.urls")),
    path("exchange/", include("exchange.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("ecabinet.audit.urls")),
    path("api/", include("ecabinet.api_urls")),
    path("admin/", admin.site.urls),
]
