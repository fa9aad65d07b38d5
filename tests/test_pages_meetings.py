"""Preparing and running a meeting through the HTML pages, as the secretariat and chair do."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ecabinet.audit.models import AuditEntry
from meetings import live, services
from meetings.models import Meeting, MeetingPaper, Participant
from notifications.models import Notification
from tests.factories import pdf_bytes


@functools.cache
def a_pdf() -> bytes:
    return pdf_bytes(pages=2, text="Tờ trình dự án Luật Đất đai")


def detail(meeting):
    return reverse("meetings:detail", args=[meeting.pk])


MEETING_FORM = {
    "title": "Phiên họp Chính phủ chuyên đề xây dựng pháp luật tháng 12",
    "kind": Meeting.Kind.THEMATIC,
    "starts_at": "2031-12-04T08:30",
    "ends_at": "2031-12-04T11:30",
    "location": "Trụ sở Chính phủ",
}


def test_the_secretariat_prepares_and_publishes_a_meeting_from_the_pages(client, cabinet):
    client.force_login(cabinet.secretary)
    response = client.post(reverse("meetings:new") + f"?body={cabinet.body.pk}", MEETING_FORM)
    meeting = Meeting.objects.get(title=MEETING_FORM["title"])
    assert response.status_code == 302 and response["Location"] == detail(meeting)
    assert meeting.state == Meeting.State.DRAFT
    assert meeting.starts_at.isoformat() == "2031-12-04T01:30:00+00:00"  # entered in Vietnam time

    response = client.post(
        reverse("meetings:item_new", args=[meeting.pk]),
        {
            "title": "Dự án Luật Đất đai (sửa đổi)",
            "presenting_agency": "Bộ Tài chính",  # the presenter's ministry
            "presenter": cabinet.minister.pk,
            "duration_minutes": 45,
        },
    )
    item = meeting.items.get()
    assert response.status_code == 302
    assert (item.order, item.presenter, item.duration_minutes) == (1, cabinet.minister, 45)

    response = client.post(
        reverse("meetings:paper_new", args=[meeting.pk]),
        {
            "file": SimpleUploadedFile("To trinh 123.pdf", a_pdf(), "application/pdf"),
            "item": item.pk,
            "doc_type": "to_trinh",
            "number_symbol": "123/TTr-BTNMT",
            "summary": "Tờ trình dự án Luật Đất đai (sửa đổi)",
            "issuing_body": "Bộ Tài nguyên và Môi trường",
            "issued_date": "2031-11-20",
            "confidentiality": "thuong",
            "urgency": "khan",
        },
    )
    paper = MeetingPaper.objects.get(meeting=meeting)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:paper", args=[meeting.pk, paper.pk])
    version = paper.document.latest_version()
    assert (version.page_count, version.original_filename) == (2, "To trinh 123.pdf")
    assert paper.item == item and paper.document.urgency == "khan"

    page = client.get(detail(meeting))
    assert f'data-testid="paper-open-{paper.pk}"'.encode() in page.content
    assert b'data-testid="publish-button"' in page.content

    response = client.post(reverse("meetings:publish", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.PUBLISHED
    assert Notification.objects.filter(recipient=cabinet.minister).exists()


def test_a_meeting_that_ends_before_it_starts_is_shown_again_with_the_reason(client, cabinet):
    client.force_login(cabinet.secretary)
    form = {**MEETING_FORM, "ends_at": "2031-12-04T07:00"}
    response = client.post(reverse("meetings:new") + f"?body={cabinet.body.pk}", form)
    assert response.status_code == 422
    assert b'data-testid="field-error-ends_at"' in response.content
    assert MEETING_FORM["title"].encode() in response.content  # what was typed is kept
    assert not Meeting.objects.exists()


def test_the_secretariat_edits_the_meeting_details(client, cabinet, draft_meeting):
    client.force_login(cabinet.secretary)
    url = reverse("meetings:edit", args=[draft_meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**MEETING_FORM, "title": "Phiên họp thường kỳ tháng 12"})
    assert response.status_code == 302
    draft_meeting.refresh_from_db()
    assert draft_meeting.title == "Phiên họp thường kỳ tháng 12"
    assert AuditEntry.objects.filter(action="meeting.updated").exists()


def test_publishing_an_empty_agenda_shows_a_conflict_page(client, cabinet):
    meeting = services.meeting_create(
        actor=cabinet.secretary,
        body=cabinet.body,
        title="Phiên họp trống",
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    client.force_login(cabinet.secretary)
    response = client.post(reverse("meetings:publish", args=[meeting.pk]))
    assert response.status_code == 409
    assert b'data-testid="error-message"' in response.content


def test_the_chair_starts_and_closes_the_meeting(client, cabinet, meeting):
    for member in cabinet.members[:4]:  # a quorum: 4 of the 6 members
        live.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=member.pk, present=True
        )
    client.force_login(cabinet.chair)
    page = client.get(detail(meeting))
    assert b'data-testid="start-button"' in page.content
    assert client.post(reverse("meetings:start", args=[meeting.pk])).status_code == 302
    page = client.get(detail(meeting))
    assert b'data-testid="close-button"' in page.content
    assert client.post(reverse("meetings:close", args=[meeting.pk])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.CLOSED


@pytest.fixture
def closed_meeting(cabinet, meeting):
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    return services.meeting_close(actor=cabinet.chair, meeting=meeting)


def test_changing_the_agenda_of_a_closed_meeting_gets_a_conflict_page(
    client, cabinet, closed_meeting
):
    client.force_login(cabinet.secretary)
    item = closed_meeting.items.first()
    response = client.post(
        reverse("meetings:item_new", args=[closed_meeting.pk]),
        {"title": "Nội dung bổ sung", "duration_minutes": 10},
    )
    assert response.status_code == 409
    assert b'data-testid="error-page"' in response.content
    response = client.post(reverse("meetings:item_delete", args=[closed_meeting.pk, item.pk]))
    assert response.status_code == 409
    assert closed_meeting.items.count() == 2
    page = client.get(detail(closed_meeting))
    assert b'data-testid="add-item"' not in page.content


def test_items_move_up_and_down_and_can_be_removed(client, cabinet, draft_meeting):
    services.item_add(actor=cabinet.secretary, meeting=draft_meeting, title="Nội dung 2")
    first, second = draft_meeting.items.order_by("order")
    client.force_login(cabinet.secretary)
    page = client.get(detail(draft_meeting))
    assert f'data-testid="move-up-{first.pk}"'.encode() not in page.content
    assert f'data-testid="move-down-{first.pk}"'.encode() in page.content

    url = reverse("meetings:item_move", args=[draft_meeting.pk, second.pk])
    assert client.post(url, {"direction": "up"}).status_code == 302
    assert list(draft_meeting.items.order_by("order")) == [second, first]

    client.post(reverse("meetings:item_delete", args=[draft_meeting.pk, second.pk]))
    assert list(draft_meeting.items.all()) == [first]
    first.refresh_from_db()
    assert first.order == 1


def test_an_item_with_an_empty_title_is_shown_again_and_not_stored(client, cabinet, meeting):
    client.force_login(cabinet.secretary)
    item = meeting.items.first()
    url = reverse("meetings:item_edit", args=[meeting.pk, item.pk])
    response = client.post(url, {"title": "   ", "duration_minutes": 30})
    assert response.status_code == 422
    assert b'data-testid="field-error-title"' in response.content
    item.refresh_from_db()
    assert item.title == "Nội dung 1"


def test_the_secretariat_invites_a_guest_to_one_item_and_removes_them(client, cabinet, meeting):
    item = meeting.items.order_by("order").last()
    client.force_login(cabinet.secretary)
    url = reverse("meetings:guest_new", args=[meeting.pk])
    form = client.get(url + f"?item={item.pk}")
    assert form.status_code == 200
    response = client.post(url, {"user": cabinet.guest.pk, "items": [item.pk]})
    assert response.status_code == 302
    guest = Participant.objects.get(meeting=meeting, user=cabinet.guest)
    assert list(guest.items.all()) == [item]

    page = client.get(detail(meeting))
    assert f'data-testid="participant-{guest.pk}"'.encode() in page.content
    remove = reverse("meetings:participant_remove", args=[meeting.pk, guest.pk])
    assert client.post(remove).status_code == 302
    assert not Participant.objects.filter(pk=guest.pk).exists()


def test_a_guest_invited_to_no_item_is_shown_the_form_again(client, cabinet, meeting):
    client.force_login(cabinet.secretary)
    response = client.post(
        reverse("meetings:guest_new", args=[meeting.pk]), {"user": cabinet.guest.pk}
    )
    assert response.status_code == 422
    assert not Participant.objects.filter(user=cabinet.guest).exists()


def test_the_dashboard_offers_new_meetings_to_the_secretariat_and_audit_to_auditors(
    client, cabinet, meeting
):
    client.force_login(cabinet.secretary)
    page = client.get(reverse("dashboard"))
    assert f'data-testid="new-meeting-{cabinet.body.pk}"'.encode() in page.content
    assert f'data-meeting-id="{meeting.pk}"'.encode() in page.content
    client.force_login(cabinet.auditor)
    page = client.get(reverse("dashboard"))
    assert f'data-testid="audit-link-{cabinet.body.pk}"'.encode() in page.content
    assert b"new-meeting-" not in page.content
    assert f'data-meeting-id="{meeting.pk}"'.encode() not in page.content


def test_the_dashboard_lists_coming_meetings_soonest_first(client, cabinet, meeting):
    later = services.meeting_create(
        actor=cabinet.secretary,
        body=cabinet.body,
        title="Phiên họp sau",
        starts_at=meeting.starts_at + dt.timedelta(days=7),
    )
    client.force_login(cabinet.secretary)
    content = client.get(reverse("dashboard")).content.decode()
    assert content.index(f'data-meeting-id="{meeting.pk}"') < content.index(
        f'data-meeting-id="{later.pk}"'
    )


def test_without_a_quorum_the_chair_starts_only_by_giving_a_reason(client, cabinet, meeting):
    client.force_login(cabinet.chair)
    url = reverse("meetings:start", args=[meeting.pk])
    refused = client.post(url, {"override_reason": "  "})
    assert refused.status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.PUBLISHED
    started = client.post(url, {"override_reason": "Thủ tướng quyết định họp trực tuyến"})
    assert started.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.IN_PROGRESS
    entry = AuditEntry.objects.get(action="meeting.started")
    assert "Thủ tướng quyết định họp trực tuyến" in str(entry.details)
