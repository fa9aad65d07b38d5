"""The minutes page of a meeting: the draft editor with its history, the preview, the
PIN forms for the three signatures in order, the status and the signed PDF.

Each view parses the request, calls a service or selector and renders; refusals are
ecabinet.errors shown by the middleware, except `Invalid` and `Conflict` after a post,
which land back on the page with the person's input kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from documents.http import version_response
from ecabinet.errors import Conflict, Invalid, NotFound
from ecabinet.forms import add_service_errors
from meetings.access import ensure_can_manage
from meetings.models import Meeting
from minutes import selectors, services
from minutes.forms import ApproveMinutesForm
from minutes.models import Minutes
from signing.forms import PinForm

STEP_LABELS = {
    "secretary": gettext_lazy("Secretary's signature"),
    "chair": gettext_lazy("Chair's signature"),
    "seal": gettext_lazy("Agency's seal"),
}


def page_url(meeting_id: int, anchor: str = "") -> str:
    url = reverse("minutes:meeting", args=[meeting_id])
    return f"{url}#{anchor}" if anchor else url


def _content_from(post, minutes: Minutes) -> dict:
    items = {}
    for item in minutes.facts.get("items", []):
        key = str(item["id"])
        items[key] = {
            "summary": post.get(f"summary-{key}", ""),
            "conclusion": post.get(f"conclusion-{key}", ""),
        }
    return {"opening": post.get("opening", ""), "items": items, "closing": post.get("closing", "")}


def _steps(minutes: Minutes) -> list[dict]:
    order = [Minutes.State.SECRETARY, Minutes.State.CHAIR, Minutes.State.SEAL]
    reached = (
        order.index(minutes.state) if minutes.state in order else (3 if minutes.is_archived else -1)
    )
    return [
        {"step": step, "label": STEP_LABELS[step], "done": n < reached, "now": n == reached}
        for n, step in enumerate(("secretary", "chair", "seal"))
    ]


def _page(request, meeting_id: int, *, status: int = 200, **extra) -> HttpResponse:
    meeting, access = selectors.meeting_for_minutes(actor=request.user, meeting_id=meeting_id)
    editions = selectors.minutes_of(meeting=meeting)
    current = editions[0] if editions else None
    context = {
        "meeting": meeting,
        "access": access,
        "editions": editions,
        "minutes": current,
        "may_start": access.can_manage and meeting.state == "closed" and current is None,
    }
    if current is not None:
        draft = selectors.latest_draft(minutes=current)
        content = extra.pop("content", None) or (draft.content if draft else {})
        texts = content.get("items", {})
        context.update(
            draft=draft,
            drafts=selectors.drafts_of(minutes=current) if access.can_manage else [],
            items=[
                {**item, "text": texts.get(str(item["id"]), {})}
                for item in current.facts.get("items", [])
            ],
            content=content,
            may=selectors.permissions(actor=request.user, minutes=current, access=access),
            steps=_steps(current),
            pin_form=extra.pop("pin_form", None) or PinForm(prefix="sign"),
            may_correct=access.can_manage and current.is_archived,
        )
    context.update(extra)
    return render(request, "minutes/page.html", context, status=status)


@login_required
def minutes_page(request, meeting_id: int):
    return _page(request, meeting_id)


@login_required
@require_POST
def draft_start(request, meeting_id: int):
    meeting, _access = selectors.meeting_for_minutes(actor=request.user, meeting_id=meeting_id)
    services.minutes_draft_start(actor=request.user, meeting=meeting)
    messages.success(request, _("The draft of the minutes was built from the meeting's record."))
    return redirect(page_url(meeting_id, "editor"))


def _current(request, meeting_id: int) -> Minutes:
    meeting, _access = selectors.meeting_for_minutes(actor=request.user, meeting_id=meeting_id)
    editions = selectors.minutes_of(meeting=meeting)
    if not editions:
        raise NotFound(_("The minutes of this meeting are not drafted yet."))
    return editions[0]


@login_required
@require_POST
def draft_save(request, meeting_id: int):
    minutes = _current(request, meeting_id)
    content = _content_from(request.POST, minutes)
    based_on = request.POST.get("based_on", "")
    try:
        services.minutes_draft_save(
            actor=request.user,
            minutes=minutes,
            content=content,
            based_on=int(based_on) if based_on.isdigit() else None,
        )
    except (Invalid, Conflict) as error:
        problems = [error.message] + [m for ms in error.fields.values() for m in ms]
        return _page(
            request, meeting_id, status=error.status, content=content, draft_errors=problems
        )
    messages.success(request, _("The draft was saved."))
    return redirect(page_url(meeting_id, "editor"))


@login_required
def preview(request, meeting_id: int):
    minutes = _current(request, meeting_id)
    data = services.minutes_preview(actor=request.user, minutes=minutes)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-ban-{meeting_id}-xem-truoc.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def issue(request, meeting_id: int):
    minutes = _current(request, meeting_id)
    services.minutes_issue(actor=request.user, minutes=minutes)
    messages.success(request, _("The minutes were issued for signature."))
    return redirect(page_url(meeting_id, "signing"))


@login_required
@require_POST
def sign(request, meeting_id: int, step: str):
    minutes = _current(request, meeting_id)
    form = PinForm(request.POST, prefix="sign")
    status = 422
    if form.is_valid():
        try:
            services.minutes_sign(
                actor=request.user, minutes=minutes, step=step, pin=form.cleaned_data["pin"]
            )
        except (Invalid, Conflict) as error:
            # A wrong PIN is shown under the PIN field, as on the other signing pages.
            form.add_error("pin" if "pin" in error.fields else None, error.message)
            status = error.status
        else:
            done = {
                "secretary": _("You signed the minutes as secretary."),
                "chair": _("You signed the minutes as chair."),
                "seal": _("The minutes were sealed and archived."),
            }
            messages.success(request, done.get(step, ""))
            return redirect(page_url(meeting_id, "signing"))
    return _page(request, meeting_id, status=status, pin_form=form)


@login_required
@require_POST
def correct(request, meeting_id: int):
    minutes = _current(request, meeting_id)
    try:
        services.minutes_correct(
            actor=request.user, minutes=minutes, reason=request.POST.get("reason", "")
        )
    except Invalid as error:
        return _page(request, meeting_id, status=422, correct_errors=[error.message])
    messages.success(request, _("A correction was started; it is signed like the original."))
    return redirect(page_url(meeting_id, "editor"))


@login_required
def minutes_file(request, minutes_id: int):
    minutes, _access = selectors.minutes_get(actor=request.user, minutes_id=minutes_id)
    handle = selectors.minutes_pdf(actor=request.user, minutes=minutes)
    return version_response(minutes.current_version, handle)


def _previous(form: ApproveMinutesForm) -> Meeting:
    previous = selectors.meeting_find(meeting_id=form.cleaned_data["previous"])
    if previous is None:
        # As the API says it: an id that names no meeting is bad input.
        message = _("No such meeting.")
        raise Invalid(message, fields={"previous": [message]})
    return previous


@login_required
@require_POST
def approve_item(request, meeting_id: int):
    """Add "approve the minutes of an earlier meeting" to this meeting's agenda. The
    choice is checked by the service; a refused one lands back on the form (422)."""
    meeting = selectors.meeting_find(meeting_id=meeting_id)
    if meeting is None:
        raise NotFound(_("Meeting not found."))
    # Who may not prepare the meeting hears that first, whatever they posted.
    ensure_can_manage(user=request.user, meeting=meeting)
    form = ApproveMinutesForm(
        request.POST, choices=selectors.meetings_with_minutes_to_approve(meeting=meeting)
    )
    if form.is_valid():
        try:
            item = services.agenda_item_approve_minutes(
                actor=request.user, meeting=meeting, previous=_previous(form)
            )
        except Invalid as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The approval of the minutes was added to the agenda."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"#item-{item.pk}")
    context = {
        "meeting": meeting,
        "form": form,
        "cancel_url": reverse("meetings:detail", args=[meeting.pk]),
    }
    return render(request, "minutes/approve_item.html", context, status=422)
