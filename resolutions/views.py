"""Resolution pages: the list, the page of one resolution (state, articles, tasks, the
PDF, the actions the person may take), the edit form, and the posts that draft from a
meeting or a ballot, circulate, number, sign, seal and cancel.

Refusals are ecabinet.errors shown by the middleware, except `Invalid` and `Conflict`
after a form post, which land back on the page with the person's input kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ballots.models import Ballot
from documents.http import version_response
from ecabinet.errors import Conflict, Invalid
from ecabinet.forms import add_service_errors
from meetings.models import Meeting
from resolutions import selectors, services
from resolutions.access import can_write, ensure_secretariat
from resolutions.forms import (
    CancelForm,
    CirculateForm,
    ResolutionForm,
    TaskFormSet,
    articles_split,
)
from resolutions.models import Resolution
from resolutions.tracking_selectors import (
    followed_body_ids,
    resolution_tasks_progress,
    tasks_of_my_agency,
)
from signing.forms import PinForm


def _refused(form, error: Invalid | Conflict) -> int:
    if isinstance(error, Invalid):
        add_service_errors(form, error)
    else:
        form.add_error(None, error.message)
    return error.status


@login_required
def resolution_list(request):
    resolutions = selectors.resolutions_visible_to(user=request.user)[:200]
    context = {
        "resolutions": resolutions,
        "follows_tasks": bool(followed_body_ids(user=request.user)),
        "agency_tasks": tasks_of_my_agency(user=request.user).exists(),
    }
    return render(request, "resolutions/list.html", context)


def _page(request, pk: int, *, status: int = 200, **forms) -> HttpResponse:
    resolution = selectors.resolution_get(actor=request.user, pk=pk)
    may = selectors.resolution_permissions(actor=request.user, resolution=resolution)
    context = {
        "resolution": resolution,
        "may": may,
        "articles": resolution.articles.all(),
        "tasks": resolution.tasks.select_related("article"),
        "progress": resolution_tasks_progress(actor=request.user, resolution=resolution),
        "pin_form": forms.get("pin_form") or PinForm(prefix="sign"),
        "circulate_form": forms.get("circulate_form") or CirculateForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "number_errors": forms.get("number_errors", []),
    }
    return render(request, "resolutions/page.html", context, status=status)


@login_required
def resolution_page(request, pk: int):
    return _page(request, pk)


def _existing(request, resolutions) -> Resolution | None:
    """The button drafts once; pressed again it opens the resolution already drafted
    (for the secretariat: anyone else gets the service's refusal)."""
    current = resolutions.exclude(state=Resolution.State.CANCELLED).first()
    if current is not None and can_write(user=request.user, body_id=current.body_id):
        return current
    return None


@login_required
@require_POST
def draft_from_meeting(request, meeting_id: int):
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    existing = _existing(request, meeting.resolutions)
    if existing is not None:
        return redirect("resolutions:detail", existing.pk)
    resolution = services.resolution_draft_from_meeting(actor=request.user, meeting=meeting)
    messages.success(request, _("The draft resolution was built from the meeting's record."))
    return redirect("resolutions:detail", resolution.pk)


@login_required
@require_POST
def draft_from_ballot(request, ballot_id: int):
    ballot = get_object_or_404(Ballot, pk=ballot_id)
    existing = _existing(request, ballot.resolutions)
    if existing is not None:
        return redirect("resolutions:detail", existing.pk)
    resolution = services.resolution_draft_from_ballot(actor=request.user, ballot=ballot)
    messages.success(request, _("The draft resolution was built from the ballot's result."))
    return redirect("resolutions:detail", resolution.pk)


def _initial(resolution: Resolution) -> tuple[dict, list[dict]]:
    initial = {
        "title": resolution.title,
        "preamble": resolution.preamble,
        "articles": "\n\n".join(resolution.articles.values_list("text", flat=True)),
        "recipients": resolution.recipients,
    }
    tasks = [
        {
            "article": t.article.number if t.article_id else None,
            "content": t.content,
            "lead_agency": t.lead_agency,
            "cooperating_agencies": t.cooperating_agencies,
            "deadline": t.deadline,
            "expected_output": t.expected_output,
        }
        for t in resolution.tasks.select_related("article")
    ]
    return initial, tasks


@login_required
def resolution_edit(request, pk: int):
    resolution = selectors.resolution_get(actor=request.user, pk=pk)
    status = 200
    if request.method == "POST":
        form = ResolutionForm(request.POST)
        tasks = TaskFormSet(request.POST, prefix="tasks")
        if form.is_valid() and tasks.is_valid():
            rows = [
                row
                for row in tasks.cleaned_data
                if row and (row.get("content") or row.get("lead_agency"))
            ]
            try:
                services.resolution_update(
                    actor=request.user,
                    resolution=resolution,
                    title=form.cleaned_data["title"],
                    preamble=form.cleaned_data["preamble"],
                    articles=articles_split(form.cleaned_data["articles"]),
                    tasks=rows,
                    recipients=form.cleaned_data["recipients"],
                )
            except (Invalid, Conflict) as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The draft resolution was saved."))
                return redirect("resolutions:detail", resolution.pk)
        else:
            status = 422
    else:
        # The secretariat edits a draft; anyone else, or a final text, is told why.
        ensure_secretariat(user=request.user, body_id=resolution.body_id)
        services.ensure_editable(resolution)
        initial, task_rows = _initial(resolution)
        form = ResolutionForm(initial=initial)
        tasks = TaskFormSet(initial=task_rows, prefix="tasks")
    return render(
        request,
        "resolutions/edit.html",
        {"resolution": resolution, "form": form, "tasks": tasks},
        status=status,
    )


@login_required
def preview(request, pk: int):
    resolution = selectors.resolution_get(actor=request.user, pk=pk)
    data = services.resolution_preview(actor=request.user, resolution=resolution)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="du-thao-nghi-quyet-{pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def circulate(request, pk: int):
    resolution = selectors.resolution_get(actor=request.user, pk=pk)
    form = CirculateForm(request.POST)
    if form.is_valid():
        try:
            services.resolution_circulate(
                actor=request.user, resolution=resolution, deadline=form.cleaned_data["deadline"]
            )
        except (Invalid, Conflict) as error:
            return _page(request, pk, circulate_form=form, status=_refused(form, error))
        messages.success(request, _("The draft was circulated to the members for comments."))
        return redirect("resolutions:detail", pk)
    return _page(request, pk, circulate_form=form, status=422)


@login_required
@require_POST
def number(request, pk: int):
    resolution = selectors.resolution_get(actor=request.user, pk=pk)
    try:
        numbered = services.resolution_number(actor=request.user, resolution=resolution)
    except (Invalid, Conflict) as error:
        return _page(request, pk, number_errors=[error.message], status=error.status)
    messages.success(
        request, _("The resolution was numbered %(number)s.") % {"number": numbered.number_symbol}
    )
    return redirect("resolutions:detail", pk)


def _pin_post(request, pk: int, action, done: str):
    resolution = selectors.resolution_get(actor=request.user, pk=pk)
    form = PinForm(request.POST, prefix="sign")
    if form.is_valid():
        try:
            action(actor=request.user, resolution=resolution, pin=form.cleaned_data["pin"])
        except (Invalid, Conflict) as error:
            return _page(request, pk, pin_form=form, status=_refused(form, error))
        messages.success(request, done)
        return redirect("resolutions:detail", pk)
    return _page(request, pk, pin_form=form, status=422)


@login_required
@require_POST
def sign(request, pk: int):
    return _pin_post(request, pk, services.resolution_sign, _("The resolution was signed."))


@login_required
@require_POST
def seal(request, pk: int):
    return _pin_post(
        request, pk, services.resolution_seal, _("The resolution was sealed and issued.")
    )


@login_required
@require_POST
def cancel(request, pk: int):
    resolution = selectors.resolution_get(actor=request.user, pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.resolution_cancel(
                actor=request.user, resolution=resolution, reason=form.cleaned_data["reason"]
            )
        except (Invalid, Conflict) as error:
            return _page(request, pk, cancel_form=form, status=_refused(form, error))
        messages.success(request, _("The resolution was cancelled."))
        return redirect("resolutions:detail", pk)
    return _page(request, pk, cancel_form=form, status=422)


@login_required
def resolution_file(request, pk: int):
    resolution = selectors.resolution_get(actor=request.user, pk=pk)
    handle = selectors.resolution_pdf(actor=request.user, resolution=resolution)
    return version_response(resolution.current_version, handle)
