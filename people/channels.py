"""The second factor on WebSockets: a socket opened by a session that has given only a
password (when the person needs a factor) is treated as not signed in, so the room's
commands (a vote, a position) need the same two factors as the pages."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser


def _factor_missing(user, session) -> bool:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    from people.twofactor import factor_required

    if not factor_required(user=user):
        return False
    device_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    device = Device.from_persistent_id(device_id) if device_id else None
    return device is None or device.user_id != user.pk or not device.confirmed


class SecondFactorSocketMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if (
            settings.TWO_FACTOR_REQUIRED
            and user is not None
            and user.is_authenticated
            and await database_sync_to_async(_factor_missing)(user, scope.get("session"))
        ):
            scope = dict(scope, user=AnonymousUser())
        return await super().__call__(scope, receive, send)
