# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Signature alerts on a real Daphne: the chair, on the home page, is told the moment
the secretary has signed the minutes and is led by "Ký ngay" to the minutes' signing;
a draft's author is called to sign once comments close, and the banner goes once the
draft is signed (found through the work list, since that signing publishes nothing)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from circulation.services import circulation_close
from meetings import live
from meetings import services as meetings
from minutes import services as minutes_services
from signing.provisioning import key_provision
from signing.services import version_sign
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from tests.browser.test_alerts_tablet import signed_in  # noqa: F401
from tests.browser.test_room import daphne, needs_daphne, off_the_loop  # noqa: F401
from tests.circulation_helpers import circulate
from tests.factories import make_meeting
from tests.pki_fixtures import (  # noqa: F401
    USER_PIN,
    dev_pki,
    signers,
    signing_settings,
)

pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]

SIGN_BANNER = "[data-testid=alert][data-kind=sign]"


def issued_minutes(cabinet, dev_pki):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=cabinet.secretary)
    meeting = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
    for member in cabinet.members:
        live.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=member.pk, present=True
        )
    meeting = meetings.meeting_start(actor=cabinet.chair, meeting=meeting)
    meeting = meetings.meeting_close(actor=cabinet.chair, meeting=meeting)
    return minutes_services.minutes_issue(actor=cabinet.secretary, minutes=meeting.minutes.get())


@pytest.mark.parametrize(
    "viewport", [TABLET_PORTRAIT, TABLET_LANDSCAPE], ids=["portrait", "landscape"]
)
def test_the_chair_is_led_from_home_to_sign_the_minutes(
    cabinet, signers, dev_pki, signed_in, viewport
):
    size = f"{viewport['width']}x{viewport['height']}"
    minutes = off_the_loop(issued_minutes, cabinet, dev_pki)
    home = signed_in(cabinet.chair, viewport)

    off_the_loop(
        lambda: minutes_services.minutes_sign(
            actor=cabinet.secretary, minutes=minutes, step="secretary", pin=USER_PIN
        )
    )
    started = time.monotonic()  # signing takes a few seconds; the alert leaves at its commit
    banner = home.locator(SIGN_BANNER)
    banner.wait_for(state="visible", timeout=2_000)
    assert time.monotonic() - started < 2.0
    assert banner.locator(".alert-banner__title").inner_text() == "Biên bản đang chờ bạn ký"
    assert minutes.number_symbol in banner.inner_text()
    home.wait_for_timeout(400)
    screenshot(home, f"alerts-home-minutes-{size}")

    banner.locator("[data-testid=alert-action]").click()
    home.wait_for_url(f"**/minutes/meeting/{minutes.meeting_id}/#signing")
    signing = home.locator("[data-testid=signing]")
    signing.wait_for(state="visible")
    expect(home.locator("[data-testid=sign-form]")).to_be_visible()
    top = home.locator("[data-testid=sign-button]").bounding_box()["y"]
    assert 0 <= top < viewport["height"], "the signing form is off screen"
    screenshot(home, f"alerts-minutes-signing-{size}")


def test_a_draft_author_is_called_to_sign_and_the_banner_goes_once_signed(
    cabinet, signers, signed_in
):
    draft = off_the_loop(lambda: circulate(cabinet, actor=cabinet.minister))
    home = signed_in(cabinet.minister, TABLET_PORTRAIT)
    off_the_loop(lambda: circulation_close(actor=cabinet.secretary, circulation=draft))
    banner = home.locator(SIGN_BANNER)
    banner.wait_for(state="visible", timeout=2_000)
    assert banner.locator("[data-testid=alert-action]").inner_text().strip() == "Ký ngay"
    assert banner.locator("[data-testid=alert-action]").get_attribute("href") == (
        f"/drafts/{draft.pk}/v/1/sign/"
    )
    home.wait_for_timeout(400)  # the banner's slide-in, for the picture
    screenshot(home, "alerts-home-draft-768x1024")

    # Signed elsewhere (another tablet): the next page checks the work list and drops it.
    version = draft.document.versions.get(number=1)
    off_the_loop(
        lambda: version_sign(actor=cabinet.minister, version=version, pin=USER_PIN, kind="personal")
    )
    home.click("[data-testid=nav-meetings]")
    home.wait_for_url("**/meetings/")
    home.locator(SIGN_BANNER).wait_for(state="detached", timeout=3_000)
