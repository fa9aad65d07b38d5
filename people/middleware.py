"""Idle timeout and the second factor.

Idle timeout: a session nobody has used for SESSION_IDLE_TIMEOUT_MINUTES is logged out.

The cookie's own age (SESSION_COOKIE_AGE) bounds a session however busy it is; this
bounds the time a tablet left unattended stays signed in. The moment of last use is
kept in the session and written at most once a minute, so pages do not each save it.
A page asked for after the limit finds its visitor logged out: login_required pages
send them to the login page, which then brings them back.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

LAST_SEEN_KEY = "ecabinet_last_seen"
WRITE_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        idle_limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
        if idle_limit > 0 and request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > idle_limit:
                logout(request)
                request.session["idle_logged_out"] = True
            elif not isinstance(last_seen, int) or now - last_seen >= WRITE_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


# Reachable before the second factor is given: signing in and out, the factor pages
# themselves, the language switch, static files and the health check.
FACTOR_FREE_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/factor/",
    "/i18n/",
    "/static/",
    "/healthz",
)


class SecondFactorMiddleware:
    """Sends a signed-in person who needs a second factor and has not given it in this
    session to enrol (no device yet) or to enter a code; the API answers 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.TWO_FACTOR_REQUIRED
            and request.user.is_authenticated
            and not request.user.is_verified()
            and not request.path.startswith(FACTOR_FREE_PREFIXES)
        ):
            from people.twofactor import factor_enrolled, factor_required

            if factor_required(user=request.user):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"error": "second_factor_required", "detail": "", "fields": {}},
                        status=401,
                    )
                name = (
                    "people:factor_verify"
                    if factor_enrolled(user=request.user)
                    else ("people:factor_setup")
                )
                return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
