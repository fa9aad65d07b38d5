from django.urls import path

from notifications.consumers import PersonConsumer

websocket_urlpatterns = [path("ws/me/", PersonConsumer.as_asgi())]
