# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""The document exchange on tablets, in a real browser against the live server: the
secretariat of the Government Office seals and sends an issued resolution to the Ministry
of Health from the resolution's page (1024×768), the ministry's clerk registers it and
assigns a handler (768×1024), and the secretariat sees each status come back."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect

from exchange import services
from exchange.models import Dispatch, Incoming
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, login
from tests.exchange_helpers import MINISTRY_CODE, connect, issued_record
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    dev_pki,
    signers,
    signing_settings,
)

pytestmark = pytest.mark.django_db(transaction=True)

RECIPIENT = f"[data-testid=exchange-recipient][data-code='{MINISTRY_CODE}']"
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
SMALL_BUTTONS = """[...document.querySelectorAll('.btn, button, label.choice')]
    .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
    .map(b => b.dataset.testid || b.textContent.trim())"""


def _off_playwright_loop(work, *args):
    """Run `work` in a thread of its own: signing and sealing (pyHanko) run an event loop,
    which cannot start in the thread where Playwright's runs."""

    def run():
        try:
            return work(*args)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def _outbox_run() -> dict:
    return _off_playwright_loop(services.outbox_run)


def _shot(page, name: str) -> None:
    """A full-page screenshot to look at, in the system's temporary folder (/tmp)."""
    page.screenshot(path=str(Path(tempfile.gettempdir()) / name), full_page=True)


def _touchable(locator) -> None:
    box = locator.bounding_box()
    assert box is not None, locator
    assert box["height"] >= 44 or box["width"] >= 44, (locator, box)


def test_the_government_office_sends_and_the_ministry_registers_on_tablets(
    tablet, cabinet, signers, dev_pki, live_server, settings, tmp_path
):
    # Background tasks are kept, not run (as in tests/test_exchange.py): the test runs
    # the outbox itself between the browser's steps, so the live server never posts to
    # itself from a worker while the test waits, and each step's outcome is known.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    linked = connect(cabinet, dev_pki.dir, live_server.url)
    record = _off_playwright_loop(issued_record, cabinet, signers)
    ministry = linked.ministry

    # The secretariat seals and sends from the resolution's page, in landscape.
    desk = tablet(TABLET_LANDSCAPE)
    login(desk, cabinet.secretary.username)
    desk.goto(record.source_url)
    section = desk.get_by_test_id("exchange-sent")
    form = section.get_by_test_id("exchange-send-form")
    choice = form.locator("label.choice", has_text="Bộ Y tế")
    choice.locator("input[type=checkbox]").check()
    form.locator("input[name=send-pin]").fill(SEAL_PIN)
    _touchable(choice)
    _touchable(form.get_by_test_id("exchange-send-button"))
    assert desk.evaluate(SMALL_BUTTONS) == []
    assert desk.evaluate(FITS), desk.evaluate("document.documentElement.scrollWidth")
    _shot(desk, "exchange-form-1024.png")
    with desk.expect_navigation(url=f"**{record.source_url}"):  # posted, then back here
        form.get_by_test_id("exchange-send-button").click()
    recipient = desk.locator(RECIPIENT)
    assert recipient.get_attribute("data-state") == "queued"
    flash = desk.get_by_test_id("flash").first.inner_text()
    assert "Bộ Y tế" in flash and not flash.startswith("Sent to"), flash  # said in Vietnamese
    expect(desk.get_by_test_id("exchange-send-form")).to_have_count(0)  # nobody left to send to
    assert desk.evaluate(FITS), desk.evaluate("document.documentElement.scrollWidth")
    _shot(desk, "exchange-send-1024.png")

    # The package goes to the ministry's inbox; on the next run its "received" comes back.
    assert _outbox_run() == {"sent": 1, "refused": 0, "failed": 0}
    assert _outbox_run()["sent"] == 1
    incoming = Incoming.objects.get()

    # The ministry's clerk finds it under the exchange and registers it to a handler.
    clerk = tablet(TABLET_PORTRAIT)
    login(clerk, ministry.clerk.username)
    clerk.get_by_test_id("nav-exchange").click()
    clerk.wait_for_url("**/exchange/incoming/")
    row = clerk.get_by_test_id("incoming-row")
    expect(row).to_have_count(1)
    assert row.get_attribute("data-state") == "received"
    row.get_by_role("link", name="01/NQ-CP").click()
    clerk.wait_for_url(f"**/exchange/incoming/{incoming.pk}/")
    register = clerk.get_by_test_id("incoming-register-form")
    register.locator("select[name=handler]").select_option(str(ministry.handler.pk))
    _touchable(register.get_by_test_id("incoming-submit"))
    _touchable(register.locator("select[name=handler]"))
    assert clerk.evaluate(SMALL_BUTTONS) == []
    with clerk.expect_navigation(url=f"**/exchange/incoming/{incoming.pk}/"):
        register.get_by_test_id("incoming-submit").click()
    details = clerk.get_by_test_id("incoming-details")
    assert details.get_attribute("data-state") == "assigned"
    assert clerk.get_by_test_id("incoming-number").inner_text().endswith(" 1")
    assert "số đến 1" in clerk.get_by_test_id("flash").first.inner_text()
    assert clerk.get_by_test_id("incoming-state").inner_text() == "Đã phân công"
    assert clerk.evaluate(FITS), clerk.evaluate("document.documentElement.scrollWidth")
    _shot(clerk, "exchange-register-768.png")

    # "Registered" and "assigned" go back; the secretariat sees them on the page.
    assert _outbox_run()["sent"] == 2
    desk.reload()
    recipient = desk.locator(RECIPIENT)
    assert recipient.get_attribute("data-state") == "delivered"
    assert recipient.get_attribute("data-status") == "04"
    assert recipient.get_by_test_id("exchange-status").inner_text() == "Đã phân công"
    expect(recipient.locator("ol li")).to_have_count(3)  # received, registered, assigned
    assert "Lê Văn Thư" in recipient.locator("ol li").last.inner_text()
    assert desk.evaluate(FITS)
    _shot(desk, "exchange-status-1024.png")
    assert Dispatch.objects.get().status == "04"
