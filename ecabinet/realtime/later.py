"""A trailing call for a coalesced event: at most one pending per key in this process.

A throttled event (the running tally) is pushed on the leading edge; what falls inside
the interval must still reach the tablets once the interval is over, or the last ballots
of a burst would show only at the next ballot. The call runs on a timer thread with its
own database connection. Each server process arms its own, so a flush must read the
truth from the database and be harmless when repeated.

The key is dropped before the call runs, so a write that commits while a flush reads
arms the next one instead of being missed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connections

log = logging.getLogger(__name__)

_lock = threading.Lock()
_pending: dict[str, threading.Timer] = {}
_running: set[threading.Thread] = set()


def call_once_after(key: str, seconds: float, call: Callable[[], None]) -> bool:
    """Run `call` in `seconds` unless a call for `key` is already waiting. True if armed."""
    with _lock:
        if key in _pending:
            return False
        timer = threading.Timer(max(seconds, 0.0), _run, args=(key, call))
        timer.daemon = True
        _pending[key] = timer
    timer.start()
    return True


def _run(key: str, call: Callable[[], None]) -> None:
    me = threading.current_thread()
    with _lock:
        _pending.pop(key, None)
        _running.add(me)
    try:
        close_old_connections()
        call()
    except Exception:
        log.exception("trailing call %s failed", key)
    finally:
        connections.close_all()
        with _lock:
            _running.discard(me)


def settle(timeout: float = 5.0) -> None:
    """Cancel what is waiting and wait for what is running (tests, and shutdown)."""
    with _lock:
        waiting = list(_pending.values())
        _pending.clear()
        running = list(_running)
    for timer in waiting:
        timer.cancel()
    for thread in running:
        thread.join(timeout)
