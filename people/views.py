"""Account pages: login, password change, the session keep-alive, and the page where
a body's auditors see wrong-password counters and its secretariat lifts lockouts."""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from ecabinet.errors import Invalid, NotAllowed
from people import passkeys, twofactor
from people.models import Body, Role, User
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
        "factors": twofactor.body_factor_state(body=body) if settings.TWO_FACTOR_REQUIRED else [],
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


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboard")


def _setup_page(request, *, error: str = "", passkey_error: str = "") -> HttpResponse:
    device = twofactor.factor_enrolment(user=request.user)
    context = {
        "qr_svg": mark_safe(twofactor.factor_qr_svg(device=device)),  # noqa: S308 (segno's SVG)
        "secret": b32encode(device.bin_key).decode(),
        "error": error,
        "passkey_error": passkey_error,
        "passkeys": passkeys.user_passkeys(user=request.user),
        "next": _next_url(request),
    }
    return render(request, "registration/factor_setup.html", context)


def _verify_page(request, *, error: str = "") -> HttpResponse:
    context = {
        "error": error,
        "next": _next_url(request),
        "has_passkey": passkeys.user_passkeys(user=request.user).exists(),
    }
    return render(request, "registration/factor_verify.html", context)


def _may_add_factor(request) -> bool:
    """A factor is added at enrolment, or by a session that has given its factor."""
    return request.user.is_verified() or not twofactor.factor_enrolled(user=request.user)


@login_required
@never_cache
def factor_setup(request):
    """Enrol an authenticator app (scan the QR code, type a code to confirm) or a passkey;
    the recovery codes are shown once, here."""
    if not _may_add_factor(request):
        return redirect(f"{reverse('people:factor_verify')}?next={_next_url(request)}")
    if request.method == "POST":
        try:
            codes = twofactor.factor_confirm(user=request.user, token=request.POST.get("token", ""))
        except Invalid as exc:
            return _setup_page(request, error=exc.message)
        otp_login(request, twofactor.factor_device(user=request.user))
        context = {"codes": codes, "next": _next_url(request)}
        return render(request, "registration/factor_codes.html", context)
    return _setup_page(request)


@login_required
@never_cache
def factor_verify(request):
    if not twofactor.factor_enrolled(user=request.user):
        return redirect(f"{reverse('people:factor_setup')}?next={_next_url(request)}")
    if request.method == "POST":
        device = twofactor.factor_verify(user=request.user, token=request.POST.get("token", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        return _verify_page(
            request,
            error=_(
                "The code is not right. Enter the 6 digits the app shows now, or a recovery code."
            ),
        )
    return _verify_page(request)


@login_required
@require_POST
@never_cache
def passkey_register_options(request):
    if not _may_add_factor(request):
        raise NotAllowed(_("Give your second factor before adding a passkey."))
    return HttpResponse(passkeys.registration_options(request), content_type="application/json")


@login_required
@require_POST
@never_cache
def passkey_register(request):
    if not _may_add_factor(request):
        raise NotAllowed(_("Give your second factor before adding a passkey."))
    try:
        passkey, codes = passkeys.passkey_register(
            request,
            credential=request.POST.get("credential", ""),
            name=request.POST.get("name", ""),
        )
    except Invalid as exc:
        return _setup_page(request, passkey_error=exc.message)
    otp_login(request, passkey)
    if codes:
        context = {"codes": codes, "next": _next_url(request)}
        return render(request, "registration/factor_codes.html", context)
    messages.success(request, _("The passkey was added."))
    return redirect(f"{reverse('people:factor_setup')}?next={_next_url(request)}")


@login_required
@require_POST
@never_cache
def passkey_options(request):
    if not passkeys.user_passkeys(user=request.user).exists():
        return JsonResponse({"error": "no_passkey", "detail": "", "fields": {}}, status=400)
    return HttpResponse(passkeys.authentication_options(request), content_type="application/json")


@login_required
@require_POST
@never_cache
def passkey_verify(request):
    try:
        passkey = passkeys.passkey_authenticate(
            request, credential=request.POST.get("credential", "")
        )
    except Invalid as exc:
        return _verify_page(request, error=exc.message)
    otp_login(request, passkey)
    return redirect(_next_url(request))


@login_required
@require_POST
def passkey_remove(request, passkey_id):
    if not request.user.is_verified():
        raise NotAllowed(_("Give your second factor before removing a passkey."))
    passkeys.passkey_remove(actor=request.user, passkey_id=passkey_id)
    messages.success(request, _("The passkey was removed."))
    return redirect("people:factor_setup")


@login_required
@require_POST
def factor_reset_request_view(request, body_id):
    body = get_object_or_404(Body, pk=body_id)
    person = get_object_or_404(User, pk=request.POST.get("user_id") or 0)
    twofactor.factor_reset_request(actor=request.user, body=body, user=person)
    messages.success(request, _("The reset waits for another member of the secretariat."))
    return redirect("people:login_failures", body_id=body.pk)


@login_required
@require_POST
def factor_reset_approve_view(request, body_id, reset_id):
    twofactor.factor_reset_approve(actor=request.user, reset_id=reset_id)
    messages.success(request, _("The second factor was reset; the person enrols again."))
    return redirect("people:login_failures", body_id=body_id)
