"""`time_left`: how long until a deadline, in the reader's language ({% load deadlines %}).

Django's `timeuntil` takes its unit words from Django's own catalogue, whose Vietnamese
lags behind the msgids Django 5 uses, so a Vietnamese page read "còn 1 hour, 11 minutes".
The same msgids, named here, are extracted into the project's catalogue and translated
with the rest of the interface. Under a minute it says so, instead of "0 minutes".
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext, ngettext_lazy

register = template.Library()

TIME_STRINGS = {
    "year": ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    "month": ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    "week": ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    "day": ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    "hour": ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    "minute": ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
}


@register.filter
def time_left(deadline: dt.datetime | None, now: dt.datetime | None = None) -> str:
    if deadline is None:
        return ""
    now = now or timezone.now()
    if deadline - now < dt.timedelta(minutes=1):
        return gettext("less than a minute")
    return timeuntil(deadline, now, time_strings=TIME_STRINGS)
