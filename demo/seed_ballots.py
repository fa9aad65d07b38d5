"""Demo: one open written ballot to the Government's members, deadline five days ahead,
two questions, and one minister's answer already submitted (with its PDF form).

Written through the services (so the audit trail records it) and idempotent: a ballot
with the same subject in the Government is found and left alone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ballots import services
from ballots.models import Ballot
from ballots.services_answers import answer_submit
from demo.data import GOVERNMENT, REGULAR_MEETING
from people.models import Body, User
from people.selectors import body_chair, body_members

SUBJECT = "Phương án điều chỉnh giá điện bình quân năm nay"
QUESTIONS = [
    "Đồng ý điều chỉnh giá bán lẻ điện bình quân tăng 4,8% theo đề nghị của Bộ Công Thương?",
    "Đồng ý thời điểm áp dụng từ ngày 01 của tháng sau?",
]


def seed_ballots() -> bool:
    """Create the demo ballot if it is missing; True when something was written."""
    body = Body.objects.filter(name=GOVERNMENT.name).first()
    if body is None or Ballot.objects.filter(body=body, subject=SUBJECT).exists():
        return False
    secretary = User.objects.get(username=REGULAR_MEETING.secretary)
    chair = body_chair(body=body)
    if chair is None:
        return False
    ballot = services.ballot_create(
        actor=secretary,
        body=body,
        subject=SUBJECT,
        summary=(
            "Bộ Công Thương trình phương án điều chỉnh giá điện; Văn phòng Chính phủ xin ý kiến "
            "thành viên Chính phủ bằng phiếu."
        ),
        questions=QUESTIONS,
        deadline=timezone.now() + dt.timedelta(days=5),
    )
    services.ballot_submit(actor=secretary, ballot=ballot)
    services.ballot_approve(actor=chair, ballot=ballot)
    minister = next((m for m in body_members(body=body) if m.pk != chair.pk), None)
    if minister is not None:
        answer_submit(
            actor=minister,
            ballot=ballot,
            items={
                1: ("agree", ""),
                2: ("other", "Đề nghị áp dụng từ ngày 15 để doanh nghiệp chuẩn bị."),
            },
        )
    return True
