from django.urls import path

from briefcase import urls_offline, views

app_name = "briefcase"
urlpatterns = [
    path("devices/", views.member_devices, name="member_devices"),
    path("my-devices/", views.my_devices, name="my_devices"),
    path("devices/<str:device_id>/revoke/", views.device_revoke, name="device_revoke"),
]
urlpatterns += urls_offline.urlpatterns
