from django.urls import path

from ecabinet.api import api

urlpatterns = [path("", api.urls)]
