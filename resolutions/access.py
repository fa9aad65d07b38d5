"""Who may see and do what with a resolution.

- draft, edit, circulate, number, seal, cancel: the secretariat of the body;
- sign: the chair named as signer when the number was taken (the body's chair);
- read: anyone serving in the body but a guest; to anyone else it does not exist (404).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecabinet.errors import NotAllowed, NotFound
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
