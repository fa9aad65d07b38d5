"""Helpers and fixtures shared by the voting tests (this module holds no tests)."""

from __future__ import annotations

import inspect
import secrets

import pytest

import voting.selectors
from meetings import services as meeting_services
from meetings.models import Participant
from people.models import Role
from tests.factories import UserFactory, grant
from voting import services


def start(meeting, chair):
    # Starting may ask for a quorum; these tests are about votes, not attendance.
    params = inspect.signature(meeting_services.meeting_start).parameters
    extra = {"override_reason": "Kiểm thử biểu quyết"} if "override_reason" in params else {}
    return meeting_services.meeting_start(actor=chair, meeting=meeting, **extra)


def receipt() -> str:
    return secrets.token_urlsafe(16)  # 128 random bits, 22 characters


def open_vote(cabinet, item, **kwargs):
    return services.vote_open(
        actor=cabinet.chair, item=item, question=kwargs.pop("question", "Thông qua?"), **kwargs
    )


def add_deputy(cabinet, meeting, member, *, may_vote, username="thutruong"):
    user = grant(UserFactory(username=username, title="Thứ trưởng"), cabinet.body, Role.GUEST)
    Participant.objects.create(
        meeting=meeting,
        user=user,
        kind=Participant.Kind.DEPUTY,
        on_behalf_of=member,
        may_vote=may_vote,
    )
    return user


@pytest.fixture
def absent(monkeypatch):
    """Who has left the room. Everyone invited (members, deputies) is present otherwise,
    whatever the attendance module says, so each test states presence itself."""
    away: set[int] = set()

    def present_user_ids(*, meeting):
        seated = Participant.objects.filter(
            meeting=meeting, kind__in=[Participant.Kind.MEMBER, Participant.Kind.DEPUTY]
        ).values_list("user_id", flat=True)
        return set(seated) - away

    monkeypatch.setattr(voting.selectors, "meeting_present_user_ids", present_user_ids)
    return away


@pytest.fixture
def live(cabinet, meeting, absent):
    return start(meeting, cabinet.chair)


@pytest.fixture
def item(live):
    return live.items.order_by("order").first()
