"""Date filters for templates ({% load dates %}): the same words as `ecabinet.dates`.

`{{ meeting.starts_at|when }}` → "09:15, ngày 03/12/2026" / "09:15, 3 December 2026";
`|when_long` adds the weekday; `|day` the date alone; `|clock` the time alone. All in
Vietnam time, whatever time zone is active.
"""

from __future__ import annotations

from django import template

from ecabinet import dates

register = template.Library()

register.filter("when", dates.when)
register.filter("day", dates.day)
register.filter("clock", dates.clock)


@register.filter
def when_long(moment):
    return dates.when(moment, weekday=True)
