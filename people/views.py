"""Account pages: login, password change, the session keep-alive, and the page where
a body's auditors see wrong-password counters and its secretariat lifts lockouts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ecabinet.errors import NotAllowed
from people.models import Body, Role
from people.selectors import body_login_failures, user_has_role
from people.services import login_unlock, password_change


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Set by people/middleware.py when it ended an idle session.
        context["idle_logged_out"] = self.request.session.pop("idle_logged_out", False)
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("people:password_change_done")

    def form_valid(self, form):
        password_change(actor=self.request.user, form=form)
        # The session stays valid: Django keys it to the password's hash.
        update_session_auth_hash(self.request, form.user)
        return redirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


@require_GET
@never_cache
def keepalive(request):
    """Pinged by the meeting room while it is open: the idle clock restarts
    (people/middleware.py). 204 while signed in, 401 once the session is gone."""
    return HttpResponse(status=204 if request.user.is_authenticated else 401)


@login_required
def login_failures(request, body_id):
    body = get_object_or_404(Body, pk=body_id)
    roles = {Role.AUDITOR, Role.SECRETARIAT}
    if not user_has_role(user=request.user, body_id=body.pk, roles=roles):
        raise NotAllowed(_("Only the body's auditors and secretariat see failed logins."))
    context = {
        "body": body,
        "rows": body_login_failures(body=body),
        "settings_limit": settings.AXES_FAILURE_LIMIT,
        "can_unlock": user_has_role(user=request.user, body_id=body.pk, roles={Role.SECRETARIAT}),
    }
    return render(request, "people/login_failures.html", context)


@login_required
@require_POST
def login_unlock_view(request, body_id):
    body = get_object_or_404(Body, pk=body_id)
    username = request.POST.get("username", "")
    login_unlock(actor=request.user, body=body, username=username)
    messages.success(request, _("%(username)s can sign in again.") % {"username": username})
    return redirect("people:login_failures", body_id=body.pk)
