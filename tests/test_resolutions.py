"""Resolutions drafted from a closed meeting and a closed written ballot, numbered in the
outgoing register with the number printed on the PDF, cancelled with the number kept as
cancelled, and the refusals: wrong role, other body, text final after numbering."""

from __future__ import annotations

import pytest

from ballots.models import Ballot
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from registers.models import RegisterEntry
from resolutions import services
from resolutions.models import Resolution, ResolutionTask
from tests.factories import make_meeting
from tests.minutes_helpers import CONCLUSION, run_meeting
from tests.test_ballots_helpers import (
    answer,
    close_after_deadline,
    counting_submitted,
    open_ballot,
    pdftotext,
    version_text,
)

pytestmark = pytest.mark.django_db


def closed_ballot(cabinet) -> Ballot:
    counting_submitted(cabinet)
    ballot = open_ballot(cabinet)
    for member in cabinet.members[:4]:
        answer(member, ballot, "agree", "disagree")
    answer(cabinet.members[4], ballot, "agree", "other")
    return close_after_deadline(ballot)


def test_the_meeting_s_resolution_is_drafted_from_its_conclusions_and_votes(cabinet):
    open_meeting = make_meeting(cabinet.body, cabinet.secretary, publish=True)
    with pytest.raises(Conflict, match="once the meeting has closed"):
        services.resolution_draft_from_meeting(actor=cabinet.secretary, meeting=open_meeting)
    meeting = run_meeting(cabinet)
    resolution = services.resolution_draft_from_meeting(actor=cabinet.secretary, meeting=meeting)
    assert resolution.state == "draft" and resolution.meeting == meeting
    assert resolution.title.startswith("Phiên họp Chính phủ thường kỳ tháng ")
    articles = list(resolution.articles.values_list("number", "text"))
    # The concluded item, then the closing article.
    assert [n for n, _text in articles] == [1, 2]
    first = articles[0][1]
    item = meeting.items.order_by("order").first()
    assert first.startswith(f"Về {item.title}:") and CONCLUSION in first
    assert "Kết quả biểu quyết (Thông qua dự thảo?): Được thông qua: 4 tán thành" in first
    assert "chịu trách nhiệm thi hành Nghị quyết này" in articles[1][1]
    assert "Căn cứ Luật Tổ chức Chính phủ" in resolution.preamble
    [drafted] = AuditEntry.objects.filter(action="resolution.drafted")
    assert drafted.details == {"meeting_id": meeting.pk, "articles": 2}
    with pytest.raises(Conflict, match="already drafted"):
        services.resolution_draft_from_meeting(actor=cabinet.secretary, meeting=meeting)
    assert Resolution.objects.count() == 1


def test_a_closed_ballot_s_resolution_adopts_it_with_the_tally_in_words(cabinet):
    ballot = closed_ballot(cabinet)
    resolution = services.resolution_draft_from_ballot(actor=cabinet.secretary, ballot=ballot)
    texts = list(resolution.articles.values_list("text", flat=True))
    assert resolution.ballot == ballot and len(texts) == 3
    assert texts[0].startswith("Thông qua nội dung: Đồng ý ban hành Nghị định")
    assert "5 Đồng ý, 0 Không đồng ý, 0 Ý kiến khác trên tổng số 6 thành viên" in texts[0]
    assert texts[1].startswith("Không thông qua nội dung: Đồng ý thời hạn chia sẻ dữ liệu")
    assert "0 Đồng ý, 4 Không đồng ý, 1 Ý kiến khác" in texts[1]
    assert "phiếu lấy ý kiến về dự thảo Nghị định về dữ liệu" in resolution.preamble
    [drafted] = AuditEntry.objects.filter(action="resolution.drafted")
    assert drafted.target_id == str(resolution.pk)
    assert drafted.details == {"ballot_id": ballot.pk, "articles": 3}


def test_an_open_ballot_has_no_resolution_yet(cabinet):
    ballot = open_ballot(cabinet)
    with pytest.raises(Conflict, match="once the ballot has closed"):
        services.resolution_draft_from_ballot(actor=cabinet.secretary, ballot=ballot)


