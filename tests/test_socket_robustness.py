"""A socket that never crashes: arguments of the wrong shape, JSON nested thousands deep,
one person's flood over many sockets, a reused client_id and a refused connection each
get a clear answer (or the documented close code), and the socket goes on working."""

from __future__ import annotations

import json

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches

from ecabinet.realtime import commands
from ecabinet.realtime.db import database_call
from ecabinet.realtime.limits import rate_key
from meetings.models import Position
from meetings.routing import websocket_urlpatterns
from tests.factories import make_meeting
from tests.realtime_helpers import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)


@pytest.fixture
def live(cabinet):
    return make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)


async def connect(user, meeting_id, app=APP, headers=()):
    communicator = WebsocketCommunicator(app, f"/ws/meetings/{meeting_id}/", headers=headers)
    if user is not None:
        communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def still_answers(communicator):
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"


def mark(item_id, client_id="abcdefgh01", stance="no_objection"):
    return {
        "type": "command",
        "client_id": client_id,
        "name": "position.mark",
        "args": {"item_id": item_id, "stance": stance},
    }


positions = database_call(lambda: list(Position.objects.values_list("stance", flat=True)))


# --- Arguments of the wrong shape --------------------------------------------------------


async def test_an_argument_of_the_wrong_shape_is_invalid_and_the_socket_lives_on(cabinet, live):
    communicator = await connect(cabinet.minister, live.pk)
    for item_id in ([1], {"id": 1}, "1", True, 2**64, -3, None):
        await communicator.send_json_to(mark(item_id))
        reply = await communicator.receive_json_from(timeout=5)
        assert reply["type"] == "error", item_id
        assert (reply["code"], reply["client_id"]) == ("invalid", "abcdefgh01")
        assert list(reply["fields"]) == ["item_id"]
    await still_answers(communicator)
    assert await positions() == []
    await communicator.disconnect()


async def test_every_command_refuses_unknown_and_mistyped_arguments(cabinet, live):
    communicator = await connect(cabinet.chair, live.pk)
    for name, entry in sorted(commands.COMMANDS.items()):
        for args in ({"surprise": 1}, {field: [[]] for field in entry.args.model_fields}):
            if not args:
                continue  # a command without arguments: the first case covers it
            message = {"type": "command", "client_id": "abcdefgh02", "name": name, "args": args}
            await communicator.send_json_to(message)
            reply = await communicator.receive_json_from(timeout=5)
            assert (reply["type"], reply["code"]) == ("error", "invalid"), (name, args, reply)
    await still_answers(communicator)
    await communicator.disconnect()


# --- Depth -----------------------------------------------------------------------------


async def test_json_nested_thousands_deep_is_refused_before_it_is_parsed(cabinet, live):
    communicator = await connect(cabinet.minister, live.pk)
    for text in (
        "[" * 3000 + "]" * 3000,
        json.dumps(mark(1))[:-2] + ', "comment": ' + "[" * 3000 + "]" * 3000 + "}}",
        "{" * 3000,  # not even JSON
    ):
        await communicator.send_to(text_data=text)
        reply = await communicator.receive_json_from(timeout=5)
        assert (reply["type"], reply["code"]) == ("error", "too_deep")
    await still_answers(communicator)
    await communicator.disconnect()


async def test_nesting_within_the_limit_is_read(cabinet, live, settings):
    depth = settings.REALTIME_MAX_JSON_DEPTH
    communicator = await connect(cabinet.minister, live.pk)
    # A string full of brackets is no nesting at all.
    await communicator.send_to(text_data=json.dumps({"type": "ping", "pad": "[{" * 500}))
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    nested = "[" * (depth - 1) + "]" * (depth - 1)
    await communicator.send_to(text_data='{"type": "ping", "pad": ' + nested + "}")
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    await communicator.disconnect()


# --- One person, many sockets ----------------------------------------------------------


async def test_one_persons_sockets_share_one_rate_limit(cabinet, live, settings):
    settings.REALTIME_USER_MESSAGES = 30
    settings.REALTIME_USER_WINDOW_SECONDS = 10**9  # one window for the whole test
    sockets = [await connect(cabinet.minister, live.pk) for _ in range(20)]
    for _round in range(3):  # 60 messages, 3 per socket: each socket's own limit allows it
        for communicator in sockets:
            await communicator.send_json_to({"type": "ping"})
    outputs = [await s.receive_output(timeout=5) for s in sockets for _ in range(3)]
    answered = [o for o in outputs if o["type"] == "websocket.send"]
    assert len(answered) == 30
    assert [o for o in outputs if o not in answered] == [
        {"type": "websocket.close", "code": 4429}
    ] * 30
    # Somebody else is not held back by the minister's flood.
    other = await connect(cabinet.members[2], live.pk)
    await still_answers(other)
    await other.disconnect()


