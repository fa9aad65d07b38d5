"""seed_demo holds a Government meeting, closes it and leaves its minutes signed by the
secretary and the chair, sealed and archived, with the demo PINs; a second run adds
nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from archive.models import Record
from demo.seed_minutes import TITLE
from meetings.models import Meeting
from minutes.models import Minutes
from tests import pki_fixtures
from tests.pki_fixtures import assert_independently_valid, version_bytes

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signing_settings = pki_fixtures.signing_settings


def test_the_demo_has_a_closed_meeting_with_signed_archived_minutes(
    signing_settings, nss_db, tmp_path
):
    call_command("seed_demo", stdout=io.StringIO())
    meeting = Meeting.objects.get(title=TITLE)
    minutes = Minutes.objects.get(meeting=meeting)
    assert meeting.state == "closed" and minutes.state == "archived"
    assert minutes.number_symbol.endswith("/BB-CP")
    assert Record.objects.get(pk=minutes.archive_record_id).kind == "minutes"
    data = version_bytes(minutes.current_version)
    assert_independently_valid(data, nss_db, tmp_path, signatures=3)
    call_command("seed_demo", stdout=io.StringIO())
    assert Minutes.objects.count() == 1 and Meeting.objects.filter(title=TITLE).count() == 1
