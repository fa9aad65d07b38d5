"""The draft page on a tablet: versions, comments by page, the diff, the comment form."""

import pytest
from playwright.sync_api import expect

from circulation import services
from tests.browser.conftest import TABLET_PORTRAIT, login, screenshot
from tests.circulation_helpers import circulate, draft_pdf
from tests.factories import NamedBytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_draft_page_reads_well_on_a_tablet(tablet, cabinet):
    circulation = circulate(cabinet)
    comment = services.comment_add(
        actor=cabinet.chair, circulation=circulation, text="Đề nghị làm rõ Điều 1.", page=1
    )
    services.comment_add(actor=cabinet.members[2], circulation=circulation, text="Nhất trí.")
    services.circulation_add_version(
        actor=cabinet.secretary,
        circulation=circulation,
        file=NamedBytes(draft_pdf("Điều 1. Phạm vi điều chỉnh đã sửa", 2)),
        filename="v2.pdf",
        note="Tiếp thu ý kiến",
        answers=[comment.pk],
    )
    page = tablet(TABLET_PORTRAIT)
    login(page, cabinet.minister.username)
    page.goto(f"/drafts/{circulation.pk}/?a=1&b=2")
    expect(page.get_by_test_id("draft-summary")).to_be_visible()
    expect(page.get_by_test_id(f"comment-answered-{comment.pk}")).to_be_visible()
    expect(page.get_by_test_id("diff-added").first).to_be_visible()
    expect(page.get_by_test_id("comment-form")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET_PORTRAIT["width"]  # nothing overflows sideways
    screenshot(page, "circulation-draft-tablet")
