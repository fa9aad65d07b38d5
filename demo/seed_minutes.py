"""Demo: a Government meeting held this morning and closed, with its minutes drafted,
issued, signed by the secretary and the chair, sealed and archived.

Signing needs the development keys, which `make run` creates (`pki init`) only after
seeding; so this step creates what is missing the same way (`dev_pki_init`, idempotent)
and, when the TSA/OCSP/CRL service is not running yet, serves it from a thread while it
signs. Demo PINs only. Idempotent: a meeting with the same title is left alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket

from django.conf import settings
from django.utils import timezone

from demo.data import GOVERNMENT, REGULAR_MEETING
from ecabinet.errors import ServiceError
from meetings import live, live_speakers
from meetings import services as meetings
from meetings.models import Meeting, Participant
from meetings.models_live import Attendance, ItemState, LiveState, SpeakerRequest
from minutes import services as minutes
from people.models import Body, User
from people.selectors import body_chair
from voting import services as voting
from voting.models import Ballot, Vote

TITLE = "Phiên họp Chính phủ chuyên đề về xây dựng pháp luật"
ITEMS = (
    (
        "Dự án Luật Dữ liệu (sửa đổi)",
        "Bộ Công an",
        "Các thành viên thống nhất sự cần thiết sửa đổi; đề nghị làm rõ cơ chế chia sẻ dữ "
        "liệu giữa các bộ, ngành.",
        "Thông qua hồ sơ dự án Luật; giao Bộ Công an tiếp thu ý kiến, hoàn thiện trình Quốc hội.",
    ),
    (
        "Đề nghị xây dựng Nghị định về giao dịch điện tử trong hoạt động quản lý nhà nước",
        "Bộ Khoa học và Công nghệ",
        "Ý kiến đề nghị bổ sung đánh giá tác động thủ tục hành chính.",
        "Giao Bộ Khoa học và Công nghệ hoàn thiện, báo cáo Thủ tướng trong tháng.",
    ),
)


def seed_minutes() -> bool:
    """Create the demo meeting and its signed minutes if missing; True when written."""
    body = Body.objects.filter(name=GOVERNMENT.name).first()
    secretary = User.objects.filter(username=REGULAR_MEETING.secretary).first()
    chair = body_chair(body=body) if body else None
    if body is None or secretary is None or chair is None:
        return False
    if Meeting.objects.filter(body=body, title=TITLE).exists():
        return False
    meeting = _held_meeting(body, secretary, chair)
    record = meeting.minutes.get()  # drafted as the meeting closed
    draft = record.drafts.get()
    content = dict(draft.content)
    content["items"] = {
        str(item["id"]): {"summary": spec[2], "conclusion": spec[3]}
        for item, spec in zip(record.facts["items"], ITEMS, strict=True)
    }
    content["closing"] = "Chủ tọa kết luận phiên họp và cảm ơn các thành viên."
    minutes.minutes_draft_save(actor=secretary, minutes=record, content=content, based_on=1)
    record = minutes.minutes_issue(actor=secretary, minutes=record)
    _sign(record, secretary, chair)
    return True


def _held_meeting(body: Body, secretary: User, chair: User) -> Meeting:
    # Planned for this morning (three hours ago, on the quarter hour), two and a half
    # hours long; it runs over and closes now.
    now = timezone.now()
    start = (now - dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    start -= dt.timedelta(minutes=start.minute % 15)
    meeting = meetings.meeting_create(
        actor=secretary,
        body=body,
        title=TITLE,
        kind=Meeting.Kind.THEMATIC,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2, minutes=30),
    )
    for title, agency, _summary, _conclusion in ITEMS:
        meetings.item_add(actor=secretary, meeting=meeting, title=title, presenting_agency=agency)
    meeting = meetings.meeting_publish(actor=secretary, meeting=meeting)
    members = list(
        meeting.participants.filter(kind=Participant.Kind.MEMBER)
        .select_related("user")
        .order_by("user__username")
    )
    for participant in members:
        live.attendance_mark(
            actor=secretary, meeting=meeting, user_id=participant.user_id, present=True
        )
    meeting = meetings.meeting_start(actor=chair, meeting=meeting)
    _hold(meeting, chair, [p.user for p in members])
    _retime(meeting, start)
    return meetings.meeting_close(actor=chair, meeting=meeting)


def _hold(meeting: Meeting, chair: User, members: list[User]) -> None:
    """Each item in turn: the first heard a speaker and took a vote; both concluded."""
    speaker = next((m for m in members if m.pk != chair.pk), None)
    for n, (item, spec) in enumerate(zip(meeting.items.order_by("order"), ITEMS, strict=True)):
        live.item_open(actor=chair, item=item)
        if n == 0 and speaker is not None:
            live_speakers.speaker_request(actor=speaker, item=item)
            live_speakers.speaker_next(actor=chair, meeting=meeting)
            live_speakers.speaker_finish(actor=chair, meeting=meeting)
            vote = voting.vote_open(actor=chair, item=item, question="Thông qua hồ sơ dự án Luật?")
            for member in members:
                voting.ballot_cast(actor=member, vote_id=vote.pk, choice="yes")
            voting.vote_close(actor=chair, vote_id=vote.pk)
        live.item_close(actor=chair, item=item, conclusion=spec[3])


def _retime(meeting: Meeting, start: dt.datetime) -> None:
    """Lay the record on the morning it tells of. The services stamp the clock, so the
    demo, run in a second, would say a three-hour meeting took no time: members check
    in before the planned start, the session opens on time, the first item hears its
    speaker and votes, the second is debated until late in the morning; the meeting
    closes now, after all of it. (The audit trail keeps when the demo really ran.)"""

    def at(minutes: float) -> dt.datetime:
        return start + dt.timedelta(minutes=minutes)

    attendance = Attendance.objects.filter(meeting=meeting).order_by("checked_in_at", "pk")
    for n, row in enumerate(attendance):
        Attendance.objects.filter(pk=row.pk).update(checked_in_at=at(-20 + n * 0.5))
    Meeting.objects.filter(pk=meeting.pk).update(started_at=at(0))
    LiveState.objects.filter(meeting=meeting).update(started_at=at(0))
    first, second = meeting.items.order_by("order")
    ItemState.objects.filter(item=first).update(opened_at=at(2), closed_at=at(55))
    ItemState.objects.filter(item=second).update(opened_at=at(60), closed_at=at(160))
    SpeakerRequest.objects.filter(item=first).update(
        requested_at=at(5), started_at=at(20), ended_at=at(32)
    )
    Vote.objects.filter(item=first).update(opened_at=at(45), closed_at=at(50))
    Ballot.objects.filter(vote__item=first).update(updated_at=at(46))


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def pki_service(pki):
    port = settings.SIGNING_DEV_PKI_PORT
    if _port_open(port):
        yield  # `pki serve` is already running
        return
    from signing.pki_service import serve_in_thread

    server = serve_in_thread(pki, port=port)
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def _sign(record, secretary: User, chair: User) -> None:
    from signing.provisioning import DEMO_SEAL_PIN, DEMO_USER_PIN, dev_pki_init

    try:
        report = dev_pki_init(users=[secretary, chair])
        with pki_service(report.pki):
            for actor, step, pin in (
                (secretary, "secretary", DEMO_USER_PIN),
                (chair, "chair", DEMO_USER_PIN),
                (secretary, "seal", DEMO_SEAL_PIN),
            ):
                record = minutes.minutes_sign(actor=actor, minutes=record, step=step, pin=pin)
    except ServiceError:
        # Keys made elsewhere with other PINs: the minutes stay issued, to sign by hand.
        return
