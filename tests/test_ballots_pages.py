"""The ballot pages and the JSON API, as each kind of user sees them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from ballots.models import Answer, Ballot
from tests.factories import PASSWORD
from tests.test_ballots_helpers import answer, counting_submitted, open_ballot, version_text

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_secretariat_prepares_and_the_chair_approves_through_the_pages(cabinet):
    secretary = client_for(cabinet.secretary)
    page = secretary.get(f"/ballots/new/{cabinet.body.pk}/")
    assert page.status_code == 200 and b'data-testid="ballot-form"' in page.content
    deadline = timezone.localtime(timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"subject": "Chủ trương đầu tư", "questions": "Câu A?\nCâu B?", "deadline": deadline}
    response = secretary.post(f"/ballots/new/{cabinet.body.pk}/", {**data, "send": "1"})
    ballot = Ballot.objects.get()
    assert response.status_code == 302 and ballot.state == "awaiting_approval"
    assert ballot.answers.count() == len(cabinet.members)
    past = secretary.post(
        f"/ballots/new/{cabinet.body.pk}/", {**data, "deadline": "2020-01-01T08:00"}
    )
    assert past.status_code == 422 and b"deadline must be in the future" in past.content
    assert client_for(cabinet.minister).post(f"/ballots/{ballot.pk}/approve/").status_code == 404
    chair = client_for(cabinet.chair)
    assert b'data-testid="approve-ballot"' in chair.get(f"/ballots/{ballot.pk}/").content
    assert chair.post(f"/ballots/{ballot.pk}/approve/").status_code == 302
    assert Ballot.objects.get().state == "open"


def test_a_member_answers_on_the_page_with_a_draft_then_a_submit(cabinet):
    ballot = open_ballot(cabinet)
    answer_row = Answer.objects.get(ballot=ballot, member=cabinet.minister)
    minister = client_for(cabinet.minister)
    listing = minister.get("/ballots/")
    assert b'data-testid="pending-ballot"' in listing.content and b"left" in listing.content
    url = f"/ballots/{ballot.pk}/answers/{answer_row.pk}/"
    p = f"a{answer_row.pk}-"
    assert minister.post(url, {f"{p}q1": "agree", "save": "1"}).status_code == 302
    assert Answer.objects.get(pk=answer_row.pk).state == "draft"
    page = minister.get(f"/ballots/{ballot.pk}/")
    assert re.search(rb"value=\"agree\"[^>]*checked", page.content)
    missing = minister.post(url, {f"{p}q1": "agree", f"{p}q2": "other", "submit": "1"})
    assert missing.status_code == 422 and b"Write your other opinion" in missing.content
    form = {f"{p}q1": "agree", f"{p}q2": "other", f"{p}q2_text": "Ý kiến riêng", "submit": "1"}
    done = minister.post(url, form)
    assert done.status_code == 302
    answer_row.refresh_from_db()
    assert answer_row.state == "submitted"
    pdf = minister.get(f"/ballots/{ballot.pk}/answers/{answer_row.pk}/form.pdf")
    assert pdf.status_code == 200 and pdf["X-Version-SHA256"] == answer_row.version.sha256
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")  # reading it closes the file
    assert "Ý kiến riêng" in version_text(answer_row.version)
    other = client_for(cabinet.members[2])
    assert other.get(f"/ballots/{ballot.pk}/answers/{answer_row.pk}/form.pdf").status_code == 404


def test_the_secretariat_page_lists_recipients_reopens_and_polls_live(cabinet):
    ballot = open_ballot(cabinet)
    done = answer(cabinet.minister, ballot, "agree", "agree")
    secretary = client_for(cabinet.secretary)
    page = secretary.get(f"/ballots/{ballot.pk}/")
    assert page.content.count(b'data-testid="recipient"') == len(cabinet.members)
    assert b"ballots/live.js" in page.content and b"data-live-url" in page.content
    live = secretary.get(f"/api/ballots/{ballot.pk}/live").json()
    assert live["answered"] == 1 and live["recipients"] == len(cabinet.members)
    reopen = secretary.post(
        f"/ballots/{ballot.pk}/answers/{done.pk}/reopen/", {"reason": "Sai câu 2"}
    )
    assert reopen.status_code == 302
    page = secretary.get(f"/ballots/{ballot.pk}/")
    assert b'data-testid="reopenings"' in page.content and "Sai câu 2".encode() in page.content
    assert client_for(cabinet.minister).get(f"/api/ballots/{ballot.pk}/live").status_code == 404


def test_outsiders_do_not_see_a_ballot(cabinet):
    ballot = open_ballot(cabinet)
    for person in (cabinet.outsider, cabinet.guest):
        assert client_for(person).get(f"/ballots/{ballot.pk}/").status_code == 404
        assert client_for(person).get(f"/api/ballots/{ballot.pk}").status_code == 404


def test_a_page_seen_after_the_deadline_shows_the_ballot_closed(cabinet):
    ballot = open_ballot(cabinet)
    Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now() - dt.timedelta(seconds=5))
    page = client_for(cabinet.minister).get(f"/ballots/{ballot.pk}/")
    assert page.status_code == 200 and Ballot.objects.get().state == "closed"


def test_the_api_answers_and_refuses_with_the_error_shape(cabinet):
    ballot = open_ballot(cabinet)
    minister = client_for(cabinet.minister)
    url = f"/api/ballots/{ballot.pk}/answer"
    draft = minister.put(
        url, {"items": [{"question": 1, "choice": "agree"}]}, content_type="application/json"
    )
    assert draft.status_code == 200 and draft.json()["state"] == "draft"
    bad = minister.post(
        url + "/submit",
        {"items": [{"question": 2, "choice": "other"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["error"] == "invalid" and "q2_text" in bad.json()["fields"]
    ok = minister.post(
        url + "/submit",
        {"items": [{"question": 2, "choice": "disagree"}]},
        content_type="application/json",
    )
    assert ok.status_code == 200 and len(ok.json()["sha256"]) == 64
    twice = minister.post(url + "/submit", {"items": []}, content_type="application/json")
    assert twice.status_code == 409 and "already submitted" in twice.json()["detail"]
    detail = minister.get(f"/api/ballots/{ballot.pk}").json()
    assert detail["my_answer"]["state"] == "submitted" and "recipients" not in detail
    stranger = client_for(cabinet.secretary).post(
        url + "/submit", {"items": []}, content_type="application/json"
    )
    assert stranger.status_code == 403 and stranger.json()["error"] == "forbidden"


def test_the_api_creates_a_ballot_only_for_the_secretariat(cabinet):
    payload = {
        "body_id": cabinet.body.pk,
        "subject": "Chủ đề",
        "questions": ["Câu hỏi?"],
        "deadline": (timezone.now() + dt.timedelta(days=1)).isoformat(),
        "send_for_approval": True,
    }
    created = client_for(cabinet.secretary).post(
        "/api/ballots", payload, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["state"] == "awaiting_approval"
    refused = client_for(cabinet.minister).post(
        "/api/ballots", payload, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"


def test_the_health_page_and_json_are_for_the_secretariat(cabinet):
    open_ballot(cabinet)
    secretary = client_for(cabinet.secretary)
    page = secretary.get("/ballots/health/")
    assert page.status_code == 200 and b'data-testid="health-warnings"' in page.content
    data = secretary.get("/api/ballots/health").json()
    assert data["open_ballots"] == 1 and data["worker_stale"] is True
    assert client_for(cabinet.minister).get("/ballots/health/").status_code == 403
    assert client_for(cabinet.minister).get("/api/ballots/health").status_code == 403


def test_the_closed_ballot_page_shows_the_result_and_issues_the_report(cabinet):
    counting_submitted(cabinet)  # the unsigned answer counts, its opinion is shown
    ballot = open_ballot(cabinet)
    answer(cabinet.minister, ballot, "agree", "other", text="Ý kiến khác của bộ")
    Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    secretary = client_for(cabinet.secretary)
    page = secretary.get(f"/ballots/{ballot.pk}/")
    assert b'data-testid="issue-report"' in page.content
    assert "Ý kiến khác của bộ".encode() in page.content
    assert secretary.post(f"/ballots/{ballot.pk}/report/").status_code == 302
    report = secretary.get(f"/ballots/{ballot.pk}/report.pdf")
    assert report.status_code == 200 and b"".join(report.streaming_content).startswith(b"%PDF")
    chair_page = client_for(cabinet.chair).get(f"/ballots/{ballot.pk}/")
    assert b'data-testid="result"' in chair_page.content


def test_a_draft_sent_back_shows_the_note_on_the_edit_page(cabinet):
    from ballots import services
    from tests.test_ballots_helpers import make_ballot

    ballot = make_ballot(cabinet)
    services.ballot_submit(actor=cabinet.secretary, ballot=ballot)
    chair = client_for(cabinet.chair)
    assert chair.post(f"/ballots/{ballot.pk}/return/", {"note": "Sửa câu 2"}).status_code == 302
    edit = client_for(cabinet.secretary).get(f"/ballots/{ballot.pk}/edit/")
    assert edit.status_code == 200 and "Sửa câu 2".encode() in edit.content
    assert client_for(cabinet.minister).get(f"/ballots/{ballot.pk}/").status_code == 404