async def test_the_rate_of_a_person_is_counted_where_every_server_process_sees_it(
    cabinet, live, settings
):
    # Another process counted the minister's messages: a new cache client (a separate
    # connection on Redis) fills their window, and this process's socket is refused.
    settings.REALTIME_USER_MESSAGES = 5
    settings.REALTIME_USER_WINDOW_SECONDS = 10**9
    elsewhere = caches.create_connection("default")
    elsewhere.set(rate_key(cabinet.minister.pk), 5, timeout=60)
    communicator = await connect(cabinet.minister, live.pk)
    item = await database_call(live.items.first)()
    await communicator.send_json_to(mark(item.pk))
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4429}
    assert await positions() == []


# --- client_id -------------------------------------------------------------------------


async def test_a_client_id_is_bound_to_the_command_it_first_named(cabinet, live):
    first_item, second_item = await database_call(lambda: list(live.items.all()))()
    communicator = await connect(cabinet.minister, live.pk)
    await communicator.send_json_to(mark(first_item.pk, stance="no_objection"))
    first = await communicator.receive_json_from(timeout=5)
    assert (first["type"], first["replayed"]) == ("ack", False)
    # The same id for other arguments, or for another command: refused, nothing runs.
    for other in (
        mark(first_item.pk, stance="wish_to_speak"),
        mark(second_item.pk, stance="no_objection"),
        {
            "type": "command",
            "client_id": "abcdefgh01",
            "name": "speaker.request",
            "args": {"item_id": first_item.pk},
        },
    ):
        await communicator.send_json_to(other)
        reply = await communicator.receive_json_from(timeout=5)
        assert (reply["type"], reply["code"], reply["client_id"]) == (
            "error",
            "conflict",
            "abcdefgh01",
        )
        assert "client_id" in reply["detail"]
    assert await positions() == ["no_objection"]
    # The same command retried still gets its first answer.
    await communicator.send_json_to(mark(first_item.pk, stance="no_objection"))
    assert await communicator.receive_json_from(timeout=5) == {**first, "replayed": True}
    await communicator.disconnect()


# --- Refusals the page can read --------------------------------------------------------


async def test_a_refused_connection_is_accepted_then_closed_with_its_code(cabinet, live):
    # Through the whole server stack (origin check, session cookie): a refusal before the
    # handshake is an HTTP 403, which a browser reports only as 1006.
    from ecabinet.asgi import application

    for who, code in ((None, 4401), (cabinet.outsider, 4403)):
        headers = [(b"origin", b"http://testserver")]
        if who is not None:
            headers.append((b"cookie", await database_call(session_cookie)(who)))
        communicator = await connect(None, live.pk, app=application, headers=headers)
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": code}


async def test_an_anonymous_socket_is_refused_by_code_on_every_stream(cabinet):
    from ballots.routing import websocket_urlpatterns as ballot_routes
    from notifications.routing import websocket_urlpatterns as person_routes

    app = URLRouter([*ballot_routes, *person_routes])
    for path in ("/ws/ballots/1/", "/ws/me/"):
        communicator = WebsocketCommunicator(app, path)
        communicator.scope["user"] = AnonymousUser()
        assert (await communicator.connect())[0], path
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}, path


# --- A defect ---------------------------------------------------------------------------


async def test_a_defect_in_a_command_is_an_error_answer_not_a_dropped_socket(
    cabinet, live, monkeypatch, caplog
):
    def explode(*, actor, meeting_id):
        raise RuntimeError("a defect")

    monkeypatch.setitem(
        commands.COMMANDS, "test.explode", commands.Command(explode, commands.NoArgs)
    )
    communicator = await connect(cabinet.minister, live.pk)
    message = {"type": "command", "client_id": "abcdefgh03", "name": "test.explode", "args": {}}
    await communicator.send_json_to(message)
    reply = await communicator.receive_json_from(timeout=5)
    assert (reply["type"], reply["code"], reply["client_id"]) == (
        "error",
        "server_error",
        "abcdefgh03",
    )
    assert "a defect" in caplog.text
    await still_answers(communicator)
    await communicator.disconnect()
