"""Demo: two written ballots to the Government's members.

- An earlier one, already closed: answered by three members, two of whom signed their
  answers with their PINs (on a machine too slow to do it all within the ballot's short
  life, fewer); the deadline passed, the secretariat issued the tally report
  (counting only the signed answers, the Government's rule), signed it and sealed it,
  which filed the report and the signed answers in the archive.
- An open one, deadline five days ahead, two questions, and one minister's answer
  already submitted (with its PDF form).

Written through the services (so the audit trail records it) and idempotent: a ballot
with the same subject in the Government is found and left alone.
"""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone

from ballots import services
from ballots.models import Ballot
from ballots.services_answers import answer_submit
from ballots.services_sign import answer_sign, report_issue, report_sign
from demo.data import GOVERNMENT, REGULAR_MEETING
from ecabinet.errors import ServiceError
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


CLOSED_SUBJECT = "Dự thảo Nghị định quy định chi tiết một số điều của Luật Đầu tư công"
CLOSED_QUESTIONS = [
    "Đồng ý với dự thảo Nghị định do Bộ Tài chính trình?",
    "Đồng ý giao Bộ Tài chính tiếp thu ý kiến, hoàn thiện dự thảo trình Thủ tướng ký ban hành?",
]
# The closed ballot runs for real while the demo is seeded: its deadline is this far
# ahead when it opens, long enough for the answers to be submitted and signed before
# it; seeding then waits for it to pass, so every date printed and signed agrees.
CLOSED_BALLOT_OPEN_FOR = dt.timedelta(seconds=8)
# A signature is started only this long before the deadline, to land before it.
SIGNING_TAKES = dt.timedelta(seconds=3)


def seed_closed_ballot() -> bool:
    """Create the closed ballot, its signed answers and its sealed report if missing;
    True when something was written."""
    from demo.seed_minutes import pki_service
    from signing.provisioning import DEMO_SEAL_PIN, DEMO_USER_PIN, dev_pki_init

    body = Body.objects.filter(name=GOVERNMENT.name).first()
    if body is None or Ballot.objects.filter(body=body, subject=CLOSED_SUBJECT).exists():
        return False
    secretary = User.objects.get(username=REGULAR_MEETING.secretary)
    chair = body_chair(body=body)
    if chair is None:
        return False
    ministers = [m for m in body_members(body=body) if m.pk != chair.pk]
    signers, unsigned = [chair, *ministers[1:2]], ministers[2:3]
    try:
        # The keys first, so that the ballot's short life is spent answering.
        keys = dev_pki_init(users=[secretary, *signers])
    except ServiceError:
        return False
    with pki_service(keys.pki):
        ballot = services.ballot_create(
            actor=secretary,
            body=body,
            subject=CLOSED_SUBJECT,
            summary=(
                "Bộ Tài chính trình dự thảo Nghị định; Văn phòng Chính phủ xin ý kiến thành "
                "viên Chính phủ bằng phiếu."
            ),
            questions=CLOSED_QUESTIONS,
            deadline=(timezone.now() + CLOSED_BALLOT_OPEN_FOR).replace(microsecond=0),
        )
        services.ballot_submit(actor=secretary, ballot=ballot)
        ballot = services.ballot_approve(actor=chair, ballot=ballot)
        # Those who sign answer first, and sign; the last answer stays unsigned.
        for member in [*signers, *unsigned]:
            try:
                answer = answer_submit(
                    actor=member, ballot=ballot, items={1: ("agree", ""), 2: ("agree", "")}
                )
                if member in signers and timezone.now() < ballot.deadline - SIGNING_TAKES:
                    answer_sign(actor=member, answer=answer, pin=DEMO_USER_PIN)
            except ServiceError:
                # The deadline passed (a slow machine), or keys made elsewhere with other
                # PINs: this member's answer is missing or stays unsigned.
                pass
        time.sleep(max((ballot.deadline - timezone.now()).total_seconds(), 0) + 0.01)
        services.ballot_close_due(ballot_id=ballot.pk)
        report_issue(actor=secretary, ballot=ballot)
        try:
            report_sign(actor=secretary, ballot=ballot, pin=DEMO_USER_PIN)
            report_sign(actor=secretary, ballot=ballot, pin=DEMO_SEAL_PIN, kind="seal")
        except ServiceError:
            pass  # the report stays issued, to sign by hand
    return True
