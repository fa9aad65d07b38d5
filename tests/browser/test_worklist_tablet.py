# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Việc cần làm on a tablet, in Chromium, in Vietnamese, with real keys on SoftHSM2: a
minister's home lists the open written ballot and the draft waiting for comments; each
is one tap away and leaves the list once done through the real pages (answered and
signed with the PIN, commented). The chair is led from the home page to the minutes
that wait for his signature and signs them. The homes of a minister, the chair and the
secretariat are photographed at both sizes."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from ballots.models import Answer
from circulation.models import Comment
from minutes import services as minutes_services
from minutes.models import Minutes
from signing.provisioning import key_provision
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, login, screenshot
from tests.browser.test_room import off_the_loop
from tests.circulation_helpers import circulate
from tests.pki_fixtures import (  # noqa: F401
    USER_PIN,
    dev_pki,
    signers,
    signing_settings,
)
from tests.test_ballots_helpers import open_ballot
from tests.worklist_helpers import issued_minutes

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = [TABLET_PORTRAIT, TABLET_LANDSCAPE]
IDS = ["768x1024", "1024x768"]
SMALL_TARGETS = """[...document.querySelectorAll('.btn, button, .duty__link')]
    .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
    .map(b => b.dataset.testid || b.textContent.trim())"""


def vi(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


def fits(page, size: dict) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], page.url
    assert page.evaluate(SMALL_TARGETS) == [], page.url


def duty(page, kind: str):
    return page.locator(f"[data-testid=duty][data-kind={kind}]")


def secretary_signs(cabinet, minutes: Minutes) -> None:
    minutes_services.minutes_sign(
        actor=cabinet.secretary, minutes=minutes, step="secretary", pin=USER_PIN
    )


def sign_from_home(page, kind: str, minutes: Minutes) -> None:
    """One tap from the home page to the minutes' signing form, then the PIN."""
    page.goto("/")
    duty(page, kind).get_by_test_id("duty-link").click()
    page.wait_for_url(f"**/minutes/meeting/{minutes.meeting_id}/#signing")
    page.fill("input[name=sign-pin]", USER_PIN)
    page.get_by_test_id("sign-button").click()
    page.wait_for_load_state()


def work_count(page) -> int:
    return int(page.get_by_test_id("work-count").inner_text())


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_a_minister_answers_signs_and_comments_from_the_home_page(tablet, cabinet, signers, size):
    ballot = open_ballot(cabinet)
    circulation = circulate(cabinet)
    minister = signers.minister
    page = tablet(viewport=size)
    login(page, minister.username)
    assert page.url.endswith("/")  # signing in lands on the work
    assert page.get_by_test_id("nav-home").inner_text().startswith(vi("My work"))
    kinds = page.locator("[data-testid=duty]").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds == ["draft_comment", "ballot_answer"]  # the newest first
    assert work_count(page) == 2
    assert ballot.subject in duty(page, "ballot_answer").inner_text()
    assert vi("Answer the ballot") in duty(page, "ballot_answer").inner_text()
    assert "còn" in duty(page, "draft_comment").inner_text()  # the deadline in words
    fits(page, size)
    screenshot(page, f"worklist-minister-{size['width']}x{size['height']}")

    # The ballot: one tap to the answer sheet, answered, then signed with the PIN.
    duty(page, "ballot_answer").get_by_test_id("duty-link").click()
    page.wait_for_url(f"**/ballots/{ballot.pk}/#answer")
    for number in (1, 2):
        page.locator(f"[data-testid=question-{number}] input[value=agree]").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=submit-answer]")
    page.locator("[data-testid=sign-answer-form]").wait_for()
    page.goto("/")
    expect(duty(page, "ballot_answer")).to_have_count(0)
    expect(duty(page, "ballot_sign")).to_have_count(1)  # submitted, not signed: still to do
    duty(page, "ballot_sign").get_by_test_id("duty-link").click()
    form = page.locator("[data-testid=sign-answer-form]")
    form.locator("input[type=password]").fill(USER_PIN)
    page.click("[data-testid=sign-answer]")
    form.wait_for(state="detached")
    assert Answer.objects.get(ballot=ballot, member=minister).state == Answer.State.SIGNED

    # The draft: one tap to it, a comment sent.
    page.goto("/")
    expect(duty(page, "ballot_sign")).to_have_count(0)
    duty(page, "draft_comment").get_by_test_id("duty-link").click()
    page.wait_for_url(f"**/drafts/{circulation.pk}/")
    comment_form = page.get_by_test_id("comment-form")
    comment_form.locator("textarea[name=text]").fill("Đề nghị làm rõ phạm vi điều chỉnh.")
    comment_form.get_by_test_id("comment-submit").click()
    page.wait_for_load_state()
    assert Comment.objects.filter(circulation=circulation, author=minister).exists()

    page.goto("/")
    expect(page.locator("[data-testid=duty]")).to_have_count(0)
    expect(page.get_by_test_id("no-duties")).to_be_visible()
    assert work_count(page) == 0
    screenshot(page, f"worklist-minister-done-{size['width']}x{size['height']}")


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_the_chair_is_led_from_home_to_the_minutes_and_signs_them(
    tablet, cabinet, signers, dev_pki, size
):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=cabinet.secretary)
    minutes = issued_minutes(cabinet)
    open_ballot(cabinet)  # the chair answers ballots too
    desk = tablet(viewport=size)
    login(desk, cabinet.secretary.username)
    expect(duty(desk, "minutes_sign")).to_have_count(1)  # the secretary signs first
    off_the_loop(secretary_signs, cabinet, minutes)
    desk.goto("/")
    waiting = duty(desk, "minutes_waiting")
    assert str(cabinet.chair) in waiting.inner_text()  # blocked on whom, by name
    expect(duty(desk, "ballot_waiting")).to_have_count(1)
    fits(desk, size)
    screenshot(desk, f"worklist-secretariat-{size['width']}x{size['height']}")

    page = tablet(viewport=size)
    login(page, cabinet.chair.username)
    to_sign = duty(page, "minutes_sign")
    assert vi("Sign the minutes") in to_sign.inner_text()
    fits(page, size)
    screenshot(page, f"worklist-chair-{size['width']}x{size['height']}")
    sign_from_home(page, "minutes_sign", minutes)
    page.get_by_test_id("step-chair").and_(page.locator("[data-done='1']")).wait_for()
    assert Minutes.objects.get(pk=minutes.pk).state == Minutes.State.SEAL

    page.goto("/")
    expect(duty(page, "minutes_sign")).to_have_count(0)
    desk.goto("/")
    expect(duty(desk, "minutes_waiting")).to_have_count(0)
    expect(duty(desk, "minutes_seal")).to_have_count(1)  # the seal is next, the secretariat's
