"""The demo seeds one open written ballot and an earlier closed one, once."""

from __future__ import annotations

import pytest
from django.test.utils import override_settings

from archive.models import Record
from ballots.models import Ballot
from demo.seed_ballots import CLOSED_SUBJECT, SUBJECT, seed_ballots, seed_closed_ballot
from demo.seeding import seed_demo
from tests import pki_fixtures

pytestmark = pytest.mark.django_db

# Seeding signs the demo minutes: with the tests' own PKI, never the checkout's var/pki.
dev_pki, signing_settings = pki_fixtures.dev_pki, pki_fixtures.signing_settings


@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
def test_the_demo_has_one_open_ballot_with_one_answer_and_seeding_again_changes_nothing(
    signing_settings,
):
    seed_demo()
    ballot = Ballot.objects.get(subject=SUBJECT)
    assert ballot.state == "open" and ballot.questions.count() == 2
    assert ballot.answers.filter(state="submitted").count() == 1
    assert ballot.answers.count() > 5
    assert seed_ballots() is False
    assert seed_closed_ballot() is False
    assert Ballot.objects.count() == 2


@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
def test_the_demo_has_an_earlier_ballot_closed_with_signed_answers_and_a_sealed_report(
    signing_settings,
):
    seed_demo()
    closed = Ballot.objects.get(subject=CLOSED_SUBJECT)
    opened = Ballot.objects.get(subject=SUBJECT).opened_at
    assert closed.state == "closed"
    assert closed.opened_at < closed.deadline <= closed.closed_at < opened
    signed = list(closed.answers.filter(state="signed"))
    # Signed before the deadline, unless the machine was very slow: then before the close.
    assert signed and all(a.submitted_at < closed.deadline for a in signed)
    assert all(a.submitted_at < a.signed_at < closed.closed_at for a in signed)
    archived = Record.objects.filter(meta__ballot_id=closed.pk)
    assert sorted(archived.values_list("kind", flat=True)) == sorted(
        ["ballot_report"] + ["ballot_answer"] * len(signed)
    )
