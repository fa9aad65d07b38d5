"""The pages "Thiết bị của tôi" and, for the secretariat, "Thiết bị của thành viên": what
they show, revoking from them (with the reason the secretariat must give), and who may."""

from __future__ import annotations

import base64

from django.test import Client
from django.urls import reverse

from briefcase import services as briefcase
from briefcase.models import Device
from tests.factories import BodyFactory, UserFactory, grant
from tests.roles import client_for

MY = "/briefcase/my-devices/"
MEMBERS = "/briefcase/devices/"


def revoke_url(device: Device) -> str:
    return f"/briefcase/devices/{device.public_id}/revoke/"


def test_my_devices_lists_mine_with_what_they_store_and_which_one_is_revoked(cabinet):
    assert reverse("briefcase:my_devices") == MY
    ipad = briefcase.device_register(actor=cabinet.minister, name="iPad công tác")
    old = briefcase.device_register(actor=cabinet.minister, name="Máy tính bảng cũ")
    briefcase.device_register(actor=cabinet.chair, name="Máy của Thủ tướng")
    briefcase.device_report_stored(
        actor=cabinet.minister, device_id=str(ipad.public_id), meetings=2, papers=9, size=3_500_000
    )
    briefcase.device_revoke(actor=cabinet.secretary, device_id=str(old.public_id), reason="Mất máy")
    client = client_for(cabinet, "minister")
    page = client.get(MY)
    assert page.status_code == 200
    html = page.content.decode()
    assert "iPad công tác" in html and "Máy tính bảng cũ" in html
    assert "Máy của Thủ tướng" not in html
    assert "2 meetings, 9 papers, 3.3\xa0MB" in html
    assert f'data-testid="device-{old.public_id}" data-state="revoked"' in html
    assert "Mất máy" in html
    assert 'data-testid="my-devices-link"' in html  # the account menu links here
    assert 'data-testid="member-devices-link"' not in html  # not the secretariat


def test_the_page_speaks_vietnamese(cabinet):
    briefcase.device_register(actor=cabinet.minister, name="iPad")
    client = client_for(cabinet, "minister")
    client.cookies["django_language"] = "vi"
    html = client.get(MY, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Thiết bị của tôi" in html
    assert "Thu hồi" in html


def test_a_member_revokes_their_own_device_after_confirming(cabinet):
    device = briefcase.device_register(actor=cabinet.minister, name="iPad")
    client = client_for(cabinet, "minister")
    html = client.get(MY).content.decode()
    assert "data-confirm=" in html
    response = client.post(revoke_url(device), {"next": MY})
    assert response.status_code == 302
    assert response["Location"] == MY
    device.refresh_from_db()
    assert device.revoked_by == cabinet.minister
    follow = client.get(MY).content.decode()
    assert "was revoked" in follow
    assert 'data-testid="revoke-button"' not in follow


def test_the_secretariat_sees_its_bodys_people_and_revokes_with_a_reason(cabinet):
    device = briefcase.device_register(actor=cabinet.minister, name="iPad của Bộ trưởng")
    client = client_for(cabinet, "secretary")
    assert 'data-testid="member-devices-link"' in client.get(MY).content.decode()
    page = client.get(MEMBERS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "iPad của Bộ trưởng" in html
    assert f'data-testid="person-{cabinet.chair.pk}"' in html  # listed without a device
    assert 'name="reason" required' in html

    without = client.post(revoke_url(device), {"next": MEMBERS, "reason": ""})
    assert without.status_code == 302 and without["Location"] == MEMBERS
    device.refresh_from_db()
    assert device.revoked_at is None
    assert "Say why the device is revoked" in client.get(MEMBERS).content.decode()

    client.post(revoke_url(device), {"next": MEMBERS, "reason": "Bộ trưởng báo mất máy"})
    device.refresh_from_db()
    assert device.revoked_by == cabinet.secretary
    assert device.revoke_reason == "Bộ trưởng báo mất máy"


def test_the_secretariat_chooses_among_its_bodies(cabinet):
    province = BodyFactory(name="UBND tỉnh Hà Giang", short_name="HG")
    grant(cabinet.secretary, province, "secretariat")
    official = grant(
        UserFactory(username="hg-member", full_name="Vàng Seo Dình"), province, "member"
    )
    briefcase.device_register(actor=official, name="Máy tỉnh")
    client = client_for(cabinet, "secretary")
    assert "Máy tỉnh" not in client.get(MEMBERS + f"?body={cabinet.body.pk}").content.decode()
    assert "Máy tỉnh" in client.get(MEMBERS + f"?body={province.pk}").content.decode()
    # Not a body they serve as secretariat: the first of theirs instead.
    assert (
        client.get(MEMBERS + f"?body={cabinet.outsider.memberships.first().body_id}").status_code
        == 200
    )


def test_others_neither_see_the_members_page_nor_revoke(cabinet):
    device = briefcase.device_register(actor=cabinet.minister, name="iPad")
    for role in ["minister", "chair", "guest", "observer"]:
        assert client_for(cabinet, role).get(MEMBERS).status_code == 404, role
    for role in ["chair", "guest", "outsider"]:
        response = client_for(cabinet, role).post(revoke_url(device), {"reason": "Thử"})
        assert response.status_code == 404, role
    assert (
        client_for(cabinet, "minister").post("/briefcase/devices/không-phải/revoke/").status_code
        == 404
    )
    assert client_for(cabinet, "anonymous").get(MY).status_code == 302
    assert client_for(cabinet, "minister").get(revoke_url(device)).status_code == 405
    device.refresh_from_db()
    assert device.revoked_at is None


def test_the_outsiders_secretariat_does_not_see_our_members(cabinet):
    briefcase.device_register(actor=cabinet.minister, name="iPad của Bộ trưởng")
    html = client_for(cabinet, "outsider").get(MEMBERS).content.decode()
    assert "iPad của Bộ trưởng" not in html


def test_the_admin_shows_devices_read_only_and_never_their_key(cabinet):
    device = briefcase.device_register(actor=cabinet.minister, name="iPad")
    root = Client()
    root.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert root.get("/admin/briefcase/device/").status_code == 200
    page = root.get(f"/admin/briefcase/device/{device.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "iPad" in html
    key = bytes(device.key)
    assert key.hex() not in html and base64.b64encode(key).decode() not in html
    assert root.get("/admin/briefcase/device/add/").status_code == 403
