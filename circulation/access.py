"""Who may see and do what with a circulated draft. Views, the API and services ask here.

- circulate a draft: the body's secretariat, chair and members (a ministry circulates
  through its minister, who is a member);
- see the draft, its versions and every comment: its author, its recipients, and the
  body's secretariat and chair; to anyone else the draft does not exist (404);
- open its files: as above, except that a draft marked Mật or above opens only for its
  named recipients and its author (documents.services.version_can_open_confidential);
- comment: recipients only, while the circulation is open and before its deadline;
- upload a new version, mark the comments it answers, close: the author or the body's
  secretariat.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from circulation.models import Circulation
from documents.services import version_can_open_confidential
from ecabinet.errors import NotAllowed, NotFound
from people.models import Body, Role, User
from people.selectors import user_roles

CIRCULATING_ROLES = frozenset({Role.SECRETARIAT, Role.CHAIR, Role.MEMBER})
OVERSEEING_ROLES = frozenset({Role.SECRETARIAT, Role.CHAIR})


@dataclass(frozen=True)
class CirculationAccess:
    circulation: Circulation
    can_view: bool = False
    can_manage: bool = False
    is_recipient: bool = False
    can_open: bool = False

    @property
    def can_comment(self) -> bool:
        return self.is_recipient and self.circulation.accepts_comments


def can_circulate(*, user: User, body: Body) -> bool:
    return bool(user_roles(user=user, body_id=body.pk) & CIRCULATING_ROLES)


def circulation_access(*, user: User, circulation: Circulation) -> CirculationAccess:
    if not user.is_authenticated or not user.is_active:
        return CirculationAccess(circulation)
    roles = user_roles(user=user, body_id=circulation.body_id)
    is_author = circulation.author_id == user.pk
    is_recipient = circulation.recipients.filter(pk=user.pk).exists()
    can_view = is_author or is_recipient or bool(roles & OVERSEEING_ROLES)
    if not can_view:
        return CirculationAccess(circulation)
    return CirculationAccess(
        circulation,
        can_view=True,
        can_manage=is_author or Role.SECRETARIAT in roles,
        is_recipient=is_recipient,
        can_open=version_can_open_confidential(user=user, document=circulation.document),
    )


def ensure_can_view(*, user: User, circulation: Circulation) -> CirculationAccess:
    access = circulation_access(user=user, circulation=circulation)
    if not access.can_view:
        raise NotFound(_("Draft not found."))
    return access


def ensure_can_manage(*, user: User, circulation: Circulation) -> CirculationAccess:
    access = ensure_can_view(user=user, circulation=circulation)
    if not access.can_manage:
        raise NotAllowed(
            _("Only the author of the draft or the secretariat can add versions or close it.")
        )
    return access


def ensure_can_open(*, user: User, circulation: Circulation) -> CirculationAccess:
    return ensure_opens(ensure_can_view(user=user, circulation=circulation))


def ensure_opens(access: CirculationAccess) -> CirculationAccess:
    """For an access already worked out: refuse unless it may open the draft."""
    if not access.can_open:
        raise NotAllowed(_("This draft is confidential; only its named recipients may open it."))
    return access
