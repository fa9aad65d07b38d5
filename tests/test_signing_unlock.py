# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Nobody unlocks their own key: a personal key is unlocked by a member of the
secretariat other than its owner; a body's seal by its chair, or by two members of the
secretariat (one asks, another approves), each step audited. Service, API and page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed
from people.models import Role
from signing import services
from signing.models import KeyUnlockRequest, SigningKey
from signing.provisioning import key_provision
from tests.factories import UserFactory, grant
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    dev_pki,
    make_document,
    signers,
    signing_settings,
)
from tests.roles import client_for
from tests.signing_helpers import post_json

pytestmark = pytest.mark.django_db
WRONG_PIN = "000000"


def lock(key: SigningKey) -> SigningKey:
    SigningKey.objects.filter(pk=key.pk).update(locked=True, failed_attempts=5)
    key.refresh_from_db()
    return key


@pytest.fixture
def second_secretary(cabinet):
    return grant(UserFactory(username="secretary2"), cabinet.body, Role.SECRETARIAT)


def test_the_secretariat_may_not_unlock_its_own_key_nor_the_seal_alone(
    cabinet, signers, dev_pki, settings
):
    """The attack of the review: five wrong PINs lock the secretary's own key and the
    seal; the same secretary then unlocked both and sealed."""
    settings.SIGNING_PIN_ATTEMPTS = 2
    own = key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    v1 = make_document(signers.body, signers.secretary).latest_version()
    v2 = services.version_sign(actor=signers.chair, version=v1, pin=USER_PIN)
    for _ in range(2):
        with pytest.raises(Invalid):
            services.version_sign(actor=signers.secretary, version=v1, pin=WRONG_PIN)
        with pytest.raises(Invalid):
            services.version_sign(
                actor=signers.secretary, version=v2, pin=WRONG_PIN, kind="seal", body=signers.body
            )
    assert SigningKey.objects.filter(pk__in=[own.pk, signers.seal_key.pk], locked=True).count() == 2

    with pytest.raises(NotAllowed, match="own key"):
        services.key_unlock(actor=signers.secretary, key=own)
    with pytest.raises(NotAllowed, match="two members of the secretariat"):
        services.key_unlock(actor=signers.secretary, key=signers.seal_key)
    with pytest.raises(Conflict, match="locked"):
        services.version_sign(
            actor=signers.secretary, version=v2, pin=SEAL_PIN, kind="seal", body=signers.body
        )
    assert not AuditEntry.objects.filter(action="signing.key_unlocked").exists()


def test_another_member_of_the_secretariat_unlocks_a_personal_key(
    cabinet, signers, dev_pki, second_secretary
):
    own = lock(key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary))
    key = services.key_unlock(actor=second_secretary, key=own)
    assert (key.locked, key.failed_attempts, key.pin_checks_pending) == (False, 0, 0)
    entry = AuditEntry.objects.get(action="signing.key_unlocked")
    assert entry.actor_id == second_secretary.pk and entry.details["by"] == "secretariat"


@pytest.mark.parametrize("role", ["chair", "minister", "assistant", "observer", "outsider"])
def test_only_the_secretariat_of_the_owners_body_unlocks_a_personal_key(cabinet, signers, role):
    lock(signers.minister_key)
    with pytest.raises(NotAllowed):
        services.key_unlock(actor=getattr(cabinet, role), key=signers.minister_key)


def test_the_chair_unlocks_the_seal_at_once(cabinet, signers):
    seal = lock(signers.seal_key)
    services.key_unlock(actor=cabinet.chair, key=seal)
    seal.refresh_from_db()
    assert not seal.locked and seal.failed_attempts == 0
    entry = AuditEntry.objects.get(action="signing.key_unlocked")
    assert entry.actor_id == cabinet.chair.pk and entry.details["by"] == "chair"


@pytest.mark.parametrize("role", ["minister", "assistant", "observer", "outsider", "auditor"])
def test_others_neither_unlock_the_seal_nor_ask_for_it(cabinet, signers, role):
    seal = lock(signers.seal_key)
    with pytest.raises(NotAllowed):
        services.key_unlock(actor=getattr(cabinet, role), key=seal)
    with pytest.raises(NotAllowed):
        services.key_unlock_request(actor=getattr(cabinet, role), key=seal)


def test_a_seal_unlock_asked_by_one_member_is_approved_by_another(
    cabinet, signers, second_secretary
):
    seal = lock(signers.seal_key)
    request = services.key_unlock_request(actor=cabinet.secretary, key=seal, reason="Nhập nhầm")
    assert SigningKey.objects.get(pk=seal.pk).locked
    with pytest.raises(Conflict, match="already been asked"):
        services.key_unlock_request(actor=second_secretary, key=seal)
    with pytest.raises(NotAllowed, match="You asked for this unlock"):
        services.key_unlock_approve(actor=cabinet.secretary, request=request)
    with pytest.raises(NotAllowed):
        services.key_unlock_approve(actor=cabinet.minister, request=request)
    assert SigningKey.objects.get(pk=seal.pk).locked

    done = services.key_unlock_approve(actor=second_secretary, request=request)
    assert (done.state, done.decided_by) == ("approved", second_secretary)
    assert not SigningKey.objects.get(pk=seal.pk).locked
    trail = list(
        AuditEntry.objects.filter(action__startswith="signing.key_unlock")
        .order_by("pk")
        .values_list("action", "actor_id")
    )
    assert trail == [
        ("signing.key_unlock_requested", cabinet.secretary.pk),
        ("signing.key_unlock_approved", second_secretary.pk),
        ("signing.key_unlocked", second_secretary.pk),
    ]
    with pytest.raises(Conflict, match="already been decided"):
        services.key_unlock_approve(actor=cabinet.chair, request=request)


