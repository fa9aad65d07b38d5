"""Telling people something happened: a row they see in the app, and an e-mail."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.tasks import notification_send_email
from people.models import User


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    message: str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create one notification per recipient; e-mail them after the transaction commits,
    so nobody is mailed about a change that was rolled back."""
    unique = {user.pk: user for user in recipients if user.is_active}
    created = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, title=title, message=message, url=url)
        for user in unique.values()
    )
    if email:
        ids = [n.pk for n in created if n.pk is not None]
        if not ids:  # some backends do not return primary keys from bulk_create
            ids = list(
                Notification.objects.filter(
                    recipient__in=unique.values(), kind=kind, title=title, emailed_at=None
                ).values_list("pk", flat=True)
            )
        transaction.on_commit(lambda: notification_send_email.enqueue(notification_ids=ids))
    return created


def notification_mark_read(*, actor: User, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, all) of the actor's notifications as read."""
    qs = Notification.objects.filter(recipient=actor, read_at=None)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
