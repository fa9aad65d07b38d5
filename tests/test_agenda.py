"""Building the agenda: order, edits, and the guard on closed meetings."""

import pytest

from ecabinet.errors import Conflict, Invalid, NotAllowed
from meetings import services
from meetings.models import AgendaItem


def titles(meeting):
    return list(meeting.items.order_by("order").values_list("title", flat=True))


def test_items_are_numbered_in_the_order_added(cabinet, draft_meeting):
    services.item_add(
        actor=cabinet.secretary,
        meeting=draft_meeting,
        title="Thứ hai",
        presenter=cabinet.minister,
        duration_minutes=45,
    )
    assert list(draft_meeting.items.values_list("order", flat=True)) == [1, 2]


def test_moving_an_item_shifts_the_others(cabinet, draft_meeting):
    for title in ["B", "C", "D"]:
        services.item_add(actor=cabinet.secretary, meeting=draft_meeting, title=title)
    last = draft_meeting.items.get(title="D")
    services.item_move(actor=cabinet.secretary, item=last, to_position=1)
    assert titles(draft_meeting) == ["D", "Nội dung 1", "B", "C"]
    assert list(draft_meeting.items.order_by("order").values_list("order", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


def test_moving_outside_the_agenda_is_refused(cabinet, draft_meeting):
    item = draft_meeting.items.get()
    with pytest.raises(Invalid):
        services.item_move(actor=cabinet.secretary, item=item, to_position=5)


def test_deleting_an_item_renumbers_the_rest(cabinet, meeting):
    services.item_add(actor=cabinet.secretary, meeting=meeting, title="Ba")
    services.item_delete(actor=cabinet.secretary, item=meeting.items.get(order=1))
    assert list(meeting.items.order_by("order").values_list("order", "title")) == [
        (1, "Nội dung 2"),
        (2, "Ba"),
    ]


def test_a_published_meeting_keeps_at_least_one_item(cabinet, meeting):
    services.item_delete(actor=cabinet.secretary, item=meeting.items.first())
    with pytest.raises(Conflict):
        services.item_delete(actor=cabinet.secretary, item=meeting.items.get())


def test_the_agenda_of_a_closed_meeting_cannot_change(cabinet, meeting):
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    services.meeting_close(actor=cabinet.chair, meeting=meeting)
    item = meeting.items.first()
    with pytest.raises(Conflict, match="can no longer be changed"):
        services.item_add(actor=cabinet.secretary, meeting=meeting, title="Late")
    with pytest.raises(Conflict):
        services.item_update(actor=cabinet.secretary, item=item, title="Changed")
    with pytest.raises(Conflict):
        services.item_delete(actor=cabinet.secretary, item=item)
    item.refresh_from_db()
    assert item.title == "Nội dung 1"
    assert meeting.items.count() == 2


def test_a_member_cannot_edit_the_agenda(cabinet, meeting):
    with pytest.raises(NotAllowed):
        services.item_update(actor=cabinet.minister, item=meeting.items.first(), title="Mine")


def test_a_presenter_must_belong_to_the_body(cabinet, draft_meeting):
    with pytest.raises(Invalid) as error:
        services.item_add(
            actor=cabinet.secretary, meeting=draft_meeting, title="X", presenter=cabinet.outsider
        )
    assert "presenter" in error.value.fields
    assert AgendaItem.objects.filter(title="X").count() == 0


def test_an_unknown_field_is_refused(cabinet, draft_meeting):
    with pytest.raises(Invalid):
        services.item_update(actor=cabinet.secretary, item=draft_meeting.items.get(), meeting_id=99)
