"""Who may see and do what with a written ballot. Views, the API and services ask here.

- prepare, edit, send for approval, reopen an answer, record a delegation, issue the
  report, see every answer: the body's secretariat;
- approve or send back: the body's chair;
- see the ballot: the secretariat and the chair always; a recipient or a deputy holding
  a delegation once it is open; to anyone else the ballot does not exist (404);
- answer: the recipient, or the deputy their delegation names (never both at once: a
  delegation hands the pen to the deputy until it is withdrawn).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ballots.models import Ballot, Delegation
from ecabinet.errors import NotAllowed, NotFound
from people.models import Role, User
from people.selectors import user_roles

# Those who answer a ballot by default: "all members" of the body (the chair is one).
ANSWERING_ROLES = frozenset({Role.MEMBER, Role.CHAIR})


@dataclass(frozen=True)
class BallotAccess:
    ballot: Ballot
    is_secretariat: bool = False
    is_chair: bool = False
    is_recipient: bool = False
    # Members this person may answer for as a deputy on this ballot.
    deputy_for: tuple[int, ...] = ()

    @property
    def can_view(self) -> bool:
        if self.is_secretariat or self.is_chair:
            return True
        visible = self.ballot.state in (Ballot.State.OPEN, Ballot.State.CLOSED)
        return visible and (self.is_recipient or bool(self.deputy_for))

    @property
    def can_manage(self) -> bool:
        return self.is_secretariat

    @property
    def sees_all_answers(self) -> bool:
        return self.is_secretariat or self.is_chair


def ballot_access(*, user: User, ballot: Ballot) -> BallotAccess:
    if not user.is_authenticated or not user.is_active:
        return BallotAccess(ballot)
    roles = user_roles(user=user, body_id=ballot.body_id)
    return BallotAccess(
        ballot,
        is_secretariat=Role.SECRETARIAT in roles,
        is_chair=Role.CHAIR in roles,
        is_recipient=ballot.answers.filter(member=user).exists(),
        deputy_for=tuple(
            Delegation.objects.filter(ballot=ballot, deputy=user).values_list(
                "member_id", flat=True
            )
        ),
    )


def ensure_can_view(*, user: User, ballot: Ballot) -> BallotAccess:
    access = ballot_access(user=user, ballot=ballot)
    if not access.can_view:
        raise NotFound(_("Ballot not found."))
    return access


def ensure_secretariat(*, user: User, ballot: Ballot | None = None, body_id: int | None = None):
    body_id = body_id if body_id is not None else ballot.body_id
    if Role.SECRETARIAT not in user_roles(user=user, body_id=body_id):
        raise NotAllowed(_("Only the secretariat of the body can do this."))


def ensure_chair(*, user: User, ballot: Ballot) -> None:
    if Role.CHAIR not in user_roles(user=user, body_id=ballot.body_id):
        raise NotAllowed(_("Only the chair of the body can approve or send back a ballot."))
