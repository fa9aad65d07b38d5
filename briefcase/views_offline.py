"""The briefcase page (`/briefcase/`): an app shell that draws everything from the
encrypted store on the device (static/js/briefcase/, docs/briefcase.md).

The service worker keeps a copy of this page for use with no network, so the page must
be the same for everyone: it is drawn as for nobody in particular (no name, no counts,
no person stream number), and the script fetches what is the member's own through the
API, or reads it from the device once unlocked with the offline PIN."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from meetings.views_reader import reader_labels


@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    # The page's context names nobody: base.html then draws no personal header, no
    # work count and no alerts box (the page listens to the person stream itself).
    nobody = {"user": AnonymousUser(), "work_count": 0, "unread_notifications": 0}
    context = {**nobody, "person_stream_seq": 0, "labels": reader_labels()}
    return render(request, "briefcase/home.html", context)
