"""The devices pages on a tablet, in Chromium: the member finds "Thiết bị của tôi" in the
account menu and sees what each device stores; the secretariat revokes a member's device
from "Thiết bị của thành viên" with a reason, after confirming. Photographed."""

from __future__ import annotations

import pytest

from briefcase import services as briefcase
from briefcase.models import Device
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def devices(cabinet):
    ipad = briefcase.device_register(actor=cabinet.minister, name="iPad công tác")
    briefcase.device_report_stored(
        actor=cabinet.minister, device_id=str(ipad.public_id), meetings=2, papers=14, size=8_400_000
    )
    old = briefcase.device_register(actor=cabinet.minister, name="Máy tính bảng cũ")
    briefcase.device_revoke(
        actor=cabinet.secretary, device_id=str(old.public_id), reason="Bộ trưởng báo mất máy"
    )
    return ipad, old


def test_a_member_sees_their_devices_from_the_account_menu(tablet, cabinet, devices):
    ipad, old = devices
    page = tablet()
    login(page, cabinet.minister.username)
    page.get_by_test_id("my-devices-link").click()
    page.wait_for_url("**/briefcase/my-devices/")
    assert page.locator("h1").inner_text() == "Thiết bị của tôi"
    card = page.get_by_test_id(f"device-{ipad.public_id}")
    assert "2 cuộc họp, 14 tài liệu" in card.get_by_test_id("device-stored").inner_text()
    revoked = page.get_by_test_id(f"device-{old.public_id}")
    assert revoked.get_attribute("data-state") == "revoked"
    assert "Bộ trưởng báo mất máy" in revoked.inner_text()
    screenshot(page, "devices-mine-768x1024")


def test_the_secretariat_revokes_a_members_device_with_a_reason(tablet, cabinet, devices):
    ipad, _ = devices
    page = tablet()
    login(page, cabinet.secretary.username)
    page.goto("/briefcase/my-devices/")
    page.get_by_test_id("member-devices-link").click()
    page.wait_for_url("**/briefcase/devices/")
    assert page.locator("h1").inner_text() == "Thiết bị của thành viên"
    card = page.get_by_test_id(f"device-{ipad.public_id}")
    screenshot(page, "devices-members-768x1024")

    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    card.get_by_test_id("revoke-reason").fill("Máy bị mất trong chuyến công tác")
    card.get_by_test_id("revoke-button").click()
    page.wait_for_url("**/briefcase/devices/")
    page.get_by_test_id("flash").wait_for()
    assert asked and "iPad công tác" in asked[0]
    ipad.refresh_from_db()
    assert ipad.revoked_by == cabinet.secretary
    assert ipad.revoke_reason == "Máy bị mất trong chuyến công tác"
    card = page.get_by_test_id(f"device-{ipad.public_id}")
    assert card.get_attribute("data-state") == "revoked"
    screenshot(page, "devices-members-revoked-768x1024")
    assert Device.objects.filter(revoked_at__isnull=True).count() == 0
