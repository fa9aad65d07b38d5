# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""The minutes of a closed meeting in a real browser, from the draft to the archive: the
secretariat builds and edits the draft, previews and issues it and signs (a wrong PIN
first); the chair signs on a tablet; the secretariat seals. The archivist then finds the
record without accents, verifies it, downloads the original and the records package; a
member is refused. Every page fits a tablet in both orientations."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from archive.models import Record
from minutes.models import Minutes
from signing.models import Signature, SigningKey
from signing.provisioning import key_provision
from tests.browser.conftest import SHOTS, TABLET_LANDSCAPE, TABLET_PORTRAIT, login, screenshot
from tests.minutes_helpers import run_meeting
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    nss_db,
    signers,
    signing_settings,
    version_bytes,
)

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "Các thành viên thống nhất sự cần thiết ban hành Nghị định; đề nghị rà soát thủ tục."
CONCLUSION = "Giao Bộ Tư pháp thẩm định lại hồ sơ, hoàn thiện trước ngày 15 tháng 12."
SIZES = {"768": TABLET_PORTRAIT, "1024": TABLET_LANDSCAPE}
SMALL_BUTTONS = """[...document.querySelectorAll('.btn, button')]
    .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
    .map(b => b.dataset.testid || b.textContent.trim())"""


def vi(message: str, **values) -> str:
    """The message as a Vietnamese reader's browser shows it, from the same catalogue."""
    with translation.override("vi"):
        text = gettext(message)
    return text % values if values else text


def fits(page, size: dict) -> None:
    """No sideways scroll, and every visible button big enough for a finger."""
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], page.url
    assert page.evaluate(SMALL_BUTTONS) == [], page.url


def look(page, name: str) -> None:
    """Check the page in both tablet orientations and keep a picture of each."""
    before = page.viewport_size
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        fits(page, size)
        screenshot(page, f"{name}-{label}")
    page.set_viewport_size(before)


