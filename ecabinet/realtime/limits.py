"""Limits on what a page may send over a socket, beyond one socket's own rate and size.

- Depth: `json.loads` recurses once per nested array or object, so a small message
  nested a few thousand deep exhausts the interpreter's stack. The depth is measured
  on the text, strings removed, before anything is parsed.
- Rate per person: one socket's bucket does not stop a person who opens twenty. Every
  message of every socket of theirs counts against one window kept in the Django cache
  (Redis when REDIS_URL is set, so all server processes share it; process memory on the
  embedded default, which serves from one process). While that cache cannot be reached
  (Redis restarting) the window is not counted: each socket's own bucket still limits
  it, and the socket, the room's live view, stays open (docs/events.md). On Redis the
  count is one round trip from the event loop over the process's one asyncio client:
  a room voting at once sends thousands of messages within a second, and a worker
  thread and a cache connection per socket for each would cost more than the vote.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import weakref
from itertools import accumulate

import redis.asyncio
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in `text`, at most (an unterminated string
    counts its brackets too, which only overestimates)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(_STEP[c] for c in brackets), default=0)


def rate_key(user_id: int) -> str:
    """The cache key of this person's current window."""
    window = settings.REALTIME_USER_WINDOW_SECONDS
    return f"realtime:rate:{user_id}:{int(time.time() // window)}"


def _count(user_id: int) -> int:
    window = settings.REALTIME_USER_WINDOW_SECONDS
    key = rate_key(user_id)
    # add() then incr(): both atomic in Redis and in the local-memory cache.
    if cache.add(key, 1, timeout=window * 2):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=window * 2)
        return 1


# After a failure the cache is left alone this long: each try at an unreachable Redis
# costs its client's retries, and every message of every socket would wait for them.
CACHE_DOWN_SECONDS = 1.0
_cache_down_until = 0.0


async def _count_or_none(user_id: int) -> int | None:
    global _cache_down_until
    if time.monotonic() < _cache_down_until:
        return None
    try:
        return await _count_shared(user_id)
    except Exception as error:  # the cache's own errors differ by backend (redis-py's here)
        _cache_down_until = time.monotonic() + CACHE_DOWN_SECONDS
        logger.warning("the per-person message window is not counted: %r", error)
        return None


REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
# Per event loop (a server process runs one; tests run several in turn) and Redis URL.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, redis.asyncio.Redis]] = (
    weakref.WeakKeyDictionary()
)


async def _count_shared(user_id: int) -> int:
    config = settings.CACHES["default"]
    if config["BACKEND"] != REDIS_CACHE:
        return _count(user_id)  # this process's memory: nothing to wait for
    location = config["LOCATION"]
    url = (location.split(",") if isinstance(location, str) else location)[0]
    clients = _clients.setdefault(asyncio.get_running_loop(), {})
    client = clients.get(url)
    if client is None:
        client = clients[url] = redis.asyncio.Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=1
        )
    # The key and the stored number as Django's cache writes them (cache.add, incr).
    key = cache.make_and_validate_key(rate_key(user_id))
    window = settings.REALTIME_USER_WINDOW_SECONDS
    async with client.pipeline(transaction=False) as pipe:
        pipe.set(key, 0, ex=window * 2, nx=True)
        pipe.incr(key)
        _created, count = await pipe.execute()
    return int(count)


async def user_message_allowed(user_id: int) -> bool:
    """Count one message from this person; False once their window is full. True when
    the window cannot be counted (see above)."""
    count = await _count_or_none(user_id)
    return count is None or count <= settings.REALTIME_USER_MESSAGES
