# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Signing a meeting paper on a tablet in a real browser: a minister types a wrong PIN,
then the right one, and checks the signed version; the secretariat seals it. The
downloaded bytes pass poppler's pdfsig and qpdf."""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import expect

from meetings.models import MeetingPaper
from people.models import Role
from signing.models import Signature, SigningKey
from signing.provisioning import key_provision
from tests.browser.conftest import SHOTS, TABLET_LANDSCAPE, TABLET_PORTRAIT, login, screenshot
from tests.factories import UserFactory, grant, make_meeting
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    nss_db,
    signing_settings,
)
from tests.signing_helpers import presented_paper

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_BUTTONS = """[...document.querySelectorAll('.btn, button')]
    .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
    .map(b => b.dataset.testid || b.textContent.trim())"""


def fits(page, size: dict) -> None:
    """No sideways scroll, and every visible button big enough for a finger."""
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], page.url
    assert page.evaluate(SMALL_BUTTONS) == [], page.url


def fetch_version(page, paper: MeetingPaper, number: int) -> bytes:
    """The version's bytes as this browser downloads them (its session, its cookies)."""
    response = page.request.get(f"/meetings/{paper.meeting_id}/papers/{paper.pk}/file/?v={number}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    return response.body()


def last_page_png(data: bytes, name: str) -> None:
    """The signed PDF's last page as pictures: the whole page, and the signature blocks
    (bottom right) enlarged, to look at them."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / f"{name}.pdf"
    pdf.write_bytes(data)
    pages = ["-f", "2", "-l", "2", "-singlefile"]
    whole = str(SHOTS / name)
    subprocess.run(["pdftoppm", "-png", "-r", "80", *pages, str(pdf), whole], check=True)
    crop = ["-x", "800", "-y", "1900", "-W", "854", "-H", "400"]
    zoom = str(SHOTS / f"{name}-blocks")
    subprocess.run(["pdftoppm", "-png", "-r", "200", *pages, *crop, str(pdf), zoom], check=True)
    pdf.unlink()


@pytest.fixture
def signing_room(cabinet, signing_settings, dev_pki):
    """A published meeting whose first item the Minister of Finance presents, with his
    token and the Government's seal provisioned, as `make run` has them."""
    minister = grant(
        UserFactory(
            username="bt.taichinh",
            full_name="Dương Hoài Nam",
            title="Bộ trưởng Bộ Tài chính",
            organisation="Bộ Tài chính",
        ),
        cabinet.body,
        Role.MEMBER,
    )
    meeting = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)
    paper = presented_paper(cabinet, meeting, presenter=minister)
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=minister)
    key_provision(actor=None, pki=dev_pki.pki, pin=SEAL_PIN, body=cabinet.body)
    return minister, paper


def test_a_minister_signs_a_paper_on_a_tablet_and_the_secretariat_seals_it(
    tablet, cabinet, signing_room, nss_db, tmp_path
):
    minister, paper = signing_room
    page = tablet(TABLET_PORTRAIT)
    login(page, minister.username)
    page.goto(f"/meetings/{paper.meeting_id}/papers/{paper.pk}/")
    fits(page, TABLET_PORTRAIT)
    screenshot(page, "signing-paper-minister-768")
    page.get_by_test_id("sign-1").click()
    expect(page.get_by_test_id("sign-form")).to_be_visible()
    fits(page, TABLET_PORTRAIT)

    # A wrong PIN: a clear Vietnamese message with the attempts left, and nothing signed.
    page.fill("input[name=pin]", "000000")
    page.get_by_test_id("submit").click()
    error = page.get_by_test_id("field-error-pin")
    assert error.inner_text() == (
        "Mã PIN không đúng; chưa ký số. Còn 4 lần thử trước khi khóa ký số bị khóa."
    )
    assert page.input_value("input[name=pin]") == ""  # the PIN is never sent back
    assert paper.document.versions.count() == 1 and not Signature.objects.exists()
    assert SigningKey.objects.get(user=minister).failed_attempts == 1
    fits(page, TABLET_PORTRAIT)
    screenshot(page, "signing-wrong-pin-768")

    page.fill("input[name=pin]", USER_PIN)
    page.get_by_test_id("submit").click()
    page.wait_for_url(f"**/papers/{paper.pk}/")
    assert page.get_by_test_id("flash").inner_text() == "Đã ký số: đã tạo phiên bản 2."
    expect(page.get_by_test_id("version-2")).to_be_visible()
    assert SigningKey.objects.get(user=minister).failed_attempts == 0
    fits(page, TABLET_PORTRAIT)
    screenshot(page, "signing-signed-768")

    page.get_by_test_id("verify-2").click()
    summary = page.get_by_test_id("verify-summary")
    assert summary.get_attribute("data-ok") == "yes"
    assert summary.inner_text() == "Tất cả chữ ký số đều hợp lệ."
    verdicts = page.get_by_test_id("signature-verdict")
    expect(verdicts).to_have_count(2)  # the signature and its document timestamp (B-LTA)
    assert verdicts.evaluate_all("vs => vs.map(v => v.dataset.kind + ':' + v.dataset.ok)") == [
        "personal:yes",
        "timestamp:yes",
    ]
    trusted = verdicts.first.get_by_test_id("check-trusted")
    assert trusted.is_visible() and trusted.inner_text() == "✓ Tin cậy"
    assert verdicts.first.get_by_test_id("check-valid").inner_text() == "✓ Hợp lệ"
    fits(page, TABLET_PORTRAIT)
    screenshot(page, "signing-verify-768")
    signed = fetch_version(page, paper, 2)
    assert_independently_valid(signed, nss_db, tmp_path, signatures=1)

    desk = tablet(TABLET_LANDSCAPE)
    login(desk, cabinet.secretary.username)
    desk.goto(f"/meetings/{paper.meeting_id}/papers/{paper.pk}/")
    expect(desk.get_by_test_id("sign-2")).to_have_count(0)  # no personal key of their own
    desk.get_by_test_id("seal-2").click()
    desk.fill("input[name=pin]", SEAL_PIN)
    fits(desk, TABLET_LANDSCAPE)
    desk.get_by_test_id("submit").click()
    desk.wait_for_url(f"**/papers/{paper.pk}/")
    assert desk.get_by_test_id("flash").inner_text() == "Đã ký số: đã tạo phiên bản 3."
    fits(desk, TABLET_LANDSCAPE)
    screenshot(desk, "signing-sealed-1024")
    desk.get_by_test_id("verify-3").click()
    assert desk.get_by_test_id("verify-summary").get_attribute("data-ok") == "yes"
    verdicts = desk.get_by_test_id("signature-verdict")
    kinds = verdicts.evaluate_all("vs => vs.map(v => v.dataset.kind + ':' + v.dataset.ok)")
    assert [k for k in kinds if not k.startswith("timestamp")] == ["personal:yes", "seal:yes"]
    desk.get_by_test_id("verify-details").locator("summary").click()
    expect(desk.get_by_test_id("signature-row").first).to_be_visible()
    fits(desk, TABLET_LANDSCAPE)
    screenshot(desk, "signing-verify-sealed-1024")
    sealed = fetch_version(desk, paper, 3)
    assert_independently_valid(sealed, nss_db, tmp_path, signatures=2)
    last_page_png(sealed, "signing-signed-paper-last-page")
