"""A written ballot end to end in Chromium on a real Daphne, with real keys on SoftHSM2:
the secretariat issues it, the chair approves, two ministers answer and sign on their
tablets, the secretariat's open page shows each answer arrive without reloading, the
deadline passes, the real sweep closes it, and the report is signed and sealed."""

# ruff: noqa: F811
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from playwright.sync_api import expect

from ballots.models import Answer, Ballot
from bench.common import daphne_command, free_port, process, session_keys
from ecabinet import dates
from signing.provisioning import key_provision
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot, wait_for
from tests.browser.test_room import ROOT, needs_daphne, off_the_loop, wait_for_port
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    nss_db,
    signers,
    signing_settings,
)

pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]

# The deadline is set on the form, to the minute: at least this far ahead, which is about
# three times what the issue, the approval and two signed answers take here (16 s).
DEADLINE_AFTER = dt.timedelta(seconds=50)


def server_env(dev_pki) -> dict[str, str]:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "REDIS_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
        "DJANGO_SETTINGS_MODULE": "ecabinet.settings",
        "DEBUG": "true",
        "LANGUAGE_CODE": "en",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SIGNING_PKI_DIR": str(dev_pki.dir),
        "SOFTHSM2_CONF": str(dev_pki.conf),
        "SIGNING_TSA_URL": dev_pki.tsa_url,
        "SIGNING_DEV_PKI_PORT": str(dev_pki.port),
    }


@pytest.fixture
def server(tmp_path, dev_pki, signing_settings):
    """Daphne on the test's database, Redis, media and development PKI."""
    env = server_env(dev_pki)
    port = free_port()
    with process(daphne_command(port), env, tmp_path / "daphne.log"):
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}", env


@pytest.fixture
def as_user(browser, server):
    base, _env = server
    contexts = []

    def open_as(user, viewport):
        context = browser.new_context(viewport=viewport, locale="en-US", base_url=base)
        context.set_default_timeout(20_000)
        contexts.append(context)
        (key,) = off_the_loop(session_keys, [user])
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": base}])
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" questions
        return page

    yield open_as
    for context in contexts:
        context.close()


