"""The meeting page's form that puts "approve the minutes of an earlier meeting" on an
agenda still being prepared: who sees it, what it offers, what it adds, and how every
refusal leaves the agenda and the audit trail as they were."""

from __future__ import annotations

import pytest

from ecabinet.audit.models import AuditEntry
from meetings import services as meeting_services
from meetings.models import AgendaItem, Meeting
from minutes.models import Minutes
from tests.factories import make_meeting
from tests.roles import client_for

pytestmark = pytest.mark.django_db

FORM = 'data-testid="approve-minutes-form"'


def closed(cabinet, title: str) -> Meeting:
    """A meeting held and closed through the services; closing drafts its minutes."""
    meeting = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
    meeting_services.meeting_update(actor=cabinet.secretary, meeting=meeting, title=title)
    meeting_services.meeting_start(
        actor=cabinet.chair, meeting=meeting, override_reason="Họp trực tuyến"
    )
    return meeting_services.meeting_close(actor=cabinet.chair, meeting=meeting)


@pytest.fixture
def earlier(cabinet):
    """Two closed meetings with minutes, then the one being prepared (published)."""
    first = closed(cabinet, "Phiên họp tháng 9")
    second = closed(cabinet, "Phiên họp tháng 10")
    upcoming = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
    return first, second, upcoming


def url(meeting_id: int) -> str:
    return f"/minutes/meeting/{meeting_id}/approve-item/"


def counts() -> tuple[int, int]:
    return AgendaItem.objects.count(), AuditEntry.objects.count()


def test_the_secretariat_adds_the_approval_and_the_agenda_links_the_minutes(cabinet, earlier):
    first, second, upcoming = earlier
    closed_without_minutes = closed(cabinet, "Phiên họp chuyên đề")
    Minutes.objects.filter(meeting=closed_without_minutes).delete()
    client = client_for(cabinet, "secretary")
    page = client.get(f"/meetings/{upcoming.pk}/").content.decode()
    assert FORM in page
    # Newest first; a meeting without minutes and the meeting itself are not offered.
    assert page.index(f'value="{second.pk}"') < page.index(f'value="{first.pk}"')
    assert f'value="{closed_without_minutes.pk}"' not in page
    assert f'<option value="{upcoming.pk}"' not in page

    before = AuditEntry.objects.filter(action="agenda.minutes_linked").count()
    response = client.post(url(upcoming.pk), {"previous": str(second.pk)}, follow=True)
    item = upcoming.items.get(minutes_of=second)
    assert response.redirect_chain == [(f"/meetings/{upcoming.pk}/#item-{item.pk}", 302)]
    assert item.order == 2 and item.title.startswith("Thông qua biên bản Phiên họp tháng 10")
    entry = AuditEntry.objects.filter(action="agenda.minutes_linked").latest("pk")
    assert AuditEntry.objects.filter(action="agenda.minutes_linked").count() == before + 1
    assert entry.actor_id == cabinet.secretary.pk
    assert entry.details == {"meeting_id": upcoming.pk, "minutes_of": second.pk}

    page = response.content.decode()
    assert "The approval of the minutes was added to the agenda." in page
    assert f'data-testid="minutes-of-{item.pk}"' in page
    assert f'href="/minutes/meeting/{second.pk}/"' in page
    # Already on this agenda, the second meeting is no longer offered; the first still is.
    assert f'<option value="{second.pk}"' not in page and f'<option value="{first.pk}"' in page


def test_the_form_is_hidden_when_no_earlier_meeting_has_minutes(cabinet):
    previous = closed(cabinet, "Phiên họp tháng 9")
    Minutes.objects.filter(meeting=previous).delete()
    upcoming = make_meeting(cabinet.body, cabinet.secretary, items=1)
    page = client_for(cabinet, "secretary").get(f"/meetings/{upcoming.pk}/").content.decode()
    assert 'data-testid="add-item"' in page and FORM not in page


@pytest.mark.parametrize("role", ["minister", "chair"])
def test_members_and_the_chair_see_no_form_and_are_refused(cabinet, earlier, role):
    first, _second, upcoming = earlier
    client = client_for(cabinet, role)
    page = client.get(f"/meetings/{upcoming.pk}/")
    assert page.status_code == 200 and FORM not in page.content.decode()
    before = counts()
    assert client.post(url(upcoming.pk), {"previous": str(first.pk)}).status_code == 403
    assert client.post(url(upcoming.pk), {"previous": "abc"}).status_code == 403
    assert counts() == before


@pytest.mark.parametrize("role", ["outsider", "guest"])
def test_people_who_may_not_prepare_an_unseen_meeting_are_told_it_does_not_exist(
    cabinet, earlier, role
):
    first, _second, upcoming = earlier
    client = client_for(cabinet, role)
    before = counts()
    assert client.post(url(upcoming.pk), {"previous": str(first.pk)}).status_code == 404
    assert client.post(url(999_999), {"previous": str(first.pk)}).status_code == 404
    assert counts() == before


def test_an_agenda_that_can_no_longer_change_refuses_with_409_and_shows_no_form(cabinet, earlier):
    first, _second, upcoming = earlier
    meeting_services.meeting_start(
        actor=cabinet.chair, meeting=upcoming, override_reason="Họp trực tuyến"
    )
    client = client_for(cabinet, "secretary")
    assert FORM not in client.get(f"/meetings/{upcoming.pk}/").content.decode()
    before = counts()
    refused = client.post(url(upcoming.pk), {"previous": str(first.pk)})
    assert refused.status_code == 409
    assert "its agenda can no longer be changed" in refused.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    ("previous", "message"),
    [
        ("abc", "Enter a whole number."),
        ("", "This field is required."),
        ("0", "greater than or equal to 1"),
        ("999999", "No such meeting."),
        ("later", "Only a closed, earlier meeting of the same body has minutes to approve."),
    ],
)
def test_a_choice_the_service_cannot_take_lands_back_on_the_form_with_422(
    cabinet, earlier, previous, message
):
    _first, _second, upcoming = earlier
    if previous == "later":  # a meeting not yet held has no minutes to approve
        previous = str(make_meeting(cabinet.body, cabinet.secretary, items=1).pk)
    client = client_for(cabinet, "secretary")
    before = counts()
    response = client.post(url(upcoming.pk), {"previous": previous})
    page = response.content.decode()
    assert response.status_code == 422 and FORM in page
    assert message in page and 'data-testid="form-errors"' in page
    assert counts() == before


def test_a_meeting_of_another_body_is_not_found_by_the_service(cabinet, earlier):
    _first, _second, upcoming = earlier
    foreign = make_meeting(cabinet.other_body, cabinet.outsider, items=1)
    before = counts()
    response = client_for(cabinet, "secretary").post(
        url(upcoming.pk), {"previous": str(foreign.pk)}
    )
    assert response.status_code == 404
    assert counts() == before


def test_the_form_only_posts(cabinet, earlier):
    _first, _second, upcoming = earlier
    assert client_for(cabinet, "secretary").get(url(upcoming.pk)).status_code == 405
