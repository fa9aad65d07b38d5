"""Pick lists offer only who may be chosen, and the server refuses anyone else (through
the API and the pages alike): a deputy is a deputy of the member's own ministry; a
presenter speaks for the item's presenting agency."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ballots.forms import DelegationForm, MyDelegationForm
from ballots.models import Delegation
from ballots.services_answers import delegation_record
from ecabinet.errors import Invalid
from meetings import services
from meetings.forms import ItemForm, LeaveRequestForm
from meetings.models import AgendaItem, LeaveRequest
from people.eligibility import deputies_of, presenters_of
from people.models import Role
from tests.factories import UserFactory, deputy_of, grant
from tests.test_ballots_helpers import open_ballot

OUTSIDE_THE_MINISTRY = ["chair", "archivist", "auditor", "guest", "observer", "secretary"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def choice_ids(field) -> list[int]:
    return [int(value.value) for value, _label in field.choices if value]


@pytest.fixture
def deputies(cabinet):
    """Two deputies of the minister's ministry (Bộ Tài chính), one of another ministry."""
    minister = cabinet.minister
    return {
        "vu": deputy_of(minister, cabinet.body, "tt.vu", full_name="Vũ Thị Yến"),
        "an": deputy_of(minister, cabinet.body, "tt.an", full_name="Ông Văn An"),
        "other": deputy_of(cabinet.members[2], cabinet.body, "tt.tuphap"),
    }


@pytest.fixture
def ballot(cabinet):
    return open_ballot(cabinet)


# --- A ballot's deputy ---------------------------------------------------------------


@pytest.mark.parametrize("who", [*OUTSIDE_THE_MINISTRY, "members[2]", "other deputy"])
def test_the_ballot_service_refuses_anyone_but_a_deputy_of_the_members_ministry(
    cabinet, ballot, deputies, who
):
    person = {"members[2]": cabinet.members[2], "other deputy": deputies["other"]}.get(who)
    person = person or getattr(cabinet, who)
    with pytest.raises(Invalid) as refused:
        delegation_record(
            actor=cabinet.minister,
            ballot=ballot,
            member=cabinet.minister,
            deputy=person,
            reason="x",
        )
    assert list(refused.value.fields) == ["deputy"]
    assert not Delegation.objects.exists()


def test_the_refusal_says_the_rule_in_vietnamese(cabinet, ballot, deputies):
    with translation.override("vi"), pytest.raises(Invalid) as refused:
        delegation_record(
            actor=cabinet.minister,
            ballot=ballot,
            member=cabinet.minister,
            deputy=cabinet.chair,
            reason="Đi công tác",
        )
    assert str(refused.value) == (
        f"{cabinet.chair} không được thay mặt {cabinet.minister}: chỉ cấp phó của Bộ Tài chính "
        f"đã đăng ký với {cabinet.body} mới được thay mặt."
    )


def test_the_api_refuses_the_prime_minister_and_accepts_the_ministrys_deputy(
    cabinet, ballot, deputies
):
    api = signed_in(cabinet.secretary)
    url = f"/api/ballots/{ballot.pk}/delegations"
    for person in (cabinet.chair, cabinet.archivist, cabinet.auditor, cabinet.guest):
        body = {"member_id": cabinet.minister.pk, "deputy_id": person.pk, "reason": "Ốm"}
        refused = api.post(url, json.dumps(body), content_type="application/json")
        assert refused.status_code == 422 and list(refused.json()["fields"]) == ["deputy"]
    body = {"member_id": cabinet.minister.pk, "deputy_id": deputies["vu"].pk, "reason": "Ốm"}
    assert api.post(url, json.dumps(body), content_type="application/json").status_code == 201
    assert Delegation.objects.get().deputy == deputies["vu"]


def test_the_ballot_pages_refuse_an_archivist_as_deputy(cabinet, ballot, deputies):
    mine = signed_in(cabinet.minister).post(
        f"/ballots/{ballot.pk}/delegation/", {"deputy": cabinet.archivist.pk, "reason": "Ốm"}
    )
    assert mine.status_code == 422 and b'data-testid="field-error-deputy"' in mine.content
    theirs = signed_in(cabinet.secretary).post(
        f"/ballots/{ballot.pk}/delegations/",
        {"member": cabinet.minister.pk, "deputy": cabinet.guest.pk, "reason": "Ốm"},
    )
    assert theirs.status_code == 422 and b'data-testid="field-error-deputy"' in theirs.content
    assert not Delegation.objects.exists()


def test_the_delegation_forms_offer_exactly_the_deputies_in_order(cabinet, ballot, deputies):
    mine = MyDelegationForm(ballot=ballot, member=cabinet.minister).fields["deputy"]
    # Given names: An before Yến; the deputy of another ministry is not offered.
    assert choice_ids(mine) == [deputies["an"].pk, deputies["vu"].pk]
    page = signed_in(cabinet.minister).get(f"/ballots/{ballot.pk}/").content.decode()
    assert page.index(f">{deputies['an'].display_name}</option>") < page.index(
        f">{deputies['vu'].display_name}</option>"
    )
    assert f">{cabinet.chair.display_name}</option>" not in page
    secretariat = DelegationForm(ballot=ballot).fields["deputy"]
    assert set(choice_ids(secretariat)) == {d.pk for d in deputies.values()}


# --- An agenda item's presenter ------------------------------------------------------------


