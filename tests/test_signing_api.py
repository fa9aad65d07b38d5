# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Signing over the JSON API: my keys, signing a draft or a meeting paper with a PIN,
the verification report, and unlocking a key. Real tokens, real signatures, checked
by poppler and qpdf."""

from __future__ import annotations

import pytest
from django.test import Client

from documents.models import DocumentVersion
from ecabinet.audit.models import AuditEntry
from signing.models import Signature, SigningKey
from tests.circulation_helpers import circulate
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    nss_db,
    signers,
    signing_settings,
    version_bytes,
)
from tests.roles import client_for
from tests.signing_helpers import post_json, presented_paper

pytestmark = pytest.mark.django_db

WRONG_PIN = "000000"


def draft_url(draft, number: int, action: str) -> str:
    return f"/api/drafts/{draft.pk}/versions/{number}/{action}"


def paper_url(paper, number: int, action: str) -> str:
    return f"/api/papers/{paper.pk}/versions/{number}/{action}"


def counts() -> tuple[int, int]:
    return DocumentVersion.objects.count(), Signature.objects.count()


def test_anonymous_callers_get_401_on_every_signing_endpoint(cabinet, signers):
    draft = circulate(cabinet)
    anonymous = client_for(cabinet, "anonymous")
    before = counts()
    assert anonymous.get("/api/signing/keys").status_code == 401
    assert anonymous.get("/api/signing/keys/locked").status_code == 401
    unlock = anonymous.post(f"/api/signing/keys/{signers.minister_key.pk}/unlock")
    assert unlock.status_code == 401
    response = post_json(anonymous, draft_url(draft, 1, "sign"), {"pin": USER_PIN})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
    assert anonymous.get(draft_url(draft, 1, "verify")).status_code == 401
    assert counts() == before


def test_my_keys_describe_the_certificate_and_state_and_carry_no_secret(cabinet, signers):
    mine = client_for(cabinet, "minister").get("/api/signing/keys")
    assert mine.status_code == 200
    [key] = mine.json()
    assert key["id"] == signers.minister_key.pk and key["kind"] == "personal"
    assert key["owner"] == {"id": signers.minister.pk, "name": str(signers.minister)}
    assert key["body"] is None
    cert = key["certificate"]
    assert cert["subject"] == signers.minister_key.subject
    assert cert["issuer"] and cert["issuer"] != cert["subject"]
    assert cert["sha256"] == signers.minister_key.fingerprint
    assert cert["not_before"] < cert["not_after"]
    assert (key["state"], key["attempts_left"], key["locked"]) == ("ready", 5, False)
    text = mine.content.decode()
    for secret in ("token_label", "key_label", signers.minister_key.token_label, USER_PIN):
        assert secret not in text

    seals = client_for(cabinet, "secretary").get("/api/signing/keys").json()
    assert [(k["kind"], k["body"]["id"]) for k in seals] == [("seal", signers.body.pk)]
    assert SEAL_PIN not in str(seals)
    assert client_for(cabinet, "guest").get("/api/signing/keys").json() == []


def test_a_minister_signs_a_draft_the_secretariat_seals_it_and_both_verify(
    cabinet, signers, nss_db, tmp_path
):
    draft = circulate(cabinet)
    minister = client_for(cabinet, "minister")
    response = post_json(minister, draft_url(draft, 1, "sign"), {"pin": USER_PIN})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"]["number"] == 2
    signature = body["signature"]
    assert (signature["kind"], signature["from_version"]) == ("personal", 1)
    assert signature["signer"]["id"] == signers.minister.pk
    assert signature["certificate_sha256"] == signers.minister_key.fingerprint
    v2 = draft.document.versions.get(number=2)
    assert body["version"]["sha256"] == v2.sha256
    assert_independently_valid(version_bytes(v2), nss_db, tmp_path, signatures=1)

    secretary = client_for(cabinet, "secretary")
    sealed = post_json(secretary, draft_url(draft, 2, "sign"), {"pin": SEAL_PIN, "kind": "seal"})
    assert sealed.status_code == 201, sealed.content
    assert sealed.json()["signature"]["kind"] == "seal"
    v3 = draft.document.versions.get(number=3)
    assert_independently_valid(version_bytes(v3), nss_db, tmp_path, signatures=2)

    report = minister.get(draft_url(draft, 3, "verify"))
    assert report.status_code == 200
    data = report.json()
    assert data["ok"] is True and data["problems"] == []
    assert data["version"]["sha256"] == v3.sha256
    kinds = [s["kind"] for s in data["signatures"] if s["kind"] != "timestamp"]
    assert kinds == ["personal", "seal"]
    assert all(s["intact"] and s["valid"] and s["trusted"] for s in data["signatures"])
    personal = next(s for s in data["signatures"] if s["kind"] == "personal")
    assert personal["signer_name"] == signers.minister.full_name
    assert personal["signer"].startswith("Common Name: ") and isinstance(personal["notes"], list)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"signing.signed", "signing.sealed"} <= actions


def test_the_presenter_signs_a_meeting_paper_and_the_report_is_valid(
    cabinet, meeting, signers, nss_db, tmp_path
):
    paper = presented_paper(cabinet, meeting)
    minister = client_for(cabinet, "minister")
    response = post_json(minister, paper_url(paper, 1, "sign"), {"pin": USER_PIN})
    assert response.status_code == 201, response.content
    v2 = paper.document.versions.get(number=2)
    assert_independently_valid(version_bytes(v2), nss_db, tmp_path, signatures=1)
    report = client_for(cabinet, "chair").get(paper_url(paper, 2, "verify")).json()
    assert report["ok"] is True
    assert [s["signer"] for s in report["signatures"] if s["kind"] == "personal"] == [
        signers.minister_key.asn1_certificate().subject.human_friendly
    ]


def test_a_version_the_user_may_not_see_is_404_and_changes_nothing(cabinet, meeting, signers):
    draft = circulate(cabinet)
    paper = presented_paper(cabinet, meeting)
    outsider = client_for(cabinet, "outsider")
    minister = client_for(cabinet, "minister")
    before = counts()
    for client, url in [
        (outsider, draft_url(draft, 1, "sign")),
        (outsider, paper_url(paper, 1, "sign")),
        (minister, draft_url(draft, 9, "sign")),
        (minister, paper_url(paper, 9, "sign")),
        (minister, f"/api/drafts/{draft.pk + 100}/versions/1/sign"),
        (minister, f"/api/papers/{paper.pk + 100}/versions/1/sign"),
    ]:
        response = post_json(client, url, {"pin": USER_PIN})
        assert response.status_code == 404, (url, response.content)
        assert response.json()["error"] == "not_found"
    assert outsider.get(draft_url(draft, 1, "verify")).status_code == 404
    assert outsider.get(paper_url(paper, 1, "verify")).status_code == 404
    assert counts() == before


def test_the_wrong_role_or_kind_is_refused_and_changes_nothing(cabinet, meeting, signers):
    from meetings import services as meeting_services

    draft = circulate(cabinet)
    paper = presented_paper(cabinet, meeting)
    item = paper.item
    meeting_services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[item]
    )
    before = counts()
    minister = client_for(cabinet, "minister")
    seal = {"pin": SEAL_PIN, "kind": "seal"}
    assert post_json(minister, draft_url(draft, 1, "sign"), seal).status_code == 403
    assert post_json(minister, paper_url(paper, 1, "sign"), seal).status_code == 403
    # Members who are not on the paper's side, observers and guests do not sign papers.
    for role in ("observer", "guest"):
        response = post_json(client_for(cabinet, role), paper_url(paper, 1, "sign"), {"pin": "1"})
        assert response.status_code == 403, (role, response.content)
    other_member = Client()
    other_member.force_login(cabinet.members[2])
    assert post_json(other_member, paper_url(paper, 1, "sign"), {"pin": "1"}).status_code == 403

    bad_kind = post_json(minister, draft_url(draft, 1, "sign"), {"pin": USER_PIN, "kind": "x"})
    assert bad_kind.status_code == 422 and "kind" in bad_kind.json()["fields"]
    no_pin = post_json(minister, draft_url(draft, 1, "sign"), {"kind": "personal"})
    assert no_pin.status_code == 422 and "pin" in no_pin.json()["fields"]
    empty_pin = post_json(minister, draft_url(draft, 1, "sign"), {"pin": ""})
    assert empty_pin.status_code == 422 and "pin" in empty_pin.json()["fields"]
    assert counts() == before
    assert SigningKey.objects.get(pk=signers.minister_key.pk).failed_attempts == 0


def test_a_wrong_pin_is_422_with_the_attempts_left_and_signs_nothing(cabinet, signers):
    draft = circulate(cabinet)
    minister = client_for(cabinet, "minister")
    before = counts()
    response = post_json(minister, draft_url(draft, 1, "sign"), {"pin": WRONG_PIN})
    assert response.status_code == 422
    error = response.json()
    assert error["error"] == "invalid"
    assert "4 attempts left" in error["detail"] and error["fields"]["pin"] == [error["detail"]]
    assert WRONG_PIN not in response.content.decode()
    assert counts() == before
    [key] = minister.get("/api/signing/keys").json()
    assert (key["failed_attempts"], key["attempts_left"]) == (1, 4)
    assert AuditEntry.objects.filter(action="signing.pin_wrong").count() == 1


def test_a_locked_key_is_409_until_the_secretariat_unlocks_it(cabinet, signers, settings):
    settings.SIGNING_PIN_ATTEMPTS = 2
    draft = circulate(cabinet)
    minister = client_for(cabinet, "minister")
    url = draft_url(draft, 1, "sign")
    assert post_json(minister, url, {"pin": WRONG_PIN}).status_code == 422
    locking = post_json(minister, url, {"pin": WRONG_PIN})
    assert locking.status_code == 422 and "locked" in locking.json()["detail"]
    before = counts()
    refused = post_json(minister, url, {"pin": USER_PIN})
    assert refused.status_code == 409 and refused.json()["error"] == "conflict"
    assert counts() == before

    key_id = signers.minister_key.pk
    assert minister.get("/api/signing/keys").json()[0]["state"] == "locked"
    unlock = f"/api/signing/keys/{key_id}/unlock"
    assert minister.post(unlock).status_code == 403  # the owner knows the key exists
    assert client_for(cabinet, "outsider").post(unlock).status_code == 404
    assert minister.post("/api/signing/keys/999999/unlock").status_code == 404
    assert SigningKey.objects.get(pk=key_id).locked

    secretary = client_for(cabinet, "secretary")
    assert [k["id"] for k in secretary.get("/api/signing/keys/locked").json()] == [key_id]
    unlocked = secretary.post(unlock)
    assert unlocked.status_code == 200
    assert (unlocked.json()["state"], unlocked.json()["attempts_left"]) == ("ready", 2)
    assert secretary.post(unlock).status_code == 409
    assert AuditEntry.objects.filter(action="signing.key_unlocked").count() == 1
    assert post_json(minister, url, {"pin": USER_PIN}).status_code == 201


def test_an_older_version_is_409_before_the_pin_is_used(cabinet, signers):
    draft = circulate(cabinet)
    minister = client_for(cabinet, "minister")
    assert post_json(minister, draft_url(draft, 1, "sign"), {"pin": USER_PIN}).status_code == 201
    before = counts()
    stale = post_json(minister, draft_url(draft, 1, "sign"), {"pin": WRONG_PIN})
    assert stale.status_code == 409
    assert counts() == before
    assert SigningKey.objects.get(pk=signers.minister_key.pk).failed_attempts == 0


def test_the_openapi_document_still_builds_with_the_signing_operations(cabinet):
    response = client_for(cabinet, "minister").get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/signing/keys",
        "/api/signing/keys/{key_id}/unlock",
        "/api/drafts/{draft_id}/versions/{number}/sign",
        "/api/papers/{paper_id}/versions/{number}/verify",
    ):
        assert path in paths
