"""{% load accounts %}: the meeting room's keep-alive script, timed from the settings."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def session_keepalive():
    """A ping three times per idle period (at least once a minute apart)."""
    idle_seconds = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
    if idle_seconds <= 0:
        return ""
    return format_html(
        '<script src="{}" data-url="{}" data-seconds="{}" '
        'data-testid="session-keepalive" defer></script>',
        static("people/keepalive.js"),
        reverse("people:keepalive"),
        max(60, idle_seconds // 3),
    )
