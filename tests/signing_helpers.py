"""Set-up shared by the tests of signing meeting papers (pages, API and browser)."""

from __future__ import annotations

import functools
import json

from django.test import Client

from meetings import services
from meetings.models import Meeting, MeetingPaper
from tests.factories import NamedBytes, pdf_bytes


@functools.cache
def paper_pdf() -> bytes:
    return pdf_bytes(pages=2, text="Tờ trình về dự thảo Nghị định quản lý đầu tư công")


def presented_paper(cabinet, meeting: Meeting, *, presenter=None, **extra) -> MeetingPaper:
    """A submission on the meeting's first item, which `presenter` (by default the
    cabinet's minister) presents; uploaded by the secretariat."""
    item = meeting.items.order_by("order").first()
    services.item_update(
        actor=cabinet.secretary, item=item, presenter=presenter or cabinet.minister
    )
    fields = {
        "doc_type": "to_trinh",
        "number_symbol": "215/TTr-BTC",
        "summary": "Tờ trình về dự thảo Nghị định quản lý đầu tư công",
        "issuing_body": "Bộ Tài chính",
    }
    fields.update(extra)
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        file=NamedBytes(paper_pdf(), "to-trinh.pdf"),
        filename="to-trinh.pdf",
        item=item,
        **fields,
    )


def close_meeting(meeting: Meeting) -> None:
    """Mark the meeting closed (a test shortcut past attendance and quorum, not a service)."""
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.CLOSED)
    meeting.refresh_from_db()


def post_json(client: Client, url: str, data: dict):
    return client.post(url, json.dumps(data), content_type="application/json")
