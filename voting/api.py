"""Live votes over JSON. Every write is a service call; a ballot goes through the same
idempotent command path as a tablet's socket, keyed by the client's `client_id`."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ecabinet.api_types import ERRORS, Id
from ecabinet.errors import Conflict, NotFound
from ecabinet.realtime.commands import command_run
from meetings.access import ensure_can_see_item
from meetings.models import AgendaItem
from voting import selectors, services
from voting.models import Vote
from voting.schemas import CastIn, CloseIn
from voting.words import result_in_words

router = Router(tags=["votes"])


class VoteIn(Schema):
    question: str = Field(max_length=500)
    mode: str = Field("named", json_schema_extra={"enum": list(Vote.Mode.values)})
    hide_tally: bool = False


class VoteBallotIn(CastIn):
    client_id: str


class ManualIn(Schema):
    member_id: Id
    choice: str
    reason: str = Field(max_length=500)


class MyBallotOut(Schema):
    choice: str | None
    cast_by_id: int
    manual: bool


class VoteOut(Schema):
    id: int
    meeting_id: int
    item_id: int
    question: str
    mode: str
    hide_tally: bool
    state: str
    opened_at: datetime
    closed_at: datetime | None
    seats: int
    cast: int
    counts: dict[str, int] | None
    result: dict | None
    result_words: str | None = None  # the outcome and the rule, in the reader's language
    present_not_voted: int | None = None  # chair and secretariat, while open
    may_vote: bool
    my_ballot: MyBallotOut | None


class CastOut(Schema):
    vote_id: int
    member_id: int
    cast_by_id: int
    secret: bool
    changed: bool
    manual: bool
    choice: str | None
    replayed: bool = False


def _visible_vote(request: HttpRequest, vote_id: Id):
    vote = Vote.objects.select_related("meeting__body", "item").filter(pk=vote_id).first()
    if vote is None:
        raise NotFound(_("Vote not found."))
    return vote, ensure_can_see_item(user=request.user, item=vote.item)


def _view(request: HttpRequest, vote_id: Id) -> dict:
    vote, access = _visible_vote(request, vote_id)
    return selectors.vote_view(vote=vote, access=access)


@router.post("/items/{item_id}/votes", response={201: VoteOut, **ERRORS})
def vote_open(request: HttpRequest, item_id: Id, payload: VoteIn):
    item = get_object_or_404(AgendaItem, pk=item_id)
    vote = services.vote_open(actor=request.user, item=item, **payload.dict())
    return Status(201, _view(request, vote.pk))


@router.post("/votes/{vote_id}/close", response={200: VoteOut, **ERRORS})
def vote_close(request: HttpRequest, vote_id: Id, payload: CloseIn | None = None):
    receipt = payload.chair_receipt if payload else None
    services.vote_close(actor=request.user, vote_id=vote_id, chair_receipt=receipt)
    return _view(request, vote_id)


@router.post("/votes/{vote_id}/ballot", response={200: CastOut, **ERRORS})
def ballot_cast(request: HttpRequest, vote_id: Id, payload: VoteBallotIn):
    vote, _access = _visible_vote(request, vote_id)
    args = payload.dict(exclude={"client_id"}, exclude_none=True)
    outcome = command_run(
        actor=request.user,
        meeting_id=vote.meeting_id,
        name="vote.cast",
        client_id=payload.client_id,
        args={"vote_id": vote.pk, **args},
    )
    return {**outcome.result, "replayed": outcome.replayed}


@router.post("/votes/{vote_id}/manual", response={200: CastOut, **ERRORS})
def ballot_record_manual(request: HttpRequest, vote_id: Id, payload: ManualIn):
    result = services.ballot_record_manual(actor=request.user, vote_id=vote_id, **payload.dict())
    return result.as_dict()


@router.get("/votes/{vote_id}", response={200: VoteOut, **ERRORS})
def vote_detail(request: HttpRequest, vote_id: Id):
    return _view(request, vote_id)


def _closed_vote(request: HttpRequest, vote_id: Id) -> Vote:
    vote, _access = _visible_vote(request, vote_id)
    if vote.state != Vote.State.CLOSED:
        raise Conflict(_("The result can be exported once the vote is closed."))
    return vote


def _export(vote: Vote) -> dict:
    return {
        "vote": {
            "id": vote.pk,
            "meeting_id": vote.meeting_id,
            "item_id": vote.item_id,
            "question": vote.question,
            "mode": vote.mode,
            "opened_at": vote.opened_at.isoformat(),
            "closed_at": vote.closed_at.isoformat(),
        },
        "result": vote.result,
        "result_words": result_in_words(result=vote.result),
        "seats": selectors.result_rows(vote=vote),
    }


@router.get("/votes/{vote_id}/result.json", response={200: dict, **ERRORS})
def vote_result_json(request: HttpRequest, vote_id: Id):
    return _export(_closed_vote(request, vote_id))


CSV_COLUMNS = [
    "member_id",
    "member",
    "voted",
    "choice",
    "cast_by",
    "delegated",
    "counted",
    "manual",
    "recorded_by",
    "reason",
]
RESULT_KEYS = [
    "cast",
    "seats",
    "not_voted",
    "set_aside",
    "members_total",
    "present",
    "base",
    "needed",
    "adopted",
    "tie",
    "decided_by",
    "chair_choice",
]


@router.get("/votes/{vote_id}/result.csv", response={200: None, **ERRORS})
def vote_result_csv(request: HttpRequest, vote_id: Id):
    """One row per seat, a blank line, then the result as key,value rows."""
    data = _export(_closed_vote(request, vote_id))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in data["seats"]:
        writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    writer.writerow([])
    writer.writerow(["question", data["vote"]["question"]])
    writer.writerow(["mode", data["vote"]["mode"]])
    for choice, count in data["result"]["counts"].items():
        writer.writerow([choice, count])
    for key in RESULT_KEYS:
        value = data["result"][key]
        writer.writerow([key, "" if value is None else value])
    writer.writerow(["result_words", data["result_words"]])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vote-{vote_id}.csv"'
    return response
