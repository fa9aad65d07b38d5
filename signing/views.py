"""Pages: verify a PDF, see one's keys, and the PIN form other apps reuse to sign."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from documents.models import DocumentVersion
from documents.services import version_read_original
from ecabinet.errors import Invalid
from signing import preview, selectors, services
from signing.forms import PinForm, VerifyForm
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
    return render(request, "signing/keys.html", {"keys": keys})


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
