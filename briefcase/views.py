"""Pages: "Thiết bị của tôi" (the person's own devices) and, for the secretariat,
"Thiết bị của thành viên" (the devices of the people serving in its bodies)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from briefcase import selectors, services
from briefcase.services import REASON_MAX
from ecabinet.errors import Invalid, NotFound


@login_required
def my_devices(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "briefcase/my_devices.html",
        {
            "devices": list(selectors.devices_of(user=request.user)),
            "session_key": request.session.session_key,
            "manages": selectors.bodies_managed_by(user=request.user).exists(),
        },
    )


@login_required
def member_devices(request: HttpRequest) -> HttpResponse:
    bodies = list(selectors.bodies_managed_by(user=request.user).order_by("name"))
    if not bodies:
        raise NotFound(_("Page not found."))
    wanted = request.GET.get("body", "")
    body = next((b for b in bodies if str(b.pk) == wanted), bodies[0])
    rows = selectors.member_devices(body=body)
    return render(
        request,
        "briefcase/member_devices.html",
        {
            "bodies": bodies,
            "body": body,
            "rows": rows,
            "without": [row.person for row in rows if not row.devices],
            "reason_max": REASON_MAX,
        },
    )


@login_required
@require_POST
def device_revoke(request: HttpRequest, device_id: str) -> HttpResponse:
    """Both pages post here; `next` says which page to return to (only ours)."""
    back = request.POST.get("next", "")
    if not back.startswith("/briefcase/"):
        back = reverse("briefcase:my_devices")
    try:
        device = services.device_revoke(
            actor=request.user, device_id=device_id, reason=request.POST.get("reason", "")
        )
    except Invalid as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(
        request,
        _("The device “%(name)s” was revoked: at its next contact it deletes its briefcase.")
        % {"name": device.name},
    )
    return redirect(back)
