"""The note on the draft built from the record is written in the reader's language, not in
the language of whoever happened to close the meeting."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from tests.minutes_helpers import drafted

pytestmark = pytest.mark.django_db


def test_the_built_draft_s_note_reads_in_each_language(cabinet):
    minutes = drafted(cabinet)  # closed while the test speaks English
    draft = minutes.drafts.get(number=1)
    with translation.override("vi"):
        assert draft.note_text == "Lập từ diễn biến phiên họp"
    with translation.override("en"):
        assert draft.note_text == "Built from the record"


def test_a_person_s_own_note_is_shown_as_typed(cabinet):
    minutes = drafted(cabinet)
    draft = minutes.drafts.get(number=1)
    draft.note = "Built from the record, then shortened"
    with translation.override("vi"):
        assert draft.note_text == "Built from the record, then shortened"


def test_the_minutes_page_in_vietnamese_shows_the_note_in_vietnamese(cabinet):
    minutes = drafted(cabinet)
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(cabinet.secretary)
    page = client.get(f"/minutes/meeting/{minutes.meeting_id}/").content.decode()
    assert "Lập từ diễn biến phiên họp" in page
    assert "Built from the record" not in page
