"""Notes in the reader on a 768×1024 tablet, on a real Daphne: a member highlights a
passage, shares it with a colleague, and the colleague's open reader shows it live,
named as the author's; a note written by tapping the page is saved once."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from annotations.models import Annotation
from bench.common import session_keys
from tests.browser import test_room as room_support
from tests.browser.conftest import TABLET_PORTRAIT, screenshot, wait_for
from tests.browser.test_room import needs_daphne, off_the_loop
from tests.browser.test_room_viewer import add_paper
from tests.factories import make_meeting

daphne = room_support.daphne
pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _daphne_reads_our_media(settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


@pytest.fixture
def signed_in(browser, daphne):
    contexts = []

    def open_page(user):
        context = browser.new_context(viewport=TABLET_PORTRAIT, locale="vi-VN", base_url=daphne)
        context.set_default_timeout(15_000)
        contexts.append(context)
        (key,) = off_the_loop(session_keys, [user])
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": daphne}])
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def paper(cabinet):
    def build():
        meeting = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
        return add_paper(
            cabinet, meeting, meeting.items.get(), pages=2, summary="Tờ trình dự án Luật Đất đai"
        )

    return off_the_loop(build)


def open_reader(page, paper):
    page.goto(f"/meetings/{paper.meeting_id}/papers/{paper.pk}/read/")
    page.wait_for_selector("[data-testid=reader-view][data-state=ready][data-page='1']")
    page.wait_for_selector("[data-testid=annotation-layer]", state="attached")
    wait_for(page, "document.querySelector('[data-testid=reader]').dataset.live === 'on'")
    wait_for(page, "document.querySelectorAll('.reader-page .textLayer span').length > 0")


def test_a_highlight_shared_with_a_colleague_shows_in_their_open_reader(cabinet, paper, signed_in):
    author, colleague = cabinet.members[1], cabinet.members[2]
    a = signed_in(author)
    b = signed_in(colleague)
    open_reader(a, paper)
    open_reader(b, paper)
    tools = a.locator("[data-testid=reader-tools]")
    for testid, words in [
        ("annotate-highlight", "Đánh dấu"),
        ("annotate-ink", "Bút"),
        ("annotate-note", "Ghi chú"),
        ("annotate-share", "Chia sẻ"),
        ("annotate-export", "Xuất ghi chú"),
    ]:
        assert tools.locator(f"[data-testid={testid}]").inner_text() == words

    # A selects a passage of the text layer and highlights it.
    a.locator(".reader-page .textLayer span").first.select_text()
    a.click("[data-testid=annotate-highlight]")
    mine = "[data-testid=annotation][data-kind=highlight][data-mine=true]"
    try:
        a.wait_for_selector(mine + "[data-pending=false]", state="attached")
    finally:
        screenshot(a, "annotations-highlight-768x1024")
        print(a.locator("[data-testid=annotation-status]").inner_text())
    wait_for(a, "document.querySelector('[data-testid=annotate-share]').disabled === false")
    note = off_the_loop(lambda: Annotation.objects.get())
    assert (note.author, note.page, note.kind, note.visibility) == (
        author,
        1,
        "highlight",
        "private",
    )
    assert note.data["rects"] and all(r[2] > 0 and r[3] > 0 for r in note.data["rects"])
    # The rectangle lies where the words are: near the page's top-left, on an A4 page.
    x, y, w, h = note.data["rects"][0]
    assert 0 <= x < 300 and 0 <= y < 300 and w < 595 and h < 100
    expect(b.locator("[data-testid=annotation]")).to_have_count(0)  # private so far

    # A shares it with B by name.
    a.click("[data-testid=annotate-share]")
    a.check(f"[data-testid=share-person-{colleague.pk}]")
    assert a.is_checked("[data-testid=share-people]")
    a.click("[data-testid=share-save]")
    wait_for(a, "document.querySelector('[data-testid=annotation-status]').textContent.length > 0")

    # B's reader, open all along, shows it live as A's note.
    shared = b.locator("[data-testid=annotation][data-kind=highlight][data-mine=false]")
    shared.wait_for()
    assert shared.get_attribute("data-author") == str(author)
    assert str(author) in b.locator("[data-testid=annotation] .annotation-author").text_content()
    box = b.locator("[data-testid=annotation] rect").first.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5
    screenshot(a, "annotations-author-768x1024")
    screenshot(b, "annotations-colleague-768x1024")

    # A takes the note back: it leaves B's page too.
    a.click("[data-testid=annotate-share]")
    a.check("[data-testid=share-private]")
    a.click("[data-testid=share-save]")
    b.locator("[data-testid=annotation]").first.wait_for(state="detached")


def test_a_note_tapped_on_the_page_is_saved_once(cabinet, paper, signed_in):
    author = cabinet.members[1]
    a = signed_in(author)
    open_reader(a, paper)
    a.click("[data-testid=annotate-note]")
    page_box = a.locator(".reader-page").bounding_box()
    a.mouse.click(page_box["x"] + 300, page_box["y"] + 400)
    a.fill("[data-testid=note-text]", "Hỏi lại Bộ Tài chính về số liệu")
    a.click("[data-testid=note-save]")
    a.wait_for_selector("[data-testid=annotation][data-kind=note][data-pending=false]")
    wait_for(a, "document.querySelector('[data-testid=note-body]') !== null")
    note = off_the_loop(lambda: Annotation.objects.get())
    assert note.text == "Hỏi lại Bộ Tài chính về số liệu" and note.kind == "note"
    scale = page_box["width"] / 595.28
    assert note.data["at"] == [pytest.approx(300 / scale, abs=2), pytest.approx(400 / scale, abs=2)]
    # Reading the paper again shows it, and nothing was stored twice.
    a.reload()
    open_reader(a, paper)
    a.wait_for_selector("[data-testid=annotation][data-kind=note]", state="attached")
    assert off_the_loop(lambda: Annotation.objects.count()) == 1


OUTBOX = """
new Promise((resolve) => {
  const open = indexedDB.open("ecabinet-annotations", 1);
  open.onsuccess = () => {
    const request = open.result.transaction("outbox").objectStore("outbox").getAll();
    request.onsuccess = () => { open.result.close(); resolve(request.result.length); };
  };
})
"""


def test_a_note_made_offline_waits_on_the_tablet_and_is_stored_once_back_online(
    cabinet, paper, signed_in
):
    a = signed_in(cabinet.members[1])
    open_reader(a, paper)
    a.context.set_offline(True)
    a.click("[data-testid=annotate-note]")
    page_box = a.locator(".reader-page").bounding_box()
    a.mouse.click(page_box["x"] + 200, page_box["y"] + 250)
    a.fill("[data-testid=note-text]", "Ghi chú trên máy bay")
    a.click("[data-testid=note-save]")
    a.wait_for_selector("[data-testid=annotation][data-kind=note][data-pending=true]")
    wait_for(a, OUTBOX.strip() + ".then((n) => n === 1)")
    assert "ngoại tuyến" in a.locator("[data-testid=annotation-status]").inner_text()
    assert off_the_loop(lambda: Annotation.objects.count()) == 0

    a.context.set_offline(False)  # the browser says "online": the outbox is sent
    a.wait_for_selector("[data-testid=annotation][data-kind=note][data-pending=false]")
    wait_for(a, OUTBOX.strip() + ".then((n) => n === 0)")
    note = off_the_loop(lambda: Annotation.objects.get())
    assert note.text == "Ghi chú trên máy bay"
    # Sent again (another tab's outbox, a retry after a lost answer): still one note.
    status = a.evaluate(
        """(body) => fetch("/api/annotations/" + body.cid, {
            method: "PUT", credentials: "same-origin",
            headers: {"Content-Type": "application/json",
                      "X-CSRFToken": document.cookie.match(/csrftoken=([^;]+)/)[1]},
            body: JSON.stringify(body.note)}).then((r) => r.status)""",
        {
            "cid": str(note.client_id),
            "note": {
                "paper_id": paper.pk,
                "version": 1,
                "page": 1,
                "kind": "note",
                "data": note.data,
                "text": note.text,
                "colour": note.colour,
            },
        },
    )
    assert status == 200
    assert off_the_loop(lambda: Annotation.objects.count()) == 1


def test_a_note_written_then_deleted_offline_reaches_the_server_as_both_in_order(
    cabinet, paper, signed_in
):
    # Two changes of one note made without network are two entries of the outbox: the
    # deletion does not replace the writing, so the server's record (and its audit trail)
    # has the note and its deletion, in that order.
    a = signed_in(cabinet.members[1])
    open_reader(a, paper)
    a.context.set_offline(True)
    a.click("[data-testid=annotate-note]")
    page_box = a.locator(".reader-page").bounding_box()
    a.mouse.click(page_box["x"] + 200, page_box["y"] + 250)
    a.fill("[data-testid=note-text]", "Viết nhầm, xóa ngay")
    a.click("[data-testid=note-save]")
    a.wait_for_selector("[data-testid=annotation][data-kind=note][data-pending=true]")
    a.click("[data-testid=note-delete]")
    wait_for(a, OUTBOX.strip() + ".then((n) => n === 2)")
    a.context.set_offline(False)
    wait_for(a, OUTBOX.strip() + ".then((n) => n === 0)")
    note = off_the_loop(lambda: Annotation.objects.get())
    assert note.text == "Viết nhầm, xóa ngay" and note.deleted_at is not None
    expect(a.locator("[data-testid=annotation]")).to_have_count(0)
