"""The answer form and the tally report as PDF (WeasyPrint, Decree 30 layout).

Both are legal papers, so their wording is Vietnamese whatever language the reader's
screen uses. Rendering takes a fraction of a second: services call these before they
open their transaction, so no row is held locked meanwhile.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone

from ballots.models import Ballot, Delegation
from ballots.tally import CHOICES, LABELS_VI, BallotTally
from documents.pdf import pdf_metadata_settle
from ecabinet import dates
from people.models import Body, User

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment, VIETNAM)


def place_date(place: str, moment: dt.datetime) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2026": Decree 30 pads days below 10 and months below 3."""
    day = _local(moment).date()
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def when(moment: dt.datetime) -> str:
    # Seconds: an answer signed just before the deadline must show it was.
    return dates.vi_when(moment, seconds=True)


def _audience(body: Body) -> str:
    if body.kind == Body.Kind.GOVERNMENT:
        return "THÀNH VIÊN CHÍNH PHỦ"
    return f"THÀNH VIÊN {body.short_name or body.name}".upper()


def _secretariat(body: Body) -> str:
    return "VĂN PHÒNG CHÍNH PHỦ" if body.kind == Body.Kind.GOVERNMENT else "VĂN PHÒNG"


def _person(user: User) -> str:
    name = user.full_name or user.get_username()
    return f"{name}, {user.title}" if user.title else name


def _write(html: str, *, moment: dt.datetime) -> bytes:
    from weasyprint import HTML  # heavy import, needed only when something is rendered

    # Dated with the instant the paper speaks for (submitted, issued), in UTC.
    return pdf_metadata_settle(HTML(string=html).write_pdf(), moment=moment)


def answer_pdf(
    *,
    ballot: Ballot,
    member: User,
    answered_by: User,
    delegation: Delegation | None,
    rows: list[dict],
    submitted_at: dt.datetime,
) -> bytes:
    """`rows`: per question {number, text, choice, text_answer}."""
    for row in rows:
        row["label"] = LABELS_VI.get(row["choice"], "")
    delegation_line = ""
    if delegation is not None:
        delegation_line = (
            f"Trả lời thay: {_person(answered_by)} trả lời thay mặt {_person(member)} "
            f"theo ủy quyền (lý do: {delegation.reason})."
        )
    context = {
        "doc_title": f"Phiếu lấy ý kiến: {ballot.subject}",
        "agency": ballot.body.name,
        "audience": _audience(ballot.body),
        "signer_heading": _audience(ballot.body),
        "ballot": ballot,
        "member": member,
        "place_date": place_date(ballot.body.place, submitted_at),
        "rows": rows,
        "options": [(c, LABELS_VI[c]) for c in CHOICES],
        "answered_by_line": _person(answered_by),
        "delegation_line": delegation_line,
        "submitted_line": when(submitted_at),
        "deadline_line": when(ballot.deadline),
    }
    return _write(render_to_string("ballots/pdf/answer.html", context), moment=submitted_at)


def report_pdf(
    *, ballot: Ballot, result: BallotTally, actor: User, issued_at: dt.datetime
) -> bytes:
    chair = ballot.chair
    context = {
        "doc_title": f"Báo cáo tổng hợp ý kiến: {ballot.subject}",
        "agency": _secretariat(ballot.body),
        "audience": _audience(ballot.body),
        "secretariat_heading": _secretariat(ballot.body),
        "ballot": ballot,
        "result": result,
        "actor": actor,
        "place_date": place_date(ballot.body.place, issued_at),
        "deadline_line": when(ballot.deadline),
        "issued_line": when(issued_at),
        "chair_line": _person(chair) if chair else "Người chủ trì",
    }
    return _write(render_to_string("ballots/pdf/report.html", context), moment=issued_at)
