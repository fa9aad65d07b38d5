"""Login throttling: django-axes counts wrong passwords per user name and address.

Only a login over HTTP can be attacked, and only it carries a request; code that
authenticates without one (the test client, a management command) is not throttled
rather than refused, so `authenticate()` keeps its meaning outside a web request.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address a lock is keyed to. Behind LOGIN_PROXY_COUNT proxies it is read from
    X-Forwarded-For, counting from the right: entries further left are whatever the
    client chose to send, and would let an attacker pick a fresh address per guess."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.LOGIN_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [p for p in forwarded if p]
    return forwarded[-count] if len(forwarded) >= count else remote


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a locked user name and address before any password is checked."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


@receiver(user_locked_out, dispatch_uid="people.login_locked_out")
def _locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # Axes signals every refused attempt of a locked pair; the trail records the moment
    # the lock closed (the failure that reached the limit), once.
    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    from people.services import login_lockout_record

    login_lockout_record(username=username or "", ip_address=ip_address or "")
