"""The home page is the person's work: duties newest first (a live vote on top), each a
link; the same list from `GET /api/me/work`; the count in every page's navigation,
read with one query per kind of duty; the archivist's home is the archive."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ballots import services as ballot_services
from circulation import services as circulation_services
from tests.circulation_helpers import circulate
from tests.roles import ROLES, client_for
from tests.test_ballots_helpers import make_ballot, open_ballot
from tests.worklist_helpers import start
from voting import services as voting_services
from worklist.selectors import KINDS, work_count, work_for

pytestmark = pytest.mark.django_db


def page_duties(html: str) -> list[tuple[str, str]]:
    """(kind, link) of each duty on the page, in order."""
    return re.findall(r'data-kind="([a-z_]+)".*?<a class="duty__link" href="([^"]+)"', html, re.S)


@pytest.fixture
def busy(cabinet, meeting):
    """A minister with a ballot, a draft and a meeting to prepare; the chair with a ballot
    to approve; the secretariat following them up."""
    open_ballot(cabinet)
    circulate(cabinet)
    ballot_services.ballot_submit(actor=cabinet.secretary, ballot=make_ballot(cabinet))
    return cabinet


def test_the_home_page_lists_the_newest_duty_first_each_one_tap_away(client, busy, meeting):
    client.force_login(busy.minister)
    html = client.get(reverse("dashboard")).content.decode()
    duties = page_duties(html)
    assert [kind for kind, _url in duties] == ["draft_comment", "ballot_answer", "positions"]
    assert [url for _kind, url in duties] == [d.url for d in work_for(user=busy.minister)]
    assert f'data-meeting-id="{meeting.pk}"' in html  # the meetings stay below the duties
    assert html.index('data-testid="work"') < html.index('data-testid="upcoming-meetings"')


def test_a_live_vote_leads_the_list_whatever_its_age(client, cabinet, meeting):
    start(cabinet, meeting)
    item = meeting.items.order_by("order").first()
    voting_services.vote_open(actor=cabinet.chair, item=item, question="Thông qua?")
    circulate(cabinet)  # newer than the vote
    kinds = [d.kind for d in work_for(user=cabinet.minister)]
    assert kinds == ["vote", "draft_comment"]


def test_a_person_with_nothing_to_do_is_told_so(client, cabinet):
    client.force_login(cabinet.observer)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="no-duties"' in html
    assert 'data-testid="work-count">0<' in html


def test_the_api_returns_the_same_list_as_the_page(client, busy):
    for person in [busy.minister, busy.chair, busy.secretary, busy.observer]:
        client.force_login(person)
        body = client.get("/api/me/work").json()
        expected = work_for(user=person)
        assert body["count"] == len(expected)
        assert [(d["kind"], d["title"], d["url"], d["detail"]) for d in body["duties"]] == [
            (d.kind, d.title, d.url, d.detail) for d in expected
        ]
        assert all(d["urgency"] and d["at"] for d in body["duties"])


def test_the_api_asks_for_a_session(client):
    response = client.get("/api/me/work")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_shows_the_count_in_the_navigation(busy, role):
    client = client_for(busy, role)
    person = getattr(busy, role)
    page = client.get(reverse("meetings:list")).content.decode()
    count = re.search(r'data-testid="work-count">(\d+)<', page).group(1)
    assert int(count) == len(work_for(user=person))
    assert "My work" in page


def test_the_count_drops_when_a_duty_is_done(client, busy):
    client.force_login(busy.minister)
    before = work_count(user=busy.minister)
    circulation = busy.minister.circulations_received.get()
    circulation_services.comment_add(actor=busy.minister, circulation=circulation, text="Nhất trí")
    page = client.get(reverse("meetings:list")).content.decode()
    assert f'data-testid="work-count">{before - 1}<' in page


def test_the_count_costs_one_query_per_kind_of_duty(busy, django_assert_max_num_queries):
    for person in [busy.minister, busy.chair, busy.secretary]:
        with django_assert_max_num_queries(len(KINDS)):
            work_count(user=person)


def test_the_archivist_lands_on_the_archive(client, cabinet):
    client.force_login(cabinet.archivist)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("archive:search")


def test_an_archivist_with_another_role_keeps_the_work_page(client, cabinet):
    from people.models import Role
    from tests.factories import grant

    grant(cabinet.secretary, cabinet.body, Role.ARCHIVIST)
    client.force_login(cabinet.secretary)
    assert client.get(reverse("dashboard")).status_code == 200


def test_another_body_never_sees_this_body_s_duties(busy, meeting):
    assert work_for(user=busy.outsider) == []


def test_the_home_page_reads_vietnamese_by_default(client, busy, settings):
    settings.LANGUAGE_CODE = "vi"
    client.force_login(busy.minister)
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    for words in ["Việc cần làm", "Góp ý dự thảo", "Trả lời phiếu"]:
        assert words in html
