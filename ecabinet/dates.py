"""Dates and times as people read them, in Vietnam time and the active language.

The styles themselves live in `ecabinet/formats/<lang>/formats.py` ("09:15, ngày
03/12/2026" and "09:15, 3 December 2026"); this module is for Python code that writes a
sentence (a notification, a PDF, a message) and for the template filters in
`ecabinet.templatetags.dates`. Machine formats (JSON, CSV columns, edXML, file names)
keep ISO 8601 and do not come here.

A Vietnamese legal document (minutes, ballot forms) is Vietnamese whatever the reader's
screen says: wrap the call in `translation.override("vi")`, or use `vi_when`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.formats import date_format, get_format, time_format

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(moment: dt.datetime) -> dt.datetime:
    """The moment on a clock in Vietnam (a naive value is taken as already there)."""
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(VIETNAM)


def when(moment: dt.datetime | None, *, weekday: bool = False, seconds: bool = False) -> str:
    """'09:15, ngày 03/12/2026' / '09:15, 3 December 2026'; with the weekday after the
    time when a meeting's day matters ('09:15, Thứ 5, ngày 03/12/2026'); with seconds
    where they prove something (a signature's time, an answer just before a deadline)."""
    if not isinstance(moment, dt.datetime):
        return ""  # nothing set (a template's missing value reads as "")
    moment = local(moment)
    fmt = get_format("DATETIME_FORMAT")
    if seconds:
        fmt = fmt.replace("H:i", "H:i:s", 1)
    text = date_format(moment, fmt)
    if weekday:
        # Both languages' formats put the time first, then ", ", then the day.
        time, _sep, rest = text.partition(", ")
        text = f"{time}, {date_format(moment, 'l')}, {rest}"
    return text


def day(value: dt.date | dt.datetime | None) -> str:
    """'03/12/2026' / '3 December 2026'; a moment gives its day in Vietnam."""
    if not isinstance(value, dt.date):
        return ""
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return date_format(value, "DATE_FORMAT")


def clock(moment: dt.datetime | None) -> str:
    """'09:15' in Vietnam."""
    if not isinstance(moment, dt.datetime):
        return ""
    return time_format(local(moment), "TIME_FORMAT")


def span(start: dt.datetime, end: dt.datetime | None, *, weekday: bool = False) -> str:
    """A start and an end: the end's day is said again only when it differs."""
    text = when(start, weekday=weekday)
    if end is None:
        return text
    same_day = local(start).date() == local(end).date()
    return f"{text} – {clock(end) if same_day else when(end)}"


def vi_when(moment: dt.datetime | None, *, seconds: bool = False) -> str:
    """`when` in Vietnamese, for legal documents written in Vietnamese."""
    with translation.override("vi"):
        return when(moment, seconds=seconds)


def vi_day(value: dt.date | dt.datetime | None) -> str:
    with translation.override("vi"):
        return day(value)