def test_a_refused_or_withdrawn_request_leaves_the_seal_locked(cabinet, signers, second_secretary):
    seal = lock(signers.seal_key)
    first = services.key_unlock_request(actor=cabinet.secretary, key=seal)
    assert services.key_unlock_refuse(actor=second_secretary, request=first).state == "refused"
    second = services.key_unlock_request(actor=cabinet.secretary, key=seal)
    assert services.key_unlock_refuse(actor=cabinet.secretary, request=second).state == "withdrawn"
    assert SigningKey.objects.get(pk=seal.pk).locked
    assert AuditEntry.objects.filter(action="signing.key_unlock_refused").count() == 1
    assert AuditEntry.objects.filter(action="signing.key_unlock_withdrawn").count() == 1


def test_the_chair_approves_a_request_too(cabinet, signers):
    seal = lock(signers.seal_key)
    request = services.key_unlock_request(actor=cabinet.secretary, key=seal)
    services.key_unlock_approve(actor=cabinet.chair, request=request)
    assert not SigningKey.objects.get(pk=seal.pk).locked


def test_the_api_asks_and_approves_with_two_people(cabinet, signers, second_secretary):
    seal = lock(signers.seal_key)
    secretary = client_for(cabinet, "secretary")
    other = client_for(cabinet, "secretary")
    other.force_login(second_secretary)
    unlock = f"/api/signing/keys/{seal.pk}/unlock"
    alone = secretary.post(unlock)
    assert alone.status_code == 403 and "two members" in alone.json()["detail"]
    asked = post_json(secretary, f"/api/signing/keys/{seal.pk}/unlock-request", {"reason": "x"})
    assert asked.status_code == 201 and asked.json()["state"] == "pending"
    request_id = asked.json()["id"]
    [listed] = [k for k in other.get("/api/signing/keys/locked").json() if k["id"] == seal.pk]
    assert listed["unlock_request"]["id"] == request_id
    approve = f"/api/signing/unlock-requests/{request_id}/approve"
    assert secretary.post(approve).status_code == 403
    assert client_for(cabinet, "outsider").post(approve).status_code == 404
    approved = other.post(approve)
    assert (
        approved.status_code == 200 and approved.json()["decided_by"]["id"] == second_secretary.pk
    )
    assert other.post(approve).status_code == 409
    assert not SigningKey.objects.get(pk=seal.pk).locked


def test_the_page_lists_locked_keys_and_runs_the_two_person_unlock(
    cabinet, signers, second_secretary
):
    seal = lock(signers.seal_key)
    lock(signers.minister_key)
    url = reverse("signing:keys_locked")
    secretary = client_for(cabinet, "secretary")
    page = secretary.get(url).content.decode()
    assert page.count('data-testid="locked-key"') == 2 and 'data-testid="request"' in page
    secretary.post(url, {"action": "request", "key_id": seal.pk, "reason": "Nhập nhầm"})
    page = secretary.get(url).content.decode()
    assert 'data-testid="withdraw"' in page and 'data-testid="approve"' not in page

    request = KeyUnlockRequest.objects.get(key=seal)
    refused = secretary.post(url, {"action": "approve", "request_id": request.pk}, follow=True)
    assert "You asked for this unlock" in refused.content.decode()
    other = client_for(cabinet, "secretary")
    other.force_login(second_secretary)
    assert 'data-testid="approve"' in other.get(url).content.decode()
    other.post(url, {"action": "approve", "request_id": request.pk})
    secretary.post(url, {"action": "unlock", "key_id": signers.minister_key.pk})
    assert not SigningKey.objects.filter(locked=True).exists()
    assert (
        client_for(cabinet, "minister").post(url, {"action": "unlock", "key_id": 1}).status_code
        == 404
    )


def test_asking_for_an_unlock_needs_no_reason_and_a_personal_key_needs_no_request(cabinet, signers):
    seal = lock(signers.seal_key)
    lock(signers.minister_key)
    secretary = client_for(cabinet, "secretary")
    asked = post_json(secretary, f"/api/signing/keys/{seal.pk}/unlock-request", {})
    assert asked.status_code == 201 and asked.json()["reason"] == ""
    personal = post_json(
        secretary, f"/api/signing/keys/{signers.minister_key.pk}/unlock-request", {}
    )
    assert personal.status_code == 409
    paths = secretary.get("/api/openapi.json").json()["paths"]
    assert "/api/signing/unlock-requests/{request_id}/approve" in paths
