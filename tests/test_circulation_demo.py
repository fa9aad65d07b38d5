"""The demo seeds one circulated draft, once."""

import io

import pytest
from django.core.management import call_command

from circulation.models import Circulation, Comment

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_draft_with_two_versions_and_an_answered_comment():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    circulation = Circulation.objects.get()
    assert circulation.author.username == "vpcp"
    assert circulation.document.versions.count() == 2
    assert Comment.objects.filter(circulation=circulation).count() == 2
    assert Comment.objects.filter(answered_in__number=2).count() == 1
