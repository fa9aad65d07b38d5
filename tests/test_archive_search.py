"""Searching the archive, on whichever database runs the tests (SQLite FTS5 by default,
PostgreSQL full-text with unaccent when DATABASE_URL is set): words without accents,
đ as d, phrases, filters, pages, and hostile text that is answered and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.models import Record
from archive.selectors import record_search
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Invalid, NotAllowed, NotFound
from tests.archive_helpers import file_record
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cabinet):
    s = cabinet.secretary
    return {
        "minutes": file_record(
            cabinet.body,
            s,
            title="Biên bản phiên họp Chính phủ thường kỳ tháng 10",
            text="Chính phủ đồng ý thông qua Nghị định 12/2026/NĐ-CP về đường bộ.",
            issued_on=dt.date(2026, 10, 5),
            number="45/BB-CP",
        ),
        "report": file_record(
            cabinet.body,
            s,
            kind="ballot_report",
            title="Báo cáo tổng hợp ý kiến thành viên Chính phủ",
            text="Dự thảo Nghị định về dữ liệu: đa số đồng ý.",
            issued_on=dt.date(2026, 9, 20),
        ),
        "answer": file_record(
            cabinet.body,
            s,
            kind="ballot_answer",
            title="Phiếu lấy ý kiến: Dự thảo Nghị định về dữ liệu",
            text="Ý kiến đã chọn: Không đồng ý. Đề nghị bổ sung đánh giá tác động.",
            issued_on=dt.date(2026, 9, 18),
        ),
        "other_body": file_record(
            cabinet.other_body,
            cabinet.outsider,
            title="Biên bản họp UBND tỉnh",
            text="Đồng ý đường tỉnh lộ.",
            issued_on=dt.date(2026, 10, 6),
        ),
    }


def ids(page) -> list[int]:
    return [r.pk for r in page.records]


def test_words_without_accents_find_the_vietnamese_text(cabinet, records):
    page = record_search(actor=cabinet.archivist, q="bien ban hop")
    assert ids(page) == [records["minutes"].pk] and page.total == 1
    assert ids(record_search(actor=cabinet.archivist, q="BIÊN BẢN")) == [records["minutes"].pk]


def test_d_finds_the_letter_d_with_stroke(cabinet, records):
    assert ids(record_search(actor=cabinet.archivist, q="duong bo")) == [records["minutes"].pk]
    assert ids(record_search(actor=cabinet.archivist, q="dong y")) == [
        records["minutes"].pk,
        records["report"].pk,
        records["answer"].pk,
    ]
    assert ids(record_search(actor=cabinet.archivist, q="12/2026/ND-CP")) == [records["minutes"].pk]


def test_quoted_words_must_stand_together(cabinet, records):
    assert ids(record_search(actor=cabinet.archivist, q='"khong dong y"')) == [records["answer"].pk]
    assert ids(record_search(actor=cabinet.archivist, q='"dong y khong"')) == []


def test_filters_by_kind_body_and_date_range(cabinet, records):
    a = cabinet.archivist
    assert ids(record_search(actor=a, kind="ballot_report")) == [records["report"].pk]
    assert ids(record_search(actor=a, q="nghi dinh", kind="ballot_answer")) == [
        records["answer"].pk
    ]
    in_september = record_search(
        actor=a, date_from=dt.date(2026, 9, 18), date_to=dt.date(2026, 9, 20)
    )
    assert ids(in_september) == [records["report"].pk, records["answer"].pk]
    assert ids(record_search(actor=a, date_from=dt.date(2026, 9, 19))) == [
        records["minutes"].pk,
        records["report"].pk,
    ]
    assert record_search(actor=a, body=cabinet.body).total == 3


def test_another_bodys_records_are_not_found(cabinet, records):
    page = record_search(actor=cabinet.archivist, q="tinh lo")
    assert page.total == 0
    with pytest.raises(NotFound):
        record_search(actor=cabinet.archivist, body=cabinet.other_body)
    with pytest.raises(NotAllowed):
        record_search(actor=cabinet.minister)
    # The secretariat of the other body sees its own record only.
    assert ids(record_search(actor=cabinet.outsider, q="dong y")) == [records["other_body"].pk]


def test_results_come_in_pages_newest_first(cabinet):
    made = [
        file_record(
            cabinet.body,
            cabinet.secretary,
            title=f"Biên bản số {n}",
            issued_on=dt.date(2026, 1, 1) + dt.timedelta(days=n),
        )
        for n in range(5)
    ]
    newest_first = [r.pk for r in reversed(made)]
    pages = [
        record_search(actor=cabinet.archivist, q="bien ban", page=n, per_page=2) for n in (1, 2, 3)
    ]
    assert [ids(p) for p in pages] == [newest_first[:2], newest_first[2:4], newest_first[4:]]
    assert [(p.total, p.num_pages, p.has_next, p.has_previous) for p in pages] == [
        (5, 3, True, False),
        (5, 3, True, True),
        (5, 3, False, True),
    ]
    assert ids(record_search(actor=cabinet.archivist, q="bien ban", page=9, per_page=2)) == []


HOSTILE_REFUSED = ['"', "*", "-", "x" * 10_000, "\x00", "()", "' OR '1'='1"[:1]]
HOSTILE_ANSWERED = ["NEAR(", "OR", "'; DROP TABLE archive_record; --", 'bien" OR "1', "a AND"]


@pytest.mark.parametrize("q", HOSTILE_REFUSED)
def test_hostile_text_without_words_is_refused_with_a_reason(cabinet, records, q):
    before = (Record.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Invalid) as caught:
        record_search(actor=cabinet.archivist, q=q)
    assert list(caught.value.fields) == ["q"]
    assert (Record.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("q", HOSTILE_ANSWERED)
def test_hostile_text_with_words_is_searched_as_plain_words(cabinet, records, q):
    before = (Record.objects.count(), AuditEntry.objects.count())
    page = record_search(actor=cabinet.archivist, q=q)
    assert page.total == 0 and page.records == []
    assert (Record.objects.count(), AuditEntry.objects.count()) == before


def test_nul_bytes_between_words_read_as_spaces(cabinet, records):
    assert ids(record_search(actor=cabinet.archivist, q="biên\x00bản")) == [records["minutes"].pk]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "decree"}, "kind"),
        ({"date_from": dt.date(2026, 2, 1), "date_to": dt.date(2026, 1, 1)}, "date_to"),
        ({"page": 0}, "page"),
        ({"per_page": 1000}, "per_page"),
    ],
)
def test_bad_filters_are_refused_by_field(cabinet, records, kwargs, field):
    with pytest.raises(Invalid) as caught:
        record_search(actor=cabinet.archivist, **kwargs)
    assert list(caught.value.fields) == [field]


# --- the same over HTTP -------------------------------------------------------------


@pytest.fixture
def archivist_client(client, cabinet):
    client.login(username=cabinet.archivist.username, password=PASSWORD)
    return client


def test_api_search_answers_json_pages(archivist_client, records):
    response = archivist_client.get("/api/archive/records", {"q": "dong y", "per_page": 2})
    assert response.status_code == 200
    data = response.json()
    assert (data["total"], data["num_pages"], len(data["results"])) == (3, 2, 2)
    assert data["results"][0]["id"] == records["minutes"].pk
    assert data["results"][0]["sha256"] == records["minutes"].sha256


@pytest.mark.parametrize("q", HOSTILE_REFUSED)
def test_api_refuses_hostile_text_with_422(archivist_client, records, q):
    before = (Record.objects.count(), AuditEntry.objects.count())
    response = archivist_client.get("/api/archive/records", {"q": q})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid" and "q" in response.json()["fields"]
    assert (Record.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("q", HOSTILE_ANSWERED)
def test_api_answers_hostile_words_with_no_result(archivist_client, records, q):
    response = archivist_client.get("/api/archive/records", {"q": q})
    assert response.status_code == 200 and response.json()["total"] == 0


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"date_from": "2026-13-45"}, 422, "date_from"),
        ({"page": "abc"}, 422, "page"),
        ({"kind": "secret"}, 422, "kind"),
    ],
)
def test_api_malformed_parameters_answer_422(archivist_client, records, params, status, field):
    response = archivist_client.get("/api/archive/records", params)
    assert response.status_code == status
    assert field in response.json()["fields"]


def test_api_other_body_filter_is_404(archivist_client, cabinet, records):
    response = archivist_client.get("/api/archive/records", {"body": cabinet.other_body.pk})
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_search_page_lists_matches_and_keeps_the_query_in_page_links(archivist_client, cabinet):
    for n in range(3):
        file_record(cabinet.body, cabinet.secretary, title=f"Biên bản số {n}")
    response = archivist_client.get("/archive/", {"q": "bien ban", "kind": "minutes"})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="archive-row"') == 3
    many = archivist_client.get("/archive/", {"q": "bien ban"})
    assert 'data-testid="pager"' not in many.content.decode()


@pytest.mark.parametrize("q", ['"', "x" * 10_000, "\x00", "-"])
def test_search_page_shows_the_reason_with_422(archivist_client, records, q):
    before = (Record.objects.count(), AuditEntry.objects.count())
    response = archivist_client.get("/archive/", {"q": q})
    assert response.status_code == 422
    assert 'data-testid="field-error-q"' in response.content.decode()
    assert (Record.objects.count(), AuditEntry.objects.count()) == before


def test_search_page_with_other_body_is_404(archivist_client, cabinet, records):
    assert archivist_client.get("/archive/", {"body": cabinet.other_body.pk}).status_code == 404


def test_past_the_count_limit_the_total_says_more_than(cabinet, monkeypatch):
    monkeypatch.setattr("archive.selectors.COUNT_LIMIT", 3)
    for n in range(5):
        file_record(cabinet.body, cabinet.secretary, title=f"Biên bản số {n}")
    page = record_search(actor=cabinet.archivist, q="bien ban", per_page=2)
    assert (page.total, page.total_exact, page.num_pages, len(page.records)) == (3, False, 2, 2)
    exact = record_search(actor=cabinet.archivist, q="bien ban so 4")
    assert (exact.total, exact.total_exact) == (1, True)
