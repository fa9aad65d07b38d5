"""Who may see and do what with a resolution.

- draft, edit, circulate, number, seal, cancel: the secretariat of the body;
- sign: the chair named as signer when the number was taken (the body's chair);
- read: anyone serving in the body but a guest; to anyone else it does not exist (404).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecabinet.errors import NotAllowed, NotFound
from people.agencies import agency_key  # also what reminders and selectors compare with
from people.models import Role, User
from people.selectors import user_roles
from resolutions.models import Resolution

READERS = frozenset(
    {
        Role.MEMBER,
        Role.CHAIR,
        Role.SECRETARIAT,
        Role.ARCHIVIST,
        Role.AUDITOR,
        Role.OBSERVER,
        Role.ASSISTANT,
    }
)


def _roles(user: User, body_id: int) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return user_roles(user=user, body_id=body_id)


def can_view(*, user: User, resolution: Resolution) -> bool:
    return bool(READERS & _roles(user, resolution.body_id))


def can_write(*, user: User, body_id: int) -> bool:
    return Role.SECRETARIAT in _roles(user, body_id)


def ensure_can_view(*, user: User, resolution: Resolution) -> None:
    if not can_view(user=user, resolution=resolution):
        raise NotFound(_("Resolution not found."))


def ensure_secretariat(*, user: User, body_id: int, missing: str | None = None) -> None:
    """The secretariat of the body writes resolutions; someone with no role in the body
    is told the thing does not exist."""
    roles = _roles(user, body_id)
    if not roles:
        raise NotFound(missing or _("Resolution not found."))
    if Role.SECRETARIAT not in roles:
        raise NotAllowed(_("Only the secretariat of the body drafts and issues resolutions."))


def ensure_signer(*, user: User, resolution: Resolution) -> None:
    roles = _roles(user, resolution.body_id)
    if not roles:
        raise NotFound(_("Resolution not found."))
    if Role.CHAIR not in roles or user.pk != resolution.signer_id:
        raise NotAllowed(_("Only the chair named on the resolution signs it."))


# ---- the tasks a resolution assigns (resolutions/tracking.py) -------------------------
#
# - follow every task of the body (dashboard, CSV): the secretariat, the chair, auditors;
# - report on a task: the people of its lead agency (a member whose organisation is the
#   agency, or an assistant of such a member) and the secretariat on the agency's behalf;
# - reopen a completed task: the secretariat.
# Everyone else serving in the body is refused (403); to anyone outside it the task does
# not exist (404).

TASK_FOLLOWERS = frozenset({Role.CHAIR, Role.SECRETARIAT, Role.AUDITOR})


def user_agencies(*, user: User, body_id: int) -> frozenset[str]:
    """The agencies this person speaks for in the body: their own as a member, and the
    organisation of each member they assist."""
    from people.selectors import assisted_members

    roles = _roles(user, body_id)
    agencies = set()
    if Role.MEMBER in roles and user.organisation.strip():
        agencies.add(agency_key(user.organisation))
    if Role.ASSISTANT in roles:
        for member in assisted_members(user=user, body_id=body_id):
            if member.organisation.strip() and Role.MEMBER in _roles(member, body_id):
                agencies.add(agency_key(member.organisation))
    return frozenset(agencies)


def can_follow_tasks(*, user: User, body_id: int) -> bool:
    return bool(TASK_FOLLOWERS & _roles(user, body_id))


def is_of_lead_agency(*, user: User, task) -> bool:
    body_id = task.resolution.body_id
    return agency_key(task.lead_agency) in user_agencies(user=user, body_id=body_id)


def can_report_task(*, user: User, task) -> bool:
    body_id = task.resolution.body_id
    return Role.SECRETARIAT in _roles(user, body_id) or is_of_lead_agency(user=user, task=task)


def ensure_can_view_task(*, user: User, task) -> None:
    body_id = task.resolution.body_id
    if not _roles(user, body_id):
        raise NotFound(_("Task not found."))
    if not (
        can_follow_tasks(user=user, body_id=body_id) or is_of_lead_agency(user=user, task=task)
    ):
        raise NotAllowed(
            _("Only the lead agency, the secretariat, the chair and auditors follow this task.")
        )


def ensure_can_report_task(*, user: User, task) -> None:
    if not _roles(user, task.resolution.body_id):
        raise NotFound(_("Task not found."))
    if not can_report_task(user=user, task=task):
        raise NotAllowed(
            _("Only the lead agency of the task, or the secretariat on its behalf, reports on it.")
        )


def ensure_can_reopen_task(*, user: User, task) -> None:
    roles = _roles(user, task.resolution.body_id)
    if not roles:
        raise NotFound(_("Task not found."))
    if Role.SECRETARIAT not in roles:
        raise NotAllowed(_("Only the secretariat reopens a completed task."))