def test_numbering_takes_the_register_s_next_number_and_prints_it(cabinet):
    meeting = run_meeting(cabinet)
    resolution = services.resolution_draft_from_meeting(actor=cabinet.secretary, meeting=meeting)
    preview = pdftotext(services.resolution_preview(actor=cabinet.secretary, resolution=resolution))
    assert "DỰ THẢO" in preview and "/NQ-CP" in preview and "01/NQ-CP" not in preview
    numbered = services.resolution_number(actor=cabinet.secretary, resolution=resolution)
    assert (numbered.state, numbered.number_symbol) == ("numbered", "01/NQ-CP")
    entry = numbered.register_entry
    assert (entry.state, entry.doc_type, entry.document_id) == (
        "issued",
        "nghi_quyet",
        numbered.document_id,
    )
    assert entry.signer == "Trần Đức Khiêm"
    text = version_text(numbered.current_version)
    assert "Số: 01/NQ-CP" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "NGHỊ QUYẾT" in text
    assert "QUYẾT NGHỊ:" in text and "Điều 1." in text and "TM. CHÍNH PHỦ" in text
    assert "THỦ TƯỚNG" in text and "Trần Đức Khiêm" in text and "Nơi nhận:" in text
    assert "DỰ THẢO" not in text
    day = numbered.issued_on
    assert f"ngày {day.day:02d} tháng" in text
    # The text is final once numbered.
    with pytest.raises(Conflict, match="final"):
        services.resolution_update(
            actor=cabinet.secretary,
            resolution=numbered,
            title="Khác",
            preamble="",
            articles=["Một điều"],
            tasks=[],
        )
    with pytest.raises(Conflict):
        services.resolution_number(actor=cabinet.secretary, resolution=numbered)
    assert RegisterEntry.objects.count() == 1


def test_cancelling_after_numbering_keeps_the_number_as_cancelled(cabinet):
    ballot = closed_ballot(cabinet)
    resolution = services.resolution_draft_from_ballot(actor=cabinet.secretary, ballot=ballot)
    numbered = services.resolution_number(actor=cabinet.secretary, resolution=resolution)
    with pytest.raises(Invalid):
        services.resolution_cancel(actor=cabinet.secretary, resolution=numbered, reason=" ")
    cancelled = services.resolution_cancel(
        actor=cabinet.secretary, resolution=numbered, reason="Sai căn cứ pháp lý"
    )
    assert cancelled.state == "cancelled"
    entry = RegisterEntry.objects.get()
    assert (entry.number_symbol, entry.state, entry.cancel_reason) == (
        "01/NQ-CP",
        "cancelled",
        "Sai căn cứ pháp lý",
    )
    # A new draft of the same ballot takes the next number: none is reused.
    again = services.resolution_draft_from_ballot(actor=cabinet.secretary, ballot=ballot)
    again = services.resolution_number(actor=cabinet.secretary, resolution=again)
    assert again.number_symbol == "02/NQ-CP"
    with pytest.raises(Conflict, match="cancelled"):
        services.resolution_cancel(actor=cabinet.secretary, resolution=cancelled, reason="x")


def test_the_secretariat_edits_articles_and_tasks_of_a_draft(cabinet):
    ballot = closed_ballot(cabinet)
    resolution = services.resolution_draft_from_ballot(actor=cabinet.secretary, ballot=ballot)
    task = {
        "article": 1,
        "lead_agency": "Bộ Tài chính",
        "cooperating_agencies": "Bộ Tư pháp",
        "content": "Hoàn thiện dự thảo Nghị định",
        "deadline": "2027-01-15",
        "expected_output": "Nghị định",
    }
    with pytest.raises(Invalid) as refused:
        services.resolution_update(
            actor=cabinet.secretary,
            resolution=resolution,
            title="",
            preamble="",
            articles=["Điều một"],
            tasks=[{**task, "article": 5, "lead_agency": ""}],
        )
    assert set(refused.value.fields) == {"title", "tasks.0.article", "tasks.0.lead_agency"}
    services.resolution_update(
        actor=cabinet.secretary,
        resolution=resolution,
        title="Về dự thảo Nghị định về dữ liệu",
        preamble="Căn cứ Luật Tổ chức Chính phủ;",
        articles=["Thông qua dự thảo.", "Giao Bộ Tài chính hoàn thiện."],
        tasks=[task],
    )
    saved = ResolutionTask.objects.select_related("article").get()
    assert (saved.article.number, saved.lead_agency, str(saved.deadline)) == (
        1,
        "Bộ Tài chính",
        "2027-01-15",
    )
    assert resolution.articles.count() == 2


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("chair", NotAllowed),
        ("minister", NotAllowed),
        ("guest", NotAllowed),
        ("outsider", NotFound),
    ],
)
def test_only_the_body_s_secretariat_drafts_numbers_and_cancels(cabinet, role, error):
    actor = getattr(cabinet, role)
    meeting = run_meeting(cabinet)
    with pytest.raises(error):
        services.resolution_draft_from_meeting(actor=actor, meeting=meeting)
    resolution = services.resolution_draft_from_meeting(actor=cabinet.secretary, meeting=meeting)
    with pytest.raises(error):
        services.resolution_number(actor=actor, resolution=resolution)
    with pytest.raises(error):
        services.resolution_cancel(actor=actor, resolution=resolution, reason="Không cần")
    with pytest.raises(error):
        services.resolution_update(
            actor=actor, resolution=resolution, title="x", preamble="", articles=["y"], tasks=[]
        )
    resolution.refresh_from_db()
    assert resolution.state == "draft" and RegisterEntry.objects.count() == 0


