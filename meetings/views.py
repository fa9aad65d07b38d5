"""Meeting pages. Each view parses a form, calls a service or selector, and renders.

Services refuse with ecabinet.errors.*; ServiceErrorMiddleware turns those into the
error page. The one exception is `Invalid` after a form post: the person gets the same
form back with the reasons next to the fields, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from ecabinet.forms import add_service_errors
from meetings import services
from meetings.access import MeetingAccess, ensure_can_manage, ensure_can_view
from meetings.forms import GuestForm, ItemForm, MeetingForm, PositionForm
from meetings.models import AgendaItem, LeaveRequest, Meeting, Participant
from meetings.outcomes import meeting_outcomes
from meetings.selectors import (
    agenda_for,
    leave_requests_for,
    meeting_papers_general,
    meeting_participants,
    meetings_visible_to,
    participants_in_order,
    positions_summary,
)
from people.models import Body, Role
from people.selectors import body_people, user_bodies, user_has_role

# --- Helpers ----------------------------------------------------------------


def get_meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("body"), pk=pk)


def get_item(meeting: Meeting, item_id: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting__body"), pk=item_id, meeting=meeting
    )


def detail_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("meetings:detail", args=[meeting.pk])
    return f"{url}#{anchor}" if anchor else url


def ensure_editable(meeting: Meeting) -> None:
    # The services check this too; checking before showing a form saves typing in vain.
    if not meeting.agenda_is_editable:
        raise Conflict(
            _("The meeting is %(state)s; its agenda can no longer be changed.")
            % {"state": meeting.get_state_display().lower()}
        )


def manage_editable(request: HttpRequest, meeting: Meeting) -> MeetingAccess:
    access = ensure_can_manage(user=request.user, meeting=meeting)
    ensure_editable(meeting)
    return access


def submit_form(
    request: HttpRequest, form: forms.Form, run: Callable[[dict], HttpResponse]
) -> HttpResponse | None:
    """On a valid POST, run the service call; an `Invalid` lands on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return run(form.cleaned_data)
    except Invalid as error:
        add_service_errors(form, error)
        return None


def form_page(request: HttpRequest, form: forms.Form, **context) -> HttpResponse:
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "meetings/form.html", {"form": form, **context}, status=status)


# --- Meetings ---------------------------------------------------------------


@login_required
def meeting_list(request):
    meetings = meetings_visible_to(user=request.user).order_by("-starts_at", "-id")
    page = Paginator(meetings, 30).get_page(request.GET.get("page"))
    return render(request, "meetings/list.html", {"page": page, "meetings": page.object_list})


def _body_for_new(request: HttpRequest) -> Body:
    body_id = request.GET.get("body", "")
    if body_id.isdigit():
        return get_object_or_404(Body, pk=int(body_id))
    # Without ?body=, the secretariat of a single body needs no choice.
    bodies = [
        b
        for b in user_bodies(user=request.user)
        if user_has_role(user=request.user, body_id=b.pk, roles={Role.SECRETARIAT})
    ]
    if len(bodies) != 1:
        raise NotFound(_("Choose the body the meeting belongs to."))
    return bodies[0]


@login_required
def meeting_new(request):
    body = _body_for_new(request)
    if not user_has_role(user=request.user, body_id=body.pk, roles={Role.SECRETARIAT}):
        raise NotAllowed(_("Only the secretariat can create meetings of this body."))
    form = MeetingForm(request.POST or None, initial={"location": body.place})

    def run(data):
        meeting = services.meeting_create(actor=request.user, body=body, **data)
        messages.success(request, _("The meeting was created as a draft. Add its agenda."))
        return redirect(detail_url(meeting))

    return submit_form(request, form, run) or form_page(
        request,
        form,
        title=_("New meeting of %(body)s") % {"body": body},
        submit_label=_("Create meeting"),
        testid="meeting-form",
        cancel_url=reverse("dashboard"),
    )


@login_required
def meeting_edit(request, pk):
    meeting = get_meeting(pk)
    manage_editable(request, meeting)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_from(meeting))

    def run(data):
        services.meeting_update(actor=request.user, meeting=meeting, **data)
        messages.success(request, _("The meeting was saved."))
        return redirect(detail_url(meeting))

    return submit_form(request, form, run) or form_page(
        request,
        form,
        meeting=meeting,
        title=_("Edit meeting"),
        submit_label=_("Save"),
        testid="meeting-form",
        cancel_url=detail_url(meeting),
    )


