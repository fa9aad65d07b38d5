"""Drafting, editing, issuing and the refusals around them: wrong role, other body,
malformed input, archived minutes. Each refusal changes nothing (row counts)."""

from __future__ import annotations

import io

import pikepdf
import pytest

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from meetings.models import Meeting
from minutes import pdf, services
from minutes.models import Minutes, MinutesDraft
from tests.factories import make_meeting
from tests.minutes_helpers import CONCLUSION, drafted, issued, run_meeting

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int]:
    return Minutes.objects.count(), MinutesDraft.objects.count()


def test_the_draft_is_built_from_the_record_as_the_meeting_closes(cabinet):
    open_meeting = make_meeting(cabinet.body, cabinet.secretary, publish=True)
    with pytest.raises(Conflict, match="once the meeting has closed"):
        services.minutes_draft_start(actor=cabinet.secretary, meeting=open_meeting)
    assert counts() == (0, 0)
    meeting = run_meeting(cabinet)
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.created_by == cabinet.chair  # who closed the meeting
    assert (minutes.state, minutes.number_symbol, counts()) == ("drafting", "01/BB-CP", (1, 1))
    item = meeting.items.order_by("order").first()
    assert minutes.drafts.get().content["items"][str(item.pk)]["conclusion"] == CONCLUSION
    assert minutes.audit_head == AuditEntry.objects.get(action="meeting.closed").hash
    assert AuditEntry.objects.filter(action="minutes.drafted").count() == 1
    with pytest.raises(Conflict, match="already drafted"):
        services.minutes_draft_start(actor=cabinet.secretary, meeting=meeting)
    assert counts() == (1, 1)


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("chair", NotAllowed),
        ("minister", NotAllowed),
        ("archivist", NotAllowed),
        ("guest", NotFound),
        ("outsider", NotFound),
    ],
)
def test_only_the_body_s_secretariat_drafts_and_edits(cabinet, role, error):
    meeting = run_meeting(cabinet)
    actor = getattr(cabinet, role)
    with pytest.raises(error):
        services.minutes_draft_start(actor=actor, meeting=meeting)
    assert counts() == (1, 1)  # the draft built on closing, nothing more
    minutes = Minutes.objects.get()
    with pytest.raises(error):
        services.minutes_draft_save(actor=actor, minutes=minutes, content={"opening": "Sửa"})
    with pytest.raises(error):
        services.minutes_issue(actor=actor, minutes=minutes)
    assert counts() == (1, 1) and Minutes.objects.get().state == "drafting"


def test_every_saved_draft_is_kept_with_who_and_when(cabinet):
    minutes = drafted(cabinet)
    item_id = str(minutes.facts["items"][0]["id"])
    first = services.minutes_draft_save(
        actor=cabinet.secretary,
        minutes=minutes,
        content={"opening": "Mở đầu", "items": {item_id: {"summary": "Tóm tắt 1"}}},
        based_on=1,
    )
    second = services.minutes_draft_save(
        actor=cabinet.secretary,
        minutes=minutes,
        content={"opening": "Mở đầu sửa", "items": {item_id: {"summary": "Tóm tắt 2"}}},
        based_on=2,
    )
    assert [d.number for d in minutes.drafts.order_by("number")] == [1, 2, 3]
    assert first.content["items"][item_id]["summary"] == "Tóm tắt 1"
    assert second.saved_by == cabinet.secretary and second.saved_at >= first.saved_at
    assert AuditEntry.objects.filter(action="minutes.draft_saved").count() == 2
    # An editor who started from draft 2 does not overwrite draft 3.
    with pytest.raises(Conflict, match="Draft 3 was saved"):
        services.minutes_draft_save(
            actor=cabinet.secretary, minutes=minutes, content={"opening": "Cũ"}, based_on=2
        )
    assert MinutesDraft.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (["not", "an", "object"], "content"),
        ({"items": {"999999": {"summary": "?"}}}, "items.999999"),
        ({"items": ["x"]}, "items"),
        ({"opening": 12}, "opening"),
        ({"closing": "x" * 20_001}, "closing"),
    ],
)
def test_a_malformed_draft_is_refused_and_nothing_is_saved(cabinet, content, field):
    minutes = drafted(cabinet)
    with pytest.raises(Invalid) as refused:
        services.minutes_draft_save(actor=cabinet.secretary, minutes=minutes, content=content)
    assert field in refused.value.fields
    assert counts() == (1, 1)
    assert AuditEntry.objects.filter(action="minutes.draft_saved").count() == 0


