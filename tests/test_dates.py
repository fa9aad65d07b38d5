"""One date and time style per language, in Vietnam time: "09:15, ngày 03/12/2026" and
"09:15, 3 December 2026". The formats, the helpers and the filters say the same thing,
and no page any role reads shows an ISO timestamp or Django's "03-12-2026"."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from ecabinet import dates
from tests.record_helpers import hold, planned_meeting
from tests.roles import ROLES, client_for

pytestmark = pytest.mark.django_db

# 09:15 in Hà Nội on 3 December 2026 is 02:15 UTC.
MOMENT = dt.datetime(2026, 12, 3, 2, 15, 36, tzinfo=dt.UTC)
STYLES = {
    "vi": {
        "when": "09:15, ngày 03/12/2026",
        "seconds": "09:15:36, ngày 03/12/2026",
        "day": "03/12/2026",
        "weekday": "09:15, Thứ 5, ngày 03/12/2026",
    },
    "en": {
        "when": "09:15, 3 December 2026",
        "seconds": "09:15:36, 3 December 2026",
        "day": "3 December 2026",
        "weekday": "09:15, Thursday, 3 December 2026",
    },
}
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}|T\d{2}:\d{2}:\d{2}|[+-]\d{2}:\d{2}\b")
DASHED_DAY = re.compile(r"\b\d{1,2}-\d{1,2}-\d{4}\b")
NUMERIC_DAY = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
ENGLISH_DAY = re.compile(
    r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October"
    r"|November|December) \d{4}\b"
)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_helpers_write_one_style_per_language_in_vietnam_time(lang):
    style = STYLES[lang]
    with translation.override(lang):
        assert dates.when(MOMENT) == style["when"]
        assert dates.when(MOMENT, seconds=True) == style["seconds"]
        assert dates.when(MOMENT, weekday=True) == style["weekday"]
        assert dates.day(MOMENT) == dates.day(MOMENT.date()) == style["day"]
        assert dates.clock(MOMENT) == "09:15"
        # The same moment given in another zone reads the same.
        assert dates.when(MOMENT.astimezone(ZoneInfo("America/New_York"))) == style["when"]
        assert dates.when(None) == dates.day(None) == ""


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_templates_without_a_format_and_the_filters_agree(lang):
    style = STYLES[lang]
    template = Template(
        "{% load dates %}{{ m }}|{{ m|date }}|{{ m|date:'SHORT_DATETIME_FORMAT' }}|"
        "{{ m|date:'SHORT_DATE_FORMAT' }}|{{ m|when }}|{{ m|day }}|{{ m|when_long }}"
    )
    with translation.override(lang), timezone.override("Asia/Ho_Chi_Minh"):
        parts = template.render(Context({"m": MOMENT})).split("|")
    assert parts == [
        style["when"],
        style["day"],
        style["when"],
        style["day"],
        style["when"],
        style["day"],
        style["weekday"],
    ]


def test_vietnamese_documents_stay_vietnamese_on_an_english_screen():
    with translation.override("en"):
        assert dates.vi_when(MOMENT) == STYLES["vi"]["when"]
        assert dates.vi_day(MOMENT) == STYLES["vi"]["day"]


@pytest.fixture
def record(cabinet):
    """A closed meeting (minutes drafted, a vote, a speech) and one still to come."""
    past = timezone.now() - dt.timedelta(hours=4)
    closed = hold(
        cabinet, planned_meeting(cabinet, starts_at=past, ends_at=past + dt.timedelta(hours=2))
    )
    soon = timezone.now() + dt.timedelta(days=2)
    coming = planned_meeting(cabinet, starts_at=soon, ends_at=soon + dt.timedelta(hours=3))
    return closed, coming


def _pages(cabinet, closed, coming) -> list[str]:
    return [
        reverse("meetings:list"),
        reverse("meetings:detail", args=[closed.pk]),
        reverse("meetings:detail", args=[coming.pk]),
        reverse("minutes:meeting", args=[closed.pk]),
        reverse("notifications:list"),
        reverse("audit:list", args=[cabinet.body.pk]),
    ]


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)  # attributes (datetime="…") are for machines


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_an_iso_timestamp_or_a_dashed_date(cabinet, record, role, lang):
    closed, coming = record
    client = client_for(cabinet, role)
    seen = 0
    for url in _pages(cabinet, closed, coming):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        if response.status_code != 200:
            continue  # not this role's page (the access tests say which)
        seen += 1
        text = _visible_text(response.content.decode())
        assert not ISO_TIME.search(text), (url, ISO_TIME.search(text).group(0))
        assert not DASHED_DAY.search(text), (url, DASHED_DAY.search(text).group(0))
        if lang == "en":
            # "3 December 2026", never "12/03/2026" or "03/12/2026".
            assert not NUMERIC_DAY.search(text), (url, NUMERIC_DAY.search(text).group(0))
    assert seen >= (0 if role == "outsider" else 1)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_meeting_and_minutes_pages_write_the_language_s_style(cabinet, record, lang):
    closed, _coming = record
    client = client_for(cabinet, "secretary")
    with translation.override(lang):
        started = dates.when(closed.started_at)
        day = dates.day(closed.starts_at)
    page = client.get(reverse("meetings:detail", args=[closed.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    text = _visible_text(page.content.decode())
    assert started in text and day in text
    if lang == "en":
        assert ENGLISH_DAY.search(text)
    minutes = client.get(reverse("minutes:meeting", args=[closed.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    draft_saved = closed.minutes.get().drafts.get().saved_at
    with translation.override(lang):
        assert dates.when(draft_saved) in _visible_text(minutes.content.decode())