def _detail_context(
    request: HttpRequest,
    access: MeetingAccess,
    bound: tuple[int, PositionForm] | None = None,
) -> dict:
    """Everything the meeting page shows this viewer. `bound` is a position form that
    failed, shown again on its item with the person's input and the reasons."""
    meeting, user = access.meeting, request.user
    closed = meeting.state == Meeting.State.CLOSED
    outcomes = meeting_outcomes(meeting=meeting) if closed else {}
    agenda = []
    for entry in agenda_for(access=access, user=user):
        form = None
        if bound and bound[0] == entry.item.pk:
            form = bound[1]
        elif access.can_mark_positions:
            saved = entry.my_position
            initial = {"stance": saved.stance, "comment": saved.comment} if saved else {}
            form = PositionForm(initial=initial, auto_id=f"item{entry.item.pk}-%s")
        agenda.append((entry, form, outcomes.get(entry.item.pk)))
    guest = access.is_guest
    # After the close nothing is left to decide or ask for: no leave, no positions.
    leaves = leave_requests_for(meeting=meeting) if access.can_chair and not closed else None
    return {
        "meeting": meeting,
        "access": access,
        # Pages re-rendered after a POST to another URL switch language back to here.
        "lang_next": detail_url(meeting),
        "agenda": agenda,
        "last_order": max((e.item.order for e, _f, _o in agenda), default=0),
        # Guests are invited item by item: the rest of the meeting is not theirs to see.
        "general_papers": None if guest else meeting_papers_general(access=access, user=user),
        "participants": (
            None
            if guest
            else participants_in_order(meeting_participants(meeting=meeting), body=meeting.body_id)
        ),
        "pending_leaves": (
            leaves.filter(status=LeaveRequest.Status.PENDING) if leaves is not None else None
        ),
        "is_member": _is_member(access) and not closed,
        "closed": closed,
        "not_started_yet": meeting.state == Meeting.State.PUBLISHED,
        "due": meeting.starts_at <= timezone.now(),
        # Only web links become clickable: a stored "javascript:" link must stay text.
        "online_url": meeting.online_link
        if meeting.online_link.startswith(("https://", "http://"))
        else "",
        "editable": access.can_manage and meeting.agenda_is_editable,
        "can_publish": access.can_manage and meeting.state == Meeting.State.DRAFT,
        "can_start": access.can_chair and meeting.state == Meeting.State.PUBLISHED,
        "can_close": access.can_chair and meeting.state == Meeting.State.IN_PROGRESS,
    }


def _is_member(access: MeetingAccess) -> bool:
    return access.participant is not None and access.participant.kind == Participant.Kind.MEMBER


@login_required
def meeting_detail(request, pk):
    access = ensure_can_view(user=request.user, meeting=get_meeting(pk))
    return render(request, "meetings/detail.html", _detail_context(request, access))


STATE_ACTIONS = {
    "publish": (
        services.meeting_publish,
        gettext_lazy("The meeting was published; invitations are sent."),
    ),
    "start": (services.meeting_start, gettext_lazy("The meeting has started.")),
    "close": (services.meeting_close, gettext_lazy("The meeting is closed.")),
}


@login_required
@require_POST
def meeting_state(request, pk, action):
    service, message = STATE_ACTIONS[action]
    extra = {}
    if action == "start":
        # Without a quorum the chair must say why the meeting goes ahead.
        extra["override_reason"] = request.POST.get("override_reason", "")
    meeting = service(actor=request.user, meeting=get_meeting(pk), **extra)
    messages.success(request, str(message))
    return redirect(detail_url(meeting))


# --- Agenda -----------------------------------------------------------------


@login_required
def item_new(request, pk):
    meeting = get_meeting(pk)
    manage_editable(request, meeting)
    form = ItemForm(request.POST or None, body=meeting.body)

    def run(data):
        item = services.item_add(actor=request.user, meeting=meeting, **data)
        messages.success(request, _("The item was added to the agenda."))
        return redirect(detail_url(meeting, f"item-{item.pk}"))

    return submit_form(request, form, run) or form_page(
        request,
        form,
        meeting=meeting,
        title=_("Add an agenda item"),
        submit_label=_("Add item"),
        testid="item-form",
        cancel_url=detail_url(meeting),
    )