def test_the_chair_signs_only_a_numbered_resolution_and_others_never(cabinet):
    meeting = run_meeting(cabinet)
    resolution = services.resolution_draft_from_meeting(actor=cabinet.secretary, meeting=meeting)
    numbered = services.resolution_number(actor=cabinet.secretary, resolution=resolution)
    with pytest.raises(NotAllowed):
        services.resolution_sign(actor=cabinet.minister, resolution=numbered, pin="123456")
    with pytest.raises(NotFound):
        services.resolution_sign(actor=cabinet.outsider, resolution=numbered, pin="123456")
    with pytest.raises(Conflict, match="after the chair"):
        services.resolution_seal(actor=cabinet.secretary, resolution=numbered, pin="123456")


def test_the_pages_draft_from_a_closed_meeting_edit_and_number(cabinet, client):
    meeting = run_meeting(cabinet)
    client.force_login(cabinet.secretary)
    page = client.get(f"/meetings/{meeting.pk}/")
    assert b'data-testid="resolution-draft"' in page.content
    response = client.post(f"/resolutions/from-meeting/{meeting.pk}/")
    resolution = Resolution.objects.get()
    assert response.status_code == 302 and response.url == f"/resolutions/{resolution.pk}/"
    # Pressed again, the button opens the resolution already drafted.
    again = client.post(f"/resolutions/from-meeting/{meeting.pk}/")
    assert again.url == f"/resolutions/{resolution.pk}/" and Resolution.objects.count() == 1
    page = client.get(f"/resolutions/{resolution.pk}/")
    assert page.status_code == 200 and CONCLUSION in page.content.decode()
    form = client.get(f"/resolutions/{resolution.pk}/edit/")
    assert form.status_code == 200
    data = {
        "title": "Phiên họp Chính phủ thường kỳ tháng 11 năm 2026",
        "preamble": "Căn cứ Luật Tổ chức Chính phủ;",
        "articles": "Thông qua dự thảo Nghị định.\n\nGiao Bộ Tài chính hoàn thiện.",
        "recipients": "Các Bộ\nLưu: VT",
        "tasks-TOTAL_FORMS": "2",
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "0",
        "tasks-MAX_NUM_FORMS": "200",
        "tasks-0-article": "2",
        "tasks-0-content": "Hoàn thiện dự thảo",
        "tasks-0-lead_agency": "Bộ Tài chính",
        "tasks-0-deadline": "2027-01-15",
    }
    saved = client.post(f"/resolutions/{resolution.pk}/edit/", data)
    assert saved.status_code == 302
    assert list(resolution.articles.values_list("text", flat=True)) == [
        "Thông qua dự thảo Nghị định.",
        "Giao Bộ Tài chính hoàn thiện.",
    ]
    assert resolution.tasks.get().article.number == 2
    numbered = client.post(f"/resolutions/{resolution.pk}/number/")
    assert numbered.status_code == 302
    page = client.get(f"/resolutions/{resolution.pk}/").content.decode()
    assert "01/NQ-CP" in page and 'data-testid="resolution-pdf"' in page
    assert client.get(f"/resolutions/{resolution.pk}/edit/").status_code == 409
    pdf_response = client.get(f"/resolutions/{resolution.pk}/file.pdf")
    assert "Số: 01/NQ-CP" in pdftotext(b"".join(pdf_response.streaming_content))


