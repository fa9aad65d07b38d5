"""Vote commands a tablet may send over its meeting's WebSocket; each calls a service.

The answer to a command is kept with the sender's id (for retries), so it never carries
a secret ballot's choice or receipt.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from pydantic import ConfigDict

from ecabinet.errors import NotFound, ServiceError
from ecabinet.realtime.commands import Id, Item, command, command_batch
from voting import services
from voting.models import Vote
from voting.schemas import CastIn, CloseIn


class CastArgs(CastIn):
    model_config = ConfigDict(extra="forbid")
    vote_id: Id


class CloseArgs(CloseIn):
    model_config = ConfigDict(extra="forbid")
    vote_id: Id


def _vote_id(meeting_id: int, vote_id: int) -> int:
    if not Vote.objects.filter(pk=vote_id, meeting_id=meeting_id).exists():
        raise NotFound(_("That vote is not in this meeting."))
    return vote_id


@command("vote.cast", args=CastArgs, together="vote_id")
def vote_cast(
    *,
    actor,
    meeting_id: int,
    vote_id: int,
    choice: str,
    receipt: str | None = None,
    member_id: int | None = None,
) -> dict[str, Any]:
    result = services.ballot_cast(
        actor=actor,
        vote_id=_vote_id(meeting_id, vote_id),
        choice=choice,
        receipt=receipt,
        member_id=member_id,
    )
    return result.as_dict()


@command_batch("vote.cast")
def vote_cast_together(items: list[Item]) -> list[dict[str, Any] | ServiceError | None]:
    """Casts in the same vote that arrived together: written at once."""
    casts = [
        services.Cast(
            actor=item.actor,
            meeting_id=item.meeting_id,
            choice=item.values["choice"],
            receipt=item.values.get("receipt"),
            member_id=item.values.get("member_id"),
            language=item.language,
        )
        for item in items
    ]
    results = services.ballots_cast_together(vote_id=items[0].values["vote_id"], casts=casts)
    return [r.as_dict() if isinstance(r, services.CastResult) else r for r in results]


@command("vote.close", args=CloseArgs)
def vote_close(
    *, actor, meeting_id: int, vote_id: int, chair_receipt: str | None = None
) -> dict[str, Any]:
    vote = services.vote_close(
        actor=actor,
        vote_id=_vote_id(meeting_id, vote_id),
        chair_receipt=chair_receipt,
    )
    return {"vote_id": vote.pk, "state": vote.state, "result": vote.result}
