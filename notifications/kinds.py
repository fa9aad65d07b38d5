"""What each kind of notification says, written when it is read.

A notification row holds a kind and plain data (names, numbers, ISO date-times); the
renderer registered here for its kind turns them into a title and a message with
gettext at that moment, so a reader sees them in their own language and dates in
Vietnam time in their language's style. Adding a kind: write a renderer, register it
with `@kind("app.event")`, and pass that kind and its data to `notify()`.

This module imports no app: the data carries everything the words need, so the list
of notifications is drawn without reading ballots, meetings or drafts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Data = Mapping[str, Any]
Renderer = Callable[[Data], tuple[str, str]]

KINDS: dict[str, Renderer] = {}


@dataclass(frozen=True)
class Rendered:
    title: str
    message: str
    # Words stored when it was sent (a row from before kinds had data), in whatever
    # language the sender used: shown as they are, like any other stored text.
    stored: bool = False


def kind(name: str) -> Callable[[Renderer], Renderer]:
    def register(renderer: Renderer) -> Renderer:
        if name in KINDS:
            raise ValueError(f"Notification kind {name!r} is registered twice.")
        KINDS[name] = renderer
        return renderer

    return register


def when(value: str) -> str:
    """An ISO date-time from the data, in Vietnam time and the reader's language style.
    A value that is not a date-time (a hand-edited row) is shown as it is."""
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def render(*, kind: str, data: Data, title: str = "", message: str = "") -> Rendered:
    """The words for a notification. Rows sent before kinds had data (empty data) keep
    the title and message stored with them; so does a row whose kind is unknown or whose
    data no longer fits its renderer, rather than failing the whole list."""
    renderer = KINDS.get(kind)
    if renderer is not None and data:
        try:
            return Rendered(*renderer(data))
        except (KeyError, TypeError, ValueError):
            pass
    return Rendered(title or kind, message, stored=True)


def ensure_renderable(*, kind: str, data: Data) -> None:
    """Refuse, at sending time, a kind nobody can render or data its renderer cannot use."""
    renderer = KINDS.get(kind)
    if renderer is None:
        raise ValueError(f"Unknown notification kind {kind!r}; register it in kinds.py.")
    renderer(data)  # raises KeyError/TypeError/ValueError on missing or wrong data


# --- Written ballots -----------------------------------------------------------
# data["ballot"] is the ballot's subject line (trích yếu).


@kind("ballot.approval")
def _ballot_approval(data: Data) -> tuple[str, str]:
    return _("A written ballot awaits your approval: %(s)s") % {"s": data["ballot"]}, ""


@kind("ballot.returned")
def _ballot_returned(data: Data) -> tuple[str, str]:
    return _("The chair sent a ballot back: %(s)s") % {"s": data["ballot"]}, data.get("note", "")


@kind("ballot.opened")
def _ballot_opened(data: Data) -> tuple[str, str]:
    return (
        _("Written ballot: %(s)s") % {"s": data["ballot"]},
        _("Please answer before %(d)s.") % {"d": when(data["deadline"])},
    )


@kind("ballot.reminder")
def _ballot_reminder(data: Data) -> tuple[str, str]:
    return (
        _("Reminder: please answer the written ballot: %(s)s") % {"s": data["ballot"]},
        _("The deadline is %(d)s.") % {"d": when(data["deadline"])},
    )


@kind("ballot.closed")
def _ballot_closed(data: Data) -> tuple[str, str]:
    title = _("The written ballot closed; the results are ready: %(s)s") % {"s": data["ballot"]}
    return title, ""


@kind("ballot.reopened")
def _ballot_reopened(data: Data) -> tuple[str, str]:
    return (
        _("Your answer was reopened; please submit it again: %(s)s") % {"s": data["ballot"]},
        data.get("reason", ""),
    )


@kind("ballot.delegated")
def _ballot_delegated(data: Data) -> tuple[str, str]:
    title = _("%(m)s asked you to answer a written ballot: %(s)s") % {
        "m": data["member"],
        "s": data["ballot"],
    }
    return title, ""


@kind("ballot.delegation_withdrawn")
def _ballot_delegation_withdrawn(data: Data) -> tuple[str, str]:
    title = _("%(m)s withdrew the delegation to answer a written ballot: %(s)s") % {
        "m": data["member"],
        "s": data["ballot"],
    }
    return title, ""


# --- Meetings and leave --------------------------------------------------------


@kind("meeting.published")
def _meeting_published(data: Data) -> tuple[str, str]:
    facts = {"body": data["body"], "title": data["meeting"], "when": when(data["starts_at"])}
    if data.get("place"):
        message = _("%(body)s invites you to %(title)s at %(when)s, %(place)s.") % {
            **facts,
            "place": data["place"],
        }
    else:
        message = _("%(body)s invites you to %(title)s at %(when)s.") % facts
    return _("Invitation: %(title)s") % {"title": data["meeting"]}, message


@kind("meeting.invited")
def _meeting_invited(data: Data) -> tuple[str, str]:
    return (
        _("Invitation: %(title)s") % {"title": data["meeting"]},
        _("You are invited to: %s") % "; ".join(data["items"]),
    )


@kind("leave.requested")
def _leave_requested(data: Data) -> tuple[str, str]:
    return _("Leave requested: %(member)s") % {"member": data["member"]}, data.get("reason", "")


@kind("leave.decided")
def _leave_decided(data: Data) -> tuple[str, str]:
    verdict = _("approved") if data["approved"] else _("refused")
    title = _("Leave from %(meeting)s %(verdict)s") % {
        "meeting": data["meeting"],
        "verdict": verdict,
    }
    return title, data.get("note", "")


# --- Drafts circulated for comments --------------------------------------------
# data["summary"] is the draft's summary (trích yếu).


@kind("circulation.started")
def _circulation_started(data: Data) -> tuple[str, str]:
    return (
        _("Comments asked: %(summary)s") % {"summary": data["summary"]},
        _("%(author)s asks for your comments by %(when)s.")
        % {"author": data["author"], "when": when(data["deadline"])},
    )


@kind("circulation.version_added")
def _circulation_version_added(data: Data) -> tuple[str, str]:
    count = int(data["answers"])
    return (
        _("New version %(n)d: %(summary)s")
        % {"n": int(data["number"]), "summary": data["summary"]},
        ngettext("It answers %(count)d comment.", "It answers %(count)d comments.", count)
        % {"count": count},
    )


@kind("circulation.commented")
def _circulation_commented(data: Data) -> tuple[str, str]:
    title = _("New comment on %(summary)s") % {"summary": data["summary"]}
    return title, data.get("text", "")


@kind("circulation.closed")
def _circulation_closed(data: Data) -> tuple[str, str]:
    return _("Circulation closed: %(summary)s") % {"summary": data["summary"]}, ""


@kind("circulation.to_sign")
def _circulation_to_sign(data: Data) -> tuple[str, str]:
    return (
        _("Sign the final version: %(summary)s") % {"summary": data["summary"]},
        _("Comments are closed; version %(number)d is final and waits for your signature.")
        % {"number": int(data["number"])},
    )


@kind("circulation.to_seal")
def _circulation_to_seal(data: Data) -> tuple[str, str]:
    return (
        _("A signed draft awaits the agency's seal: %(summary)s") % {"summary": data["summary"]},
        _("%(name)s signed version %(number)d.")
        % {"name": data["signed_by"], "number": int(data["number"])},
    )


# --- Minutes -------------------------------------------------------------------
# data["meeting"] is the meeting's title, data["number"] the minutes' number and symbol.


@kind("minutes.to_sign")
def _minutes_to_sign(data: Data) -> tuple[str, str]:
    return (
        _("The minutes of %(meeting)s await your signature") % {"meeting": data["meeting"]},
        _("%(name)s signed minutes %(number)s as secretary; sign them as chair.")
        % {"name": data["signed_by"], "number": data["number"]},
    )


@kind("minutes.to_seal")
def _minutes_to_seal(data: Data) -> tuple[str, str]:
    return (
        _("The minutes of %(meeting)s await the agency's seal") % {"meeting": data["meeting"]},
        _("%(name)s signed minutes %(number)s as chair; apply the seal to archive them.")
        % {"name": data["signed_by"], "number": data["number"]},
    )


# --- Tasks assigned by resolutions -----------------------------------------------
# data["task"] is the task's wording, data["agency"] its lead agency, data["resolution"]
# the resolution's number (or its title), data["deadline"] an ISO date.


def day(value: str) -> str:
    """An ISO date from the data in the reader's language style."""
    from django.utils.dateparse import parse_date

    parsed = parse_date(value) if isinstance(value, str) else None
    return formats.date_format(parsed, "DATE_FORMAT") if parsed else str(value)


