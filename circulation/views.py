"""Draft pages: my drafts, circulating one, the draft page (versions, comments, diff),
and the files. Views parse, call a service or selector, and render; refusals come back
as ecabinet.errors and are shown by ServiceErrorMiddleware, except `Invalid` after a
form post, which lands on the form with the person's input kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circulation import services
from circulation.access import can_circulate, ensure_opens
from circulation.forms import CirculateForm, CommentForm, VersionForm
from circulation.selectors import (
    circulation_for,
    comments_by_version,
    drafts_overseen,
    drafts_received,
    drafts_sent,
    unanswered_comments,
)
from documents.http import source_response, version_response
from ecabinet.errors import Invalid, NotAllowed
from ecabinet.forms import add_service_errors
from people.models import Body
from people.selectors import user_bodies
from signing import selectors as signing_selectors
from signing.views import version_sign_page, version_verify_page


def detail_url(circulation) -> str:
    return reverse("circulation:detail", args=[circulation.pk])


def _try(form, run):
    """On a valid POST run the service; an `Invalid` lands on the form (returns None)."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return run(form.cleaned_data)
    except Invalid as error:
        add_service_errors(form, error)
        return None


@login_required
def draft_list(request):
    bodies = [b for b in user_bodies(user=request.user) if can_circulate(user=request.user, body=b)]
    context = {
        "received": drafts_received(user=request.user),
        "sent": drafts_sent(user=request.user),
        "overseen": drafts_overseen(user=request.user),
        "bodies": bodies,
    }
    return render(request, "circulation/list.html", context)


@login_required
def draft_new(request, body_id):
    body = get_object_or_404(Body, pk=body_id)
    if not can_circulate(user=request.user, body=body):
        raise NotAllowed(_("Only the secretariat, the chair and members circulate drafts."))
    form = CirculateForm(request.POST or None, request.FILES or None, body=body, actor=request.user)

    def run(data):
        upload = data.pop("file")
        circulation = services.circulation_start(
            actor=request.user,
            body=body,
            file=upload,
            filename=upload.name,
            recipients=list(data.pop("recipients")),
            **data,
        )
        messages.success(request, _("The draft was circulated; the recipients were notified."))
        return redirect(detail_url(circulation))

    response = _try(form, run)
    if response is not None:
        return response
    status = 422 if form.is_bound and form.errors else 200
    context = {"form": form, "body": body, "title": _("Circulate a draft")}
    return render(request, "circulation/new.html", context, status=status)


def _compare(request, circulation, access):
    old, new = request.GET.get("a", ""), request.GET.get("b", "")
    if not (old.isdigit() and new.isdigit()) or not access.can_open:
        return None
    return {
        "old": int(old),
        "new": int(new),
        "diff": services.circulation_compare(
            actor=request.user, circulation=circulation, old_number=int(old), new_number=int(new)
        ),
    }


def _detail(request, pk, *, comment_form=None, version_form=None, status=200):
    circulation, access = circulation_for(user=request.user, pk=pk)
    groups = comments_by_version(circulation=circulation)
    numbers = [g.version.number for g in groups]
    if comment_form is None and access.can_comment:
        comment_form = CommentForm(numbers=numbers)
    if version_form is None and access.can_manage and circulation.is_open:
        version_form = VersionForm(comments=unanswered_comments(circulation=circulation))
    context = {
        "circulation": circulation,
        "document": circulation.document,
        "access": access,
        "signing": _signing_offer(request.user, circulation, access),
        "groups": groups,
        "numbers": numbers,
        "comment_form": comment_form,
        "version_form": version_form,
        "compare": _compare(request, circulation, access),
        "lang_next": detail_url(circulation),
    }
    return render(request, "circulation/detail.html", context, status=status)


@login_required
def draft_detail(request, pk):
    return _detail(request, pk)


@login_required
@require_POST
def comment_add(request, pk):
    circulation, _access = circulation_for(user=request.user, pk=pk)
    numbers = list(
        circulation.document.versions.order_by("-number").values_list("number", flat=True)
    )
    form = CommentForm(request.POST, numbers=numbers)

    def run(data):
        services.comment_add(
            actor=request.user,
            circulation=circulation,
            text=data["text"],
            page=data["page"],
            version_number=data["version"],
        )
        messages.success(request, _("Your comment was sent to the author."))
        return redirect(detail_url(circulation) + "#comments")

    return _try(form, run) or _detail(request, pk, comment_form=form, status=422)


@login_required
@require_POST
def version_add(request, pk):
    circulation, _access = circulation_for(user=request.user, pk=pk)
    form = VersionForm(
        request.POST, request.FILES, comments=unanswered_comments(circulation=circulation)
    )

    def run(data):
        upload = data["file"]
        version = services.circulation_add_version(
            actor=request.user,
            circulation=circulation,
            file=upload,
            filename=upload.name,
            note=data["note"],
            answers=[c.pk for c in data["answers"]],
        )
        messages.success(request, _("Version %(n)d was added.") % {"n": version.number})
        return redirect(detail_url(circulation))

    return _try(form, run) or _detail(request, pk, version_form=form, status=422)


@login_required
@require_POST
def draft_close(request, pk):
    circulation, _access = circulation_for(user=request.user, pk=pk)
    services.circulation_close(actor=request.user, circulation=circulation)
    messages.success(request, _("The circulation was closed."))
    return redirect(detail_url(circulation))


@login_required
def version_file(request, pk, number):
    circulation, _access = circulation_for(user=request.user, pk=pk)
    version, handle = services.circulation_open_version(
        actor=request.user,
        circulation=circulation,
        number=number,
        original=request.GET.get("original") == "1",
    )
    return version_response(version, handle)


@login_required
def version_source(request, pk, number):
    circulation, _access = circulation_for(user=request.user, pk=pk)
    version, handle = services.circulation_open_source(
        actor=request.user, circulation=circulation, number=number
    )
    return source_response(version, handle)


def _signing_offer(user, circulation, access) -> dict:
    """Which signing buttons to show beside the latest version: the person's own key,
    and the agency's seal for its secretariat. The signing service decides again."""
    if not access.can_open:
        return {}
    return {
        "personal": signing_selectors.key_of_user(user) is not None,
        "seal": signing_selectors.is_secretariat(user, circulation.body_id)
        and signing_selectors.seal_key_of_body(circulation.body) is not None,
    }


@login_required
def version_sign(request, pk, number, kind="personal"):
    """Sign a version of the draft with one's PIN (or apply the agency's seal)."""
    circulation, access = circulation_for(user=request.user, pk=pk)
    ensure_opens(access)
    version = get_object_or_404(circulation.document.versions, number=number)
    return version_sign_page(
        request,
        version=version,
        back_url=detail_url(circulation),
        kind=kind,
        body=circulation.body if kind == "seal" else None,
    )


@login_required
def version_verify(request, pk, number):
    circulation, access = circulation_for(user=request.user, pk=pk)
    ensure_opens(access)
    version = get_object_or_404(circulation.document.versions, number=number)
    return version_verify_page(request, version=version, back_url=detail_url(circulation))
