"""The Django admin: every model is listed, records that services own stay read-only,
and granting a membership goes through the audited service."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from ecabinet.audit.models import AuditEntry
from people.models import Membership, Role
from tests.factories import UserFactory

OUR_APPS = {"people", "meetings", "documents", "notifications", "audit"}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_every_model_of_these_apps_lists_and_opens_for_a_superuser(
    client, superuser, cabinet, meeting
):
    client.force_login(superuser)
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in OUR_APPS:
            continue
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change


@pytest.mark.parametrize(
    "name",
    [
        "meetings_meeting",
        "meetings_position",
        "documents_documentversion",
        "documents_document",
        "notifications_notification",
    ],
)
def test_records_owned_by_services_cannot_be_added_in_the_admin(client, superuser, name):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:{name}_add")).status_code == 403


def test_granting_a_membership_in_the_admin_is_audited(client, superuser, cabinet):
    person = UserFactory(username="newminister")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:people_membership_add"),
        {
            "body": cabinet.body.pk,
            "user": person.pk,
            "role": Role.MEMBER,
            "position_in_body": "Bộ trưởng",
            "sort_order": 50,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    entry = AuditEntry.objects.get(action="membership.granted", target_id=str(membership.pk))
    assert entry.actor == superuser


def test_revoking_memberships_in_the_admin_is_audited(client, superuser, cabinet):
    membership = Membership.objects.get(user=cabinet.observer)
    client.force_login(superuser)
    client.post(
        reverse("admin:people_membership_changelist"),
        {"action": "revoke", "_selected_action": [membership.pk]},
    )
    membership.refresh_from_db()
    assert not membership.is_active
    assert AuditEntry.objects.filter(action="membership.revoked").count() == 1
