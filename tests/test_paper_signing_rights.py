"""Who signs a meeting paper follows roles, not a free-text match: an assistant,
observer or deputy whose organisation reads like the paper's issuing body signs nothing
by it; a member of the body heading that agency does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings.paper_signing import paper_signing
from people.models import Role
from tests.factories import UserFactory, grant, make_meeting
from tests.roles import client_for
from tests.signing_helpers import post_json, presented_paper

pytestmark = pytest.mark.django_db
FINANCE = "Bộ Tài chính"


@pytest.fixture
def finance_paper(cabinet, meeting):
    """A paper of the Ministry of Finance, presented by its minister."""
    return presented_paper(cabinet, meeting, issuing_body=FINANCE)


def test_an_assistant_whose_organisation_is_the_issuing_body_may_not_sign(cabinet, finance_paper):
    assistant = cabinet.assistant
    assistant.organisation = FINANCE  # as "troly.taichinh" in the demo
    assistant.save(update_fields=["organisation"])
    rights = paper_signing(user=assistant, paper=finance_paper)
    assert rights.can_open and not rights.can_sign and not rights.can_seal

    client = client_for(cabinet, "assistant")
    args = [finance_paper.meeting_id, finance_paper.pk, 1]
    assert client.get(reverse("meetings:paper_sign", args=args)).status_code == 403
    api = post_json(client, f"/api/papers/{finance_paper.pk}/versions/1/sign", {"pin": "123456"})
    assert api.status_code == 403


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.DEPUTY, Role.AUDITOR])
def test_other_roles_with_the_same_organisation_sign_nothing_by_it(cabinet, finance_paper, role):
    person = grant(UserFactory(organisation=FINANCE), cabinet.body, role)
    assert not paper_signing(user=person, paper=finance_paper).can_sign


def test_a_member_of_the_body_from_the_issuing_agency_signs_it(cabinet):
    member = grant(UserFactory(organisation=FINANCE), cabinet.body, Role.MEMBER)
    meeting = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
    finance_paper = presented_paper(cabinet, meeting, issuing_body=FINANCE)
    assert finance_paper.item.presenter != member
    assert paper_signing(user=member, paper=finance_paper).can_sign
    assert not paper_signing(user=cabinet.members[3], paper=finance_paper).can_sign
