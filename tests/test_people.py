"""Bodies keep their rules as data; roles are granted per body and audited."""

import pytest

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Invalid
from people.models import Body, Membership, Role
from people.selectors import body_members, user_roles
from people.services import body_create, membership_grant, membership_revoke
from tests.factories import UserFactory


@pytest.mark.parametrize(("members", "needed"), [(27, 18), (25, 17), (9, 6), (3, 2), (0, 0)])
def test_the_default_quorum_is_at_least_two_thirds_of_all_members(db, members, needed):
    body = body_create(actor=None, name=f"Body {members}")
    assert body.quorum_needed(members) == needed


def test_a_body_with_its_own_rules_is_audited(db):
    body = body_create(
        actor=None,
        name="Ban cán sự đảng Bộ Tư pháp",
        kind="ministry",
        quorum=(1, 2),
        majority_base="present",
        tie_break="fails",
    )
    assert body.quorum_needed(10) == 5
    entry = AuditEntry.objects.get(action="body.created")
    assert entry.details == {"quorum": "1/2", "majority_base": "present", "tie_break": "fails"}


@pytest.mark.parametrize("quorum", [(0, 3), (4, 3), (1, 0)])
def test_a_quorum_that_is_not_a_fraction_is_refused(db, quorum):
    with pytest.raises(Invalid):
        body_create(actor=None, name="X", quorum=quorum)
    assert not Body.objects.exists()


def test_roles_are_per_body(cabinet):
    assert user_roles(user=cabinet.chair, body_id=cabinet.body.pk) == {Role.CHAIR, Role.MEMBER}
    assert user_roles(user=cabinet.chair, body_id=cabinet.other_body.pk) == frozenset()
    assert set(body_members(body=cabinet.body)) == set(cabinet.members)


def test_an_assistant_must_name_the_member_they_assist(cabinet):
    person = UserFactory(username="troly")
    with pytest.raises(Invalid):
        membership_grant(actor=None, body=cabinet.body, user=person, role=Role.ASSISTANT)
    membership_grant(
        actor=None, body=cabinet.body, user=person, role=Role.ASSISTANT, assists=cabinet.minister
    )
    assert Membership.objects.get(user=person).assists == cabinet.minister


def test_a_revoked_role_no_longer_counts(cabinet):
    membership = Membership.objects.get(user=cabinet.minister, role=Role.MEMBER)
    membership_revoke(actor=cabinet.secretary, membership=membership)
    assert cabinet.minister not in body_members(body=cabinet.body)
    assert AuditEntry.objects.filter(action="membership.revoked").exists()
