from ecabinet.realtime.events import last_seq
from notifications.alerts import person_stream
from notifications.selectors import notifications_unread_count


def unread_count(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": notifications_unread_count(user=user)}


def person_stream_seq(request):
    """The last number of the person's alert stream as this page is drawn: the page's
    script shows only alerts after it (notifications/static/notifications/alerts.js)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"person_stream_seq": last_seq(stream=person_stream(user.pk))}
