"""The demo seeds one circulated draft, once."""

import io

import pytest
from django.core.management import call_command

from circulation.models import Circulation, Comment
from tests import pki_fixtures

pytestmark = pytest.mark.django_db

# Seeding signs the demo minutes: with the tests' own PKI, never the checkout's var/pki.
dev_pki, signing_settings = pki_fixtures.dev_pki, pki_fixtures.signing_settings


def test_the_demo_has_a_draft_with_two_versions_and_an_answered_comment(signing_settings):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    circulation = Circulation.objects.get()
    assert circulation.author.username == "vpcp"
    assert circulation.document.versions.count() == 2
    assert Comment.objects.filter(circulation=circulation).count() == 2
    assert Comment.objects.filter(answered_in__number=2).count() == 1
