"""The second factor on the meeting WebSocket: a session that gave only a password is
refused as not signed in (4401); after the code, the socket opens."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecabinet.realtime.db import database_call
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _session(user, *, verified: bool) -> str:
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


async def _open(meeting_id: int, session_key: str):
    from ecabinet.asgi import application

    communicator = WebsocketCommunicator(
        application,
        f"/ws/meetings/{meeting_id}/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={session_key}".encode()),
        ],
    )
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_a_password_alone_does_not_open_the_room_socket(cabinet):
    meeting = await database_call(make_meeting)(
        cabinet.body, cabinet.secretary, items=1, publish=True
    )
    key = await database_call(_session)(cabinet.minister, verified=False)
    communicator, connected = await _open(meeting.pk, key)
    assert connected
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_after_the_code_the_room_socket_opens(cabinet):
    meeting = await database_call(make_meeting)(
        cabinet.body, cabinet.secretary, items=1, publish=True
    )
    key = await database_call(_session)(cabinet.minister, verified=True)
    communicator, connected = await _open(meeting.pk, key)
    assert connected
    await communicator.send_json_to({"type": "hello", "after": 0})
    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] in {"event", "ready"}
    await communicator.disconnect()