@login_required
def item_edit(request, pk, item_id):
    meeting = get_meeting(pk)
    manage_editable(request, meeting)
    item = get_item(meeting, item_id)
    form = ItemForm(request.POST or None, body=meeting.body, initial=ItemForm.initial_from(item))

    def run(data):
        services.item_update(actor=request.user, item=item, **data)
        messages.success(request, _("The item was saved."))
        return redirect(detail_url(meeting, f"item-{item.pk}"))

    return submit_form(request, form, run) or form_page(
        request,
        form,
        meeting=meeting,
        title=_("Edit agenda item %(order)d") % {"order": item.order},
        submit_label=_("Save"),
        testid="item-form",
        cancel_url=detail_url(meeting, f"item-{item.pk}"),
    )


@login_required
@require_POST
def item_delete(request, pk, item_id):
    meeting = get_meeting(pk)
    services.item_delete(actor=request.user, item=get_item(meeting, item_id))
    messages.success(request, _("The item was removed from the agenda."))
    return redirect(detail_url(meeting))


@login_required
@require_POST
def item_move(request, pk, item_id):
    meeting = get_meeting(pk)
    item = get_item(meeting, item_id)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        raise Invalid(_("Move the item up or down."))
    services.item_move(actor=request.user, item=item, to_position=item.order + step)
    return redirect(detail_url(meeting, f"item-{item.pk}"))


@login_required
@require_POST
def position_mark(request, pk, item_id):
    meeting = get_meeting(pk)
    item = get_item(meeting, item_id)
    form = PositionForm(request.POST, auto_id=f"item{item.pk}-%s")
    if form.is_valid():
        try:
            services.position_mark(actor=request.user, item=item, **form.cleaned_data)
        except Invalid as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Your position on item %(order)d is saved.") % {"order": item.order}
            )
            return redirect(detail_url(meeting, f"item-{item.pk}"))
    access = ensure_can_view(user=request.user, meeting=meeting)
    if not access.can_mark_positions or not access.can_see_item(item):
        # A malformed post from someone without a seat gets no form to "correct".
        raise NotAllowed(_("Only members (or their approved deputies) mark positions."))
    context = _detail_context(request, access, bound=(item.pk, form))
    return render(request, "meetings/detail.html", context, status=422)


@login_required
def positions(request, pk):
    access = ensure_can_view(user=request.user, meeting=get_meeting(pk))
    if not (access.can_manage or access.can_chair):
        raise NotAllowed(_("Only the chair and the secretariat see everyone's positions."))
    summaries = positions_summary(meeting=access.meeting)
    return render(
        request, "meetings/positions.html", {"meeting": access.meeting, "summaries": summaries}
    )


# --- Participants -----------------------------------------------------------


@login_required
def guest_new(request, pk):
    meeting = get_meeting(pk)
    manage_editable(request, meeting)
    # Members and deputies already take part in their own right; only guests can be added.
    taken = meeting_participants(meeting=meeting).exclude(kind=Participant.Kind.GUEST)
    people = body_people(body=meeting.body_id).exclude(pk__in=taken.values("user_id"))
    item_id = request.GET.get("item", "")
    initial = {"items": [int(item_id)]} if item_id.isdigit() else {}
    form = GuestForm(request.POST or None, meeting=meeting, people=people, initial=initial)

    def run(data):
        services.guest_invite(
            actor=request.user, meeting=meeting, user=data["user"], items=list(data["items"])
        )
        messages.success(request, _("%(name)s is invited.") % {"name": data["user"]})
        return redirect(detail_url(meeting, "participants"))

    return submit_form(request, form, run) or form_page(
        request,
        form,
        meeting=meeting,
        title=_("Invite a guest"),
        submit_label=_("Invite"),
        testid="guest-form",
        cancel_url=detail_url(meeting),
    )


@login_required
@require_POST
def participant_remove(request, pk, participant_id):
    meeting = get_meeting(pk)
    participant = get_object_or_404(
        Participant.objects.select_related("user", "meeting"), pk=participant_id, meeting=meeting
    )
    services.participant_remove(actor=request.user, participant=participant)
    messages.success(request, _("%(name)s no longer takes part.") % {"name": participant.user})
    return redirect(detail_url(meeting, "participants"))