@kind("resolution_task.due_soon")
def _resolution_task_due_soon(data: Data) -> tuple[str, str]:
    days = int(data["days"])
    return (
        _("A task of resolution %(r)s is due on %(d)s")
        % {"r": data["resolution"], "d": day(data["deadline"])},
        ngettext(
            "%(agency)s, %(count)d day left: %(task)s",
            "%(agency)s, %(count)d days left: %(task)s",
            days,
        )
        % {"agency": data["agency"], "count": days, "task": data["task"]},
    )


@kind("resolution_task.overdue")
def _resolution_task_overdue(data: Data) -> tuple[str, str]:
    days = int(data["days"])
    return (
        _("Overdue task of resolution %(r)s") % {"r": data["resolution"]},
        ngettext(
            "%(agency)s, %(count)d day past the deadline of %(d)s: %(task)s",
            "%(agency)s, %(count)d days past the deadline of %(d)s: %(task)s",
            days,
        )
        % {
            "agency": data["agency"],
            "count": days,
            "d": day(data["deadline"]),
            "task": data["task"],
        },
    )


@kind("resolution_task.reopened")
def _resolution_task_reopened(data: Data) -> tuple[str, str]:
    return (
        _("The secretariat reopened a task: %(task)s") % {"task": data["task"]},
        data.get("reason", ""),
    )
