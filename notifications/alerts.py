"""Live alerts: what needs a person now, pushed to whatever page of the app they have open.

Each person has one real-time stream, `person:<user id>` (group "person.<user id>"), with
the same event log, numbering and catch-up as a meeting's (ecabinet/realtime/events.py,
docs/events.md); only that person joins it (notifications/consumers.py). Three things
are pushed there: a vote opening in a meeting where they hold a seat (or vote for the
member they deputise for), the floor given to them, and a signature of theirs that is
now awaited (minutes, a written ballot's answer form).

Every alert carries a `key` ("vote:12", "floor:7", "sign:minutes:3:chair"). What raises
an alert has a partner that settles it under the same key (the vote closed, the floor
taken back, the signature made): the banner goes as soon as its thing is done, and a
page catching up after a dropped connection replays both and shows nothing stale.

The callers (voting, meetings, minutes, ballots, which sit above this app) pass the ids,
titles and the page's URL; nothing here imports them. Publish inside the caller's
transaction: a rolled-back change alerts nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ecabinet.realtime.events import Event, Stream, publish


def person_stream(user_id: int) -> Stream:
    return Stream("person", user_id)


# --- Events ------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteOpenedAlert(Event):
    type = "alert.vote_opened"
    key: str
    vote_id: int
    meeting_id: int
    meeting_title: str
    question: str
    url: str


@dataclass(frozen=True)
class VoteClosedAlert(Event):
    type = "alert.vote_closed"
    key: str
    vote_id: int
    meeting_id: int


@dataclass(frozen=True)
class FloorGivenAlert(Event):
    type = "alert.floor_given"
    key: str
    request_id: int
    meeting_id: int
    meeting_title: str
    item_title: str
    url: str


@dataclass(frozen=True)
class FloorEndedAlert(Event):
    type = "alert.floor_ended"
    key: str
    request_id: int
    meeting_id: int


@dataclass(frozen=True)
class SignatureRequestedAlert(Event):
    """`what` says what waits for the signature: "minutes", "minutes_seal", "ballot"."""

    type = "alert.signature_requested"
    key: str
    what: str
    title: str
    url: str


@dataclass(frozen=True)
class SignatureSettledAlert(Event):
    """Signed, sealed, or no longer awaited (the ballot closed)."""

    type = "alert.signature_settled"
    key: str


# Types that raise a banner and types that take one down (the page's script knows both).
RAISING = frozenset({VoteOpenedAlert.type, FloorGivenAlert.type, SignatureRequestedAlert.type})
SETTLING = frozenset({VoteClosedAlert.type, FloorEndedAlert.type, SignatureSettledAlert.type})


def _publish_to(user_ids: Iterable[int], event: Event) -> None:
    # Each person's stream row is locked while numbering; always in ascending id order,
    # so two services alerting overlapping people cannot wait on each other in a circle.
    for user_id in sorted(set(user_ids)):
        publish(stream=person_stream(user_id), event=event)


def vote_key(vote_id: int) -> str:
    return f"vote:{vote_id}"


def floor_key(request_id: int) -> str:
    return f"floor:{request_id}"


def signature_key(what: str, *ids: int | str) -> str:
    return ":".join(["sign", what, *map(str, ids)])


# --- Services: call inside the transaction that makes the change ------------------


def alert_vote_opened(
    *,
    recipient_ids: Iterable[int],
    vote_id: int,
    meeting_id: int,
    meeting_title: str,
    question: str,
    url: str,
) -> None:
    """Everyone who may vote: the seats' members, and deputies allowed to vote for them."""
    event = VoteOpenedAlert(
        vote_key(vote_id), vote_id, meeting_id, meeting_title[:300], question[:500], url
    )
    _publish_to(recipient_ids, event)


def alert_vote_closed(*, recipient_ids: Iterable[int], vote_id: int, meeting_id: int) -> None:
    _publish_to(recipient_ids, VoteClosedAlert(vote_key(vote_id), vote_id, meeting_id))


def alert_floor_given(
    *,
    speaker_id: int,
    request_id: int,
    meeting_id: int,
    meeting_title: str,
    item_title: str,
    url: str,
) -> None:
    event = FloorGivenAlert(
        floor_key(request_id), request_id, meeting_id, meeting_title[:300], item_title[:300], url
    )
    _publish_to([speaker_id], event)


def alert_floor_ended(*, speaker_id: int, request_id: int, meeting_id: int) -> None:
    _publish_to([speaker_id], FloorEndedAlert(floor_key(request_id), request_id, meeting_id))


def alert_signature_requested(
    *, recipient_ids: Iterable[int], key: str, what: str, title: str, url: str
) -> None:
    _publish_to(recipient_ids, SignatureRequestedAlert(key, what, title[:300], url))


def alert_signature_settled(*, recipient_ids: Iterable[int], key: str) -> None:
    _publish_to(recipient_ids, SignatureSettledAlert(key))
