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
    """The latest vote on each item the viewer may see, as that viewer may see it."""
    votes = Vote.objects.filter(meeting=access.meeting).order_by("item_id", "-id")
    if access.visible_item_ids is not None:
        votes = votes.filter(item_id__in=access.visible_item_ids)
    latest: dict[int, Vote] = {}
    for vote in votes.select_related("meeting__body", "item"):
        latest.setdefault(vote.item_id, vote)
    return [vote_view(vote=v, access=access) for v in latest.values()]


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
            "on_leave": _("On leave"),
        },
        "paused": _("Paused"),
        "in_progress": _("In progress"),
        "no_item": _("No item is under discussion."),
        "no_speaker": _("Nobody has the floor."),
        "queue_empty": _("Nobody is waiting to speak."),
        "quorum_reached": _("Quorum reached"),
        "quorum_missing": _("No quorum"),
        "no_vote": _("No vote on this item."),
        "vote_open": _("Voting is open"),
        "vote_closed": _("Vote closed"),
        "secret": _("Secret ballot"),
        "named": _("Named vote"),
        "cast": _("Ballots cast"),
        "tally_hidden": _("The tally is shown when the vote closes."),
        "adopted": _("Adopted"),
        "rejected": _("Not adopted"),
        "my_choice": _("Your vote"),
        "voted_secret": _("You have voted (secret ballot)."),
        "sending": _("Sending…"),
        "online": _("Online"),
        "offline": _("Offline"),
        "reconnecting": _("Reconnecting…"),
        "closed_4401": _("Your session has ended. Sign in again."),
        "closed_4403": _("You may no longer attend this meeting."),
        "error": _("The action was refused"),
        "viewer": viewer_labels(),
        "chair": {
            "open_item": pgettext("open an agenda item", "Open"),
            "give_floor": _("Give the floor"),
            "give_floor_to": _("Give the floor to %(name)s"),
        },
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
                "papers": papers,
                "votes": room_votes(access=access),
                "labels": room_labels(),
            },
            "can_attend": access.participant is not None
            and access.participant.kind != Participant.Kind.OBSERVER,
            "can_present": any(paper["may_present"] for paper in papers),
        },
    )