def test_a_closed_ballot_s_page_offers_the_resolution_to_the_secretariat_only(cabinet, client):
    ballot = closed_ballot(cabinet)
    client.force_login(cabinet.chair)
    assert b'data-testid="resolution-draft"' not in client.get(f"/ballots/{ballot.pk}/").content
    assert client.post(f"/resolutions/from-ballot/{ballot.pk}/").status_code == 403
    client.force_login(cabinet.secretary)
    assert b'data-testid="resolution-draft"' in client.get(f"/ballots/{ballot.pk}/").content
    response = client.post(f"/resolutions/from-ballot/{ballot.pk}/")
    resolution = Resolution.objects.get()
    assert response.url == f"/resolutions/{resolution.pk}/"
    client.force_login(cabinet.outsider)
    assert client.get(f"/resolutions/{resolution.pk}/").status_code == 404
    client.force_login(cabinet.minister)
    page = client.get(f"/resolutions/{resolution.pk}/").content.decode()
    assert 'data-testid="number-form"' not in page and "Thông qua nội dung" in page
    assert client.post(f"/resolutions/{resolution.pk}/number/").status_code == 403


def test_the_api_drafts_numbers_and_refuses_an_edit_after_numbering(cabinet, client):
    ballot = closed_ballot(cabinet)
    client.force_login(cabinet.minister)
    assert client.post(f"/api/ballots/{ballot.pk}/resolution").status_code == 403
    client.force_login(cabinet.secretary)
    created = client.post(f"/api/ballots/{ballot.pk}/resolution")
    assert created.status_code == 201
    rid = created.json()["id"]
    body = {
        "title": "Về dự thảo Nghị định về dữ liệu",
        "articles": ["Thông qua.", "Thi hành."],
        "tasks": [{"article": 1, "lead_agency": "Bộ Công an", "content": "Trình ký ban hành"}],
    }
    put = client.put(f"/api/resolutions/{rid}", body, content_type="application/json")
    assert put.status_code == 200 and put.json()["tasks"][0]["article"] == 1
    numbered = client.post(f"/api/resolutions/{rid}/number")
    assert numbered.status_code == 200 and numbered.json()["number_symbol"] == "01/NQ-CP"
    refused = client.put(f"/api/resolutions/{rid}", body, content_type="application/json")
    assert refused.status_code == 409 and "final" in refused.json()["detail"]
    cancelled = client.post(
        f"/api/resolutions/{rid}/cancel", {"reason": "Sai sót"}, content_type="application/json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert RegisterEntry.objects.get().state == "cancelled"


def test_the_draft_circulates_to_the_members_for_comments_and_can_still_change(cabinet):
    import datetime as dt

    from django.utils import timezone

    from circulation.models import Circulation

    meeting = run_meeting(cabinet)
    resolution = services.resolution_draft_from_meeting(actor=cabinet.secretary, meeting=meeting)
    deadline = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(NotAllowed):
        services.resolution_circulate(
            actor=cabinet.minister, resolution=resolution, deadline=deadline
        )
    circulated = services.resolution_circulate(
        actor=cabinet.secretary, resolution=resolution, deadline=deadline
    )
    circulation = Circulation.objects.get()
    assert (circulated.state, circulated.circulation) == ("circulating", circulation)
    assert circulation.document.doc_type == "du_thao_nghi_quyet"
    assert set(circulation.recipients.all()) == set(cabinet.members)
    assert "DỰ THẢO" in version_text(circulation.document.latest_version())
    with pytest.raises(Conflict, match="already circulated"):
        services.resolution_circulate(
            actor=cabinet.secretary, resolution=circulated, deadline=deadline
        )
    services.resolution_update(
        actor=cabinet.secretary,
        resolution=circulated,
        title=circulated.title,
        preamble=circulated.preamble,
        articles=["Tiếp thu ý kiến thành viên."],
        tasks=[],
    )
    numbered = services.resolution_number(actor=cabinet.secretary, resolution=circulated)
    assert numbered.number_symbol == "01/NQ-CP"
