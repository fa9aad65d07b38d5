# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Việc cần làm on a real Daphne, sharing PostgreSQL and Redis with the test, signing with
the test's keys on SoftHSM2: a minister's home lists the open written ballot and the draft
waiting for comments, and each leaves the list once done through the real pages (answered
and signed with the PIN, commented). The chair is led from the home page to the minutes
waiting for his signature, signs them with the PIN, and the minutes go on to the seal."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ballots.models import Answer
from circulation.models import Comment
from minutes.models import Minutes
from signing.provisioning import key_provision
from tests.browser.conftest import screenshot
from tests.browser.test_alerts_tablet import signed_in  # noqa: F401
from tests.browser.test_room import daphne_serving, needs_daphne, off_the_loop
from tests.browser.test_worklist_tablet import (
    IDS,
    SIZES,
    duty,
    fits,
    secretary_signs,
    sign_from_home,
    vi,
    work_count,
)
from tests.circulation_helpers import circulate
from tests.pki_fixtures import (  # noqa: F401
    USER_PIN,
    dev_pki,
    signers,
    signing_settings,
)
from tests.test_ballots_helpers import open_ballot
from tests.worklist_helpers import issued_minutes

pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def daphne(tmp_path, signing_settings, dev_pki):
    """test_room's Daphne, which also signs and stores papers: it reads the test's media
    directory, tokens, TSA and trust (an empty SIGNING_TRUST_ROOTS means the development
    root under SIGNING_PKI_DIR). Named `daphne` so that `signed_in` opens its pages here."""
    yield from daphne_serving(
        tmp_path,
        MEDIA_ROOT=str(signing_settings.MEDIA_ROOT),
        SIGNING_PKI_DIR=str(dev_pki.dir),
        SOFTHSM2_CONF=str(dev_pki.conf),
        SIGNING_DEV_PKI_PORT=str(dev_pki.port),
        SIGNING_TSA_URL=dev_pki.tsa_url,
        SIGNING_TRUST_ROOTS="",
    )


def kinds(page) -> list[str]:
    return page.locator("[data-testid=duty]").evaluate_all("els => els.map(e => e.dataset.kind)")


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_a_minister_clears_the_ballot_and_the_draft_from_the_home_page(
    cabinet, signers, signed_in, size
):
    ballot, circulation = off_the_loop(lambda: (open_ballot(cabinet), circulate(cabinet)))
    minister = signers.minister
    page = signed_in(minister, size)
    assert page.get_by_test_id("nav-home").inner_text().startswith(vi("My work"))
    assert kinds(page) == ["draft_comment", "ballot_answer"]  # the newest first
    assert work_count(page) == 2
    assert ballot.subject in duty(page, "ballot_answer").inner_text()
    fits(page, size)
    screenshot(page, f"worklist-daphne-minister-{size['width']}x{size['height']}")

    # The ballot: one tap to the answer sheet, answered, then signed with the PIN.
    duty(page, "ballot_answer").get_by_test_id("duty-link").click()
    page.wait_for_url(f"**/ballots/{ballot.pk}/#answer")
    for number in (1, 2):
        page.locator(f"[data-testid=question-{number}] input[value=agree]").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=submit-answer]")
    page.locator("[data-testid=sign-answer-form]").wait_for()
    page.goto("/")
    assert sorted(kinds(page)) == ["ballot_sign", "draft_comment"]  # answered, not signed
    duty(page, "ballot_sign").get_by_test_id("duty-link").click()
    form = page.locator("[data-testid=sign-answer-form]")
    form.locator("input[type=password]").fill(USER_PIN)
    page.click("[data-testid=sign-answer]")
    form.wait_for(state="detached")
    assert Answer.objects.get(ballot=ballot, member=minister).state == Answer.State.SIGNED

    # The draft: one tap to it, a comment sent.
    page.goto("/")
    assert kinds(page) == ["draft_comment"]
    duty(page, "draft_comment").get_by_test_id("duty-link").click()
    page.wait_for_url(f"**/drafts/{circulation.pk}/")
    comment_form = page.get_by_test_id("comment-form")
    comment_form.locator("textarea[name=text]").fill("Đề nghị làm rõ phạm vi điều chỉnh.")
    comment_form.get_by_test_id("comment-submit").click()
    page.wait_for_load_state()
    assert Comment.objects.filter(circulation=circulation, author=minister).exists()

    page.goto("/")
    assert kinds(page) == []
    expect(page.get_by_test_id("no-duties")).to_be_visible()
    assert work_count(page) == 0


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_the_chair_signs_the_minutes_from_the_home_page_and_they_go_to_the_seal(
    cabinet, signers, dev_pki, signed_in, size
):
    def minutes_signed_by_the_secretary() -> Minutes:
        key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=cabinet.secretary)
        minutes = issued_minutes(cabinet)
        secretary_signs(cabinet, minutes)
        return minutes

    minutes = off_the_loop(minutes_signed_by_the_secretary)
    desk = signed_in(cabinet.secretary, size)
    assert str(cabinet.chair) in duty(desk, "minutes_waiting").inner_text()  # blocked on him

    page = signed_in(cabinet.chair, size)
    assert vi("Sign the minutes") in duty(page, "minutes_sign").inner_text()
    fits(page, size)
    screenshot(page, f"worklist-daphne-chair-{size['width']}x{size['height']}")
    sign_from_home(page, "minutes_sign", minutes)
    page.get_by_test_id("step-chair").and_(page.locator("[data-done='1']")).wait_for()
    assert Minutes.objects.get(pk=minutes.pk).state == Minutes.State.SEAL

    page.goto("/")
    expect(duty(page, "minutes_sign")).to_have_count(0)
    desk.goto("/")
    expect(duty(desk, "minutes_waiting")).to_have_count(0)
    expect(duty(desk, "minutes_seal")).to_have_count(1)  # the seal is next, the secretariat's
