"""Duties that end with a signature, done with real keys on SoftHSM2 tokens: an answer
to a written ballot, a closed draft (the author signs, the secretariat seals), and the
minutes (the secretary, then the chair, then the seal), with the secretariat told
whom the minutes wait for."""

from __future__ import annotations

import pytest

from ballots.services_sign import answer_sign
from circulation import services as circulation_services
from minutes import services as minutes_services
from signing.provisioning import key_provision
from signing.services import version_sign
from tests import pki_fixtures
from tests.circulation_helpers import circulate
from tests.pki_fixtures import SEAL_PIN, USER_PIN
from tests.test_ballots_helpers import answer, open_ballot
from tests.worklist_helpers import duties_of, issued_minutes, kinds

pytestmark = pytest.mark.django_db

dev_pki, signing_settings, signers = (
    pki_fixtures.dev_pki,
    pki_fixtures.signing_settings,
    pki_fixtures.signers,
)


def test_a_signed_answer_is_no_longer_a_duty(cabinet, signers):
    ballot = open_ballot(cabinet)
    submitted = answer(signers.minister, ballot, "agree", "other")
    assert duties_of(signers.minister, "ballot_sign")
    answer_sign(actor=signers.minister, answer=submitted, pin=USER_PIN)
    assert not {"ballot_answer", "ballot_sign"} & set(kinds(signers.minister))
    (waiting,) = duties_of(cabinet.secretary, "ballot_waiting")
    assert str(signers.minister) not in waiting.detail


def test_a_closed_draft_waits_for_its_author_then_for_the_seal(cabinet, signers):
    circulation = circulate(cabinet, actor=signers.minister)
    assert "draft_sign" not in kinds(signers.minister)  # still open for comments
    circulation_services.circulation_close(actor=signers.minister, circulation=circulation)
    (duty,) = duties_of(signers.minister, "draft_sign")
    assert duty.url.endswith(f"/drafts/{circulation.pk}/v/1/sign/")
    assert "draft_seal" not in kinds(cabinet.secretary)
    version = circulation.document.versions.get(number=1)
    version_sign(actor=signers.minister, version=version, pin=USER_PIN, body=cabinet.body)
    assert "draft_sign" not in kinds(signers.minister)
    (duty,) = duties_of(cabinet.secretary, "draft_seal")
    assert duty.url.endswith(f"/drafts/{circulation.pk}/v/2/seal/")
    assert "draft_seal" not in kinds(cabinet.outsider)
    version = circulation.document.versions.get(number=2)
    version_sign(
        actor=cabinet.secretary, version=version, pin=SEAL_PIN, kind="seal", body=cabinet.body
    )
    assert "draft_seal" not in kinds(cabinet.secretary)


def test_minutes_lead_the_secretary_the_chair_and_the_seal_in_turn(cabinet, signers, dev_pki):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    minutes = issued_minutes(cabinet)
    (duty,) = duties_of(cabinet.secretary, "minutes_sign")
    assert duty.url.endswith(f"/minutes/meeting/{minutes.meeting_id}/#signing")
    assert "minutes_sign" not in kinds(cabinet.chair)
    minutes = minutes_services.minutes_sign(
        actor=cabinet.secretary, minutes=minutes, step="secretary", pin=USER_PIN
    )
    assert "minutes_sign" not in kinds(cabinet.secretary)
    (duty,) = duties_of(cabinet.chair, "minutes_sign")
    assert duty.title == minutes.meeting.title
    (waiting,) = duties_of(cabinet.secretary, "minutes_waiting")
    assert str(cabinet.chair) in waiting.detail
    for role in ["minister", "archivist", "observer", "guest", "outsider"]:
        assert not {"minutes_sign", "minutes_seal", "minutes_waiting"} & set(
            kinds(getattr(cabinet, role))
        )
    minutes = minutes_services.minutes_sign(
        actor=cabinet.chair, minutes=minutes, step="chair", pin=USER_PIN
    )
    assert "minutes_sign" not in kinds(cabinet.chair)
    assert "minutes_waiting" not in kinds(cabinet.secretary)
    assert duties_of(cabinet.secretary, "minutes_seal")
    minutes_services.minutes_sign(
        actor=cabinet.secretary, minutes=minutes, step="seal", pin=SEAL_PIN
    )
    assert "minutes_seal" not in kinds(cabinet.secretary)
