"""The in-app reader's page: who may open it, what it tells reader.js, and that a refusal
fetches nothing (no download audited, no read receipt)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ecabinet.audit.models import AuditEntry
from meetings import services
from meetings.models import PaperReading
from tests.factories import NamedBytes, pdf_bytes


def add_paper(cabinet, meeting, item, **extra):
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(pdf_bytes(pages=3, text="Tờ trình")),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary="Tờ trình về dự toán ngân sách",
        issuing_body="Bộ Tài chính",
        **extra,
    )


def read_url(paper, query=""):
    return reverse("meetings:paper_read", args=[paper.meeting_id, paper.pk]) + query


def nothing_fetched():
    return (
        not AuditEntry.objects.filter(action="document.downloaded").exists()
        and not PaperReading.objects.exists()
    )


@pytest.fixture
def paper(cabinet, meeting):
    return add_paper(cabinet, meeting, meeting.items.order_by("order").first())


def test_a_member_gets_the_reader_with_the_papers_file_and_version(client, cabinet, paper):
    client.force_login(cabinet.minister)
    response = client.get(read_url(paper), headers={"accept-language": "vi"})
    assert response.status_code == 200
    html = response.content.decode()
    file_url = reverse("meetings:paper_file", args=[paper.meeting_id, paper.pk])
    assert 'data-testid="reader"' in html
    assert f'data-paper-id="{paper.pk}"' in html
    assert 'data-version="1"' in html
    assert f'data-meeting-id="{paper.meeting_id}"' in html
    assert f'data-file-url="{file_url}?v=1"' in html
    assert "/static/vendor/pdfjs/pdf.min.mjs" in html and "/static/js/reader.js" in html
    assert 'data-testid="reader-tools"' in html
    labels = json.loads(html.split('id="reader-labels" type="application/json">')[1].split("<")[0])
    assert labels["page_of"] == "Trang %(page)s/%(pages)s"
    assert labels["retry"] == "Thử lại"
    # The page holds no paper: reader.js fetches the file, which records the opening.
    assert nothing_fetched()


def test_an_older_version_is_read_when_asked_and_an_unknown_one_is_not_found(
    client, cabinet, paper
):
    services.paper_add_version(
        actor=cabinet.secretary,
        paper=paper,
        file=NamedBytes(pdf_bytes(pages=2)),
        filename="v2.pdf",
        note="",
    )
    client.force_login(cabinet.minister)
    html = client.get(read_url(paper)).content.decode()
    assert 'data-version="2"' in html and 'data-testid="reader-old-version"' not in html
    html = client.get(read_url(paper, "?v=1")).content.decode()
    assert 'data-version="1"' in html and 'data-testid="reader-old-version"' in html
    assert client.get(read_url(paper, "?v=9")).status_code == 404


def test_the_meeting_and_paper_pages_open_papers_in_the_reader(client, cabinet, paper):
    client.force_login(cabinet.minister)
    reader = read_url(paper)
    agenda = client.get(reverse("meetings:detail", args=[paper.meeting_id])).content.decode()
    assert f'href="{reader}" data-testid="paper-open-{paper.pk}"' in agenda
    page = client.get(reverse("meetings:paper", args=[paper.meeting_id, paper.pk]))
    html = page.content.decode()
    assert f'href="{reader}" data-testid="paper-read"' in html
    assert f'href="{reader}?v=1" data-testid="version-open-1"' in html
    assert 'target="_blank"' not in html  # nothing leaves the app for the browser's viewer


def test_a_confidential_paper_is_refused_to_those_not_named_and_nothing_is_fetched(
    client, cabinet, meeting
):
    secret = add_paper(
        cabinet,
        meeting,
        meeting.items.first(),
        confidentiality="mat",
        recipients=[cabinet.minister],
    )
    for user in [cabinet.members[2], cabinet.observer, cabinet.chair]:
        client.force_login(user)
        response = client.get(read_url(secret), headers={"accept-language": "en"})
        assert response.status_code == 403, user
        assert "only its named recipients may open it" in response.content.decode()
        assert "reader.js" not in response.content.decode()
    assert nothing_fetched()
    client.force_login(cabinet.minister)
    response = client.get(read_url(secret), headers={"accept-language": "en"})
    assert response.status_code == 200
    assert 'data-testid="reader-confidential"' in response.content.decode()


def test_a_guest_reads_only_the_papers_of_their_items(client, cabinet, meeting):
    first, second = meeting.items.order_by("order")
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[first]
    )
    theirs = add_paper(cabinet, meeting, first)
    other = add_paper(cabinet, meeting, second)
    whole = add_paper(cabinet, meeting, None)
    client.force_login(cabinet.guest)
    assert client.get(read_url(theirs)).status_code == 200
    for paper in [other, whole]:
        response = client.get(read_url(paper), headers={"accept-language": "en"})
        assert response.status_code == 403
        assert "reader.js" not in response.content.decode()
    assert nothing_fetched()


def test_someone_outside_the_meeting_is_told_nothing_and_anonymous_is_sent_to_sign_in(
    client, cabinet, paper
):
    client.force_login(cabinet.outsider)
    assert client.get(read_url(paper)).status_code == 404
    client.logout()
    response = client.get(read_url(paper))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert nothing_fetched()


def test_a_paper_of_another_meeting_is_not_found(client, cabinet, paper, draft_meeting):
    client.force_login(cabinet.secretary)
    url = reverse("meetings:paper_read", args=[draft_meeting.pk, paper.pk])
    assert client.get(url).status_code == 404
