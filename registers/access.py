"""Who may keep and read a body's registers.

The secretariat (văn thư) registers and issues; the chair, the archivists and the
auditors read. Someone serving in the body in another role is refused; someone from
elsewhere is told the body's registers do not exist.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecabinet.errors import NotAllowed, NotFound
from people.models import Body, Role, User
from people.selectors import user_roles

READERS = frozenset({Role.SECRETARIAT, Role.CHAIR, Role.ARCHIVIST, Role.AUDITOR})


def _roles(user: User, body: Body) -> frozenset[str]:
    roles = user_roles(user=user, body_id=body.pk)
    if not roles:
        raise NotFound(_("Register not found."))
    return roles


def ensure_can_register(*, user: User, body: Body) -> None:
    if Role.SECRETARIAT not in _roles(user, body):
        raise NotAllowed(_("Only the secretariat of the body keeps its document registers."))


def ensure_can_read_registers(*, user: User, body: Body) -> None:
    if not READERS & _roles(user, body):
        raise NotAllowed(
            _("The registers are read by the secretariat, the chair, archivists and auditors.")
        )


def can_register(*, user: User, body: Body) -> bool:
    return Role.SECRETARIAT in user_roles(user=user, body_id=body.pk)
