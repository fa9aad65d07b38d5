"""The demo seeds one open written ballot, once."""

from __future__ import annotations

import pytest
from django.test.utils import override_settings

from ballots.models import Ballot
from demo.seed_ballots import SUBJECT, seed_ballots
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
    assert Ballot.objects.count() == 2  # and the earlier, closed one (test_verify_records)
