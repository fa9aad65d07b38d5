"""WebSocket routes of every app, gathered in one list."""

from ballots.routing import websocket_urlpatterns as ballots_ws
from meetings.routing import websocket_urlpatterns as meetings_ws
from notifications.routing import websocket_urlpatterns as notifications_ws

websocket_urlpatterns: list = [*meetings_ws, *ballots_ws, *notifications_ws]
