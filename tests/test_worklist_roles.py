"""One busy day for a whole body, and what each role finds on its home page: exactly the
duties that are theirs, and nothing of a guest's item, another seat or another body."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ballots import services as ballot_services
from meetings import services as meeting_services
from tests.circulation_helpers import circulate
from tests.factories import make_meeting
from tests.roles import client_for
from tests.test_ballots_helpers import make_ballot, open_ballot
from tests.worklist_helpers import issued_minutes, kinds, leave_with_deputy, start
from voting import services as voting_services

pytestmark = pytest.mark.django_db

ANSWERS = {"ballot_answer", "draft_comment"}
EXPECTED = {
    "minister": {"vote", "positions", *ANSWERS},
    "chair": {"vote", "positions", "leave", "ballot_approval", *ANSWERS},
    "secretary": {"minutes_sign", "ballot_waiting", "draft_waiting"},
    "away": {"positions", *ANSWERS},  # on leave from the running meeting: no vote
    "deputy": {"vote"},
    "assistant": {"positions"},  # preparing for the minister they assist
    "guest": set(),
    "archivist": set(),
    "observer": set(),
    "auditor": set(),
    "outsider": set(),
}


@pytest.fixture
def day(cabinet):
    preparing = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)
    meeting_services.guest_invite(
        actor=cabinet.secretary,
        meeting=preparing,
        user=cabinet.guest,
        items=[preparing.items.order_by("order").first()],
    )
    meeting_services.leave_request(
        actor=cabinet.members[4], meeting=preparing, reason="Tiếp khách quốc tế"
    )
    running = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
    cabinet.deputy = leave_with_deputy(cabinet, running, cabinet.members[3])
    cabinet.away = cabinet.members[3]
    start(cabinet, running)
    voting_services.vote_open(
        actor=cabinet.chair, item=running.items.get(), question="Thông qua Nghị quyết?"
    )
    issued_minutes(cabinet)
    open_ballot(cabinet)
    ballot_services.ballot_submit(actor=cabinet.secretary, ballot=make_ballot(cabinet))
    circulate(cabinet)
    return cabinet


def test_each_role_finds_exactly_its_own_duties(day):
    # One day, every role: the dict's difference names any role that is off.
    assert {role: set(kinds(getattr(day, role))) for role in EXPECTED} == EXPECTED


def test_the_page_and_the_api_list_them_the_same(day):
    for role in ["minister", "chair", "secretary", "assistant", "observer"]:
        client = client_for(day, role)
        page = client.get(reverse("dashboard")).content.decode()
        api = client.get("/api/me/work").json()
        assert page.count('data-testid="duty"') == api["count"] == len(EXPECTED[role]), role
        for duty in api["duties"]:
            assert f'href="{duty["url"]}"' in page, role
