"""Helpers and fixtures shared by the voting tests (this module holds no tests)."""

from __future__ import annotations

import secrets

import pytest

from meetings import live as live_services
from meetings import services as meeting_services
from meetings.models import Meeting, Participant
from people.models import Role, User
from tests.factories import UserFactory, grant
from voting import services


def start(meeting, chair):
    """Start the meeting and check every member in through the attendance service."""
    meeting = meeting_services.meeting_start(
        actor=chair, meeting=meeting, override_reason="Kiểm thử biểu quyết"
    )
    secretary = User.objects.filter(
        memberships__body_id=meeting.body_id, memberships__role=Role.SECRETARIAT
    ).first()
    for user_id in meeting.participants.filter(kind=Participant.Kind.MEMBER).values_list(
        "user_id", flat=True
    ):
        live_services.attendance_mark(
            actor=secretary, meeting=meeting, user_id=user_id, present=True
        )
    return meeting


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
    live_services.attendance_mark(
        actor=cabinet.secretary, meeting=meeting, user_id=user.pk, present=True
    )
    return user


@pytest.fixture
def absent(cabinet):
    """Who has left the room: `absent.add(user_id)` has the secretariat mark them gone,
    through the real attendance service, in the meeting in progress."""

    class Away(set):
        def add(self, user_id: int) -> None:
            super().add(user_id)
            meeting = Meeting.objects.get(state=Meeting.State.IN_PROGRESS, body=cabinet.body)
            live_services.attendance_mark(
                actor=cabinet.secretary, meeting=meeting, user_id=user_id, present=False
            )

    return Away()


@pytest.fixture
def live(cabinet, meeting, absent):
    return start(meeting, cabinet.chair)


@pytest.fixture
def item(live):
    return live.items.order_by("order").first()


def secret_choices(vote=None) -> list[str]:
    """The choices of a secret vote's ballots, opened as the server opens them to count."""
    from voting import secrecy
    from voting.models import SecretBallot

    rows = SecretBallot.objects.all() if vote is None else SecretBallot.objects.filter(vote=vote)
    return [
        secrecy.open_choice(vote_id=row.vote_id, token=row.token, sealed=row.sealed_choice)
        for row in rows
    ]
