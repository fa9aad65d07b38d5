"""The room through a database outage (see test_room.py for the Daphne set-up): Daphne
cannot reach PostgreSQL for a moment; the minister's tap is answered `unavailable` on
the open socket, the page says so and sends it again on its own, and once the database
answers the command goes through once, with no reconnection."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from playwright.sync_api import expect

from meetings.models_live import Attendance
from tests.browser import test_room as room_support
from tests.browser.conftest import TABLET_PORTRAIT, screenshot
from tests.browser.test_room import DAPHNE_APPLICATION, needs_daphne

daphne, room_tablet, running_meeting = (
    room_support.daphne,
    room_support.room_tablet,
    room_support.running_meeting,
)
pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]


class Outage:
    """The test database refuses the test's Daphne: new connections are not allowed, and
    Daphne's open ones (named DAPHNE_APPLICATION) are ended; the test process keeps its
    own, which later tests use. A real refusal by the real server, as a restart gives,
    without stopping the machine's PostgreSQL."""

    def __init__(self) -> None:
        settings = connection.settings_dict
        self.name = settings["NAME"]
        self.admin = psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"],
            user=settings["USER"],
            password=settings.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        )

    def begin(self) -> None:
        self.admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        # Daphne opens a connection per call by default (DATABASE_CONN_MAX_AGE 0); one
        # it keeps, or holds at this moment, is ended as a restart would end it.
        self.admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = %s",
            [self.name, DAPHNE_APPLICATION],
        )

    def end(self) -> None:
        self.admin.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')


@pytest.fixture
def outage():
    cut = Outage()
    try:
        yield cut
    finally:
        cut.end()
        cut.admin.close()


def test_a_tap_during_a_database_outage_goes_through_once_it_answers_with_no_reconnection(
    cabinet, running_meeting, room_tablet, outage
):
    minister = cabinet.members[1]
    pad = room_tablet(minister, running_meeting, TABLET_PORTRAIT)
    sockets = []
    pad.on("websocket", lambda socket: sockets.append(socket.url))

    outage.begin()
    pad.click("[data-testid=check-in]")
    alert = pad.locator("[data-testid=room-alert]")
    expect(alert).to_have_text("The server is briefly interrupted; your action will be sent again.")
    expect(pad.locator("[data-testid=connection]")).to_have_attribute("data-state", "online")
    assert pad.evaluate("window.ecabinetRoom.pending") == 1
    screenshot(pad, "room-outage-1-waiting-768x1024")
    # It keeps trying on the same socket while the database is away.
    pad.wait_for_timeout(1500)
    assert pad.evaluate("window.ecabinetRoom.pending") == 1

    outage.end()
    expect(pad.locator("[data-testid=check-in]")).to_be_hidden()
    expect(alert).to_be_hidden()
    assert pad.evaluate("window.ecabinetRoom.pending") == 0
    expect(pad.locator("[data-testid=connection]")).to_have_attribute("data-state", "online")
    assert sockets == []  # no new socket: the first one stayed open throughout
    checked_in = Attendance.objects.filter(meeting=running_meeting, user=minister)
    assert checked_in.count() == 1 and checked_in.get().left_at is None
    screenshot(pad, "room-outage-2-checked-in-768x1024")
