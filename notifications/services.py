"""Telling people something happened: a row they see in the app, and an e-mail; and
settling those rows once the duty they asked for is done."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from notifications.kinds import ensure_renderable
from notifications.models import Notification
from notifications.tasks import notification_send_email
from people.models import User


def _plain(data: Mapping[str, Any]) -> dict[str, Any]:
    # Date-times become ISO strings (what the renderers read back); anything JSON cannot
    # hold fails here, in the sending service, not later on someone's page.
    return json.loads(json.dumps(dict(data), cls=DjangoJSONEncoder))


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    data: Mapping[str, Any],
    subject: str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create one notification per recipient about `subject` ("ballot:12"), holding
    `data` for the kind's renderer (notifications/kinds.py); e-mail them after the
    transaction commits, so nobody is mailed about a change that was rolled back."""
    plain = _plain(data)
    ensure_renderable(kind=kind, data=plain)
    unique = {user.pk: user for user in recipients if user.is_active}
    created = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, subject=subject, data=plain, url=url)
        for user in unique.values()
    )
    if email and created:
        ids = [n.pk for n in created if n.pk is not None]
        if not ids:  # some backends do not return primary keys from bulk_create
            ids = list(
                Notification.objects.filter(
                    recipient__in=unique.values(), kind=kind, subject=subject, emailed_at=None
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


def notifications_settle(
    *,
    recipient: User | Iterable[User | None],
    subject: str,
    kinds: Iterable[str] | None = None,
) -> int:
    """The duty these notifications asked for is done (a ballot signed, a draft commented
    on, minutes signed): mark the recipient's unread ones about `subject` read, so they
    stop asking. Called by the service that did the duty, in its transaction; with a
    deputy acting, pass both the deputy and the member. Returns how many were settled."""
    if not subject:
        return 0
    people = [recipient] if isinstance(recipient, User) else list(recipient)
    qs = Notification.objects.filter(
        recipient__in=[p.pk for p in people if p is not None], subject=subject, read_at=None
    )
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return qs.update(read_at=timezone.now())
