"""Meeting commands a tablet may send over its WebSocket; each calls a service."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ecabinet.errors import NotFound
from ecabinet.realtime.commands import command
from meetings import services
from meetings.models import AgendaItem


@command("position.mark")
def position_mark(
    *, actor, meeting_id: int, item_id: int, stance: str, comment: str = ""
) -> dict[str, Any]:
    item = AgendaItem.objects.filter(pk=item_id, meeting_id=meeting_id).first()
    if item is None or not isinstance(stance, str) or not isinstance(comment, str):
        raise NotFound(_("That agenda item is not in this meeting."))
    position = services.position_mark(actor=actor, item=item, stance=stance, comment=comment)
    return {"item_id": item.pk, "stance": position.stance, "comment": position.comment}
