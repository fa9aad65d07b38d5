"""Idle timeout: a session nobody has used for SESSION_IDLE_TIMEOUT_MINUTES is logged out.

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
from django.http import HttpRequest, HttpResponse

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
