"""Pages: verify a PDF, see one's keys, unlock others' keys, and the PIN form other
apps reuse to sign."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.models import DocumentVersion
from documents.services import version_read_original
from ecabinet.errors import Conflict, Invalid, NotAllowed
from signing import preview, selectors, services
from signing.forms import PinForm, VerifyForm
from signing.models import KeyUnlockRequest
from signing.verify import pdf_verify
from signing.words import stored_by_field


@login_required
def verify_page(request: HttpRequest) -> HttpResponse:
    report = None
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # An uploaded file is anyone's: its certificates' URLs are not fetched (the
        # server would otherwise request addresses of the uploader's choosing).
        report = pdf_verify(form.cleaned_data["file"].read(), fetching=False)
    return render(request, "signing/verify.html", {"form": form, "report": report})


@login_required
def preview_image(request: HttpRequest, token: str) -> HttpResponse:
    """The first page of a version about to be signed (signing/preview.py)."""
    version = preview.preview_version(token=token, user=request.user)
    response = HttpResponse(
        preview.first_page_png(actor=request.user, version=version), content_type="image/png"
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def keys_page(request: HttpRequest) -> HttpResponse:
    keys = selectors.keys_visible_to(request.user).select_related("body", "user")
    manages = selectors.keys_managed_by(request.user).exists()
    return render(request, "signing/keys.html", {"keys": keys, "manages": manages})


_UNLOCK_DONE = {
    "unlock": gettext_lazy("The key is unlocked; its owner may enter the PIN again."),
    "request": gettext_lazy(
        "Unlock asked for; another member of the secretariat or the chair must approve."
    ),
    "approve": gettext_lazy("Approved: the seal is unlocked."),
    "refuse": gettext_lazy("The unlock request is closed; the seal stays locked."),
}


def _unlock_action(request: HttpRequest) -> None:
    action = request.POST.get("action", "")
    keys = selectors.keys_managed_by(request.user)
    if action in ("unlock", "request"):
        key = get_object_or_404(keys, pk=request.POST.get("key_id") or 0)
        if action == "unlock":
            services.key_unlock(actor=request.user, key=key)
        else:
            services.key_unlock_request(
                actor=request.user, key=key, reason=request.POST.get("reason", "")
            )
    elif action in ("approve", "refuse"):
        pending = get_object_or_404(
            KeyUnlockRequest.objects.filter(key__in=keys), pk=request.POST.get("request_id") or 0
        )
        if action == "approve":
            services.key_unlock_approve(actor=request.user, request=pending)
        else:
            services.key_unlock_refuse(actor=request.user, request=pending)
    else:
        raise Http404
    messages.success(request, _UNLOCK_DONE[action])


@login_required
def keys_locked_page(request: HttpRequest) -> HttpResponse:
    """For the secretariat and the chair: locked keys, unlocked by someone other than
    their owner; a seal by the chair, or asked for and approved by two people."""
    if request.method == "POST":
        try:
            _unlock_action(request)
        except (NotAllowed, Conflict) as exc:
            messages.error(request, exc.message)
        return redirect("signing:keys_locked")
    keys = selectors.keys_managed_by(request.user).filter(Q(locked=True) | Q(failed_attempts__gt=0))
    pending = selectors.unlock_requests_pending(keys)
    rows = [
        {
            "key": key,
            "request": pending.get(key.pk),
            "own": key.user_id == request.user.pk,
            "chair": key.body_id is not None and selectors.is_chair(request.user, key.body_id),
        }
        for key in keys.select_related("user", "body")
    ]
    return render(request, "signing/keys_locked.html", {"rows": rows})


def version_verify_page(request: HttpRequest, *, version: DocumentVersion, back_url: str):
    """Verify the signatures of a stored version. The calling app has already decided
    that the user may read it; the exact stored bytes are checked, never a copy."""
    data = version_read_original(actor=request.user, version=version, purpose="verify")
    context = {
        "report": pdf_verify(data),
        "version": version,
        "back_url": back_url,
        "stored_signatures": stored_by_field(version),
    }
    return render(request, "signing/verify.html", context)


def version_sign_page(
    request: HttpRequest,
    *,
    version: DocumentVersion,
    back_url: str,
    kind: str = "personal",
    body=None,
) -> HttpResponse:
    """Ask for the PIN and sign. The calling app has already decided that the user may
    read this version; whether they may use the key is decided by version_sign."""
    form = PinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signed = services.version_sign(
                actor=request.user,
                version=version,
                pin=form.cleaned_data["pin"],
                kind=kind,
                body=body,
            )
        except Invalid as exc:
            form.add_error("pin", exc.message)
        else:
            messages.success(
                request, _("Signed: version %(n)d was created.") % {"n": signed.number}
            )
            return redirect(back_url)
    return render(
        request,
        "signing/sign.html",
        {"form": form, "version": version, "back_url": back_url, "kind": kind},
    )