def test_issuing_freezes_the_text_into_a_pdf_a_document(cabinet):
    minutes = issued(cabinet)
    assert minutes.state == Minutes.State.SECRETARY
    assert minutes.document.doc_type == "bien_ban" and minutes.current_version.number == 1
    assert minutes.facts["signers"]["secretary"]["id"] == cabinet.secretary.pk
    assert minutes.facts["signers"]["chair"]["id"] == cabinet.chair.pk
    assert set(minutes.sign_boxes) == {"page", "secretary", "chair"}
    with minutes.current_version.file.open("rb") as handle:
        data = handle.read()
    with pikepdf.open(io.BytesIO(data)) as doc:
        assert doc.open_metadata().pdfa_status == "3B"
    assert pdf.metadata_mismatches(data) == []
    assert pdf.embedded_record(data)["meeting"]["id"] == minutes.meeting_id
    secretary_box, chair_box = minutes.sign_boxes["secretary"], minutes.sign_boxes["chair"]
    assert secretary_box[2] < chair_box[0]  # THƯ KÝ on the left, CHỦ TỌA on the right
    with pytest.raises(Conflict, match="issued for signature"):
        services.minutes_draft_save(
            actor=cabinet.secretary, minutes=minutes, content={"opening": "Sửa"}
        )
    with pytest.raises(Conflict):
        services.minutes_issue(actor=cabinet.secretary, minutes=minutes)
    assert counts() == (1, 1) and minutes.document.versions.count() == 1


@pytest.mark.parametrize(
    ("step", "role", "error"),
    [
        ("chair", "chair", Conflict),  # the secretary signs first
        ("seal", "secretary", Conflict),
        ("secretary", "chair", NotAllowed),  # the minutes name the secretary
        ("secretary", "minister", NotAllowed),
        ("secretary", "archivist", NotAllowed),
        ("secretary", "guest", NotFound),
        ("secretary", "outsider", NotFound),
        ("notary", "secretary", Invalid),
    ],
)
def test_signing_out_of_order_or_by_the_wrong_person_is_refused(cabinet, step, role, error):
    minutes = issued(cabinet)
    with pytest.raises(error):
        services.minutes_sign(actor=getattr(cabinet, role), minutes=minutes, step=step, pin="1")
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.SECRETARY
    assert minutes.document.versions.count() == 1


def test_minutes_still_drafting_are_not_signed(cabinet):
    minutes = drafted(cabinet)
    with pytest.raises(Conflict, match="Issue the minutes"):
        services.minutes_sign(actor=cabinet.secretary, minutes=minutes, step="secretary", pin="1")


def test_the_next_agenda_carries_the_approval_of_the_previous_minutes(cabinet):
    previous = run_meeting(cabinet)
    upcoming = make_meeting(cabinet.body, cabinet.secretary, items=1)
    item = services.agenda_item_approve_minutes(
        actor=cabinet.secretary, meeting=upcoming, previous=previous
    )
    item.refresh_from_db()
    assert item.minutes_of_id == previous.pk and item.order == 2
    assert item.title.startswith("Thông qua biên bản")
    with pytest.raises(Invalid):  # a meeting still open has no minutes to approve
        services.agenda_item_approve_minutes(
            actor=cabinet.secretary, meeting=previous, previous=upcoming
        )
    other = make_meeting(cabinet.other_body, cabinet.outsider, items=1)
    with pytest.raises(NotFound):
        services.agenda_item_approve_minutes(
            actor=cabinet.outsider, meeting=other, previous=previous
        )
    with pytest.raises(NotFound):  # a draft agenda the minister cannot see
        services.agenda_item_approve_minutes(
            actor=cabinet.minister, meeting=upcoming, previous=previous
        )
    with pytest.raises(Conflict, match="already on the agenda"):
        services.agenda_item_approve_minutes(
            actor=cabinet.secretary, meeting=upcoming, previous=previous
        )
    Minutes.objects.filter(meeting=previous).delete()  # a meeting closed without minutes
    with pytest.raises(Invalid, match="no minutes yet"):
        services.agenda_item_approve_minutes(
            actor=cabinet.secretary,
            meeting=make_meeting(cabinet.body, cabinet.secretary),
            previous=previous,
        )
    assert upcoming.items.count() == 2 and other.items.count() == 1
    assert Meeting.objects.get(pk=previous.pk).state == "closed"