def assert_fits(page, width: int) -> None:
    """No sideways scroll, and every visible button a finger can hit."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    small = page.evaluate(
        """() => [...document.querySelectorAll('main button, main .btn, main summary.btn')]
            .filter(b => b.offsetParent !== null)
            .map(b => [b.textContent.trim(), b.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )
    assert small == []


def assert_submitted_like_the_server(page, member) -> None:
    """The time that arrived live reads as the server writes it: Vietnam time, in the
    page's language ("09:15, ngày 03/12/2026")."""
    stored = Answer.objects.get(member=member).submitted_at
    with translation.override(page.locator("html").get_attribute("lang") or "vi"):
        expected = dates.when(stored)
    cell = page.locator(f"tr[data-member-id='{member.pk}'] [data-live=submitted]")
    assert cell.inner_text().strip() == expected
    assert cell.locator("time").get_attribute("datetime") is not None


def answer_and_sign(page, ballot, choices, *, wrong_pin_first=False) -> None:
    page.goto("/ballots/")
    pending = page.locator("[data-testid=pending-ballot]").first
    assert "left" in pending.locator("[data-testid=time-left]").inner_text()
    page.goto(f"/ballots/{ballot.pk}/")
    expect(page.locator("[data-testid=time-left]")).to_be_visible()
    for number, choice in enumerate(choices, 1):
        page.locator(f"[data-testid=question-{number}] input[value={choice}]").check()
        if choice == "other":
            page.locator(f"[data-testid=question-{number}] textarea").fill("Cần rà soát thêm")
    page.click("[data-testid=submit-answer]")
    form = page.locator("[data-testid=sign-answer-form]")
    form.wait_for()
    if wrong_pin_first:
        form.locator("input[type=password]").fill("000000")
        page.click("[data-testid=sign-answer]")
        error = page.locator("[data-testid=field-error-pin]")
        assert "Wrong PIN; nothing was signed. 4 attempts left" in error.inner_text()
        screenshot(page, "ballot-2-minister-wrong-pin-768x1024")
        assert_fits(page, TABLET_PORTRAIT["width"])
        form = page.locator("[data-testid=sign-answer-form]")
    form.locator("input[type=password]").fill(USER_PIN)
    page.click("[data-testid=sign-answer]")
    page.locator("[data-testid=sign-answer-form]").wait_for(state="detached")
    assert "Signed" in page.locator("[data-testid=answer-submitted]").inner_text()


def test_a_written_ballot_from_issue_to_a_sealed_report(
    cabinet, signers, dev_pki, nss_db, tmp_path, server, as_user
):
    _base, env = server
    one, two = cabinet.members[1], cabinet.members[2]
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=cabinet.secretary)
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=two)

    # The secretariat prepares the ballot on the page and sends it to the chair.
    office = as_user(cabinet.secretary, TABLET_LANDSCAPE)
    office.goto(f"/ballots/new/{cabinet.body.pk}/")
    deadline = timezone.localtime(timezone.now() + DEADLINE_AFTER + dt.timedelta(minutes=1))
    deadline = deadline.replace(second=0, microsecond=0)  # 50 to 110 seconds from now
    office.fill("[name=subject]", "Dự thảo Nghị định về chuyển đổi số")
    office.fill("[name=summary]", "Xin ý kiến thành viên Chính phủ về hai vấn đề.")
    office.fill("[name=questions]", "Đồng ý ban hành Nghị định?\nĐồng ý lộ trình 05 năm?")
    office.fill("[name=deadline]", deadline.strftime("%Y-%m-%dT%H:%M"))
    office.click("[data-testid=send]")
    office.wait_for_url(re.compile(r"/ballots/\d+/$"))
    ballot = Ballot.objects.get()
    assert ballot.state == "awaiting_approval"

    chair = as_user(cabinet.chair, TABLET_LANDSCAPE)
    chair.goto(f"/ballots/{ballot.pk}/")
    chair.click("[data-testid=approve-ballot]")
    chair.wait_for_selector("[data-testid=ballot-state]:has-text('Open')")

    # The secretariat's page joins the ballot's event stream.
    office.goto(f"/ballots/{ballot.pk}/")
    office.wait_for_selector("[data-testid=recipients][data-live-state=online]")
    office.evaluate("window.sameDocument = true")
    recipients = len(cabinet.members)
    heading = office.locator("[data-testid=recipients-heading]")
    assert heading.inner_text() == f"Recipients: 0/{recipients} answered"
    not_answered = office.locator("[data-testid=not-answered]")
    assert not_answered.get_attribute("data-count") == str(recipients)
    screenshot(office, "ballot-1-secretariat-open-1024x768")
    assert_fits(office, TABLET_LANDSCAPE["width"])

    # Two ministers answer and sign on their tablets; each arrives live.
    first = as_user(one, TABLET_PORTRAIT)
    answer_and_sign(first, ballot, ["agree", "other"], wrong_pin_first=True)
    office.wait_for_selector(f"tr[data-member-id='{one.pk}'][data-state=signed]")
    assert heading.inner_text() == f"Recipients: 1/{recipients} answered"
    # The provisional tally's list of those who have not answered follows, live.
    assert not_answered.get_attribute("data-count") == str(recipients - 1)
    assert str(one) not in not_answered.inner_text()
    assert_submitted_like_the_server(office, one)
    screenshot(first, "ballot-2-minister-signed-768x1024")
    assert_fits(first, TABLET_PORTRAIT["width"])

    second = as_user(two, TABLET_PORTRAIT)
    second.goto("/ballots/")
    screenshot(second, "ballot-3-minister-pending-768x1024")
    assert_fits(second, TABLET_PORTRAIT["width"])
    answer_and_sign(second, ballot, ["agree", "agree"])
    office.wait_for_selector(f"tr[data-member-id='{two.pk}'][data-state=signed]")
    assert heading.inner_text() == f"Recipients: 2/{recipients} answered"
    assert not_answered.get_attribute("data-count") == str(recipients - 2)
    assert str(one) not in not_answered.inner_text()
    assert str(two) not in not_answered.inner_text()
    assert_submitted_like_the_server(office, two)
    first_count = "[data-testid=result-question][data-number='1'] [data-live=agree]"
    wait_for(office, f'document.querySelector("{first_count}").textContent === "2"')
    assert office.evaluate("window.sameDocument") is True  # no reload: it came live
    screenshot(office, "ballot-4-secretariat-two-answers-1024x768")
    assert list(
        Answer.objects.filter(state="signed").order_by("member_id").values_list("member_id")
    ) == sorted([(one.pk,), (two.pk,)])

    # The deadline passes; the real sweep closes the ballot and the open page follows.
    time.sleep(max(0.0, (ballot.deadline - timezone.now()).total_seconds()) + 1)
    tick = subprocess.run(
        [sys.executable, "manage.py", "ballots_tick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tick.returncode == 0 and "closed 1 ballot(s)" in tick.stdout, tick.stderr
    office.wait_for_selector("[data-testid=ballot-state]:has-text('Closed')")
    outcomes = office.locator("[data-testid=result-question] [data-testid=outcome]")
    expect(outcomes).to_have_count(2)
    first_q = office.locator("[data-testid=result-question]").first.inner_text()
    assert "Agree: 2" in first_q and "Not adopted" in first_q  # 2 of 6 members
    screenshot(office, "ballot-5-secretariat-closed-1024x768")

    # The report: issued, signed with the secretary's PIN, then sealed with the seal's.
    office.click("[data-testid=issue-report]")
    office.wait_for_selector("[data-testid=report-sign-form][data-kind=personal]")
    office.fill("[data-testid=report-sign-form] input[type=password]", USER_PIN)
    office.click("[data-testid=sign-report]")
    office.wait_for_selector("[data-testid=report-sign-form][data-kind=seal]")
    office.fill("[data-testid=report-sign-form] input[type=password]", SEAL_PIN)
    office.click("[data-testid=sign-report]")
    office.wait_for_selector("[data-testid=report-state][data-state=sealed]")
    screenshot(office, "ballot-6-secretariat-sealed-1024x768")
    assert_fits(office, TABLET_LANDSCAPE["width"])
    report = office.request.get(f"/ballots/{ballot.pk}/report.pdf")
    assert report.status == 200
    assert_independently_valid(report.body(), nss_db, tmp_path, signatures=2)

    # The same page on a portrait tablet fits too.
    office.set_viewport_size(TABLET_PORTRAIT)
    screenshot(office, "ballot-7-secretariat-sealed-768x1024")
    assert_fits(office, TABLET_PORTRAIT["width"])
