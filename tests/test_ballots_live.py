"""The live snapshot of a ballot (`GET /api/ballots/{id}/live`) carries what the
secretariat's page shows, rendered by the server: rows, heading, tally and submitted
times read exactly as on a reload, in the page's language and Vietnam time."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation

from ballots.models import Answer
from ecabinet import dates
from ecabinet.audit.models import AuditEntry
from ecabinet.templatetags.deadlines import time_left
from tests.test_ballots_helpers import answer, counting_submitted, open_ballot
from tests.test_ballots_pages import client_for

pytestmark = pytest.mark.django_db

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def live(client: Client, ballot, **headers) -> dict:
    response = client.get(f"/api/ballots/{ballot.pk}/live", **headers)
    assert response.status_code == 200
    return response.json()


def page_row(html: str, member_id: int) -> str:
    match = re.search(
        rf'<tr data-testid="recipient" data-member-id="{member_id}".*?</tr>', html, re.S
    )
    assert match, member_id
    return CSRF.sub("", match.group(0))


def not_answered(tally_html: str) -> list[str]:
    text = re.search(r'data-testid="not-answered"[^>]*>[^:]*: ([^<]*)</p>', tally_html).group(1)
    return [] if text == "—" else text.split("; ")


def test_the_not_answered_list_and_counts_follow_each_answer(cabinet):
    counting_submitted(cabinet)  # the submitted answer counts at once
    ballot = open_ballot(cabinet)
    secretary = client_for(cabinet.secretary)
    everyone = sorted(str(m) for m in cabinet.members)
    before = live(secretary, ballot)
    assert sorted(not_answered(before["tally_html"])) == everyone
    assert before["answered_text"] == f"Recipients: 0/{len(everyone)} answered"

    answer(cabinet.minister, ballot, "agree", "other")
    after = live(secretary, ballot)
    left = sorted(not_answered(after["tally_html"]))
    assert left == sorted(set(everyone) - {str(cabinet.minister)})
    assert after["answered"] == 1 and after["reopened"] == 0
    assert after["answered_text"] == f"Recipients: 1/{len(everyone)} answered"
    assert re.search(r'data-number="1".*?data-live="agree">1<', after["tally_html"], re.S)
    assert "Đề nghị bổ sung đánh giá tác động" in after["tally_html"]  # the other opinion
    # Only the row that changed gets a new fingerprint, so only it is redrawn.
    revs = {r["member_id"]: r["rev"] for r in before["rows"]}
    assert [r["member_id"] for r in after["rows"] if r["rev"] != revs[r["member_id"]]] == [
        cabinet.minister.pk
    ]


def test_a_live_row_reads_exactly_like_the_row_the_page_renders(cabinet):
    ballot = open_ballot(cabinet)
    answer(cabinet.minister, ballot, "agree", "agree")
    secretary = client_for(cabinet.secretary)
    for language in ("vi", "en"):
        page = secretary.get(f"/ballots/{ballot.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        snapshot = live(secretary, ballot, HTTP_ACCEPT_LANGUAGE=language)
        html = page.content.decode()
        for row in snapshot["rows"]:
            assert CSRF.sub("", row["html"]) == page_row(html, row["member_id"]), language
            assert f'data-rev="{row["rev"]}"' in row["html"]
        assert f">{snapshot['answered_text']}</h2>" in html
        assert snapshot["tally_html"] in html
    vi = live(secretary, ballot, HTTP_ACCEPT_LANGUAGE="vi")
    mine = next(r for r in vi["rows"] if r["member_id"] == cabinet.minister.pk)
    assert "Đã gửi" in mine["html"]  # the state, in the page's language
    assert "Reopen" not in mine["html"] or "Mở lại" in mine["html"]


def test_the_submitted_time_arrives_in_vietnam_time_and_the_project_format(cabinet):
    ballot = open_ballot(cabinet)
    answer(cabinet.minister, ballot, "agree", "agree")
    stored = Answer.objects.get(ballot=ballot, member=cabinet.minister).submitted_at
    for language in ("vi", "en"):
        rows = live(client_for(cabinet.secretary), ballot, HTTP_ACCEPT_LANGUAGE=language)["rows"]
        shown = {r["member_id"]: r["submitted_display"] for r in rows}
        with translation.override(language):
            expected = dates.when(stored)  # "09:15, ngày 03/12/2026" / "09:15, 3 December 2026"
        assert shown[cabinet.minister.pk] == expected
        assert shown[cabinet.members[2].pk] == ""


def test_only_those_who_run_the_ballot_get_the_snapshot_and_asking_changes_nothing(cabinet):
    ballot = open_ballot(cabinet)
    answer(cabinet.minister, ballot, "agree", "agree")
    entries, answers = AuditEntry.objects.count(), list(Answer.objects.values_list("state"))
    url = f"/api/ballots/{ballot.pk}/live"
    assert Client().get(url).status_code == 401
    for person in (cabinet.minister, cabinet.guest, cabinet.outsider, cabinet.archivist):
        response = client_for(person).get(url)
        assert response.status_code == 404, person
        assert response.json()["error"] == "not_found"
    assert client_for(cabinet.secretary).get("/api/ballots/999999/live").status_code == 404
    assert client_for(cabinet.chair).get(url).status_code == 200
    assert AuditEntry.objects.count() == entries
    assert list(Answer.objects.values_list("state")) == answers


def test_the_page_heading_and_facts_use_the_project_classes(cabinet):
    ballot = open_ballot(cabinet)
    answer(cabinet.minister, ballot, "agree", "agree")
    html = client_for(cabinet.secretary).get(f"/ballots/{ballot.pk}/").content.decode()
    assert f"Recipients: 1/{len(cabinet.members)} answered</h2>" in html
    assert 'data-answered="1"' in html
    assert 'class="facts facts--grid" data-testid="ballot-facts"' in html
    assert "kv__k" not in html
    assert 'class="count" data-live' not in html


def test_time_left_names_the_units_and_says_when_under_a_minute():
    now = timezone.now()
    with translation.override("en"):
        assert time_left(now + dt.timedelta(hours=1, minutes=11, seconds=5), now) == (
            "1\xa0hour, 11\xa0minutes"
        )
        assert time_left(now + dt.timedelta(days=2, hours=3), now) == "2\xa0days, 3\xa0hours"
        assert time_left(now + dt.timedelta(seconds=40), now) == "less than a minute"
        assert time_left(now - dt.timedelta(seconds=40), now) == "less than a minute"
        assert time_left(None) == ""
