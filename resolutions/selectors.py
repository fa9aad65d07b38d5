"""Reads for the resolution pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ecabinet.errors import NotFound
from people.models import Membership, User
from resolutions.access import READERS, can_write, ensure_can_view
from resolutions.models import Resolution


def resolution_get(*, actor: User, pk: int) -> Resolution:
    resolution = (
        Resolution.objects.select_related(
            "body", "meeting", "ballot", "register_entry", "current_version", "signer"
        )
        .filter(pk=pk)
        .first()
    )
    if resolution is None:
        raise NotFound(_("Resolution not found."))
    ensure_can_view(user=actor, resolution=resolution)
    return resolution


def resolutions_visible_to(*, user: User) -> QuerySet[Resolution]:
    bodies = Membership.objects.filter(user=user, is_active=True, role__in=READERS).values(
        "body_id"
    )
    return Resolution.objects.filter(body_id__in=bodies).select_related("body", "meeting", "ballot")


def resolution_permissions(*, actor: User, resolution: Resolution) -> dict[str, bool]:
    write = can_write(user=actor, body_id=resolution.body_id)
    state = resolution.state
    return {
        "edit": write and resolution.is_editable,
        "circulate": write and state == Resolution.State.DRAFT,
        "number": write and resolution.is_editable,
        "sign": state == Resolution.State.NUMBERED and actor.pk == resolution.signer_id,
        "seal": write and state == Resolution.State.SIGNED,
        "cancel": write and state not in (Resolution.State.ISSUED, Resolution.State.CANCELLED),
    }


def resolution_pdf(*, actor: User, resolution: Resolution):
    """The numbered, signed or sealed PDF as it stands (audited download)."""
    from documents.services import version_open

    ensure_can_view(user=actor, resolution=resolution)
    if resolution.current_version is None:
        raise NotFound(_("The resolution has not been numbered yet."))
    return version_open(
        actor=actor, version=resolution.current_version, context={"resolution_id": resolution.pk}
    )
