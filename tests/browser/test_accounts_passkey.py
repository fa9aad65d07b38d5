"""A passkey as the second factor in Chromium, with Chrome's virtual authenticator: a
member enrols one at the first sign-in, then signs in with it instead of a code. The
page is opened at http://localhost (WebAuthn refuses an IP address as the relying
party's id); the pages' script is a file, so the Content Security Policy holds."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from people.models import Passkey
from tests.browser.conftest import TABLET_PORTRAIT, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_enrols_a_passkey_and_signs_in_with_it(
    transactional_db, tablet, live_server, cabinet, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    assert live_server.url.startswith("http://localhost:")
    page = tablet(viewport=TABLET_PORTRAIT)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]

    login(page, cabinet.minister.username)
    expect(page.locator("[data-testid=factor-setup]")).to_be_visible()
    page.fill("[data-testid=passkey-name]", "Máy tính bảng")
    page.click("[data-testid=passkey-register] [data-testid=passkey-submit]")
    page.wait_for_selector("[data-testid=factor-codes]")
    expect(page.locator("[data-testid=recovery-code]")).to_have_count(10)
    page.click("[data-testid=factor-continue]")
    expect(page.locator("[data-testid=user-name]")).to_be_visible()
    passkey = Passkey.objects.get(user=cabinet.minister)
    assert passkey.name == "Máy tính bảng"
    assert "internal" in passkey.transports
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1

    # A new sign-in: the password, then the passkey instead of a code.
    page.context.clear_cookies()
    login(page, cabinet.minister.username)
    assert "/accounts/factor/verify/" in page.url
    page.click("[data-testid=passkey-authenticate] [data-testid=passkey-submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    expect(page.locator("[data-testid=user-name]")).to_be_visible()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
