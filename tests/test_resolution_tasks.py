"""The tasks of an issued resolution are reported on by their lead agency (a member of
that organisation or their assistant) or by the secretariat on its behalf, reopened by
the secretariat with a reason; everyone else is refused, and bad input is refused with
a clear error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound, TooLarge
from resolutions import tracking
from resolutions.models import Resolution, TaskReport, TaskState
from tests.factories import NamedBytes, pdf_bytes
from tests.test_resolution_tasks_helpers import add_task, issued_resolution

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(cabinet):
    return add_task(issued_resolution(cabinet), agency="Bộ Tài chính")


def test_the_minister_of_the_lead_agency_reports_progress_then_completion(cabinet, task):
    minister = cabinet.members[1]  # Bộ Tài chính
    report = tracking.task_report_progress(actor=minister, task=task, text="Đã lấy ý kiến")
    task.refresh_from_db()
    assert (task.state, report.kind, report.on_behalf) == ("in_progress", "progress", False)
    assert task.get_state_display() == "In progress"

    done = tracking.task_report_completion(
        actor=minister,
        task=task,
        text="Đã trình Chính phủ",
        attachment=NamedBytes(pdf_bytes(text="Báo cáo")),
        filename="bao-cao.pdf",
    )
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED and task.completed_at is not None
    assert task.completed_on_time is True
    assert done.attachment.name.endswith(".pdf") and len(done.attachment_sha256) == 64
    with done.attachment.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    actions = list(
        AuditEntry.objects.filter(target_id=str(task.pk)).values_list("action", flat=True)
    )
    assert actions == ["resolution_task.progress", "resolution_task.completed"]


def test_the_assistant_of_the_lead_agency_s_minister_reports(cabinet, task):
    report = tracking.task_report_progress(actor=cabinet.assistant, task=task, text="Đang soạn")
    assert report.author == cabinet.assistant and not report.on_behalf


def test_the_secretariat_reports_on_the_agency_s_behalf(cabinet, task):
    report = tracking.task_report_completion(actor=cabinet.secretary, task=task, text="Xong")
    assert report.on_behalf and report.agency == "Bộ Tài chính"


def test_agencies_match_without_case_or_extra_spaces(cabinet):
    task = add_task(issued_resolution(cabinet), agency="  bộ tài  chính ")
    tracking.task_report_progress(actor=cabinet.members[1], task=task, text="Đang soạn")


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("chair", NotAllowed),
        ("guest", NotAllowed),
        ("archivist", NotAllowed),
        ("observer", NotAllowed),
        ("auditor", NotAllowed),
        ("outsider", NotFound),
    ],
)
def test_everyone_else_is_refused(cabinet, task, role, error):
    with pytest.raises(error):
        tracking.task_report_progress(actor=getattr(cabinet, role), task=task, text="x")
    assert not TaskReport.objects.exists()


def test_a_minister_of_another_agency_is_refused(cabinet, task):
    with pytest.raises(NotAllowed, match="lead agency"):
        tracking.task_report_completion(actor=cabinet.members[2], task=task, text="Xong")


@pytest.mark.parametrize("state", [Resolution.State.DRAFT, Resolution.State.CANCELLED])
def test_the_tasks_of_a_resolution_not_issued_take_no_report(cabinet, state):
    task = add_task(issued_resolution(cabinet, state=state))
    with pytest.raises(Conflict, match="issued resolution"):
        tracking.task_report_progress(actor=cabinet.members[1], task=task, text="x")


@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_report_is_refused(cabinet, task, text):
    with pytest.raises(Invalid) as caught:
        tracking.task_report_completion(actor=cabinet.members[1], task=task, text=text)
    assert "text" in caught.value.fields
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED


def test_a_file_that_is_not_a_pdf_is_refused(cabinet, task):
    fake = NamedBytes(b"PK\x03\x04 not a pdf at all", "bao-cao.pdf")
    with pytest.raises(Invalid, match="not a PDF"):
        tracking.task_report_progress(
            actor=cabinet.members[1], task=task, text="x", attachment=fake, filename="bao-cao.pdf"
        )
    assert not TaskReport.objects.exists()


@override_settings(PAPER_MAX_UPLOAD_MB=1)
def test_an_oversize_attachment_is_refused(cabinet, task):
    big = NamedBytes(b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(TooLarge):
        tracking.task_report_progress(actor=cabinet.members[1], task=task, text="x", attachment=big)


def test_completing_twice_is_refused_and_progress_after_completion_too(cabinet, task):
    tracking.task_report_completion(actor=cabinet.members[1], task=task, text="Xong")
    with pytest.raises(Conflict, match="already completed"):
        tracking.task_report_completion(actor=cabinet.members[1], task=task, text="Xong lần 2")
    with pytest.raises(Conflict, match="reopens it first"):
        tracking.task_report_progress(actor=cabinet.members[1], task=task, text="Thêm")
    assert TaskReport.objects.count() == 1


def test_the_secretariat_reopens_with_a_reason_and_the_agency_is_told(cabinet, task):
    from notifications.models import Notification

    tracking.task_report_completion(actor=cabinet.members[1], task=task, text="Xong")
    with pytest.raises(NotAllowed):
        tracking.task_reopen(actor=cabinet.members[1], task=task, reason="Thiếu phụ lục")
    with pytest.raises(Invalid):
        tracking.task_reopen(actor=cabinet.secretary, task=task, reason=" ")
    tracking.task_reopen(actor=cabinet.secretary, task=task, reason="Thiếu phụ lục")
    task.refresh_from_db()
    assert (task.state, task.completed_at) == (TaskState.IN_PROGRESS, None)
    told = set(
        Notification.objects.filter(kind="resolution_task.reopened").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"minister1", "assistant"}
    with pytest.raises(Conflict):
        tracking.task_reopen(actor=cabinet.secretary, task=task, reason="Lần nữa")
    assert AuditEntry.objects.filter(action="resolution_task.reopened").count() == 1


def test_completed_after_the_deadline_is_late(cabinet):
    task = add_task(issued_resolution(cabinet), days=-2)
    assert task.is_overdue(timezone.localdate())
    tracking.task_report_completion(actor=cabinet.members[1], task=task, text="Xong")
    task.refresh_from_db()
    assert task.completed_on_time is False
    assert not task.is_overdue(timezone.localdate() + dt.timedelta(days=10))
