"""The notifications page on a tablet, in Chromium: the same notifications read in
Vietnamese for a Vietnamese browser and in English for an English one (dates in each
language's style, Vietnam time), a row from before kinds had data still shows its words,
and one tap opens the thing and marks the notification read. Photographed at both sizes
in both languages."""

from __future__ import annotations

import pytest
from django.utils import translation

from notifications.models import Notification
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, login, screenshot
from tests.circulation_helpers import circulate
from tests.test_ballots_helpers import open_ballot

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = [TABLET_PORTRAIT, TABLET_LANDSCAPE]
IDS = ["768x1024", "1024x768"]
WORDS = {
    "vi": ["Giấy mời: ", "Phiếu lấy ý kiến: ", "Đề nghị góp ý: ", "Đề nghị trả lời trước "],
    "en": ["Invitation: ", "Written ballot: ", "Comments asked: ", "Please answer before "],
}
LOCALES = {"vi": "vi-VN", "en": "en-US"}
OLD_TITLE = "Giấy mời: Phiên họp chuyên đề tháng 10"


@pytest.fixture
def news(cabinet, meeting):
    """The minister's notifications: an invitation (the published meeting), a written
    ballot, a draft to comment on, and one row kept from before, with its stored words."""
    ballot = open_ballot(cabinet)
    circulate(cabinet)
    Notification.objects.create(  # as the migration leaves an earlier row
        recipient=cabinet.minister,
        kind="meeting.published",
        title=OLD_TITLE,
        message="Văn phòng Chính phủ trân trọng kính mời dự họp.",
        url=f"/meetings/{meeting.pk}/",
    )
    return ballot


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_the_notifications_read_in_the_browsers_language(tablet, cabinet, news, size, language):
    page = tablet(viewport=size, locale=LOCALES[language])
    login(page, cabinet.minister.username)
    page.goto("/notifications/")
    listing = page.get_by_test_id("notification-list")
    text = listing.inner_text()
    for words in WORDS[language]:
        assert words in text, f"{words!r} not on the {language} page"
    assert OLD_TITLE in text  # the earlier row, with the words it was sent with
    ours = text.replace(OLD_TITLE, "")
    assert not any(words in ours for words in WORDS["en" if language == "vi" else "vi"])
    invitation = Notification.objects.get(recipient=cabinet.minister, kind="ballot.opened")
    with translation.override(language):  # the deadline, in that language's date style
        assert invitation.rendered.message in text
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    screenshot(page, f"notifications-{language}-{size['width']}x{size['height']}")


def test_one_tap_opens_the_ballot_and_marks_its_notification_read(tablet, cabinet, news):
    page = tablet(viewport=TABLET_PORTRAIT)
    login(page, cabinet.minister.username)
    page.goto("/notifications/")
    before = int(page.get_by_test_id("unread-count").first.inner_text())
    note = Notification.objects.get(recipient=cabinet.minister, kind="ballot.opened")
    page.get_by_test_id(f"notification-link-{note.pk}").click()
    page.wait_for_url(f"**/ballots/{news.pk}/")
    note.refresh_from_db()
    assert note.read_at is not None
    assert int(page.get_by_test_id("unread-count").first.inner_text()) == before - 1
