"""Background work for notifications: thin wrappers, the work is in plain functions."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django_tasks import task

from notifications.models import Notification


@task()
def notification_send_email(*, notification_ids: list[int]) -> int:
    # People have no language preference yet: mail goes in the site's language
    # (Vietnamese), whatever language the person who caused it was reading.
    with translation.override(settings.LANGUAGE_CODE):
        return _send(notification_ids)


def _send(notification_ids: list[int]) -> int:
    sent = 0
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at=None).select_related(
        "recipient"
    )
    for notification in pending:
        if not notification.recipient.email:
            continue
        link = f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL
        words = notification.rendered
        send_mail(
            subject=f"[e-Cabinet] {words.title}",
            message=f"{words.message}\n\n{link}",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        # Mark each as sent at once, so a retry after a crash mails only the rest.
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
