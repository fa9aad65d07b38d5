"""The outgoing and incoming registers: numbers per body, year and series, gapless and
never reused; a cancelled issue stays; only the secretariat registers; the pages search
and export the Decree 30 columns."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from documents.models import DocumentType
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from registers.models import Register, RegisterEntry
from registers.services import register_cancel, register_issue, register_receive
from tests.test_ballots_pages import client_for

pytestmark = pytest.mark.django_db


def issue(cabinet, doc_type=DocumentType.RESOLUTION, summary="Nghị quyết phiên họp", **kw):
    return register_issue(
        actor=kw.pop("actor", cabinet.secretary),
        body=kw.pop("body", cabinet.body),
        doc_type=doc_type,
        summary=summary,
        signer=kw.pop("signer", "Thủ tướng Trần Đức Khiêm"),
        recipients=kw.pop("recipients", "Các Bộ, cơ quan ngang Bộ"),
        **kw,
    )


def receive(cabinet, **kw):
    values = {
        "sender": "Bộ Tài chính",
        "number_symbol": "123/BTC-PC",
        "document_date": timezone.localdate() - dt.timedelta(days=2),
        "doc_type": DocumentType.OFFICIAL_LETTER,
        "summary": "Về dự thảo Nghị định quy định chi tiết Luật Ngân sách",
    }
    values.update(kw)
    return register_receive(
        actor=values.pop("actor", cabinet.secretary), body=cabinet.body, **values
    )


def test_each_series_counts_from_one_with_its_own_symbol(cabinet):
    first, second = issue(cabinet), issue(cabinet)
    decision = issue(cabinet, DocumentType.DECISION, "Quyết định thành lập Tổ công tác")
    letter = issue(cabinet, DocumentType.OFFICIAL_LETTER, "V/v góp ý dự thảo", unit="ktth")
    assert [first.number_symbol, second.number_symbol] == ["01/NQ-CP", "02/NQ-CP"]
    assert decision.number_symbol == "01/QĐ-CP"
    assert letter.number_symbol == "01/CP-KTTH"
    assert first.document_date == timezone.localdate()
    assert first.register.year == timezone.localdate().year
    assert AuditEntry.objects.filter(action="register.issued").count() == 4


def test_a_new_year_starts_the_series_again(cabinet):
    issue(cabinet)
    Register.objects.filter(body=cabinet.body).update(year=timezone.localdate().year - 1)
    assert issue(cabinet).number_symbol == "01/NQ-CP"


def test_a_cancelled_number_stays_in_the_register_and_is_never_taken_again(cabinet):
    first = issue(cabinet)
    cancelled = register_cancel(actor=cabinet.secretary, entry=first, reason="Ban hành nhầm")
    assert cancelled.state == RegisterEntry.State.CANCELLED and cancelled.cancel_reason
    assert issue(cabinet).number_symbol == "02/NQ-CP"
    with pytest.raises(Conflict):
        register_cancel(actor=cabinet.secretary, entry=first, reason="lần nữa")
    with pytest.raises(Invalid):
        register_cancel(actor=cabinet.secretary, entry=issue(cabinet), reason="  ")
    assert list(RegisterEntry.objects.order_by("number").values_list("number", "state")) == [
        (1, "cancelled"),
        (2, "issued"),
        (3, "issued"),
    ]
    entry = AuditEntry.objects.get(action="register.cancelled")
    assert entry.details == {"number_symbol": "01/NQ-CP", "reason": "Ban hành nhầm"}


def test_a_refused_issue_takes_no_number(cabinet):
    with pytest.raises(Invalid) as error:
        issue(cabinet, summary="")
    assert "summary" in error.value.fields
    with pytest.raises(Invalid) as error:
        issue(cabinet, DocumentType.DRAFT_DECREE)
    assert "doc_type" in error.value.fields
    with pytest.raises(Invalid) as error:
        issue(cabinet, DocumentType.OFFICIAL_LETTER, unit="KT TH;")
    assert "unit" in error.value.fields
    assert issue(cabinet).number_symbol == "01/NQ-CP"


def test_only_the_secretariat_registers_and_others_are_not_told_the_register_exists(cabinet):
    for person in (cabinet.chair, cabinet.minister, cabinet.archivist, cabinet.guest):
        with pytest.raises(NotAllowed):
            issue(cabinet, actor=person)
        with pytest.raises(NotAllowed):
            receive(cabinet, actor=person)
    with pytest.raises(NotFound):  # the secretariat of another body
        issue(cabinet, actor=cabinet.outsider)
    first = issue(cabinet)
    with pytest.raises(NotFound):
        register_cancel(actor=cabinet.outsider, entry=first, reason="x")
    assert RegisterEntry.objects.count() == 1


def test_received_documents_get_the_next_incoming_number(cabinet):
    first = receive(cabinet, handler=cabinet.minister)
    second = receive(cabinet, sender="UBND tỉnh Lào Cai", number_symbol="45/UBND-TH")
    assert (first.number, second.number) == (1, 2)
    assert first.number_symbol == "123/BTC-PC" and first.handler == cabinet.minister
    assert first.register.direction == "in"
    with pytest.raises(Invalid) as error:
        receive(cabinet, document_date=timezone.localdate() + dt.timedelta(days=1))
    assert "document_date" in error.value.fields
    with pytest.raises(Invalid) as error:
        receive(cabinet, handler=cabinet.outsider)
    assert "handler" in error.value.fields
    with pytest.raises(Conflict):
        register_cancel(actor=cabinet.secretary, entry=first, reason="không hủy số đến")
    assert receive(cabinet).number == 3


def test_the_register_pages_search_without_accents_and_export_the_decree_30_columns(cabinet):
    issue(cabinet, summary="Nghị quyết phiên họp Chính phủ thường kỳ tháng 11")
    issue(cabinet, DocumentType.DECISION, "Quyết định phê duyệt Đề án")
    receive(cabinet)
    secretary = client_for(cabinet.secretary)
    page = secretary.get(f"/registers/{cabinet.body.pk}/out/", HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    assert b'data-testid="register-entries" data-count="2"' in page.content
    assert "Sổ đăng ký văn bản đi".encode() in page.content
    found = secretary.get(f"/registers/{cabinet.body.pk}/out/", {"q": "thuong ky"})
    assert b'data-count="1"' in found.content and b"01/NQ-CP" in found.content
    exported = secretary.get(f"/registers/{cabinet.body.pk}/out/", {"format": "csv"})
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:5] == [
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung",
        "Người ký",
        "Nơi nhận văn bản",
    ]
    assert {r[0] for r in rows[1:]} == {"01/NQ-CP", "01/QĐ-CP"}
    incoming = secretary.get(f"/registers/{cabinet.body.pk}/in/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(incoming.content.decode("utf-8-sig"))))
    assert rows[0][1] == "Số đến" and rows[1][1] == "1" and rows[1][2] == "Bộ Tài chính"


def test_readers_read_members_are_refused_and_other_bodies_see_nothing(cabinet):
    issue(cabinet)
    url = f"/registers/{cabinet.body.pk}/out/"
    for reader in (cabinet.chair, cabinet.archivist, cabinet.auditor):
        page = client_for(reader).get(url)
        assert page.status_code == 200 and b"01/NQ-CP" in page.content
        assert b'data-testid="register-issue"' not in page.content
    assert client_for(cabinet.minister).get(url).status_code == 403
    assert client_for(cabinet.outsider).get(url).status_code == 404
    assert (
        client_for(cabinet.minister).post(f"/registers/{cabinet.body.pk}/out/new/").status_code
        == 403
    )


def test_the_secretariat_issues_receives_and_cancels_through_the_pages(cabinet):
    secretary = client_for(cabinet.secretary)
    body = cabinet.body.pk
    refused = secretary.post(f"/registers/{body}/out/new/", {"doc_type": "nghi_quyet"})
    assert refused.status_code == 422 and not RegisterEntry.objects.exists()
    done = secretary.post(
        f"/registers/{body}/out/new/",
        {
            "doc_type": "nghi_quyet",
            "summary": "Nghị quyết phiên họp",
            "signer": "Trần Đức Khiêm",
            "recipients": "Các Bộ",
        },
    )
    assert done.status_code == 302
    entry = RegisterEntry.objects.get()
    secretary.post(f"/registers/{body}/out/{entry.pk}/cancel/", {"reason": "Ban hành nhầm"})
    entry.refresh_from_db()
    assert entry.state == "cancelled"
    page = secretary.get(f"/registers/{body}/out/")
    assert b'data-testid="register-cancelled"' in page.content
    received = secretary.post(
        f"/registers/{body}/in/new/",
        {
            "sender": "Bộ Tư pháp",
            "number_symbol": "9/BTP-PLDSKT",
            "document_date": timezone.localdate().isoformat(),
            "doc_type": "cong_van",
            "summary": "Thẩm định dự thảo",
            "handler": cabinet.minister.pk,
        },
    )
    assert received.status_code == 302
    assert RegisterEntry.objects.get(register__direction="in").handler == cabinet.minister


def test_an_issued_number_points_to_one_document_only(cabinet):
    from documents.services import document_create
    from registers.services import register_attach_document
    from tests.factories import pdf_bytes

    def make_document(body, actor):
        return document_create(
            actor=actor,
            body=body,
            file=io.BytesIO(pdf_bytes()),
            filename="nq.pdf",
            doc_type=DocumentType.RESOLUTION,
            summary="Nghị quyết",
            issuing_body=body.name,
        )

    entry = issue(cabinet)
    first = make_document(cabinet.body, cabinet.secretary)
    attached = register_attach_document(entry=entry, document=first)
    assert RegisterEntry.objects.get(pk=entry.pk).document == first == attached.document
    with pytest.raises(Conflict):
        register_attach_document(
            entry=entry, document=make_document(cabinet.body, cabinet.secretary)
        )
    other = issue(cabinet)
    with pytest.raises(Invalid):
        register_attach_document(
            entry=other, document=make_document(cabinet.other_body, cabinet.outsider)
        )
    assert RegisterEntry.objects.get(pk=other.pk).document is None
