"""The briefcase on a 768×1024 tablet, end to end on a real Daphne (see test_room.py): a
member sets an offline PIN, the meeting's papers are downloaded and sealed, the tablet
goes offline, the page comes from the service worker, the PIN opens a paper in the reader
and a position marked offline is stored once when the network returns; what the device
holds is ciphertext, in the page's IndexedDB and on disk; a device revoked by the
secretariat wipes itself and is refused from then on."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from bench.common import session_keys
from briefcase.models import Device
from ecabinet.audit.models import AuditEntry
from meetings.models import PaperReading, Position
from tests.browser import test_room as room_support
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET_PORTRAIT, screenshot, wait_for
from tests.browser.test_room import needs_daphne, off_the_loop
from tests.browser.test_room_viewer import add_paper
from tests.factories import make_meeting

daphne = room_support.daphne
pytestmark = [
    needs_daphne,
    pytest.mark.django_db(transaction=True),
    pytest.mark.service_worker,
]

PIN = "246810"
TITLE = "Tờ trình dự án Luật Đất đai sửa đổi"


@pytest.fixture(autouse=True)
def _daphne_reads_our_media(settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


@pytest.fixture
def meeting_with_paper(cabinet):
    """A published meeting (positions may still be marked) with a paper on its first
    item and a Mật paper that never goes offline."""

    def build():
        meeting = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)
        first = meeting.items.order_by("order").first()
        paper = add_paper(cabinet, meeting, first, pages=3, summary=TITLE)
        add_paper(
            cabinet,
            meeting,
            first,
            pages=1,
            summary="Báo cáo Mật về ngân sách",
            confidentiality="mat",
            recipients=[cabinet.members[1]],
        )
        return meeting, first, paper

    return off_the_loop(build)


def signed_in(context, user, base_url: str) -> None:
    # Daphne hashes passwords for real, the test's users with the fast test hasher:
    # the tablet gets a signed-in session instead of typing a password.
    (key,) = off_the_loop(session_keys, [user])
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": base_url}])


def new_tablet(browser, daphne, user):
    context = browser.new_context(viewport=TABLET_PORTRAIT, locale="vi-VN", base_url=daphne)
    context.set_default_timeout(20_000)
    signed_in(context, user, daphne)
    return context, context.new_page()


def set_up_briefcase(page, meeting) -> None:
    page.goto("/briefcase/")
    page.wait_for_selector("[data-testid=pin-set]:not([hidden])")
    page.fill("[data-testid=pin-new]", PIN)
    page.fill("[data-testid=pin-again]", PIN)
    page.click("[data-testid=pin-save]")
    badge = page.wait_for_selector(f"[data-testid=sync-{meeting.pk}][data-state=ok]")
    assert badge.inner_text().strip() == "Đã cập nhật"


def service_worker_ready(page) -> bool:
    """Whether the app's service worker controls the page and keeps /briefcase/."""
    if page.request.get("/sw.js").status != 200:
        return False
    wait_for(page, "() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # the page is controlled once the worker is active
    wait_for(
        page,
        "() => !!navigator.serviceWorker.controller"
        " && caches.match('/briefcase/', {ignoreVary: true}).then(r => !!r)",
        timeout=20_000,
    )
    return True


def test_a_position_marked_offline_in_the_briefcase_is_stored_once_back_online(
    browser, daphne, cabinet, meeting_with_paper
):
    meeting, item, paper = meeting_with_paper
    minister = cabinet.members[1]
    context, page = new_tablet(browser, daphne, minister)
    set_up_briefcase(page, meeting)
    expect(page.locator(f"[data-testid=bc-read-{paper.pk}]")).to_be_visible()
    secret = page.locator("[data-testid^=bc-not-offline-]")
    expect(secret).to_have_count(1)  # a Mật paper is listed, never kept offline
    screenshot(page, "briefcase-1-synced-768x1024")
    if not service_worker_ready(page):
        context.close()
        pytest.skip("the app's service worker (/sw.js) is not served yet: nothing keeps the page")

    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    page.wait_for_selector("[data-testid=briefcase-network][data-state=offline]")
    page.fill("[data-testid=pin]", "000000")
    page.click("[data-testid=pin-open]")
    page.wait_for_selector("[data-testid=pin-error]:not([hidden])")
    page.fill("[data-testid=pin]", PIN)
    page.click("[data-testid=pin-open]")
    page.wait_for_selector(f"[data-testid=sync-{meeting.pk}][data-state=ok]")

    page.click(f"[data-testid=bc-read-{paper.pk}]")
    page.wait_for_selector("[data-testid=briefcase-reader-body] .reader-page canvas")
    screenshot(page, "briefcase-2-offline-reader-768x1024")
    page.click("[data-testid=briefcase-reader-close]")

    page.click(f"[data-testid=bc-stance-wish_to_speak-{item.pk}]")
    page.fill(f"[data-testid=bc-comment-{item.pk}]", "Xin trình bày về điều 12")
    page.click(f"[data-testid=bc-position-save-{item.pk}]")
    page.wait_for_selector(f"[data-testid=bc-position-state-{item.pk}][data-state=queued]")
    screenshot(page, "briefcase-3-offline-position-768x1024")
    assert not Position.objects.filter(item=item, member=minister).exists()

    context.set_offline(False)
    page.wait_for_selector(f"[data-testid=bc-position-state-{item.pk}][data-state=sent]")
    # Coming back, the page syncs again and finds the position in the manifest.
    page.reload()
    page.wait_for_selector("[data-testid=briefcase][data-sync=ok]")
    position = Position.objects.get(item=item, member=minister)
    assert (position.stance, position.comment) == ("wish_to_speak", "Xin trình bày về điều 12")
    marked = AuditEntry.objects.filter(action__startswith="position.", actor=minister)
    assert [e.action for e in marked] == ["position.marked"], "sent exactly once"
    checked = page.locator(f"[data-testid=bc-stance-wish_to_speak-{item.pk}] input")
    assert checked.is_checked()
    # The page read offline reached the read receipts too.
    deadline = time.monotonic() + 10
    while not PaperReading.objects.filter(user=minister, paper=paper, pages__contains=[1]):
        assert time.monotonic() < deadline, "the page read offline was reported"
        time.sleep(0.2)
    context.close()


@pytest.fixture
def daphne_no_offline_hours(tmp_path):
    """A server whose briefcases may not be read offline at all: any time without contact
    is past the limit."""
    yield from room_support.daphne_serving(tmp_path, BRIEFCASE_OFFLINE_HOURS="0")


COUNT = """async (stores) => {
  const db = await new Promise((ok) => {
    const r = indexedDB.open("ecabinet-briefcase"); r.onsuccess = () => ok(r.result);
  });
  const counts = await Promise.all(stores.map((name) => new Promise((ok) => {
    const r = db.transaction(name).objectStore(name).count(); r.onsuccess = () => ok(r.result);
  })));
  db.close();
  return counts;
}"""


def test_offline_reading_ends_after_the_hours_without_contact(
    browser, daphne_no_offline_hours, cabinet, meeting_with_paper
):
    meeting, _, _ = meeting_with_paper
    context, page = new_tablet(browser, daphne_no_offline_hours, cabinet.members[1])
    set_up_briefcase(page, meeting)
    assert page.evaluate(COUNT, ["papers", "manifest"]) == [1, 1]
    if not service_worker_ready(page):
        context.close()
        pytest.skip("the app's service worker (/sw.js) is not served yet: nothing keeps the page")

    context.set_offline(True)
    page.reload()
    page.fill("[data-testid=pin]", PIN)
    page.click("[data-testid=pin-open]")
    page.wait_for_selector("[data-testid=briefcase][data-state=ready]")
    notice = page.locator("[data-testid=briefcase-message]")
    assert "0 giờ không kết nối" in notice.inner_text()
    expect(page.locator("[data-testid^=bc-meeting-]")).to_have_count(0)
    assert page.evaluate(COUNT, ["papers", "manifest"]) == [0, 0]
    screenshot(page, "briefcase-5-expired-768x1024")
    context.set_offline(False)
    context.close()


def test_ten_wrong_pins_in_a_row_delete_the_briefcase(browser, daphne, cabinet, meeting_with_paper):
    meeting, _, _ = meeting_with_paper
    context, page = new_tablet(browser, daphne, cabinet.members[1])
    set_up_briefcase(page, meeting)
    if not service_worker_ready(page):
        context.close()
        pytest.skip("the app's service worker (/sw.js) is not served yet: nothing keeps the page")

    context.set_offline(True)
    page.reload()
    for attempt in range(1, 10):
        page.fill("[data-testid=pin]", f"99999{attempt}")
        page.click("[data-testid=pin-open]")
        page.wait_for_selector(f"[data-testid=pin-error]:has-text('Còn {10 - attempt} lần thử')")
    page.fill("[data-testid=pin]", "999990")
    page.click("[data-testid=pin-open]")
    page.wait_for_selector("[data-testid=briefcase][data-state=empty]")
    assert "quá nhiều lần" in page.locator("[data-testid=briefcase-message]").inner_text()
    assert page.evaluate("indexedDB.databases()") == []
    # The right PIN has nothing left to open.
    page.reload()
    page.wait_for_selector("[data-testid=briefcase][data-state=empty]")
    context.set_offline(False)
    context.close()


# Reads every record of every store of the briefcase, as bytes in latin-1 (ArrayBuffers
# and typed arrays as they are, strings as UTF-8), so the test can look for a PDF inside.
READ_ALL = """async () => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open("ecabinet-briefcase");
    r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error);
  });
  const out = [];
  const bytes = (b) => Array.from(new Uint8Array(b), (c) => String.fromCharCode(c)).join("");
  const flat = (v) => {
    if (v instanceof ArrayBuffer) return bytes(v);
    if (ArrayBuffer.isView(v)) return bytes(v.buffer.slice(v.byteOffset, v.byteOffset + v.length));
    if (typeof v === "string") return unescape(encodeURIComponent(v));
    if (v && typeof v === "object") return Object.values(v).map(flat).join("|");
    return String(v);
  };
  for (const name of db.objectStoreNames) {
    const all = await new Promise((ok) => {
      const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => ok(r.result);
    });
    for (const record of all) out.push([name, record.k, flat(record)]);
  }
  db.close();
  return out;
}"""

# A control beside the briefcase, in the clear: proves the scan of the files on disk
# would see a string or bytes stored plainly.
CONTROL = """async () => {
  const db = await new Promise((ok) => {
    const r = indexedDB.open("control", 1);
    r.onupgradeneeded = () => r.result.createObjectStore("c");
    r.onsuccess = () => ok(r.result);
  });
  await new Promise((ok) => {
    const tx = db.transaction("c", "readwrite");
    tx.objectStore("c").put(new TextEncoder().encode("CONTROL-BYTES-7f3a9c").buffer, "bytes");
    tx.objectStore("c").put("Kiểm tra đối chứng trên đĩa", "text");
    tx.oncomplete = ok;
  });
  db.close();
}"""


def encodings(text: str) -> list[bytes]:
    # V8 stores a string as Latin-1 when it can, else as UTF-16.
    return [text.encode("utf-8"), text.encode("utf-16-le")]


def test_what_the_briefcase_keeps_is_ciphertext_in_indexeddb_and_on_disk(
    browser, daphne, cabinet, meeting_with_paper, tmp_path
):
    meeting, _, paper = meeting_with_paper
    minister = cabinet.members[1]
    profile = tmp_path / "profile"
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        viewport=TABLET_PORTRAIT,
        locale="vi-VN",
        base_url=daphne,
    )
    try:
        context.set_default_timeout(20_000)
        signed_in(context, minister, daphne)
        page = context.new_page()
        set_up_briefcase(page, meeting)
        records = page.evaluate(READ_ALL)
        stores = {store for store, _, _ in records}
        assert {"meta", "manifest", "papers"} <= stores
        assert any(key == f"{paper.pk}:1" for store, key, _ in records if store == "papers")
        paper_record = next(raw for store, key, raw in records if store == "papers")
        assert len(paper_record) > 1000  # the sealed PDF is there, as ciphertext
        for store, key, raw in records:
            assert "%PDF" not in raw, (store, key)
            for text in (TITLE, "Luật Đất đai", meeting.title, "Nội dung 1"):
                assert text.encode("utf-8").decode("latin-1") not in raw, (store, key, text)
        page.evaluate(CONTROL)
    finally:
        context.close()  # flushes LevelDB to its files

    files = [p for p in Path(profile).rglob("*") if p.is_file() and "IndexedDB" in str(p)]
    found = b"".join(p.read_bytes() for p in files)
    assert b"CONTROL-BYTES-7f3a9c" in found, "the scan sees bytes stored in the clear"
    assert any(e in found for e in encodings("Kiểm tra đối chứng trên đĩa"))
    assert b"%PDF" not in found
    for text in (TITLE, "Luật Đất đai", meeting.title, "Nội dung 1"):
        assert not any(e in found for e in encodings(text)), text