def test_the_presenter_speaks_for_the_presenting_agency(cabinet, meeting):
    add = services.item_add
    for person in (cabinet.archivist, cabinet.auditor, cabinet.observer, cabinet.members[2]):
        with pytest.raises(Invalid) as refused:
            add(
                actor=cabinet.secretary,
                meeting=meeting,
                title="Dự án Luật Thuế",
                presenting_agency="Bộ Tài chính",
                presenter=person,
            )
        assert list(refused.value.fields) == ["presenter"]
    item = add(
        actor=cabinet.secretary,
        meeting=meeting,
        title="Dự án Luật Thuế",
        presenting_agency="Bộ Tài chính",
        presenter=cabinet.minister,
    )
    assert item.presenter == cabinet.minister
    # Naming only the presenter fills in their ministry.
    item = add(actor=cabinet.secretary, meeting=meeting, title="X", presenter=cabinet.members[2])
    assert item.presenting_agency == "Bộ Tư pháp"
    # Changing the agency under a presenter who does not speak for it is refused too.
    with pytest.raises(Invalid):
        services.item_update(actor=cabinet.secretary, item=item, presenting_agency="Bộ Y tế")


def test_the_api_and_the_page_refuse_the_archivist_as_presenter(cabinet, meeting):
    before = AgendaItem.objects.count()
    api = signed_in(cabinet.secretary).post(
        f"/api/meetings/{meeting.pk}/items",
        json.dumps({"title": "Dự án Luật Thuế", "presenter_id": cabinet.archivist.pk}),
        content_type="application/json",
    )
    assert api.status_code == 422 and list(api.json()["fields"]) == ["presenter"]
    page = signed_in(cabinet.secretary).post(
        reverse("meetings:item_new", args=[meeting.pk]),
        {"title": "Dự án Luật Thuế", "presenter": cabinet.archivist.pk, "duration_minutes": 30},
    )
    assert page.status_code == 422 and b'data-testid="field-error-presenter"' in page.content
    assert AgendaItem.objects.count() == before


def test_the_item_form_offers_exactly_who_may_present_in_protocol_order(cabinet, deputies):
    cabinet.body.memberships.filter(user=cabinet.chair).update(sort_order=1)
    offered = choice_ids(ItemForm(body=cabinet.body).fields["presenter"])
    expected = [u.pk for u in presenters_of(body=cabinet.body)]
    assert offered == expected and offered[0] == cabinet.chair.pk
    allowed = {
        *(m.pk for m in cabinet.members),
        cabinet.guest.pk,
        *(d.pk for d in deputies.values()),
    }
    assert set(offered) == allowed  # never the archivist, auditor, observer or secretariat


# --- A meeting's leave deputy ----------------------------------------------------------


def test_leave_names_only_a_deputy_of_the_members_ministry(cabinet, meeting, deputies):
    for person in (cabinet.chair, cabinet.archivist, cabinet.guest, deputies["other"]):
        with pytest.raises(Invalid) as refused:
            services.leave_request(
                actor=cabinet.minister, meeting=meeting, reason="Ốm", deputy=person
            )
        assert list(refused.value.fields) == ["deputy"]
    api = signed_in(cabinet.minister).post(
        f"/api/meetings/{meeting.pk}/leave",
        json.dumps({"reason": "Ốm", "deputy_id": cabinet.auditor.pk}),
        content_type="application/json",
    )
    assert api.status_code == 422
    page = signed_in(cabinet.minister).post(
        reverse("meetings:leave", args=[meeting.pk]),
        {"reason": "Ốm", "deputy": cabinet.archivist.pk},
    )
    assert page.status_code == 422 and b'data-testid="field-error-deputy"' in page.content
    assert not LeaveRequest.objects.exists()
    form = LeaveRequestForm(meeting=meeting, member=cabinet.minister)
    assert choice_ids(form.fields["deputy"]) == [deputies["an"].pk, deputies["vu"].pk]


def test_a_deputy_who_is_also_a_member_is_never_anyones_deputy(cabinet, deputies):
    both = grant(
        UserFactory(username="both", organisation="Bộ Tài chính"),
        cabinet.body,
        Role.DEPUTY,
        Role.MEMBER,
    )
    allowed = deputies_of(body=cabinet.body, members=[cabinet.minister])
    assert both not in allowed and deputies["vu"] in allowed


# --- The API's pick lists ----------------------------------------------------------------


def test_the_api_offers_exactly_the_pick_lists_the_services_accept(cabinet, deputies):
    api = signed_in(cabinet.secretary)
    url = f"/api/bodies/{cabinet.body.pk}"
    offered = api.get(f"{url}/deputies", {"member_id": cabinet.minister.pk}).json()
    assert [p["username"] for p in offered] == ["tt.an", "tt.vu"]
    presenters = api.get(f"{url}/presenters", {"agency": "Bộ Tài chính"}).json()
    # Given names: the minister's ("Nguyễn Văn 12": digits first), An, Yến.
    expected = [cabinet.minister.pk, deputies["an"].pk, deputies["vu"].pk]
    assert [p["id"] for p in presenters] == expected
    unknown = api.get(f"{url}/deputies", {"member_id": cabinet.outsider.pk})
    assert unknown.status_code == 404
    stranger = signed_in(cabinet.outsider).get(f"{url}/presenters")
    assert stranger.status_code == 404


def test_a_member_without_a_deputy_is_told_why_the_list_is_empty(cabinet, ballot, meeting):
    member = cabinet.members[3]  # Bộ Y tế: no deputy registered
    with translation.override("vi"):
        ballot_field = MyDelegationForm(ballot=ballot, member=member).fields["deputy"]
        leave_field = LeaveRequestForm(meeting=meeting, member=member).fields["deputy"]
    assert choice_ids(ballot_field) == [] and choice_ids(leave_field) == []
    expected = f"Chưa có cấp phó nào của Bộ Y tế được đăng ký với {cabinet.body}"
    assert str(ballot_field.help_text).startswith(expected)
    assert str(leave_field.help_text).startswith(expected)
