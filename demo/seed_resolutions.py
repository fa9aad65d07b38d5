"""Demo: the resolution of the meeting held this morning (demo/seed_minutes.py), drafted
from its record, given tasks, numbered in the outgoing register, signed by the Prime
Minister, sealed and issued; its tasks assigned, in progress and completed by their lead
agencies; and a report received from a ministry in the incoming register.

Signing uses the development keys and demo PINs as the minutes do. Idempotent: a meeting
that already has a resolution, or a received document already registered, is left alone.
"""

from __future__ import annotations

import datetime as dt

from demo.data import GOVERNMENT, REGULAR_MEETING
from demo.seed_minutes import TITLE, pki_service
from documents.models import DocumentType
from ecabinet.errors import ServiceError
from meetings.models import Meeting
from people.models import Body, User
from people.selectors import body_chair
from registers import services as registers
from registers.models import RegisterEntry
from resolutions import services as resolutions
from resolutions import tracking
from resolutions.models import Resolution

# (lead agency, cooperating agencies, task, days to the deadline, expected output, article)
TASKS = (
    (
        "Bộ Công an",
        "Bộ Tư pháp, Bộ Khoa học và Công nghệ",
        "Tiếp thu ý kiến thành viên Chính phủ, hoàn thiện hồ sơ dự án Luật Dữ liệu (sửa đổi), "
        "trình Quốc hội.",
        2,
        "Hồ sơ dự án Luật trình Quốc hội",
        1,
    ),
    (
        "Bộ Khoa học và Công nghệ",
        "Văn phòng Chính phủ",
        "Hoàn thiện dự thảo Nghị định về giao dịch điện tử trong hoạt động quản lý nhà nước, "
        "báo cáo Thủ tướng Chính phủ.",
        25,
        "Dự thảo Nghị định",
        2,
    ),
    (
        "Bộ Tư pháp",
        "",
        "Có ý kiến về cơ chế chia sẻ dữ liệu giữa các bộ, ngành trong hồ sơ dự án Luật Dữ liệu "
        "(sửa đổi).",
        10,
        "Văn bản góp ý",
        1,
    ),
)
PROGRESS = (
    "bt.khcn",
    "Đã lấy ý kiến các bộ, ngành và địa phương; đang tổng hợp, tiếp thu để hoàn thiện dự thảo.",
)
COMPLETED = ("bt.tuphap", "Đã gửi văn bản góp ý về cơ chế chia sẻ dữ liệu tới Bộ Công an.")
RECEIVED = {
    "sender": "Bộ Tài chính",
    "number_symbol": "1520/BTC-NSNN",
    "doc_type": DocumentType.REPORT,
    "summary": "Báo cáo tình hình thực hiện dự toán ngân sách nhà nước 11 tháng năm 2026",
}


def seed_resolutions(*, today: dt.date) -> bool:
    """Create the demo resolution and the received report if missing; True when written."""
    body = Body.objects.filter(name=GOVERNMENT.name).first()
    secretary = User.objects.filter(username=REGULAR_MEETING.secretary).first()
    chair = body_chair(body=body) if body else None
    if body is None or secretary is None or chair is None:
        return False
    wrote = _received(body, secretary, today)
    meeting = Meeting.objects.filter(body=body, title=TITLE, state=Meeting.State.CLOSED).first()
    if meeting is None or meeting.resolutions.exists():
        return wrote
    resolution = resolutions.resolution_draft_from_meeting(actor=secretary, meeting=meeting)
    articles = list(resolution.articles.order_by("number").values_list("text", flat=True))
    tasks = [
        {
            "lead_agency": lead,
            "cooperating_agencies": cooperating,
            "content": content,
            "deadline": (today + dt.timedelta(days=days)).isoformat(),
            "expected_output": output,
            "article": article,
        }
        for lead, cooperating, content, days, output, article in TASKS
    ]
    resolution = resolutions.resolution_update(
        actor=secretary,
        resolution=resolution,
        title=resolution.title,
        preamble=resolution.preamble,
        articles=articles,
        tasks=tasks,
    )
    resolution = resolutions.resolution_number(actor=secretary, resolution=resolution)
    resolution = _issue(resolution, secretary, chair)
    if resolution.state == Resolution.State.ISSUED:
        _follow(resolution)
    return True


def _issue(resolution: Resolution, secretary: User, chair: User) -> Resolution:
    from signing.provisioning import DEMO_SEAL_PIN, DEMO_USER_PIN, dev_pki_init

    try:
        report = dev_pki_init(users=[secretary, chair])
        with pki_service(report.pki):
            resolution = resolutions.resolution_sign(
                actor=chair, resolution=resolution, pin=DEMO_USER_PIN
            )
            return resolutions.resolution_seal(
                actor=secretary, resolution=resolution, pin=DEMO_SEAL_PIN
            )
    except ServiceError:
        # Keys made elsewhere with other PINs: it stays numbered, to sign by hand.
        return resolution


def _follow(resolution: Resolution) -> None:
    """The first task stays assigned (due in two days), the second is in progress, the
    third is completed, each reported by its lead agency's minister."""
    tasks = {t.lead_agency: t for t in resolution.tasks.all()}
    for (username, text), report in (
        (PROGRESS, tracking.task_report_progress),
        (COMPLETED, tracking.task_report_completion),
    ):
        minister = User.objects.get(username=username)
        report(actor=minister, task=tasks[minister.organisation], text=text)


def _received(body: Body, secretary: User, today: dt.date) -> bool:
    if RegisterEntry.objects.filter(
        register__body=body, number_symbol=RECEIVED["number_symbol"], sender=RECEIVED["sender"]
    ).exists():
        return False
    registers.register_receive(
        actor=secretary,
        body=body,
        document_date=today - dt.timedelta(days=2),
        handler=secretary,
        **RECEIVED,
    )
    return True
