"""Pages: the member's own devices, and the secretariat's view of its members' devices."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def my_devices(request: HttpRequest) -> HttpResponse:
    return render(request, "briefcase/my_devices.html", {"devices": []})


@login_required
def member_devices(request: HttpRequest) -> HttpResponse:
    return render(request, "briefcase/member_devices.html", {"rows": []})
