"""Group commit: commands that arrive together are written in one transaction.

When a room votes, hundreds of casts reach a server process within a second, and each
would be a transaction of its own on the process's one database thread: the same vote
row, audit head and event stream locked and released again, and a commit (a disk
flush) per cast. Commands registered with `together=` (ecabinet/realtime/commands.py)
instead queue here under their key (e.g. `vote.cast:<vote id>`); while one batch is
being written, the next gathers, and is written as one transaction as soon as the
database thread is free (`commands_run_together`). Nothing waits on a timer: a command
that arrives alone is written at once.

Each command still gets what it had alone (its checks, its idempotence by `client_id`,
its audit entry and event, in arrival order): written at once by its batch handler
where it has one (`command_batch`), else each in a savepoint of its own; and each socket
gets its own answer once the batch has committed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ecabinet.realtime.commands import Outcome, commands_run_together
from ecabinet.realtime.db import database_call

logger = logging.getLogger(__name__)

# At most this many commands in one transaction: its locks (the audit head is every
# audited action's) are held for a bounded time, well under a second. Under a storm the
# batches fill up, and each is one event to every tablet of the room: 2,000 casts in
# batches of 50 took p50 13 s to be answered, in batches of 200, 2.9 s (make bench).
MOST_AT_ONCE = 200

_waiting: dict[asyncio.AbstractEventLoop, dict[str, list[tuple[dict, asyncio.Future]]]] = {}


async def run_together(key: str, request: dict[str, Any]) -> Outcome:
    """Run `command_run(**request)` (plus `language`, the answer's language) in the
    next transaction of commands queued under `key`; raise what it raised."""
    loop = asyncio.get_running_loop()
    queues = _waiting.setdefault(loop, {})
    answer = loop.create_future()
    queue = queues.get(key)
    if queue is None:
        queues[key] = [(request, answer)]
        loop.create_task(_write(queues, key), name=f"group-commit {key}")
    else:
        queue.append((request, answer))
    return await answer


async def _write(queues: dict[str, list[tuple[dict, asyncio.Future]]], key: str) -> None:
    try:
        while queues.get(key):
            queue = queues[key]
            batch = queue[:MOST_AT_ONCE]
            del queue[:MOST_AT_ONCE]
            try:
                answers = await database_call(commands_run_together)(
                    [request for request, _ in batch]
                )
            except Exception as error:  # nothing of the batch was committed
                for _, answer in batch:
                    if not answer.done():
                        answer.set_exception(error)
                continue
            for (_, answer), outcome in zip(batch, answers, strict=True):
                if answer.done():
                    continue  # its socket closed meanwhile; the command stands
                if isinstance(outcome, Exception):
                    answer.set_exception(outcome)
                else:
                    answer.set_result(outcome)
    finally:
        left = queues.pop(key, [])
        for _, answer in left:  # only if this task itself was cancelled
            if not answer.done():
                answer.cancel()
