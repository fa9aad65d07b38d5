"""Typed real-time events and the one way to publish them.

An event is a small frozen dataclass named <Noun><PastTense>. `publish()` stores it in the
meeting's stream with the next sequence number, inside the caller's transaction, and
sends it to the meeting's group only after that transaction commits: a tablet never sees
a change that was rolled back, and a tablet that missed the send reads it from the log.

A meeting is the usual stream; a thing that belongs to no meeting (a written ballot) has
its own, named by a `Stream` ("ballot:<id>", group "ballot.<id>"), with the same rules.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from ecabinet.realtime.models import EventStream, StoredEvent
from ecabinet.realtime.sender import send_after_commit

EVENT_TYPES: dict[str, type[Event]] = {}


@dataclass(frozen=True)
class Event:
    """Base of every event. Subclasses set `type`, e.g. "vote.opened"."""

    type: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.type:
            if cls.type in EVENT_TYPES and EVENT_TYPES[cls.type] is not cls:
                raise TypeError(f"event type {cls.type!r} is defined twice")
            EVENT_TYPES[cls.type] = cls

    @property
    def item_id(self) -> int | None:
        """Events about one agenda item reach only those who see that item."""
        return getattr(self, "agenda_item_id", None)

    @classmethod
    def gathered(cls, events: list[Event]) -> list[Event] | None:
        """The events to publish for several of this type written together (group
        commit, `gathering`), e.g. one carrying the batch; None: each is published as
        it is, when it is published."""
        return None

    def payload(self) -> dict[str, Any]:
        # Round-trip through JSON so what is stored equals what is sent and replayed.
        return json.loads(json.dumps(dataclasses.asdict(self), cls=DjangoJSONEncoder))


@dataclass(frozen=True)
class Stream:
    """One numbered event log and the group its live events go to."""

    kind: str  # "meeting", "ballot"
    id: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def group(self) -> str:
        return f"{self.kind}.{self.id}"

    @property
    def message_type(self) -> str:
        # Channels calls the consumer's `<kind>_event` method.
        return f"{self.kind}.event"


def _stream(meeting_id: int | None, stream: Stream | None) -> Stream:
    if (meeting_id is None) == (stream is None):
        raise TypeError("give either meeting_id or stream")
    return stream if stream is not None else Stream("meeting", meeting_id)


def meeting_stream(meeting_id: int) -> str:
    return Stream("meeting", meeting_id).key


def meeting_group(meeting_id: int) -> str:
    return Stream("meeting", meeting_id).group


def message_for(stored: StoredEvent) -> dict[str, Any]:
    """The shape a tablet receives, live or replayed."""
    return {
        "type": "event",
        "seq": stored.seq,
        "event": stored.type,
        "data": stored.payload,
    }


# While set: events of a type that can be gathered are kept here instead of published.
_gathering: ContextVar[list[tuple[Stream, Event]] | None] = ContextVar(
    "realtime_gathering", default=None
)


@contextmanager
def gathering() -> Iterator[list[tuple[Stream, Event]]]:
    """Keep the events published inside that a type can gather (`Event.gathered`), to
    be published together by `publish_gathered` once the caller knows they stand (a
    command whose savepoint was rolled back, or that was answered from an earlier run,
    has none to publish)."""
    kept: list[tuple[Stream, Event]] = []
    token = _gathering.set(kept)
    try:
        yield kept
    finally:
        _gathering.reset(token)


def _gathers(kind: type[Event]) -> bool:
    return kind.gathered.__func__ is not Event.gathered.__func__  # type: ignore[attr-defined]


def publish_gathered(kept: list[tuple[Stream, Event]]) -> None:
    """Publish what `gathering` kept, in one event per stream and type where the type
    says so: ten ballots written together reach each tablet as one frame, not ten."""
    groups: dict[tuple[str, str], tuple[Stream, list[Event]]] = {}
    for target, event in kept:
        groups.setdefault((target.key, event.type), (target, []))[1].append(event)
    for target, events in groups.values():
        merged = type(events[0]).gathered(events) if len(events) > 1 else None
        for event in merged if merged is not None else events:
            publish(stream=target, event=event, now=True)


def publish(
    *,
    meeting_id: int | None = None,
    event: Event,
    stream: Stream | None = None,
    now: bool = False,
) -> StoredEvent | None:
    """Store the event in the meeting's stream (or the given `stream`) and send it to
    that stream's group after commit. Call it from a service, inside its transaction.
    Inside `gathering`, an event whose type gathers is kept instead (None is returned);
    `now` publishes it regardless."""
    if not event.type:
        raise TypeError("publish() needs an Event subclass with a type")
    target = _stream(meeting_id, stream)
    kept = _gathering.get()
    if kept is not None and not now and _gathers(type(event)):
        kept.append((target, event))
        return None
    key = target.key
    # No savepoint of its own: publish() runs inside the service's transaction, and
    # anything failing here fails that whole transaction anyway.
    with transaction.atomic(savepoint=False):
        stream, _ = EventStream.objects.select_for_update().get_or_create(key=key)
        stream.last_seq += 1
        stream.save(update_fields=["last_seq"])
        stored = StoredEvent.objects.create(
            stream=key,
            seq=stream.last_seq,
            type=event.type,
            payload=event.payload(),
            item_id=event.item_id,
        )
    message = live_message(stored, target.message_type)
    transaction.on_commit(lambda: send_after_commit(target.group, message))
    return stored


def live_message(stored: StoredEvent, message_type: str) -> dict[str, Any]:
    """What a stream's group is sent for a stored event. The page's frame is encoded here
    once: a room of hundreds of tablets would otherwise encode it per tablet."""
    return {
        "type": message_type,
        "seq": stored.seq,
        "event": stored.type,
        "item_id": stored.item_id,
        "text": json.dumps(message_for(stored), cls=DjangoJSONEncoder),
    }


def live_messages_between(*, key: str, after: int, before: int, message_type: str) -> list:
    """The live messages of the stream's events numbered after `after` and before
    `before`, in order, from the log (at most REALTIME_REPLAY_LIMIT)."""
    from django.conf import settings

    events = StoredEvent.objects.filter(stream=key, seq__gt=after, seq__lt=before).order_by("seq")
    return [live_message(e, message_type) for e in events[: settings.REALTIME_REPLAY_LIMIT]]


def events_after(
    *, meeting_id: int | None = None, after: int, limit: int, stream: Stream | None = None
) -> list[StoredEvent]:
    key = _stream(meeting_id, stream).key
    return list(StoredEvent.objects.filter(stream=key, seq__gt=after).order_by("seq")[:limit])


def last_seq(*, meeting_id: int | None = None, stream: Stream | None = None) -> int:
    return (
        EventStream.objects.filter(key=_stream(meeting_id, stream).key)
        .values_list("last_seq", flat=True)
        .first()
        or 0
    )
