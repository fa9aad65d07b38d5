"""The live meeting room page: the snapshot rendered for a tablet, which static/js/room.js
keeps current over the meeting's WebSocket (docs/events.md, docs/live-room.md).

The page embeds `live_state` with its `seq`, plus the latest vote on each item the viewer
may see (the snapshot does not carry votes) and the papers the viewer lists (with what
this person may do with each); the script says `hello` with that `seq`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ecabinet.errors import Conflict
from meetings.access import MeetingAccess, ensure_can_view
from meetings.models import ItemState, Meeting, Participant
from meetings.selectors import live_state, room_papers
from meetings.views import get_meeting
from voting.models import Choice, Vote
from voting.selectors import vote_view


def room_votes(*, access: MeetingAccess) -> list[dict[str, Any]]:
    """Every vote on the items the viewer may see, oldest first, as that viewer may see
    it: the latest on an item is the one the room shows; after the close, all are listed."""
    votes = Vote.objects.filter(meeting=access.meeting).order_by("item_id", "id")
    if access.visible_item_ids is not None:
        votes = votes.filter(item_id__in=access.visible_item_ids)
    return [vote_view(vote=v, access=access) for v in votes.select_related("meeting__body", "item")]


def starts_at_text(meeting: Meeting) -> str:
    """When the meeting starts, in Vietnam time (the server's zone) and the page's style."""
    when = formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    return _("Starts at %(when)s (Vietnam time)") % {"when": when}


def room_labels() -> dict[str, Any]:
    """The words room.js shows, translated here so the script carries no language."""
    return {
        "choices": dict(Choice.choices),
        "item_states": dict(ItemState.State.choices),
        "meeting_states": dict(Meeting.State.choices),
        "attendance": {
            "present": _("Present"),
            "left": _("Left"),
            "absent": _("Absent"),
            "not_checked_in": _("Not checked in"),
            "on_leave": _("On leave"),
        },
        "paused": _("Paused"),
        "in_progress": _("In progress"),
        "no_item": _("No item is under discussion."),
        "no_speaker": _("Nobody has the floor."),
        "queue_empty": _("Nobody is waiting to speak."),
        "quorum_reached": _("Quorum reached"),
        "quorum_missing": _("No quorum"),
        "present_of": _("%(present)s present, %(needed)s needed"),
        "concluded_of": _("%(done)s of %(all)s concluded"),
        "sending": _("Sending…"),
        "online": _("Online"),
        "offline": _("Offline"),
        "reconnecting": _("Reconnecting…"),
        "closed_4401": _("Your session has ended. Sign in again."),
        "closed_4403": _("You may no longer attend this meeting."),
        "error": _("The action was refused"),
        "unavailable": _("The server is briefly interrupted; your action will be sent again."),
        "bar": bar_labels(),
        "vote": vote_labels(),
        "viewer": viewer_labels(),
        "chair": chair_labels(),
    }


def bar_labels() -> dict[str, str]:
    """What the action bar says about the meeting and the member's own part in it."""
    return {
        "not_started": _("The meeting has not started."),
        "checked_in": _("You are checked in."),
        "not_checked_in": _("You have not checked in."),
        "paused": _("The meeting is paused."),
        "ended": _("The meeting has ended."),
        "waiting": _("You are waiting to speak."),
        "speaking": _("You have the floor."),
    }


def vote_labels() -> dict[str, str]:
    """The vote in the action bar and the results after the close (static/js/room_vote.js)."""
    return {
        "open": _("Voting is open"),
        "closed": _("Vote closed"),
        "secret": _("Secret ballot"),
        "named": _("Named vote"),
        "cast": _("Ballots cast"),
        "tally_hidden": _("The tally is shown when the vote closes."),
        "adopted": _("Adopted"),
        "rejected": _("Not adopted"),
        "my_choice": _("Your vote"),
        "voted_secret": _("You have voted (secret ballot)."),
        "not_voted_yet": _("You have not voted yet."),
        "open_for": _("open for %(time)s"),
        "missing_one": _("1 present member has not voted."),
        "missing_many": _("%(n)s present members have not voted."),
        "missing_none": _("Every member present has voted."),
        "confirm_one": _("1 present member has not voted. Close the vote anyway?"),
        "confirm_many": _("%(n)s present members have not voted. Close the vote anyway?"),
        "close": _("Close the vote"),
        "keep_open": _("Keep the vote open"),
        "question": _("Question"),
        "no_conclusion": _("No conclusion was recorded."),
        "no_votes": _("No vote was taken."),
    }


def chair_labels() -> dict[str, str]:
    return {
        "open_item": pgettext("open an agenda item", "Open"),
        "give_floor": _("Give the floor"),
        "give_floor_to": _("Give the floor to %(name)s"),
        "start": _("Start the meeting"),
        "start_confirm": _("Start the meeting now?"),
        "no_quorum": _(
            "No quorum: %(present)d of %(members)d members are present, %(needed)d are "
            "needed. Give a reason to start anyway."
        ),
        "close": _("Close the meeting"),
        "close_confirm": _(
            "Close the meeting? Items, votes and requests to speak cannot be opened after "
            "the close."
        ),
        "cancel": _("Cancel"),
        "reason_needed": _("Give the reason."),
    }


def viewer_labels() -> dict[str, str]:
    """The paper viewer's words (static/js/room_viewer.js)."""
    return {
        "current_item": _("Papers of the item under discussion"),
        "other_items": _("Other items"),
        "whole_meeting": _("Papers of the whole meeting"),
        "choose": _("Choose a paper…"),
        "restricted": _("restricted"),
        "page_of": _("Page %(page)s of %(pages)s"),
        "nothing_shown": _("Nothing is on the screen yet. Choose a paper to read it."),
        "choose_to_read": _("Choose a paper to read it."),
        "no_papers": _("There are no papers for you to read in this meeting."),
        "not_available": _("The paper on the screen is not one you can open here."),
        "forbidden": _("You may not open this paper: only its named recipients may."),
        "loading": _("Loading the paper…"),
        "loading_pct": _("Loading the paper… %(pct)s"),
        "failed": _("The paper could not be loaded. Check the connection and try again."),
        "following": _("Following the screen"),
        "free": _("Reading on your own"),
        "stop_following": _("Read on my own"),
        "follow": _("Follow the screen"),
        "presenting": _("Showing on every tablet"),
    }


@login_required
def meeting_room(request: HttpRequest, pk: int) -> HttpResponse:
    access = ensure_can_view(user=request.user, meeting=get_meeting(pk))
    meeting = access.meeting
    if meeting.state == Meeting.State.DRAFT:
        raise Conflict(_("The meeting room opens once the meeting is published."))
    state = live_state(access=access)
    papers = [
        {**paper, "url": reverse("meetings:paper_file", args=[meeting.pk, paper["id"]])}
        for paper in room_papers(access=access, user=request.user)
    ]
    return render(
        request,
        "meetings/room.html",
        {
            "meeting": meeting,
            "access": access,
            "room_state": state,
            "room_data": {
                "meeting_id": meeting.pk,
                "user_id": request.user.pk,
                "starts_at_text": starts_at_text(meeting),
                "papers": papers,
                "votes": room_votes(access=access),
                "labels": room_labels(),
            },
            "can_attend": access.participant is not None
            and access.participant.kind != Participant.Kind.OBSERVER,
            "can_present": any(paper["may_present"] for paper in papers),
        },
    )
