"""The ballot's WebSocket: tells the secretariat's open page that an answer arrived.

Only the ballot's managers (the body's secretariat and chair) may join. The protocol is
every stream's (ecabinet/realtime/consumers.py, docs/events.md), without commands:
`hello` with the last sequence number, a replay from the ballot's log, `ready`, then live
events in order, the gaps filled from the log. The page treats each event as "look
again" and fetches the snapshot, so nothing it shows depends on an event arriving.
"""

from __future__ import annotations

from ballots.access import ballot_access
from ballots.events import ballot_stream
from ballots.models import Ballot
from ecabinet.realtime.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, StreamConsumer
from ecabinet.realtime.db import database_call
from meetings.realtime import user_group
from people.selectors import user_roles_forget


class BallotConsumer(StreamConsumer):
    async def admit(self) -> int:
        self.stream = ballot_stream(int(self.scope["url_route"]["kwargs"]["ballot_id"]))
        return await self._refusal()

    def extra_groups(self) -> list[str]:
        return [user_group(self.user.pk)]  # sign-out and changes of role

    async def access_changed(self, message: dict) -> None:
        """A role changed or the person signed out: look again."""
        if message.get("logout") or await self._refusal():
            await self.close(code=CLOSE_FORBIDDEN)

    @database_call
    def _refusal(self) -> int:
        """0 to stay; 4404 to whoever may not know the ballot exists; 4403 to one who
        sees it (a recipient, a deputy) but does not run it."""
        user_roles_forget(user=self.user)
        ballot = Ballot.objects.filter(pk=self.stream.id).first()
        if ballot is None:
            return CLOSE_NOT_FOUND
        access = ballot_access(user=self.user, ballot=ballot)
        if not access.can_view:
            return CLOSE_NOT_FOUND
        return 0 if access.sees_all_answers else CLOSE_FORBIDDEN
