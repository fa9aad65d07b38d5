"""The chair's controls, the speakers queue and the screen, service by service."""

import pytest

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from meetings import live, services
from meetings.models import AgendaItem, ItemState, LiveState, SpeakerRequest
from meetings.selectors import speakers_of
from tests.factories import NamedBytes, deputy_of, pdf_bytes


def check_in(cabinet, meeting, people):
    for person in people:
        live.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=person.pk, present=True
        )


@pytest.fixture
def room(cabinet, meeting):
    """The meeting, started with a quorum: the first five members are in the room."""
    check_in(cabinet, meeting, cabinet.members[:5])
    return services.meeting_start(actor=cabinet.chair, meeting=meeting)


@pytest.fixture
def items(room):
    return list(room.items.order_by("order"))


def queue_names(item):
    return [entry["user_id"] for entry in speakers_of(item=item)["queue"]]


CHAIR_ERRORS = [
    ("secretary", NotAllowed),
    ("minister", NotAllowed),
    ("observer", NotAllowed),
    ("archivist", NotFound),
    ("outsider", NotFound),
]


@pytest.mark.parametrize(("role", "error"), CHAIR_ERRORS)
def test_only_the_chair_runs_the_room(cabinet, room, items, role, error):
    person = getattr(cabinet, role)
    with pytest.raises(error):
        live.item_open(actor=person, item=items[0])
    with pytest.raises(error):
        live.meeting_pause(actor=person, meeting=room)
    live.item_open(actor=cabinet.chair, item=items[0])
    with pytest.raises(error):
        live.item_close(actor=person, item=items[0], conclusion="Thông qua")
    with pytest.raises(error):
        live.speaker_next(actor=person, meeting=room)
    assert ItemState.objects.get(item=items[0]).state == ItemState.State.OPEN


def test_the_chair_moves_through_the_agenda_and_concludes(cabinet, room, items):
    live.item_open(actor=cabinet.chair, item=items[0])
    live.item_open(actor=cabinet.chair, item=items[1])  # the first is left for later
    assert ItemState.objects.get(item=items[0]).state == ItemState.State.PENDING
    assert LiveState.objects.get(meeting=room).current_item == items[1]
    with pytest.raises(Conflict, match="Only the item under discussion"):
        live.item_close(actor=cabinet.chair, item=items[0], conclusion="X")
    with pytest.raises(Invalid) as error:
        live.item_close(actor=cabinet.chair, item=items[1], conclusion="  ")
    assert "conclusion" in error.value.fields
    state = live.item_close(actor=cabinet.chair, item=items[1], conclusion=" Thống nhất thông qua ")
    assert (state.state, state.conclusion, state.closed_by) == (
        "closed",
        "Thống nhất thông qua",
        cabinet.chair,
    )
    assert LiveState.objects.get(meeting=room).current_item is None
    with pytest.raises(Conflict, match="concluded"):
        live.item_open(actor=cabinet.chair, item=items[1])
    entry = AuditEntry.objects.get(action="item.closed")
    assert entry.details == {"meeting_id": room.pk, "conclusion": "Thống nhất thông qua"}


def test_pause_and_resume(cabinet, room, items):
    live.meeting_pause(actor=cabinet.chair, meeting=room)
    with pytest.raises(Conflict, match="paused"):
        live.meeting_pause(actor=cabinet.chair, meeting=room)
    with pytest.raises(Conflict, match="paused"):
        live.item_open(actor=cabinet.chair, item=items[0])
    live.meeting_resume(actor=cabinet.chair, meeting=room)
    with pytest.raises(Conflict, match="not paused"):
        live.meeting_resume(actor=cabinet.chair, meeting=room)
    live.item_open(actor=cabinet.chair, item=items[0])
    actions = list(
        AuditEntry.objects.filter(action__in=["meeting.paused", "meeting.resumed"]).values_list(
            "action", flat=True
        )
    )
    assert actions == ["meeting.paused", "meeting.resumed"]


def test_the_room_is_closed_before_the_start_and_after_the_end(cabinet, meeting):
    item = meeting.items.first()
    with pytest.raises(Conflict, match="not in progress"):
        live.item_open(actor=cabinet.chair, item=item)
    with pytest.raises(Conflict, match="not in progress"):
        live.meeting_pause(actor=cabinet.chair, meeting=meeting)


def test_ending_the_meeting_stops_the_speaker_and_leaves_nothing_open(cabinet, room, items):
    live.item_open(actor=cabinet.chair, item=items[0])
    live.speaker_request(actor=cabinet.minister, item=items[0])
    live.speaker_next(actor=cabinet.chair, meeting=room)
    services.meeting_close(actor=cabinet.chair, meeting=room)
    assert SpeakerRequest.objects.get().state == SpeakerRequest.State.DONE
    assert ItemState.objects.get(item=items[0]).state == ItemState.State.PENDING
    state = LiveState.objects.get(meeting=room)
    assert (state.current_item, state.paused) == (None, False)


def test_pre_meeting_wishes_to_speak_come_first_in_the_order_they_were_marked(cabinet, meeting):
    first, second = meeting.items.order_by("order")
    check_in(cabinet, meeting, cabinet.members[:5])
    for member in [cabinet.members[3], cabinet.members[2]]:
        services.position_mark(actor=member, item=first, stance="wish_to_speak")
    services.position_mark(actor=cabinet.members[4], item=first, stance="no_objection")
    services.meeting_start(actor=cabinet.chair, meeting=meeting)
    live.speaker_request(actor=cabinet.minister, item=first)
    assert queue_names(first) == [cabinet.members[3].pk, cabinet.members[2].pk, cabinet.minister.pk]
    assert [r.from_position for r in SpeakerRequest.objects.order_by("order")] == [
        True,
        True,
        False,
    ]
    assert queue_names(second) == []


