"""Vietnamese by default, English on request; the catalogue is complete and compiled."""

from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

from meetings.models import Meeting

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES"


@pytest.fixture
def vietnamese_default(settings):
    settings.LANGUAGE_CODE = "vi"
    with translation.override(None):
        yield


def test_a_visitor_who_asks_for_nothing_gets_vietnamese(db, vietnamese_default):
    page = Client().get("/accounts/login/").content.decode()
    assert '<html lang="vi"' in page
    assert "Đăng nhập" in page


def test_an_english_browser_gets_english(db, vietnamese_default):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/").content.decode()
    assert '<html lang="en"' in page
    assert "Sign in" in page


def test_the_chosen_language_sticks(db, vietnamese_default):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert '<html lang="en"' in client.get("/accounts/login/").content.decode()


def test_api_errors_speak_the_callers_language(db, vietnamese_default):
    assert Client().get("/api/me").json()["detail"] == "Vui lòng đăng nhập."
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/me").json()
    assert english["detail"] == "Sign in first."


def test_a_refusal_from_a_service_is_in_vietnamese(cabinet, meeting, vietnamese_default):
    client = Client()
    client.force_login(cabinet.minister)
    response = client.post(f"/api/meetings/{meeting.pk}/publish")
    assert response.status_code == 403
    assert response.json()["detail"] == "Chỉ bộ phận thư ký mới được chuẩn bị phiên họp này."
    assert Meeting.objects.get().state == Meeting.State.PUBLISHED


def test_every_message_has_a_vietnamese_translation():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert missing == [] and fuzzy == []


def test_the_compiled_catalogue_matches_the_source(tmp_path):
    source = polib.pofile(str(CATALOGUE / "django.po"))
    compiled = polib.mofile(str(CATALOGUE / "django.mo"))
    expected = {(e.msgctxt, e.msgid): e.msgstr for e in source if not e.msgid_plural}
    actual = {(e.msgctxt, e.msgid): e.msgstr for e in compiled if not e.msgid_plural}
    assert {k: v for k, v in expected.items() if actual.get(k) != v} == {}
