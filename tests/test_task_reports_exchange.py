"""A task's report can rest on the lead agency's own document, received over the exchange:
only a document the resolution's body received from that agency is offered and taken,
the report links to it, and the audit entry names it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Invalid
from exchange.models import Incoming, Peer
from resolutions import tracking
from tests.test_resolution_tasks_helpers import add_task, issued_resolution

pytestmark = pytest.mark.django_db


def _received(body, *, agency: str, code: str, number: str) -> Incoming:
    """A document the body received from `agency` (receiving is tested in
    tests/test_exchange*.py; here only the link from a report matters)."""
    peer, _created = Peer.objects.get_or_create(
        body=body,
        code=code,
        defaults={"name": agency, "inbox_url": "https://peer.example/exchange/inbox/"},
    )
    return Incoming.objects.create(
        body=body,
        sender=peer,
        document_id=f"{code},2026/12/01,{number}",
        number_symbol=number,
        type_name="Báo cáo",
        subject=f"Báo cáo của {agency}",
        promulgation_date=timezone.localdate() - dt.timedelta(days=2),
        package_sha256="0" * 64,
        pdf_name="bao-cao.pdf",
        pdf_sha256="1" * 64,
    )


def test_the_lead_agency_reports_completion_with_the_document_it_sent_over_the_exchange(
    cabinet,
):
    task = add_task(issued_resolution(cabinet), agency="Bộ Tài chính")
    theirs = _received(
        cabinet.body, agency="BỘ TÀI CHÍNH", code="000.00.12.G10", number="88/BC-BTC"
    )
    other = _received(cabinet.body, agency="Bộ Y tế", code="000.00.16.G10", number="7/BC-BYT")
    minister = cabinet.minister  # the Minister of Finance: the lead agency's
    client = Client()
    client.force_login(minister)
    page = client.get(f"/resolutions/tasks/{task.pk}/").content.decode()
    assert "88/BC-BTC" in page and "7/BC-BYT" not in page  # only the lead agency's

    with pytest.raises(Invalid, match="not received from the task's lead agency"):
        tracking.task_report_completion(actor=minister, task=task, text="Xong", incoming=other)
    with pytest.raises(Invalid, match="not both"):
        tracking.task_report_progress(
            actor=minister,
            task=task,
            text="Đang làm",
            attachment=io.BytesIO(b"%PDF-1.7"),
            filename="x.pdf",
            incoming=theirs,
        )
    assert task.reports.count() == 0

    done = client.post(
        f"/resolutions/tasks/{task.pk}/report/",
        {"text": "Đã hoàn thành, báo cáo gửi kèm.", "kind": "completion", "incoming": theirs.pk},
        follow=True,
    )
    assert done.status_code == 200
    [report] = task.reports.all()
    assert report.incoming == theirs and report.kind == "completion"
    task.refresh_from_db()
    assert task.state == "completed"
    assert 'data-testid="task-report-incoming"' in done.content.decode()
    assert f'href="/exchange/incoming/{theirs.pk}/"' in done.content.decode()
    entry = AuditEntry.objects.get(action="resolution_task.completed")
    assert entry.details["incoming_id"] == theirs.pk


def test_a_document_of_another_agency_posted_by_hand_is_refused_and_nothing_is_reported(
    cabinet,
):
    task = add_task(issued_resolution(cabinet), agency="Bộ Tài chính")
    _received(cabinet.body, agency="Bộ Tài chính", code="000.00.12.G10", number="88/BC-BTC")
    other = _received(cabinet.body, agency="Bộ Y tế", code="000.00.16.G10", number="7/BC-BYT")
    client = Client()
    client.force_login(cabinet.minister)
    refused = client.post(
        f"/resolutions/tasks/{task.pk}/report/",
        {"text": "Xong", "kind": "completion", "incoming": other.pk},
    )
    assert refused.status_code == 422  # not among the choices offered
    assert task.reports.count() == 0
