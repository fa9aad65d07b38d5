"""The live meeting room, end to end: three tablets in Chromium on a real Daphne (the
live server speaks WSGI only, no WebSockets), sharing PostgreSQL and Redis with the test.

A minister's tablet that drops off the network catches up by itself and ends with the
same sequence number and the same room as the others."""

from __future__ import annotations

import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from playwright.sync_api import expect

from bench.common import daphne_command, free_port, process, session_keys
from meetings import live
from meetings import services as meetings
from meetings.models import SpeakerRequest
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot, wait_for
from tests.factories import make_meeting
from voting.models import Vote

ROOT = Path(__file__).resolve().parents[2]

needs_daphne = pytest.mark.skipif(
    connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
    reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): Daphne runs apart",
)
pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]


def wait_for_port(port: int, seconds: float = 30) -> None:
    # Synchronously: Playwright's sync API already runs an event loop in this thread.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


# What the test's Daphne processes call themselves in pg_stat_activity: a test can tell
# their database connections from its own (tests/browser/test_room_outage.py).
DAPHNE_APPLICATION = "ecabinet-test-daphne"


def daphne_serving(log_dir: Path, **extra_env: str):
    """A Daphne process on the test database and the test's Redis (plus `extra_env`, e.g.
    the test's media and signing set-up); yields its base URL."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            f"?application_name={DAPHNE_APPLICATION}"
        ),
        "REDIS_URL": os.environ["REDIS_URL"],
        "REDIS_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
        "DJANGO_SETTINGS_MODULE": "ecabinet.settings",
        "DEBUG": "true",  # WhiteNoise then serves static files straight from static/
        "LANGUAGE_CODE": "en",
        **extra_env,
    }
    port = free_port()
    with process(daphne_command(port), env, log_dir / "daphne.log"):
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def daphne(tmp_path):
    yield from daphne_serving(tmp_path)


@pytest.fixture
def room_tablet(browser, daphne):
    contexts = []

    def open_room(user, meeting, viewport):
        context = browser.new_context(viewport=viewport, locale="en-US", base_url=daphne)
        context.set_default_timeout(15_000)
        contexts.append(context)
        # Daphne hashes passwords for real, the test's users with the fast test hasher:
        # the tablet gets a signed-in session instead of typing a password.
        (key,) = off_the_loop(session_keys, [user])
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": daphne}])
        page = context.new_page()
        page.goto(f"/meetings/{meeting.pk}/room/")
        page.wait_for_selector("[data-testid=connection][data-state=online]")
        return page

    yield open_room
    for context in contexts:
        context.close()


def off_the_loop(fn, *args):
    """Run a service in another thread: Playwright's loop runs in this one, and publishing
    an event (async_to_sync) refuses to run inside a loop."""

    def run():
        try:
            return fn(*args)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def meeting_in_progress(cabinet, *, items: int, present=(), open_first=False):
    """A published meeting the chair has started, with `present` checked in and, with
    `open_first`, its first item open (written off the loop)."""

    def start():
        meeting = make_meeting(cabinet.body, cabinet.secretary, items=items, publish=True)
        for person in present:
            live.attendance_check_in(actor=person, meeting=meeting)
        meetings.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
        if open_first:
            live.item_open(actor=cabinet.chair, item=meeting.items.order_by("order").first())
        return meeting

    return off_the_loop(start)


@pytest.fixture
def running_meeting(cabinet):
    return meeting_in_progress(cabinet, items=2, open_first=True)


def seq(page) -> int:
    return page.evaluate("window.ecabinetRoom.seq")


def text(page, testid: str) -> str:
    return page.locator(f"[data-testid={testid}]").inner_text().strip()


def wait_text(page, testid: str, expected: str) -> None:
    wait_for(
        page,
        "([id, want]) => document.querySelector(`[data-testid=${id}]`).textContent.includes(want)",
        arg=[testid, expected],
    )


def test_three_tablets_run_a_meeting_and_one_catches_up_after_dropping_off(
    cabinet, running_meeting, room_tablet
):
    meeting = running_meeting
    first_minister, second_minister = cabinet.members[1], cabinet.members[2]
    chair = room_tablet(cabinet.chair, meeting, TABLET_LANDSCAPE)
    one = room_tablet(first_minister, meeting, TABLET_PORTRAIT)
    two = room_tablet(second_minister, meeting, TABLET_PORTRAIT)

    # Ministers check in; everyone sees the quorum figure move.
    for pad in (one, two):
        pad.click("[data-testid=check-in]")
        pad.wait_for_selector("[data-testid=check-in]", state="hidden")
    chair.wait_for_selector(f"[data-testid=attendee-{second_minister.pk}][data-status=present]")
    assert text(chair, "quorum-present") == "2"
    # Attendance is folded away on a portrait tablet: the figure is there, unseen.
    assert one.locator("[data-testid=quorum-present]").text_content() == "2"

    # A minister asks to speak; the chair sees the queue.
    one.click("[data-testid=ask-to-speak]")
    chair.wait_for_selector(f"[data-testid=queue-entry-{first_minister.pk}]")
    one.wait_for_selector("[data-testid=withdraw]")
    screenshot(chair, "room-1-chair-queue-1024x768")

    # The chair opens a named vote; both ministers vote; all see the result on close.
    chair.fill("[data-testid=vote-question-input]", "Tán thành dự thảo Nghị định?")
    chair.click("[data-testid=open-vote]")
    for pad in (one, two):
        pad.wait_for_selector("[data-testid=vote-buttons]")
        assert text(pad, "vote-question") == "Tán thành dự thảo Nghị định?"
    one.click("[data-testid=vote-yes]")
    two.click("[data-testid=vote-no]")
    one.wait_for_selector("[data-testid=my-vote][data-choice=yes]")
    two.wait_for_selector("[data-testid=my-vote][data-choice=no]")
    wait_text(chair, "vote-tally", "2 / 6")
    screenshot(one, "room-2-minister-voted-768x1024")
    chair.click("[data-testid=close-vote]")
    for pad in (chair, one, two):
        pad.wait_for_selector("[data-testid=vote][data-state=closed]")
        pad.wait_for_selector("[data-testid=vote-result][data-adopted='0']")
        assert "In favour: 1" in text(pad, "vote-tally")
    vote = Vote.objects.get()
    assert vote.result["counts"] == {"yes": 1, "no": 1, "abstain": 0}
    screenshot(chair, "room-3-chair-result-1024x768")

    # The second minister drops off; the room moves on without them.
    two.context.set_offline(True)
    two.wait_for_selector("[data-testid=connection][data-state=offline]")
    chair.click("[data-testid=next-speaker]")
    wait_text(chair, "current-speaker", first_minister.full_name)
    chair.fill("[data-testid=vote-question-input]", "Giao Bộ Tài chính tiếp thu?")
    chair.click("[data-testid=open-vote]")
    one.wait_for_selector("[data-testid=vote][data-state=open]")
    one.click("[data-testid=vote-abstain]")
    wait_text(chair, "vote-tally", "1 / 6")
    chair.wait_for_selector("[data-testid=vote-form]", state="hidden")
    assert text(two, "current-speaker") != first_minister.full_name
    # Asked while offline: the command waits, and is sent (once) on reconnecting.
    two.click("[data-testid=ask-to-speak]")
    assert two.evaluate("window.ecabinetRoom.pending") == 1
    screenshot(two, "room-4-minister-offline-768x1024")

    two.context.set_offline(False)
    two.wait_for_selector("[data-testid=connection][data-state=online]")
    chair.wait_for_selector(f"[data-testid=queue-entry-{second_minister.pk}]")
    two.wait_for_selector("[data-testid=withdraw]")
    assert two.evaluate("window.ecabinetRoom.pending") == 0
    assert SpeakerRequest.objects.filter(user=second_minister).count() == 1
    target = seq(chair)
    for pad in (one, two):
        wait_for(pad, f"window.ecabinetRoom.seq === {target}")
    wait_text(two, "current-speaker", first_minister.full_name)
    wait_text(two, "vote-question", "Giao Bộ Tài chính tiếp thu?")
    for testid in ["current-speaker", "current-item", "vote-question", "quorum-present"]:
        seen = [pad.locator(f"[data-testid={testid}]").text_content() for pad in (two, chair, one)]
        assert seen[0] == seen[1] == seen[2], testid
    wait_text(two, "vote-tally", "1 / 6")
    expect(two.locator("[data-testid=speaker-timer]")).to_be_visible()
    for pad, size in [(two, TABLET_PORTRAIT), (chair, TABLET_LANDSCAPE)]:
        assert pad.evaluate("document.documentElement.scrollWidth") <= size["width"]
    screenshot(two, "room-5-minister-caught-up-768x1024")
    screenshot(chair, "room-6-chair-1024x768")


def test_the_chair_keeps_a_half_typed_question_while_the_room_changes(
    cabinet, running_meeting, room_tablet
):
    chair = room_tablet(cabinet.chair, running_meeting, TABLET_LANDSCAPE)
    minister = room_tablet(cabinet.minister, running_meeting, TABLET_PORTRAIT)
    chair.fill("[data-testid=vote-question-input]", "Câu hỏi đang gõ")
    before = seq(chair)
    minister.click("[data-testid=check-in]")
    wait_for(chair, f"window.ecabinetRoom.seq > {before}")
    chair.wait_for_selector(f"[data-testid=attendee-{cabinet.minister.pk}][data-status=present]")
    assert chair.input_value("[data-testid=vote-question-input]") == "Câu hỏi đang gõ"
