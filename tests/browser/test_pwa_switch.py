"""The service worker in a real Chromium at 768×1024: the site can turn it off (a worker
registered earlier is then removed), and installing it while signed out asks for no page
that sets a cookie, so it never replaces the CSRF cookie under a sign-in form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.service_worker]

CONTROLLED = "navigator.serviceWorker.controller !== null"
REGISTRATIONS = "async () => (await navigator.serviceWorker.getRegistrations()).length"


def test_pages_remove_the_worker_once_the_site_turns_it_off(tablet, cabinet, settings):
    page = tablet()
    login(page, cabinet.minister.username)
    wait_for(page, CONTROLLED, timeout=30_000)
    assert page.evaluate(REGISTRATIONS) == 1
    assert page.get_attribute("script[data-service-worker]", "data-service-worker") == "on"

    settings.PWA_SERVICE_WORKER = False
    page.reload()
    assert page.get_attribute("script[data-service-worker]", "data-service-worker") == "off"
    wait_for(page, f"({REGISTRATIONS})().then(n => n === 0)")
    page.reload()
    assert page.evaluate(REGISTRATIONS) == 0
    assert page.evaluate("() => window.ecabinetPwa.ready") is None


def test_a_worker_installed_while_signed_out_sets_no_cookie(tablet, cabinet):
    page = tablet()
    page.goto("/accounts/login/")
    page.context.clear_cookies()
    page.evaluate(
        """async () => {
            await navigator.serviceWorker.register("/sw.js", {scope: "/"});
            await navigator.serviceWorker.ready;
        }"""
    )
    wait_for(page, CONTROLLED)
    # Signed out, the briefcase page redirects to the sign-in page: the worker does not
    # follow, so no new CSRF cookie (or any other) lands beside the form already open.
    assert page.context.cookies() == []
    kept = page.evaluate("async () => (await caches.match('/briefcase/')) ? 1 : 0")
    assert kept == 0

    # The form on the page still signs in once its own cookie is back.
    page.goto("/accounts/login/")
    login(page, cabinet.minister.username)
    expect(page.locator("[data-testid=user-name]")).to_be_visible()
