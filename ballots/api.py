"""Written ballots over JSON. Every write is a service call; errors have the API's shape.

`GET /ballots/{id}/live` is the snapshot the secretariat's page fetches whenever the
ballot's event stream (ballots/consumers.py) says something happened.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ballots import selectors, services
from ballots.access import ensure_can_view
from ballots.live import ballot_live_snapshot
from ballots.models import Answer, Ballot
from ballots.services_answers import answer_reopen, answer_save, answer_submit, delegation_record
from ballots.views_files import ensure_health_viewer
from documents.models import Document
from ecabinet.api_types import ERRORS, Id
from ecabinet.errors import Invalid, NotFound
from people.models import Body, User

router = Router(tags=["ballots"])


class BallotIn(Schema):
    body_id: Id
    subject: str = Field(max_length=300)
    summary: str = ""
    questions: list[str]
    deadline: datetime
    recipient_ids: list[Id] | None = None
    draft_ids: list[Id] = []
    send_for_approval: bool = False


class AnswerItemIn(Schema):
    question: int
    choice: str = ""
    text: str = Field("", max_length=4000)


class AnswerIn(Schema):
    items: list[AnswerItemIn] = []
    member_id: Id | None = None


class NoteIn(Schema):
    note: str = Field(max_length=500)


class DelegationIn(Schema):
    member_id: Id
    deputy_id: Id
    reason: str = Field(max_length=500)


def _ballot(request: HttpRequest, ballot_id: Id) -> Ballot:
    ballot = selectors.ballot_get(pk=ballot_id)
    if ballot.is_open and ballot.deadline <= timezone.now():
        services.ballot_close_due(ballot_id=ballot.pk)
        ballot = selectors.ballot_get(pk=ballot_id)
    ensure_can_view(user=request.user, ballot=ballot)
    return ballot


def _person(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise Invalid(_("No such person."), fields={field: [_("No such person.")]})
    return user


def _view(request: HttpRequest, ballot: Ballot) -> dict:
    access = ensure_can_view(user=request.user, ballot=ballot)
    mine = ballot.answers.filter(member=request.user).first()
    data = {
        "id": ballot.pk,
        "body_id": ballot.body_id,
        "subject": ballot.subject,
        "summary": ballot.summary,
        "state": ballot.state,
        "deadline": ballot.deadline,
        "seconds_left": max(int((ballot.deadline - timezone.now()).total_seconds()), 0),
        "questions": [{"number": q.number, "text": q.text} for q in ballot.questions.all()],
        "drafts": [{"id": d.pk, "title": str(d)} for d in ballot.drafts.all()],
        "my_answer": None,
        "answering_for": list(access.deputy_for),
    }
    if mine is not None:
        data["my_answer"] = {
            "id": mine.pk,
            "state": mine.state,
            "submitted_at": mine.submitted_at,
            "items": [
                {"question": n, "choice": c, "text": t}
                for n, (c, t) in sorted(selectors.answer_items(answer=mine).items())
            ],
            "sha256": mine.final_version.sha256 if mine.final_version else None,
        }
    if access.sees_all_answers:
        data["recipients"] = selectors.ballot_recipients(ballot=ballot)
    return data


@router.get("/ballots/health", response={200: dict, **ERRORS})
def ballots_health(request: HttpRequest):
    ensure_health_viewer(request.user)
    return selectors.ballots_health(body_ids=selectors.health_bodies(request.user))


@router.get("/ballots", response={200: list[dict], **ERRORS})
def ballot_list(request: HttpRequest):
    pending = {p.ballot.pk for p in selectors.ballots_pending_for(user=request.user)}
    return [
        {
            "id": b.pk,
            "subject": b.subject,
            "state": b.state,
            "deadline": b.deadline,
            "pending_for_me": b.pk in pending,
        }
        for b in selectors.ballots_visible_to(user=request.user)[:500]
    ]


@router.post("/ballots", response={201: dict, **ERRORS})
def ballot_create(request: HttpRequest, payload: BallotIn):
    body = Body.objects.filter(pk=payload.body_id).first()
    if body is None:
        raise Invalid(_("No such body."), fields={"body_id": [_("No such body.")]})
    recipients = None
    if payload.recipient_ids is not None:
        recipients = [_person(pk, "recipient_ids") for pk in payload.recipient_ids]
    ballot = services.ballot_create(
        actor=request.user,
        body=body,
        subject=payload.subject,
        summary=payload.summary,
        questions=payload.questions,
        deadline=payload.deadline,
        recipients=recipients,
        drafts=list(Document.objects.filter(pk__in=payload.draft_ids)),
    )
    if payload.send_for_approval:
        ballot = services.ballot_submit(actor=request.user, ballot=ballot)
    return Status(201, _view(request, ballot))


@router.get("/ballots/{ballot_id}", response={200: dict, **ERRORS})
def ballot_detail(request: HttpRequest, ballot_id: Id):
    return _view(request, _ballot(request, ballot_id))


@router.post("/ballots/{ballot_id}/submit", response={200: dict, **ERRORS})
def ballot_submit(request: HttpRequest, ballot_id: Id):
    ballot = services.ballot_submit(actor=request.user, ballot=_ballot(request, ballot_id))
    return _view(request, ballot)


@router.post("/ballots/{ballot_id}/approve", response={200: dict, **ERRORS})
def ballot_approve(request: HttpRequest, ballot_id: Id):
    ballot = services.ballot_approve(actor=request.user, ballot=_ballot(request, ballot_id))
    return _view(request, ballot)


@router.post("/ballots/{ballot_id}/return", response={200: dict, **ERRORS})
def ballot_return(request: HttpRequest, ballot_id: Id, payload: NoteIn):
    ballot = _ballot(request, ballot_id)
    return _view(
        request, services.ballot_return(actor=request.user, ballot=ballot, note=payload.note)
    )


def _items(payload: AnswerIn) -> dict[int, tuple[str, str]]:
    return {i.question: (i.choice, i.text) for i in payload.items}


@router.put("/ballots/{ballot_id}/answer", response={200: dict, **ERRORS})
def answer_draft(request: HttpRequest, ballot_id: Id, payload: AnswerIn):
    """Save a draft of my answer (or, with member_id, of the member I answer for)."""
    ballot = _ballot(request, ballot_id)
    member = _person(payload.member_id, "member_id")
    answer = answer_save(actor=request.user, ballot=ballot, items=_items(payload), member=member)
    return {"id": answer.pk, "state": answer.state}


@router.post("/ballots/{ballot_id}/answer/submit", response={200: dict, **ERRORS})
def answer_final(request: HttpRequest, ballot_id: Id, payload: AnswerIn):
    ballot = _ballot(request, ballot_id)
    member = _person(payload.member_id, "member_id")
    answer = answer_submit(actor=request.user, ballot=ballot, items=_items(payload), member=member)
    return {
        "id": answer.pk,
        "state": answer.state,
        "submitted_at": answer.submitted_at,
        "sha256": answer.version.sha256,
        "on_behalf": answer.delegation_id is not None,
    }


@router.post("/ballots/{ballot_id}/delegations", response={201: dict, **ERRORS})
def delegation_add(request: HttpRequest, ballot_id: Id, payload: DelegationIn):
    ballot = _ballot(request, ballot_id)
    delegation = delegation_record(
        actor=request.user,
        ballot=ballot,
        member=_person(payload.member_id, "member_id"),
        deputy=_person(payload.deputy_id, "deputy_id"),
        reason=payload.reason,
    )
    return Status(
        201,
        {"id": delegation.pk, "member_id": delegation.member_id, "deputy_id": delegation.deputy_id},
    )


@router.post("/ballots/{ballot_id}/answers/{answer_id}/reopen", response={200: dict, **ERRORS})
def answer_reopen_api(request: HttpRequest, ballot_id: Id, answer_id: Id, payload: NoteIn):
    ballot = _ballot(request, ballot_id)
    answer = get_object_or_404(Answer, pk=answer_id, ballot=ballot)
    answer = answer_reopen(actor=request.user, answer=answer, reason=payload.note)
    return {"id": answer.pk, "state": answer.state}


class ReportOut(Schema):
    ballot_id: int
    document_id: int
    version: int
    sha256: str
    counted: list[str]
    not_counted_unsigned: list[str]
    not_answered: list[str]


@router.post("/ballots/{ballot_id}/report", response={201: ReportOut, **ERRORS})
def report_issue_api(request: HttpRequest, ballot_id: Id):
    """Issue the tally report of a closed ballot (secretariat). 409 while answers that
    would count are unsigned and the deadline has not passed, or once the report is sealed."""
    from ballots.services_sign import report_issue

    ballot = _ballot(request, ballot_id)
    version = report_issue(actor=request.user, ballot=ballot)
    result = selectors.ballot_result(ballot=ballot)
    return Status(
        201,
        {
            "ballot_id": ballot.pk,
            "document_id": version.document_id,
            "version": version.number,
            "sha256": version.sha256,
            "counted": result.respondents,
            "not_counted_unsigned": result.unsigned,
            "not_answered": result.non_respondents,
        },
    )


@router.get("/ballots/{ballot_id}/live", response={200: dict, **ERRORS})
def ballot_live(request: HttpRequest, ballot_id: Id):
    ballot = _ballot(request, ballot_id)
    access = ensure_can_view(user=request.user, ballot=ballot)
    if not access.sees_all_answers:
        raise NotFound(_("Ballot not found."))
    return ballot_live_snapshot(request=request, ballot=ballot, access=access)


def _export(request: HttpRequest, ballot_id: Id) -> dict:
    ballot = _ballot(request, ballot_id)
    if not ensure_can_view(user=request.user, ballot=ballot).sees_all_answers:
        raise NotFound(_("Ballot not found."))
    return {
        "ballot": {
            "id": ballot.pk,
            "subject": ballot.subject,
            "state": ballot.state,
            "deadline": ballot.deadline,
            "closed_at": ballot.closed_at,
            "final": ballot.state == Ballot.State.CLOSED,
        },
        "result": selectors.ballot_result(ballot=ballot).as_dict(),
        "recipients": selectors.ballot_recipients(ballot=ballot),
    }


@router.get("/ballots/{ballot_id}/result.json", response={200: dict, **ERRORS})
def result_json(request: HttpRequest, ballot_id: Id):
    return _export(request, ballot_id)


@router.get("/ballots/{ballot_id}/result.csv", response={200: None, **ERRORS})
def result_csv(request: HttpRequest, ballot_id: Id):
    """One row per question (counts and outcome), a blank line, one row per recipient."""
    data = _export(request, ballot_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "question",
            "text",
            "agree",
            "disagree",
            "other",
            "adopted",
            "needed",
            "base",
            "tie",
            "decided_by",
        ]
    )
    for q in data["result"]["questions"]:
        writer.writerow(
            [
                q["number"],
                q["text"],
                q["agree"],
                q["disagree"],
                q["other"],
                q["adopted"],
                q["needed"],
                q["base"],
                q["tie"],
                q["decided_by"],
            ]
        )
    writer.writerow([])
    writer.writerow(["member_id", "member", "state", "answered_by", "on_behalf", "submitted_at"])
    for r in data["recipients"]:
        writer.writerow(
            [
                r["member_id"],
                r["member"],
                r["state"],
                r["answered_by"],
                r["on_behalf"],
                r["submitted_at"].isoformat() if r["submitted_at"] else "",
            ]
        )
    writer.writerow([])
    writer.writerow(["question", "member", "other_opinion"])
    for q in data["result"]["questions"]:
        for o in q["other_opinions"]:
            writer.writerow([q["number"], o["member"], o["text"]])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot_id}.csv"'
    return response
