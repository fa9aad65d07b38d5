"""Notifications stored before kinds had data are migrated, not lost: they keep their
words, gain the subject their link names (so a duty done settles them too), and read as
before on the page and over the API. Runs the real migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification
from notifications.services import notifications_settle
from tests.roles import client_for

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("notifications", "0002_initial")]
AFTER = [("notifications", "0004_subjects_of_earlier_rows")]

OLD_ROWS = [
    # kind, title, message, url -> the subject it should get
    ("ballot.opened", "Phiếu lấy ý kiến: Dự thảo", "Đề nghị trả lời trước 09:15", "/ballots/12/"),
    ("meeting.published", "Giấy mời: Phiên họp tháng 12", "Kính mời", "/meetings/7/"),
    ("circulation.started", "Đề nghị góp ý: Dự thảo", "", "/drafts/5/"),
    ("leave.requested", "Đề nghị vắng mặt: Bộ trưởng", "Ốm", "/meetings/7/leave/"),
    ("ballot.delegation_withdrawn", "Thu hồi ủy quyền", "", "/ballots/"),
    ("test", "Thông báo cũ", "", "https://example.org/ballots/3/"),
]
SUBJECTS = ["ballot:12", "meeting:7", "circulation:5", "", "", ""]


def migrate(executor: MigrationExecutor, target):
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def old_rows(cabinet):
    executor = MigrationExecutor(connection)
    apps = migrate(executor, BEFORE)
    old_model = apps.get_model("notifications", "Notification")
    for kind, title, message, url in OLD_ROWS:
        old_model.objects.create(
            recipient_id=cabinet.minister.pk, kind=kind, title=title, message=message, url=url
        )
    migrate(MigrationExecutor(connection), AFTER)
    yield list(Notification.objects.order_by("pk"))
    migrate(MigrationExecutor(connection), MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_old_rows_keep_their_words_and_gain_the_subject_their_link_names(old_rows):
    assert [n.subject for n in old_rows] == SUBJECTS
    assert [n.data for n in old_rows] == [{}] * len(OLD_ROWS)
    for note, (_kind, title, message, _url) in zip(old_rows, OLD_ROWS, strict=True):
        assert (note.rendered.title, note.rendered.message) == (title, message)


def test_old_rows_read_as_before_on_the_page_and_over_the_api(old_rows, cabinet):
    client = client_for(cabinet, "minister")
    page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for _kind, title, _message, _url in OLD_ROWS:
        assert title in page
    body = client.get("/api/notifications", HTTP_ACCEPT_LANGUAGE="en").json()
    titles = {n["title"] for n in body["notifications"]}
    assert titles == {title for _kind, title, _message, _url in OLD_ROWS}
    assert body["unread"] == len(OLD_ROWS)


def test_a_duty_done_settles_an_old_row_about_the_same_thing(old_rows, cabinet):
    assert notifications_settle(recipient=cabinet.minister, subject="ballot:12") == 1
    assert Notification.objects.get(subject="ballot:12").read_at is not None
