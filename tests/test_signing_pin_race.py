# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Wrong PINs sent in parallel cannot outrun the limit: each request claims its attempt
before the token sees the PIN, so N parallel wrong PINs cost N attempts and no more than
SIGNING_PIN_ATTEMPTS of them ever reach the (real SoftHSM2) token.

The token is held busy (as by another signature: logins are serialised per process)
until every request has either reached it or been turned away, so the requests
overlap for certain. Runs on SQLite and PostgreSQL, with real threads and commits."""

from __future__ import annotations

import threading
import time
import traceback
from contextlib import contextmanager

import pytest
from django.db import close_old_connections, connection

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid
from signing import services, tokens
from signing.models import SigningKey
from tests.pki_fixtures import (  # noqa: F401
    USER_PIN,
    dev_pki,
    make_document,
    signers,
    signing_settings,
)

pytestmark = pytest.mark.django_db(transaction=True)
WRONG_PIN = "000000"


class TokenDoor:
    """Counts the logins that reach the token (held until the test lets them in).

    On SQLite, `gate` also takes turns for the database work of the requests: SQLite has
    one writer at a time, and the shared in-memory test database answers "table is
    locked" where a file database would wait. Only the token login then overlaps, which
    is where a check made before it and a count made after it race. PostgreSQL runs the
    requests' transactions truly side by side."""

    def __init__(self, monkeypatch) -> None:
        self.logins: list[str] = []
        self.gate = threading.Lock() if connection.vendor == "sqlite" else None
        self._real = tokens.session
        monkeypatch.setattr(tokens, "session", self._session)

    @contextmanager
    def _session(self, label, pin, **kwargs):
        self.logins.append(pin)
        self._release()
        try:
            with self._real(label, pin, **kwargs) as sess:
                yield sess
        finally:
            if self.gate is not None:
                self.gate.acquire()

    def _release(self) -> None:
        if self.gate is not None and self.gate.locked():
            self.gate.release()

    @contextmanager
    def request(self):
        if self.gate is not None:
            self.gate.acquire()
        try:
            yield
        finally:
            self._release()


def _sign_in_parallel(door: TokenDoor, *, actor, version, pins: list[str]) -> list:
    outcomes: list = []

    def attempt(pin: str) -> None:
        try:
            with door.request():
                outcomes.append(services.version_sign(actor=actor, version=version, pin=pin))
        except (Invalid, Conflict) as exc:
            outcomes.append(exc)
        except BaseException as exc:  # anything else fails the test, with its traceback
            outcomes.append(RuntimeError(traceback.format_exc()))
            raise exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=attempt, args=(pin,)) for pin in pins]
    with tokens.LIB_LOCK:  # the token is busy: every request that gets this far waits
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(door.logins) + len(outcomes) < len(pins) and time.monotonic() < deadline:
            time.sleep(0.01)
    for thread in threads:
        thread.join(60)
    assert len(outcomes) == len(pins)
    return outcomes


def _kinds(outcomes) -> list[str]:
    return sorted(type(o).__name__ for o in outcomes)


def test_parallel_wrong_pins_with_one_attempt_left_reach_the_token_once(signers, monkeypatch):
    SigningKey.objects.filter(pk=signers.chair_key.pk).update(failed_attempts=4)
    version = make_document(signers.body, signers.secretary).latest_version()
    door = TokenDoor(monkeypatch)

    outcomes = _sign_in_parallel(door, actor=signers.chair, version=version, pins=[WRONG_PIN] * 6)

    assert len(door.logins) == 1
    assert AuditEntry.objects.filter(action="signing.pin_wrong").count() == 1
    assert _kinds(outcomes) == ["Conflict"] * 5 + ["Invalid"]
    key = SigningKey.objects.get(pk=signers.chair_key.pk)
    assert (key.failed_attempts, key.locked, key.pin_checks_pending) == (5, True, 0)
    assert version.document.versions.count() == 1


def test_parallel_wrong_pins_cost_one_attempt_each_and_stop_at_the_limit(
    signers, monkeypatch, settings
):
    settings.SIGNING_PIN_ATTEMPTS = 3
    version = make_document(signers.body, signers.secretary).latest_version()
    door = TokenDoor(monkeypatch)

    outcomes = _sign_in_parallel(door, actor=signers.chair, version=version, pins=[WRONG_PIN] * 5)

    assert len(door.logins) == 3
    assert AuditEntry.objects.filter(action="signing.pin_wrong").count() == 3
    assert _kinds(outcomes) == ["Conflict"] * 2 + ["Invalid"] * 3
    key = SigningKey.objects.get(pk=signers.chair_key.pk)
    assert (key.failed_attempts, key.locked, key.pin_checks_pending) == (3, True, 0)


def test_a_right_pin_beside_wrong_ones_gives_its_attempt_back_and_locks_nothing(
    signers, monkeypatch
):
    SigningKey.objects.filter(pk=signers.chair_key.pk).update(failed_attempts=3)
    version = make_document(signers.body, signers.secretary).latest_version()
    door = TokenDoor(monkeypatch)

    outcomes = _sign_in_parallel(
        door, actor=signers.chair, version=version, pins=[USER_PIN, WRONG_PIN]
    )

    # Two attempts were left and both reached the token; the right PIN was not counted
    # as a wrong one, so the key did not lock whatever order the token saw them in.
    assert len(door.logins) == 2
    assert _kinds(outcomes) == ["DocumentVersion", "Invalid"]
    key = SigningKey.objects.get(pk=signers.chair_key.pk)
    assert not key.locked and key.pin_checks_pending == 0
    assert key.failed_attempts in (0, 1)  # 0 if the right PIN came last, else 1
    assert version.document.versions.count() == 2
