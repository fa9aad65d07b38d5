"""Members mark a position on every item before the meeting; the secretariat sees a summary."""

import pytest

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from meetings import services
from meetings.models import Position
from meetings.selectors import positions_summary


def mark(person, item, stance, comment=""):
    return services.position_mark(actor=person, item=item, stance=stance, comment=comment)


def test_a_member_marks_and_changes_a_position(cabinet, meeting):
    item = meeting.items.first()
    mark(cabinet.minister, item, "wish_to_speak")
    mark(cabinet.minister, item, "object", "Chưa đủ cơ sở pháp lý")
    position = Position.objects.get(item=item, member=cabinet.minister)
    assert (position.stance, position.comment) == ("object", "Chưa đủ cơ sở pháp lý")
    actions = list(
        AuditEntry.objects.filter(action__startswith="position.").values_list("action", flat=True)
    )
    assert actions == ["position.marked", "position.changed"]


def test_an_objection_needs_a_comment(cabinet, meeting):
    with pytest.raises(Invalid) as error:
        mark(cabinet.minister, meeting.items.first(), "object", "   ")
    assert "comment" in error.value.fields
    assert not Position.objects.exists()


def test_an_unknown_stance_is_refused(cabinet, meeting):
    with pytest.raises(Invalid):
        mark(cabinet.minister, meeting.items.first(), "maybe")


@pytest.mark.parametrize("who", ["secretary", "guest", "observer", "assistant"])
def test_only_members_mark_positions(cabinet, meeting, who):
    person = getattr(cabinet, who)
    item = meeting.items.last()
    if who == "guest":
        services.guest_invite(actor=cabinet.secretary, meeting=meeting, user=person, items=[item])
    with pytest.raises(NotAllowed):
        mark(person, item, "no_objection")
    assert not Position.objects.exists()


def test_an_outsider_cannot_even_see_the_item(cabinet, meeting):
    with pytest.raises(NotFound):
        mark(cabinet.outsider, meeting.items.first(), "no_objection")


def test_positions_close_when_the_meeting_starts(cabinet, meeting):
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    with pytest.raises(Conflict):
        mark(cabinet.minister, meeting.items.first(), "no_objection")


def test_the_summary_counts_stances_and_flags_consent_items(cabinet, meeting):
    first, second = meeting.items.order_by("order")
    for member in cabinet.members:
        mark(member, first, "no_objection")
    mark(cabinet.members[0], second, "no_objection")
    mark(cabinet.members[1], second, "object", "Đề nghị lùi thời hạn")
    mark(cabinet.members[2], second, "wish_to_speak")
    consent, debated = positions_summary(meeting=meeting)
    assert consent.is_consent_item
    assert consent.counts == {"no_objection": 6, "wish_to_speak": 0, "object": 0}
    assert not debated.is_consent_item
    assert debated.counts == {"no_objection": 1, "wish_to_speak": 1, "object": 1}
    assert [p.comment for p in debated.objections] == ["Đề nghị lùi thời hạn"]
    assert [p.member for p in debated.wish_to_speak] == [cabinet.members[2]]
    assert set(debated.not_marked) == set(cabinet.members[3:])


def test_an_item_not_everyone_marked_is_not_a_consent_item(cabinet, meeting):
    item = meeting.items.first()
    for member in cabinet.members[:-1]:
        mark(member, item, "no_objection")
    assert not positions_summary(meeting=meeting)[0].is_consent_item
