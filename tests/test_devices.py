"""Devices of the briefcase as services: who may revoke, what a revoke tells the person's
open pages (the `device.revoked` event on their stream, live and replayed), and which
requests a revoked device may still make."""

# ruff: noqa: F811
from __future__ import annotations

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client

from briefcase import services as briefcase
from briefcase.models import Device
from briefcase.services import DeviceRevoked, can_manage_devices_of
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotFound
from ecabinet.realtime.db import database_call
from ecabinet.realtime.models import StoredEvent
from notifications.alerts import person_stream
from notifications.routing import websocket_urlpatterns
from people.models import Role
from tests.factories import BodyFactory, UserFactory, grant

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)


async def connect(user, *, after=0):
    communicator = WebsocketCommunicator(APP, "/ws/me/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "hello", "after": after})
    return communicator


async def until_ready(communicator) -> list[dict]:
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        frames.append(frame)
        if frame["type"] == "ready":
            return frames


def events_of(user) -> list[tuple[str, dict]]:
    key = person_stream(user.pk).key
    return [(e.type, e.payload) for e in StoredEvent.objects.filter(stream=key).order_by("seq")]


async def test_a_revoke_reaches_the_persons_open_pages_at_once_and_after_a_reconnect(cabinet):
    device = await database_call(briefcase.device_register)(actor=cabinet.minister, name="iPad")
    page = await connect(cabinet.minister)
    assert await until_ready(page) == [{"type": "ready", "seq": 0}]
    others = await connect(cabinet.chair)
    await until_ready(others)

    await database_call(briefcase.device_revoke)(
        actor=cabinet.secretary, device_id=str(device.public_id), reason="Mất máy"
    )
    frame = await page.receive_json_from(timeout=5)
    assert frame == {
        "type": "event",
        "seq": 1,
        "event": "device.revoked",
        "data": {"device_id": str(device.public_id)},
    }
    assert await others.receive_nothing(timeout=0.3)
    await page.disconnect()
    await others.disconnect()

    # A page that was closed catches up: the event is in the person's log.
    later = await connect(cabinet.minister, after=0)
    frames = await until_ready(later)
    assert [f.get("event") for f in frames if f["type"] == "event"] == ["device.revoked"]
    await later.disconnect()
    assert await database_call(events_of)(cabinet.chair) == []


def test_the_event_is_typed_and_the_revoke_is_published_once(cabinet):
    assert DeviceRevoked.type == "device.revoked"
    device = briefcase.device_register(actor=cabinet.minister, name="iPad")
    for _ in range(2):
        briefcase.device_revoke(actor=cabinet.minister, device_id=str(device.public_id))
    assert events_of(cabinet.minister) == [("device.revoked", {"device_id": str(device.public_id)})]


def test_who_may_manage_a_persons_devices(cabinet):
    minister = cabinet.minister
    assert can_manage_devices_of(actor=minister, user=minister)
    assert can_manage_devices_of(actor=cabinet.secretary, user=minister)
    for other in [cabinet.chair, cabinet.guest, cabinet.observer, cabinet.outsider]:
        assert not can_manage_devices_of(actor=other, user=minister), other.username
    # The secretariat of a body the person left no longer may.
    elsewhere = BodyFactory(name="Bộ Ngoại giao", short_name="BNG")
    former = grant(UserFactory(username="former"), elsewhere, Role.MEMBER)
    secretary = grant(UserFactory(username="bng-secretary"), elsewhere, Role.SECRETARIAT)
    assert can_manage_devices_of(actor=secretary, user=former)
    former.memberships.update(is_active=False)
    assert not can_manage_devices_of(actor=secretary, user=former)


def test_the_services_refuse_clearly(cabinet, settings):
    settings.BRIEFCASE_MAX_DEVICES = 1
    with pytest.raises(Invalid):
        briefcase.device_register(actor=cabinet.minister, name="\t")
    device = briefcase.device_register(actor=cabinet.minister, name="iPad")
    with pytest.raises(Conflict):
        briefcase.device_register(actor=cabinet.minister, name="Laptop")
    with pytest.raises(NotFound):
        briefcase.device_key_release(
            actor=cabinet.chair, device_id=str(device.public_id), session_key="s" * 32
        )
    with pytest.raises(NotFound):
        briefcase.device_revoke(actor=cabinet.outsider, device_id=str(device.public_id))
    with pytest.raises(NotFound):
        briefcase.device_mark_wiped(device_id="../../etc")
    assert Device.objects.count() == 1
    assert AuditEntry.objects.filter(action="device.registered").count() == 1


def test_a_revoked_device_may_still_ask_its_status_say_it_wiped_and_sign_out(cabinet):
    client = Client()
    client.force_login(cabinet.minister)
    device = briefcase.device_register(actor=cabinet.minister, name="iPad")
    device_id = str(device.public_id)
    briefcase.device_revoke(actor=cabinet.minister, device_id=device_id)
    header = {"HTTP_X_ECABINET_DEVICE": device_id}
    assert client.get(f"/api/devices/{device_id}/status", **header).status_code == 200
    assert client.post(f"/api/devices/{device_id}/wiped", **header).status_code == 200
    assert client.get("/", **header).status_code == 410
    assert client.get("/api/me/work", **header).status_code == 410
    response = client.post("/accounts/logout/", **header)
    assert response.status_code == 302
    assert client.get("/api/devices").status_code == 401
    # A header that names no device, or an active one, changes nothing.
    other = Client()
    other.force_login(cabinet.chair)
    assert other.get("/api/me/work", HTTP_X_ECABINET_DEVICE="nonsense").status_code == 200
    active = briefcase.device_register(actor=cabinet.chair, name="Laptop")
    headers = {"HTTP_X_ECABINET_DEVICE": str(active.public_id)}
    assert other.get("/api/me/work", **headers).status_code == 200