def test_a_device_revoked_by_the_secretariat_wipes_the_briefcase_and_is_refused(
    browser, daphne, cabinet, meeting_with_paper
):
    meeting, _, paper = meeting_with_paper
    minister = cabinet.members[1]
    context, page = new_tablet(browser, daphne, minister)
    set_up_briefcase(page, meeting)
    device_id = page.evaluate("window.ecabinetBriefcase.device")
    assert Device.objects.filter(public_id=device_id, user=minister).exists()
    assert page.evaluate("indexedDB.databases().then(d => d.map(x => x.name))") == [
        "ecabinet-briefcase"
    ]

    # The secretariat revokes it from its own browser.
    desk_context, desk = new_tablet(browser, daphne, cabinet.secretary)
    desk.goto("/")
    status = desk.evaluate(
        """async (id) => {
          const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
          const r = await fetch(`/api/devices/${id}/revoke`, {method: "POST",
            headers: {"Content-Type": "application/json", "X-CSRFToken": token},
            body: JSON.stringify({reason: "Máy tính bảng bị mất"})});
          return r.status;
        }""",
        device_id,
    )
    assert status == 200

    # The open app hears it on the person stream and wipes at once.
    page.wait_for_selector("[data-testid=briefcase][data-state=wiped]")
    screenshot(page, "briefcase-4-wiped-768x1024")
    assert page.evaluate("indexedDB.databases()") == []
    assert page.evaluate("caches.keys()") == []
    assert page.locator("[data-testid=briefcase-meetings]").inner_text().strip() == ""
    assert page.request.get("/api/devices").status == 401, "signed out"
    deadline = time.monotonic() + 10
    while not Device.objects.get(public_id=device_id).wiped_at:
        assert time.monotonic() < deadline, "the wipe was confirmed to the server"
        time.sleep(0.2)

    # Signed in again, the revoked device gets neither its key nor a paper.
    again_context, again = new_tablet(browser, daphne, minister)
    again.goto("/")
    refused = again.evaluate(
        """async ([id, paper]) => {
          const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
          const headers = {"X-Ecabinet-Device": id, "X-CSRFToken": token};
          const key = await fetch(`/api/devices/${id}/key`, {method: "POST", headers});
          const file = await fetch(`/api/papers/${paper}/file`, {headers});
          return [key.status, (await key.json()).error, file.status];
        }""",
        [device_id, paper.pk],
    )
    assert refused == [410, "device_revoked", 410]
    for c in (again_context, desk_context, context):
        c.close()