def test_an_absent_members_deputy_takes_their_place_in_the_queue(cabinet, meeting):
    member, item = cabinet.members[3], meeting.items.first()
    services.position_mark(actor=member, item=item, stance="wish_to_speak")
    deputy = deputy_of(member, cabinet.body, "thu-truong")
    leave = services.leave_request(actor=member, meeting=meeting, reason="Ốm", deputy=deputy)
    services.leave_decide(actor=cabinet.chair, leave=leave, approve=True)
    live.attendance_check_in(actor=deputy, meeting=meeting)
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    request = SpeakerRequest.objects.get()
    assert (request.user, request.on_behalf_of) == (deputy, member)


def test_the_queue_the_floor_and_the_next_speaker(cabinet, room, items):
    item = items[0]
    a, b, c = cabinet.members[1], cabinet.members[2], cabinet.members[3]
    for person in [a, b, c]:
        live.speaker_request(actor=person, item=item)
    live.speaker_withdraw(actor=b, item=item)
    assert queue_names(item) == [a.pk, c.pk]
    with pytest.raises(Conflict, match="No item is under discussion"):
        live.speaker_next(actor=cabinet.chair, meeting=room)
    live.item_open(actor=cabinet.chair, item=item)
    first = live.speaker_next(actor=cabinet.chair, meeting=room)
    assert first.user == a and first.started_at is not None
    assert speakers_of(item=item)["speaker"]["user_id"] == a.pk
    later = SpeakerRequest.objects.get(user=c)
    live.floor_give(actor=cabinet.chair, request=later)  # the chair may pick anyone waiting
    first.refresh_from_db()
    assert first.state == SpeakerRequest.State.DONE and first.ended_at is not None
    assert live.speaker_next(actor=cabinet.chair, meeting=room) is None  # queue empty
    assert speakers_of(item=item) == {"queue": [], "speaker": None}
    with pytest.raises(Conflict, match="Nobody has the floor"):
        live.speaker_next(actor=cabinet.chair, meeting=room)


def test_asking_to_speak_twice_or_withdrawing_nothing_is_a_conflict(cabinet, room, items):
    live.speaker_request(actor=cabinet.minister, item=items[0])
    with pytest.raises(Conflict, match="already on the list"):
        live.speaker_request(actor=cabinet.minister, item=items[0])
    with pytest.raises(Conflict, match="not waiting"):
        live.speaker_withdraw(actor=cabinet.members[2], item=items[0])


def test_who_may_ask_to_speak(cabinet, room, items):
    with pytest.raises(Conflict, match="Check in"):
        live.speaker_request(actor=cabinet.members[5], item=items[0])
    for person, error in [
        (cabinet.secretary, NotAllowed),
        (cabinet.observer, NotAllowed),
        (cabinet.outsider, NotFound),
    ]:
        with pytest.raises(error):
            live.speaker_request(actor=person, item=items[0])
    live.item_open(actor=cabinet.chair, item=items[0])
    live.item_close(actor=cabinet.chair, item=items[0], conclusion="Xong")
    with pytest.raises(Conflict, match="concluded"):
        live.speaker_request(actor=cabinet.minister, item=items[0])


def test_a_deputy_speaks_only_if_the_chair_allowed_it(cabinet, meeting):
    member = cabinet.members[3]
    deputy = deputy_of(member, cabinet.body, "thu-truong")
    leave = services.leave_request(actor=member, meeting=meeting, reason="Ốm", deputy=deputy)
    services.leave_decide(actor=cabinet.chair, leave=leave, approve=True, deputy_may_speak=False)
    live.attendance_check_in(actor=deputy, meeting=meeting)
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    with pytest.raises(NotAllowed, match="not allowed you to speak"):
        live.speaker_request(actor=deputy, item=meeting.items.first())


def test_a_guest_may_not_ask_to_speak(cabinet, meeting):
    item = meeting.items.first()
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[item]
    )
    live.attendance_check_in(actor=cabinet.guest, meeting=meeting)
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    with pytest.raises(NotAllowed):
        live.speaker_request(actor=cabinet.guest, item=item)


@pytest.fixture
def paper(cabinet, meeting):
    item = meeting.items.first()
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(pdf_bytes(pages=3)),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary="Tờ trình",
        issuing_body="Bộ Tài chính",
    )


def test_the_screen_follows_the_presenter(cabinet, meeting, paper):
    check_in(cabinet, meeting, cabinet.members[:4])
    services.meeting_start(actor=cabinet.chair, meeting=meeting)
    live.presentation_show(actor=cabinet.secretary, paper=paper, page=2)
    live.presentation_show(actor=cabinet.chair, paper=paper, page=3)
    state = LiveState.objects.get(meeting=meeting)
    assert (state.presentation_paper, state.presentation_page, state.presentation_by) == (
        paper,
        3,
        cabinet.chair,
    )
    # A page turn is not audited; showing another paper is.
    assert AuditEntry.objects.filter(action="presentation.shown").count() == 1
    for page in [0, 4, "2", True]:
        with pytest.raises(Invalid):
            live.presentation_show(actor=cabinet.chair, paper=paper, page=page)
    with pytest.raises(NotAllowed):
        live.presentation_show(actor=cabinet.minister, paper=paper, page=1)
    AgendaItem.objects.filter(pk=paper.item_id).update(presenter=cabinet.minister)
    live.presentation_show(actor=cabinet.minister, paper=paper, page=1)  # now the presenter


def test_the_screen_waits_for_the_start(cabinet, meeting, paper):
    with pytest.raises(Conflict):
        live.presentation_show(actor=cabinet.secretary, paper=paper, page=1)
