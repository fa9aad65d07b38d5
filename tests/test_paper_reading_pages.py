"""Tình hình đọc tài liệu: the chair and the secretariat see per paper who opened it,
when and how many pages, and per person what is unread; nobody else sees it. A member's
unread papers wait in their work list until they open them all."""

from __future__ import annotations

import pytest

from meetings import services
from meetings.reading import paper_reading_record
from tests.factories import NamedBytes, pdf_bytes
from tests.roles import client_for
from tests.worklist_helpers import duties_of, kinds

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def three_pages():
    return pdf_bytes(pages=3, text="Tờ trình")


def upload(cabinet, meeting, data, *, item=None, number="215/TTr-BTC"):
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(data),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary="Về dự thảo Nghị định",
        issuing_body="Bộ Tài chính",
        number_symbol=number,
    )


@pytest.fixture
def papers(cabinet, meeting, three_pages):
    first, second = meeting.items.order_by("order")
    return [
        upload(cabinet, meeting, three_pages, item=first),
        upload(cabinet, meeting, three_pages, item=second, number="216/TTr-BTC"),
    ]


def url(meeting):
    return f"/meetings/{meeting.pk}/reading/"


@pytest.mark.parametrize("role", ["secretary", "chair"])
def test_those_who_run_the_meeting_see_who_read_what(cabinet, meeting, papers, role):
    paper_reading_record(actor=cabinet.minister, paper=papers[0], pages=[1, 2])
    client = client_for(cabinet, role)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(url(meeting))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Who has read the papers" in html
    row = html.split(f'data-testid="reader-{cabinet.minister.pk}"')[1].split("</tr>")[0]
    assert 'data-opened="yes"' in row and "2/3" in row
    chair_row = html.split(f'data-testid="reader-{cabinet.chair.pk}"')[1].split("</tr>")[0]
    assert "Not opened" in chair_row and "0/3" in chair_row
    assert "opened by 1 of 6" in html
    unread = html.split(f'data-testid="unread-{cabinet.minister.pk}"')[1].split("</li>")[0]
    assert "216/TTr-BTC" in unread and "215/TTr-BTC" not in unread
    assert "1 of 2 papers not opened" in unread
    detail = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="reading-link"' in detail


def test_the_page_reads_in_vietnamese(cabinet, meeting, papers):
    paper_reading_record(actor=cabinet.minister, paper=papers[0], pages=[1])
    client = client_for(cabinet, "secretary")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    html = client.get(url(meeting)).content.decode()
    assert "Tình hình đọc tài liệu" in html
    assert "Chưa mở" in html and "Số trang đã đọc" in html and "1/6 người đã mở" in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("minister", 403),
        ("observer", 403),
        ("guest", 404),  # not invited to this meeting
        ("assistant", 403),
        ("outsider", 404),
    ],
)
def test_nobody_else_sees_anyones_reading(cabinet, meeting, papers, role, status):
    paper_reading_record(actor=cabinet.minister, paper=papers[0], pages=[1])
    client = client_for(cabinet, role)
    assert client.get(url(meeting)).status_code == status
    detail = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="reading-link"' not in detail


def test_an_invited_guest_does_not_see_it_either(cabinet, meeting, papers):
    services.guest_invite(
        actor=cabinet.secretary,
        meeting=meeting,
        user=cabinet.guest,
        items=[meeting.items.order_by("order").first()],
    )
    assert client_for(cabinet, "guest").get(url(meeting)).status_code == 403


def test_unread_papers_wait_in_the_members_work_list_until_all_are_opened(cabinet, meeting, papers):
    minister = cabinet.minister
    (duty,) = duties_of(minister, "papers_unread")
    assert duty.title == meeting.title and "2" in duty.detail
    assert duty.url.startswith(f"/meetings/{meeting.pk}/")
    client = client_for(cabinet, "minister")
    _, handle = services.paper_open(actor=minister, paper=papers[0])
    handle.close()
    (duty,) = duties_of(minister, "papers_unread")
    assert "1" in duty.detail
    assert (
        client.post(
            f"/api/papers/{papers[1].pk}/reading", {"pages": [1]}, content_type="application/json"
        ).status_code
        == 200
    )
    assert duties_of(minister, "papers_unread") == []
    assert "papers_unread" in kinds(cabinet.members[2])  # the others still have to read


def test_the_home_page_words_the_duty_in_vietnamese(cabinet, meeting, papers):
    client = client_for(cabinet, "minister")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    html = client.get("/").content.decode()
    duty = html.split('data-kind="papers_unread"')[1].split("</li>")[0]
    assert "Tài liệu cần đọc" in duty and "Đọc tài liệu" in duty
    assert "Tài liệu chưa mở: 2" in duty


def test_a_new_version_asks_to_be_read_again(cabinet, meeting, papers, three_pages):
    for paper in papers:
        paper_reading_record(actor=cabinet.minister, paper=paper, pages=[1])
    assert duties_of(cabinet.minister, "papers_unread") == []
    services.paper_add_version(
        actor=cabinet.secretary,
        paper=papers[0],
        file=NamedBytes(three_pages),
        filename="v2.pdf",
        note="Tiếp thu ý kiến",
    )
    assert len(duties_of(cabinet.minister, "papers_unread")) == 1


@pytest.mark.parametrize("role", ["secretary", "guest", "observer", "auditor", "outsider"])
def test_nobody_without_a_seat_is_asked_to_read(cabinet, meeting, papers, role):
    assert "papers_unread" not in kinds(getattr(cabinet, role))