def pdf_pages_png(data: bytes, name: str) -> None:
    """The first and the last page of a PDF as pictures, to look at them."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / f"{name}.pdf"
    pdf.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(li for li in info.stdout.splitlines() if li.startswith("Pages:")).split()[1])
    for label, number in (("first", 1), ("last", pages)):
        out = str(SHOTS / f"{name}-{label}")
        flags = ["-f", str(number), "-l", str(number), "-singlefile"]
        subprocess.run(["pdftoppm", "-png", "-r", "70", *flags, str(pdf), out], check=True)
    pdf.unlink()


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def sign_with(page, pin: str) -> None:
    page.fill("input[name=sign-pin]", pin)
    page.get_by_test_id("sign-button").click()
    page.wait_for_load_state()


@pytest.fixture
def closed_meeting(cabinet, signers, dev_pki):
    """A meeting run and closed through the services; the chair and the seal have their
    keys (signers), and so has the secretary who will be named THƯ KÝ."""
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=cabinet.secretary)
    return run_meeting(cabinet)


def test_minutes_are_drafted_signed_sealed_and_found_verified_in_the_archive(
    tablet, cabinet, closed_meeting, nss_db, tmp_path
):
    meeting = closed_meeting
    desk = tablet(TABLET_LANDSCAPE)
    login(desk, cabinet.secretary.username)
    desk.goto(f"/meetings/{meeting.pk}/")
    fits(desk, TABLET_LANDSCAPE)
    desk.get_by_test_id("minutes-link").click()
    desk.wait_for_url(f"**/minutes/meeting/{meeting.pk}/")
    look(desk, "minutes-drafted-on-close")
    minutes = drafted_and_issued(desk, cabinet, meeting, tmp_path)
    record = signed_in_order(tablet, desk, cabinet, minutes)
    found_and_checked(tablet, cabinet, record, nss_db, tmp_path)
    refused_to_a_member(tablet, cabinet, record)


def drafted_and_issued(desk, cabinet, meeting, tmp_path) -> Minutes:
    """The draft built from the record as the meeting closed: the secretariat edits it,
    saves draft 2, previews and issues."""
    item_id = meeting.items.order_by("order").first().pk
    expect(desk.get_by_test_id("start-draft")).to_have_count(0)
    expect(desk.get_by_test_id("draft-row")).to_have_count(1)
    desk.fill(f"textarea[name=summary-{item_id}]", SUMMARY)
    desk.fill(f"textarea[name=conclusion-{item_id}]", CONCLUSION)
    desk.get_by_test_id("save-draft").click()
    desk.wait_for_load_state()
    assert desk.get_by_test_id("flash").inner_text() == vi("The draft was saved.")
    rows = desk.get_by_test_id("draft-row")
    expect(rows).to_have_count(2)
    assert desk.input_value(f"textarea[name=conclusion-{item_id}]") == CONCLUSION
    minutes = Minutes.objects.get(meeting=meeting)
    latest = minutes.drafts.order_by("-number").first()
    assert latest.number == 2 and latest.saved_by == cabinet.secretary
    assert latest.content["items"][str(item_id)] == {"summary": SUMMARY, "conclusion": CONCLUSION}
    look(desk, "minutes-draft-editor")

    # The preview is the saved draft, marked as such, and stores nothing.
    preview = desk.request.get(desk.get_by_test_id("preview-link").get_attribute("href"))
    assert preview.status == 200 and preview.headers["content-type"] == "application/pdf"
    text = pdf_text(preview.body(), tmp_path)
    assert "BẢN XEM TRƯỚC - CHƯA KÝ" in text and "Giao Bộ Tư pháp thẩm định lại hồ" in text
    pdf_pages_png(preview.body(), "minutes-preview-pdf")
    assert minutes.current_version_id is None

    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_test_id("issue-button").click()
    desk.wait_for_url(f"**/minutes/meeting/{meeting.pk}/#signing")
    assert desk.get_by_test_id("flash").inner_text() == vi("The minutes were issued for signature.")
    assert desk.get_by_test_id("minutes-page").get_attribute("data-state") == "secretary"
    expect(desk.get_by_test_id("editor")).to_have_count(0)
    issued = Minutes.objects.get(pk=minutes.pk)
    assert issued.current_version.document.versions.count() == 1
    return issued


def signed_in_order(tablet, desk, cabinet, minutes: Minutes) -> Record:
    """The secretary (a wrong PIN first), the chair on a tablet, then the seal."""
    meeting = minutes.meeting
    document = minutes.current_version.document
    # A wrong PIN: a clear message, the PIN not sent back, nothing signed.
    sign_with(desk, "000000")
    error = desk.get_by_test_id("field-error-pin")
    assert error.inner_text() == vi(
        "Wrong PIN; nothing was signed. %(left)d attempts left before the key locks.", left=4
    )
    assert desk.input_value("input[name=sign-pin]") == ""
    assert document.versions.count() == 1 and Signature.objects.count() == 0
    assert Minutes.objects.get(pk=minutes.pk).state == "secretary"
    assert SigningKey.objects.get(user=cabinet.secretary).failed_attempts == 1
    look(desk, "minutes-wrong-pin")

    sign_with(desk, USER_PIN)
    desk.wait_for_url(f"**/minutes/meeting/{meeting.pk}/#signing")
    assert desk.get_by_test_id("flash").inner_text() == vi("You signed the minutes as secretary.")
    assert desk.get_by_test_id("step-secretary").get_attribute("data-done") == "1"
    expect(desk.get_by_test_id("sign-form")).to_have_count(0)  # the chair's turn, not ours
    assert document.versions.count() == 2 and Signature.objects.count() == 1
    look(desk, "minutes-secretary-signed")

    chair = tablet(TABLET_PORTRAIT)
    login(chair, cabinet.chair.username)
    chair.goto(f"/minutes/meeting/{meeting.pk}/")
    assert chair.get_by_test_id("minutes-page").get_attribute("data-state") == "chair"
    expect(chair.get_by_test_id("editor")).to_have_count(0)
    expect(chair.get_by_test_id("history")).to_have_count(0)
    look(chair, "minutes-chair-to-sign")
    sign_with(chair, USER_PIN)
    chair.wait_for_url(f"**/minutes/meeting/{meeting.pk}/#signing")
    assert chair.get_by_test_id("flash").inner_text() == vi("You signed the minutes as chair.")
    assert chair.get_by_test_id("step-chair").get_attribute("data-done") == "1"
    assert document.versions.count() == 3 and Signature.objects.count() == 2
    look(chair, "minutes-chair-signed")

    desk.goto(f"/minutes/meeting/{meeting.pk}/")
    assert desk.get_by_test_id("minutes-page").get_attribute("data-state") == "seal"
    look(desk, "minutes-to-seal")
    sign_with(desk, SEAL_PIN)
    desk.wait_for_url(f"**/minutes/meeting/{meeting.pk}/#signing")
    assert desk.get_by_test_id("flash").inner_text() == vi("The minutes were sealed and archived.")
    assert desk.get_by_test_id("minutes-page").get_attribute("data-state") == "archived"
    expect(desk.get_by_test_id("archived")).to_be_visible()
    steps = desk.get_by_test_id("steps").locator("li")
    assert steps.evaluate_all("ls => ls.map(l => l.dataset.done)") == ["1", "1", "1"]
    look(desk, "minutes-archived")
    link = desk.get_by_test_id("archive-record-link").get_attribute("href")
    sealed = Minutes.objects.get(pk=minutes.pk)
    record = Record.objects.get(pk=sealed.archive_record_id)
    assert link == f"/archive/{record.pk}/"
    signed_pdf = desk.request.get(desk.get_by_test_id("minutes-pdf").get_attribute("href"))
    assert signed_pdf.status == 200
    assert signed_pdf.body() == version_bytes(sealed.current_version)
    assert signed_pdf.body() == version_bytes(record.version)
    pdf_pages_png(signed_pdf.body(), "minutes-signed-pdf")
    return record


def found_and_checked(tablet, cabinet, record: Record, nss_db, tmp_path) -> None:
    """The archivist searches without accents, opens, verifies and downloads."""
    meeting_id = record.meta["meeting_id"]
    # The archivist finds the record without accents and checks it.
    archive = tablet(TABLET_LANDSCAPE)
    login(archive, cabinet.archivist.username)
    archive.get_by_test_id("nav-archive").click()
    archive.wait_for_url("**/archive/")
    archive.fill("input[name=q]", "bien ban tham dinh ho so")
    archive.get_by_test_id("archive-search-submit").click()
    archive.wait_for_load_state()
    found = archive.get_by_test_id("archive-row")
    expect(found).to_have_count(1)
    assert found.get_attribute("data-record-id") == str(record.pk)
    look(archive, "archive-search-minutes")
    found.locator("a").click()
    archive.wait_for_url(f"**/archive/{record.pk}/")
    assert archive.get_by_test_id("record-sha256").inner_text() == record.sha256
    assert record.sha256 == hashlib.sha256(version_bytes(record.version)).hexdigest()
    look(archive, "archive-record-minutes")
    source = archive.get_by_test_id("record-source").get_attribute("href")
    assert source == f"/minutes/meeting/{meeting_id}/"
    assert archive.request.get(source).status == 200  # the archivist may read the minutes

    archive.get_by_test_id("record-verify").click()
    archive.wait_for_url(f"**/archive/{record.pk}/verify/")
    assert archive.get_by_test_id("verify-summary").get_attribute("data-ok") == "yes"
    verdicts = archive.get_by_test_id("signature-verdict")
    kinds = verdicts.evaluate_all("vs => vs.map(v => v.dataset.kind + ':' + v.dataset.ok)")
    assert [k for k in kinds if not k.startswith("timestamp")] == [
        "personal:yes",
        "personal:yes",
        "seal:yes",
    ]
    assert all(k.endswith(":yes") for k in kinds)
    trusted = verdicts.get_by_test_id("check-trusted")
    expect(trusted).to_have_count(len(kinds))
    assert set(trusted.all_inner_texts()) == {"✓ " + vi("Trusted")}
    look(archive, "archive-verify-minutes")

    archive.go_back()
    original = archive.request.get(archive.get_by_test_id("record-original").get_attribute("href"))
    assert original.status == 200 and original.headers["x-content-sha256"] == record.sha256
    assert original.body() == version_bytes(record.version)
    assert_independently_valid(original.body(), nss_db, tmp_path, signatures=3)

    # The package is prepared in the background; its page offers the file when ready.
    # With the embedded default's immediate tasks the package is built before the job
    # page answers (a few seconds); a worker makes it a background job.
    archive.get_by_test_id("record-package").click(timeout=60_000)
    archive.wait_for_selector("[data-testid=export-job][data-state=ready]", timeout=60_000)
    with archive.expect_download() as download_info:
        archive.get_by_test_id("export-download").click()
    package = download_info.value
    assert package.suggested_filename == f"ho-so-luu-tru-{record.pk}.zip"
    with zipfile.ZipFile(io.BytesIO(package.path().read_bytes())) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        names = set(zipped.namelist()) - {"manifest.json"}
        assert {f["path"] for f in manifest["files"]} == names
        for entry in manifest["files"]:
            data = zipped.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["size"]
        [listed] = manifest["records"]
        assert listed["id"] == record.pk and listed["signatures_valid"] is True
        assert zipped.read(listed["file"]["path"]) == original.body()


def refused_to_a_member(tablet, cabinet, record: Record) -> None:
    # A member has no archive: no link, the search refused, the record unknown.
    member = tablet(TABLET_PORTRAIT)
    login(member, cabinet.minister.username)
    expect(member.get_by_test_id("nav-archive")).to_have_count(0)
    assert member.goto("/archive/").status == 403
    fits(member, TABLET_PORTRAIT)
    assert member.goto(f"/archive/{record.pk}/").status == 404
    assert member.request.get(f"/archive/{record.pk}/original/").status == 404
    assert member.request.get(f"/archive/{record.pk}/package.zip").status == 404
    assert Record.objects.count() == 1
