"""Creating, publishing, starting and closing meetings, and who may."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from meetings import services
from meetings.models import Meeting, Participant
from notifications.models import Notification


def test_a_new_meeting_is_a_draft_inviting_every_member(cabinet, draft_meeting):
    assert draft_meeting.state == Meeting.State.DRAFT
    invited = set(draft_meeting.participants.values_list("user_id", flat=True))
    assert invited == {m.pk for m in cabinet.members}
    assert draft_meeting.location == "Hà Nội"  # the body's seat by default


def test_only_the_secretariat_creates_meetings(cabinet):
    for person in [cabinet.chair, cabinet.minister, cabinet.archivist, cabinet.outsider]:
        with pytest.raises(NotAllowed):
            services.meeting_create(
                actor=person, body=cabinet.body, title="X", starts_at=timezone.now()
            )
    assert not Meeting.objects.exists()


def test_a_meeting_must_end_after_it_starts(cabinet):
    start = timezone.now()
    with pytest.raises(Invalid) as error:
        services.meeting_create(
            actor=cabinet.secretary,
            body=cabinet.body,
            title="X",
            starts_at=start,
            ends_at=start - dt.timedelta(hours=1),
        )
    assert "ends_at" in error.value.fields


def test_publishing_notifies_participants_in_app_and_by_email(
    cabinet, draft_meeting, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(actor=cabinet.secretary, meeting=draft_meeting)
    notified = set(
        Notification.objects.filter(kind="meeting.published").values_list("recipient", flat=True)
    )
    # Members, plus the assistant of an invited minister.
    assert notified == {m.pk for m in cabinet.members} | {cabinet.assistant.pk}
    assert len(mail.outbox) == len(notified)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in cabinet.members + [cabinet.assistant]
    )
    assert draft_meeting.title in mail.outbox[0].subject
    assert f"/meetings/{draft_meeting.pk}/" in mail.outbox[0].body


def test_an_empty_agenda_cannot_be_published(cabinet):
    meeting = services.meeting_create(
        actor=cabinet.secretary, body=cabinet.body, title="X", starts_at=timezone.now()
    )
    with pytest.raises(Conflict, match="at least one agenda item"):
        services.meeting_publish(actor=cabinet.secretary, meeting=meeting)


def test_publishing_twice_is_refused(cabinet, meeting):
    with pytest.raises(Conflict, match="published cannot become published"):
        services.meeting_publish(actor=cabinet.secretary, meeting=meeting)


def test_the_lifecycle_runs_in_order_and_only_the_chair_starts_and_closes(cabinet, meeting):
    with pytest.raises(NotAllowed):
        services.meeting_start(actor=cabinet.secretary, meeting=meeting)
    with pytest.raises(Conflict):
        services.meeting_close(actor=cabinet.chair, meeting=meeting)
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    closed = services.meeting_close(actor=cabinet.chair, meeting=meeting)
    assert closed.state == Meeting.State.CLOSED
    assert closed.ends_at is not None
    actions = list(
        AuditEntry.objects.filter(
            target_id=str(meeting.pk), target_type="meetings.meeting"
        ).values_list("action", flat=True)
    )
    assert actions == ["meeting.created", "meeting.published", "meeting.started", "meeting.closed"]


def test_a_draft_is_invisible_to_members_until_published(cabinet, draft_meeting):
    with pytest.raises(NotFound):
        services.item_add(actor=cabinet.minister, meeting=draft_meeting, title="X")
    from meetings.access import meeting_access

    assert not meeting_access(user=cabinet.minister, meeting=draft_meeting).can_view
    assert meeting_access(user=cabinet.chair, meeting=draft_meeting).can_view


def test_another_bodys_secretariat_cannot_touch_the_meeting(cabinet, meeting):
    with pytest.raises(NotFound):
        services.meeting_update(actor=cabinet.outsider, meeting=meeting, title="Hijacked")
    meeting.refresh_from_db()
    assert meeting.title != "Hijacked"


def test_a_guest_is_invited_to_items_only(cabinet, meeting):
    first, second = meeting.items.order_by("order")
    participant = services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[second]
    )
    assert participant.kind == Participant.Kind.GUEST
    assert list(participant.items.all()) == [second]
    assert Notification.objects.filter(recipient=cabinet.guest, kind="meeting.invited").exists()


def test_a_person_of_another_body_cannot_be_invited_as_guest(cabinet, meeting):
    with pytest.raises(Invalid, match="not registered"):
        services.guest_invite(
            actor=cabinet.secretary,
            meeting=meeting,
            user=cabinet.outsider,
            items=list(meeting.items.all()),
        )
    assert not meeting.participants.filter(user=cabinet.outsider).exists()
