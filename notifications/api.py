"""The signed-in person's notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from ecabinet.api_types import ERRORS, Id
from notifications.models import Notification
from notifications.selectors import notifications_for, notifications_unread_count
from notifications.services import notification_mark_read

router = Router(tags=["notifications"])

PAGE_SIZE = 100


class NotificationOut(Schema):
    """`title` and `message` are written in the caller's language at the time of the
    request; `kind`, `subject` and `data` are the stored facts they are written from."""

    id: int
    kind: str
    subject: str
    data: dict[str, Any]
    title: str
    message: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_title(obj: Notification) -> str:
        return obj.rendered.title

    @staticmethod
    def resolve_message(obj: Notification) -> str:
        return obj.rendered.message


class NotificationListOut(Schema):
    unread: int
    notifications: list[NotificationOut]


class MarkReadIn(Schema):
    id: Id | None = None  # none: mark every notification read


class MarkReadOut(Schema):
    marked: int


@router.get("/notifications", response={200: NotificationListOut, **ERRORS})
def notification_list(request: HttpRequest, unread_only: bool = False):
    qs = notifications_for(user=request.user)
    if unread_only:
        qs = qs.filter(read_at=None)
    return {
        "unread": notifications_unread_count(user=request.user),
        "notifications": list(qs[:PAGE_SIZE]),
    }


@router.post("/notifications/read", response={200: MarkReadOut, **ERRORS})
def notification_read(request: HttpRequest, payload: MarkReadIn | None = None):
    notification_id = payload.id if payload else None
    return {"marked": notification_mark_read(actor=request.user, notification_id=notification_id)}
