"""Read receipts: opening a paper and the reader's pages are recorded per person and
version; bad input and people who may not open the paper are refused with nothing
stored; only the chair and the secretariat see everyone's reading."""

from __future__ import annotations

import pytest
from django.test import Client

from documents.models import Confidentiality
from ecabinet.errors import Invalid, NotAllowed
from meetings import services
from meetings.models import PaperReading
from meetings.reading import meeting_reading, paper_reading_record, unread_by_person
from people.collation import sort_people
from tests.factories import NamedBytes, pdf_bytes
from tests.roles import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def three_pages():
    return pdf_bytes(pages=3, text="Tờ trình")


def upload(cabinet, meeting, data, *, item=None, **extra):
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(data),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary=extra.pop("summary", "Về dự thảo Nghị định"),
        issuing_body="Bộ Tài chính",
        number_symbol="215/TTr-BTC",
        **extra,
    )


@pytest.fixture
def paper(cabinet, meeting, three_pages):
    return upload(cabinet, meeting, three_pages, item=meeting.items.order_by("order").first())


def post_pages(client: Client, paper, pages, **extra):
    return client.post(
        f"/api/papers/{paper.pk}/reading",
        {"pages": pages, **extra},
        content_type="application/json",
    )


def open_file(user, paper):
    _version, handle = services.paper_open(actor=user, paper=paper)
    handle.close()


def test_opening_the_file_records_the_first_opening_without_pages(cabinet, paper):
    open_file(cabinet.minister, paper)
    reading = PaperReading.objects.get(user=cabinet.minister)
    assert reading.version == paper.document.versions.get()
    assert reading.pages == []
    first = reading.first_opened_at
    open_file(cabinet.minister, paper)
    reading.refresh_from_db()
    assert reading.first_opened_at == first and reading.last_opened_at >= first


def test_pages_the_reader_reports_add_up_once_each(cabinet, paper):
    client = client_for(cabinet, "minister")
    first = post_pages(client, paper, [1, 2])
    assert first.status_code == 200, first.content
    assert first.json()["pages_read"] == 2 and first.json()["page_count"] == 3
    again = post_pages(client, paper, [2, 2, 3], version=1)
    assert again.json()["pages_read"] == 3
    assert PaperReading.objects.get(user=cabinet.minister).pages == [1, 2, 3]


@pytest.mark.parametrize(
    ("pages", "extra", "status"),
    [
        ([0], {}, 422),
        ([4], {}, 422),
        ([1] * 201, {}, 422),
        (["x"], {}, 422),
        ([1], {"version": 2}, 404),
    ],
)
def test_bad_pages_are_refused_and_nothing_is_stored(cabinet, paper, pages, extra, status):
    response = post_pages(client_for(cabinet, "minister"), paper, pages, **extra)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert not PaperReading.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("outsider", 404), ("anonymous", 401)])
def test_people_outside_the_meeting_record_nothing(cabinet, paper, role, status):
    response = post_pages(client_for(cabinet, role), paper, [1])
    assert response.status_code == status
    assert not PaperReading.objects.exists()


def test_a_guest_not_invited_to_the_item_records_nothing(cabinet, meeting, paper):
    last = meeting.items.order_by("order").last()
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[last]
    )
    response = post_pages(client_for(cabinet, "guest"), paper, [1])
    assert response.status_code == 403
    assert not PaperReading.objects.exists()


def test_a_confidential_paper_records_only_its_recipients(cabinet, meeting, three_pages):
    secret = upload(
        cabinet,
        meeting,
        three_pages,
        confidentiality=Confidentiality.CONFIDENTIAL,
        recipients=[cabinet.members[2]],
    )
    with pytest.raises(NotAllowed):
        paper_reading_record(actor=cabinet.minister, paper=secret, pages=[1])
    assert post_pages(client_for(cabinet, "minister"), secret, [1]).status_code == 403
    paper_reading_record(actor=cabinet.members[2], paper=secret, pages=[1])
    assert list(PaperReading.objects.values_list("user", flat=True)) == [cabinet.members[2].pk]


def test_the_service_refuses_pages_beyond_the_version(cabinet, paper):
    with pytest.raises(Invalid):
        paper_reading_record(actor=cabinet.minister, paper=paper, pages=[1, 9])
    assert not PaperReading.objects.exists()


def test_the_api_keeps_csrf(cabinet, paper):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cabinet.minister)
    assert post_pages(client, paper, [1]).status_code == 403
    assert not PaperReading.objects.exists()


def test_the_report_lists_every_member_in_protocol_order_and_what_they_have_not_read(
    cabinet, meeting, paper
):
    paper_reading_record(actor=cabinet.minister, paper=paper, pages=[1, 2])
    (row,) = meeting_reading(meeting=meeting)
    readers = [r.person for r in row.readers]
    # The body's protocol order, then given names (people/collation.py).
    assert readers == sort_people(cabinet.members, body=cabinet.body)
    mine = next(r for r in row.readers if r.person == cabinet.minister)
    assert mine.pages_read == 2 and mine.opened_at is not None
    assert row.opened == 1
    unread = {u.person.pk: u for u in unread_by_person([row])}
    assert cabinet.minister.pk not in unread
    assert (unread[cabinet.chair.pk].papers, unread[cabinet.chair.pk].total) == ([paper], 1)


def test_a_receipt_that_cannot_be_stored_closes_the_file_it_was_for(cabinet, paper, monkeypatch):
    handles = []
    real_open = services.version_open

    def version_open(**kwargs):
        handles.append(real_open(**kwargs))
        return handles[-1]

    def reading_store(**kwargs):
        raise RuntimeError("the receipt's table is gone")

    monkeypatch.setattr(services, "version_open", version_open)
    monkeypatch.setattr(services, "reading_store", reading_store)
    with pytest.raises(RuntimeError):
        services.paper_open(actor=cabinet.minister, paper=paper)
    assert len(handles) == 1 and handles[0].closed


def test_the_reading_table_costs_the_same_queries_for_one_paper_or_many(
    cabinet, meeting, paper, three_pages
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    open_file(cabinet.minister, paper)
    with CaptureQueriesContext(connection) as one:
        meeting_reading(meeting=meeting)
    for _ in range(3):
        open_file(cabinet.minister, upload(cabinet, meeting, three_pages))
    with CaptureQueriesContext(connection) as four:
        rows = meeting_reading(meeting=meeting)
    assert len(rows) == 4
    assert len(four.captured_queries) == len(one.captured_queries)
