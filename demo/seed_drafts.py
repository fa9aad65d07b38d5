"""Demo: one draft decree circulated by the Government's secretariat to the ministers,
with two versions and a couple of comments, one of them answered by version 2.

Written through the services (so the audit trail records it) and idempotent: a draft
with the same summary in the Government is found and left alone.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from circulation import services
from circulation.models import Circulation
from demo.data import GOVERNMENT, REGULAR_MEETING
from people.models import Body, User
from people.selectors import body_chair, body_members

SUMMARY = "Dự thảo Nghị định quy định chi tiết một số điều của Luật Dữ liệu"

ARTICLES_V1 = [
    ("Điều 1. Phạm vi điều chỉnh", "Nghị định này quy định chi tiết một số điều của Luật Dữ liệu."),
    ("Điều 2. Đối tượng áp dụng", "Nghị định này áp dụng đối với cơ quan, tổ chức, cá nhân."),
    ("Điều 3. Chia sẻ dữ liệu", "Cơ quan nhà nước chia sẻ dữ liệu trong thời hạn 10 ngày."),
]
ARTICLES_V2 = [
    ARTICLES_V1[0],
    (
        "Điều 2. Đối tượng áp dụng",
        "Nghị định này áp dụng đối với cơ quan, tổ chức, cá nhân Việt Nam và nước ngoài "
        "có liên quan đến hoạt động dữ liệu tại Việt Nam.",
    ),
    (
        "Điều 3. Chia sẻ dữ liệu",
        "Cơ quan nhà nước chia sẻ dữ liệu trong thời hạn 05 ngày làm việc.",
    ),
]


def _pdf(articles: list[tuple[str, str]], label: str) -> bytes:
    from weasyprint import HTML

    body = "".join(
        f"<h2 style='page-break-before: {'always' if n == 2 else 'auto'}'>{title}</h2><p>{text}</p>"
        for n, (title, text) in enumerate(articles)
    )
    html = (
        "<html><head><style>@page{size:A4;margin:2cm 1.5cm 2cm 3cm}"
        "body{font-family:'Liberation Serif','Times New Roman',serif;font-size:14pt}"
        "h1,h2{font-size:14pt;text-align:center}</style></head><body>"
        "<p style='text-align:center'><b>CHÍNH PHỦ</b><br>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        "<br><b>Độc lập - Tự do - Hạnh phúc</b></p>"
        f"<h1>NGHỊ ĐỊNH<br>{SUMMARY[9:]}<br>({label})</h1>{body}</body></html>"
    )
    return HTML(string=html).write_pdf()


def seed_drafts() -> bool:
    """Create the demo draft if it is missing; True when something was written."""
    body = Body.objects.filter(name=GOVERNMENT.name).first()
    if body is None or Circulation.objects.filter(body=body, document__summary=SUMMARY).exists():
        return False
    secretary = User.objects.get(username=REGULAR_MEETING.secretary)
    chair = body_chair(body=body)
    ministers = [m for m in body_members(body=body) if chair is None or m.pk != chair.pk]
    first = _pdf(ARTICLES_V1, "Dự thảo 1")  # rendered before any transaction
    circulation = services.circulation_start(
        actor=secretary,
        body=body,
        file=io.BytesIO(first),
        filename="du-thao-nghi-dinh-luat-du-lieu-v1.pdf",
        doc_type="du_thao_nghi_dinh",
        summary=SUMMARY,
        issuing_body="Bộ Công an",
        number_symbol="",
        deadline=timezone.now() + dt.timedelta(days=7),
        request=(
            "Đề nghị các thành viên Chính phủ cho ý kiến về phạm vi và thời hạn chia sẻ dữ liệu."
        ),
        recipients=ministers,
    )
    answered = services.comment_add(
        actor=ministers[0],
        circulation=circulation,
        text="Đề nghị làm rõ đối tượng áp dụng có bao gồm tổ chức, cá nhân nước ngoài hay không.",
        page=1,
    )
    services.comment_add(
        actor=ministers[1],
        circulation=circulation,
        text="Thời hạn 10 ngày là dài; đề nghị rút xuống 05 ngày làm việc.",
        page=2,
    )
    services.circulation_add_version(
        actor=secretary,
        circulation=circulation,
        file=io.BytesIO(_pdf(ARTICLES_V2, "Dự thảo 2")),
        filename="du-thao-nghi-dinh-luat-du-lieu-v2.pdf",
        note="Tiếp thu ý kiến về đối tượng áp dụng và thời hạn chia sẻ.",
        answers=[answered.pk],
    )
    return True
