"""Accounts on a tablet, in Chromium, in Vietnamese: 25 wrong passwords and then the
right one leave the member locked out with a clear message; the secretariat lifts the
lock from its home page and the member signs in; a member changes the password from
the header."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests.browser.conftest import TABLET_PORTRAIT, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def vi(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


def _attempt(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state()


def test_a_guessed_password_is_locked_out_until_the_secretariat_unlocks(
    transactional_db, tablet, cabinet
):
    member = tablet(viewport=TABLET_PORTRAIT)
    for _ in range(25):
        _attempt(member, cabinet.minister.username, "doan-mat-khau")
    _attempt(member, cabinet.minister.username, PASSWORD)
    expect(member.locator("[data-testid=locked-out]")).to_be_visible()
    assert "/accounts/login/" in member.url
    message = member.locator("[data-testid=locked-out-message]").inner_text()
    assert vi("Please contact the secretariat to unlock it.") in message

    secretary = tablet(viewport=TABLET_PORTRAIT)
    login(secretary, cabinet.secretary.username)
    secretary.click(f"[data-testid=login-failures-link-{cabinet.body.pk}]")
    row = secretary.locator(
        f"[data-testid=login-failure][data-username={cabinet.minister.username}]"
    )
    assert row.get_attribute("data-locked") == "yes"
    secretary.click(f"[data-testid=unlock-{cabinet.minister.username}]")
    expect(secretary.locator("[data-testid=login-failure]")).to_have_count(0)

    login(member, cabinet.minister.username)
    expect(member.locator("[data-testid=user-name]")).to_be_visible()


def test_a_member_changes_the_password_from_the_header(transactional_db, tablet, cabinet):
    page = tablet(viewport=TABLET_PORTRAIT)
    login(page, cabinet.minister.username)
    page.click("[data-testid=password-change-link]")
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "12345678901")
    page.fill("input[name=new_password2]", "12345678901")
    page.click("[data-testid=password-change-submit]")
    expect(page.locator("[data-testid=field-error-new_password2]").first).to_be_visible()
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "Phong-hop-2026-moi")
    page.fill("input[name=new_password2]", "Phong-hop-2026-moi")
    page.click("[data-testid=password-change-submit]")
    expect(page.locator("[data-testid=password-change-done]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]


def test_a_member_enrols_the_second_factor_at_first_sign_in(
    transactional_db, tablet, cabinet, settings
):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.TWO_FACTOR_REQUIRED = True
    page = tablet(viewport=TABLET_PORTRAIT)
    login(page, cabinet.minister.username)
    expect(page.locator("[data-testid=factor-setup]")).to_be_visible()
    expect(page.locator("[data-testid=factor-qr] svg")).to_be_visible()
    device = TOTPDevice.objects.get(user=cabinet.minister)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("[data-testid=factor-token]", f"{totp.token():06d}")
    page.click("[data-testid=factor-submit]")
    expect(page.locator("[data-testid=recovery-code]")).to_have_count(10)
    page.click("[data-testid=factor-continue]")
    expect(page.locator("[data-testid=user-name]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
