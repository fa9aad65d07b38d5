"""A meeting socket that has said hello and is ready, and a signed-in session cookie, for
the real-time tests."""

from __future__ import annotations

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from meetings.routing import websocket_urlpatterns

MEETING_APP = URLRouter(websocket_urlpatterns)


async def ready_socket(user, meeting_id):
    """Connect as `user`, say hello from the start, and wait for `ready`; returns the
    communicator and the seq the socket is at."""
    communicator = WebsocketCommunicator(MEETING_APP, f"/ws/meetings/{meeting_id}/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "hello", "after": 0})
    while (frame := await communicator.receive_json_from(timeout=5))["type"] != "ready":
        pass
    return communicator, frame["seq"]


def session_cookie(user) -> bytes:
    """The `Cookie` header of a browser signed in as `user`, for a handshake through the
    whole server stack. Sync: it writes the session, so async callers wrap it in
    `database_call`."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()
