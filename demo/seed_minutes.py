"""Demo: a Government meeting held earlier today and closed, with its minutes drafted,
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
from minutes import services as minutes
from people.models import Body, User
from people.selectors import body_chair
from voting import services as voting

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
    now = timezone.now()
    meeting = meetings.meeting_create(
        actor=secretary,
        body=body,
        title=TITLE,
        kind=Meeting.Kind.THEMATIC,
        starts_at=now - dt.timedelta(hours=3),
        ends_at=now,
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
    speaker = next((p.user for p in members if p.user_id != chair.pk), None)
    for n, (item, spec) in enumerate(zip(meeting.items.order_by("order"), ITEMS, strict=True)):
        live.item_open(actor=chair, item=item)
        if n == 0 and speaker is not None:
            live_speakers.speaker_request(actor=speaker, item=item)
            live_speakers.speaker_next(actor=chair, meeting=meeting)
            live_speakers.speaker_finish(actor=chair, meeting=meeting)
            vote = voting.vote_open(actor=chair, item=item, question="Thông qua hồ sơ dự án Luật?")
            for participant in members:
                voting.ballot_cast(actor=participant.user, vote_id=vote.pk, choice="yes")
            voting.vote_close(actor=chair, vote_id=vote.pk)
        live.item_close(actor=chair, item=item, conclusion=spec[3])
    return meetings.meeting_close(actor=chair, meeting=meeting)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def _pki_service(pki):
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
        with _pki_service(report.pki):
            for actor, step, pin in (
                (secretary, "secretary", DEMO_USER_PIN),
                (chair, "chair", DEMO_USER_PIN),
                (secretary, "seal", DEMO_SEAL_PIN),
            ):
                record = minutes.minutes_sign(actor=actor, minutes=record, step=step, pin=pin)
    except ServiceError:
        # Keys made elsewhere with other PINs: the minutes stay issued, to sign by hand.
        return
