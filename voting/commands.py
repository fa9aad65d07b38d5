"""Vote commands a tablet may send over its meeting's WebSocket; each calls a service.

The answer to a command is kept with the sender's id (for retries), so it never carries
a secret ballot's choice or receipt.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ecabinet.errors import Invalid, NotFound
from ecabinet.realtime.commands import command
from voting import services
from voting.models import Vote


def _vote_id(meeting_id: int, vote_id: Any) -> int:
    if not isinstance(vote_id, int) or isinstance(vote_id, bool):
        raise Invalid(_("vote_id must be a number."), fields={"vote_id": [_("A number.")]})
    if not Vote.objects.filter(pk=vote_id, meeting_id=meeting_id).exists():
        raise NotFound(_("That vote is not in this meeting."))
    return vote_id


def _optional_str(name: str, value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise Invalid(_("%(name)s must be text.") % {"name": name}, fields={name: [_("Text.")]})
    return value


@command("vote.cast")
def vote_cast(
    *,
    actor,
    meeting_id: int,
    vote_id: int,
    choice: str,
    receipt: str | None = None,
    member_id: int | None = None,
) -> dict[str, Any]:
    if member_id is not None and (not isinstance(member_id, int) or isinstance(member_id, bool)):
        raise Invalid(_("member_id must be a number."), fields={"member_id": [_("A number.")]})
    result = services.ballot_cast(
        actor=actor,
        vote_id=_vote_id(meeting_id, vote_id),
        choice=choice,
        receipt=_optional_str("receipt", receipt),
        member_id=member_id,
    )
    return result.as_dict()


@command("vote.close")
def vote_close(
    *, actor, meeting_id: int, vote_id: int, chair_receipt: str | None = None
) -> dict[str, Any]:
    vote = services.vote_close(
        actor=actor,
        vote_id=_vote_id(meeting_id, vote_id),
        chair_receipt=_optional_str("chair_receipt", chair_receipt),
    )
    return {"vote_id": vote.pk, "state": vote.state, "result": vote.result}
