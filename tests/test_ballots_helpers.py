"""Shared helpers for the written-ballot tests (no tests here)."""

from __future__ import annotations

import datetime as dt
import subprocess

from django.utils import timezone

from ballots import services
from ballots.models import Answer, Ballot
from ballots.services_answers import answer_submit

QUESTIONS = [
    "Đồng ý ban hành Nghị định quy định chi tiết Luật Dữ liệu?",
    "Đồng ý thời hạn chia sẻ dữ liệu 05 ngày làm việc?",
]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def make_ballot(cabinet, *, days: float = 3, questions=None, recipients=None) -> Ballot:
    return services.ballot_create(
        actor=cabinet.secretary,
        body=cabinet.body,
        subject="Dự thảo Nghị định về dữ liệu",
        summary="Xin ý kiến thành viên Chính phủ về hai vấn đề.",
        questions=questions or QUESTIONS,
        deadline=timezone.now() + dt.timedelta(days=days),
        recipients=recipients,
    )


def open_ballot(cabinet, **kwargs) -> Ballot:
    ballot = make_ballot(cabinet, **kwargs)
    services.ballot_submit(actor=cabinet.secretary, ballot=ballot)
    return services.ballot_approve(actor=cabinet.chair, ballot=ballot)


def counting_submitted(cabinet) -> None:
    """The body's rule set to count a submitted answer even unsigned (the Government's
    own rule requires a signature); ballots opened afterwards keep it."""
    cabinet.body.ballot_answer_must_be_signed = False
    cabinet.body.save(update_fields=["ballot_answer_must_be_signed"])


def close_after_deadline(ballot: Ballot) -> Ballot:
    """The deadline passes (a second ago) and the ballot closes as the sweep closes it."""
    Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    assert services.ballot_close_due(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    return ballot


def answer(member, ballot, *choices, actor=None, text="Đề nghị bổ sung đánh giá tác động"):
    items = {n: (c, text if c == "other" else "") for n, c in enumerate(choices, 1)}
    return answer_submit(actor=actor or member, ballot=ballot, items=items, member=member)


def pdftotext(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


def version_text(version) -> str:
    with version.file.open("rb") as handle:
        return pdftotext(handle.read())


def final_answers(ballot: Ballot):
    return ballot.answers.filter(state__in=[Answer.State.SUBMITTED, Answer.State.SIGNED])
