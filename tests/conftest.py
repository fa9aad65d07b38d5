"""Shared fixtures: a body with one person in every role, and a ready meeting."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import translation

from people.models import Body, Role, User
from tests.factories import BodyFactory, UserFactory, grant, make_meeting


def pytest_configure(config):
    _emptying_postgres_tables_by_delete()


def _emptying_postgres_tables_by_delete() -> None:
    """Between transactional tests Django empties every table. On PostgreSQL it does so
    with one TRUNCATE of the eighty tables, which costs 0.6 s (more on a busy machine)
    for tables that hold a few rows; DELETE costs 0.04 s. Django's foreign keys are
    deferred on PostgreSQL, so the order does not matter. Sequences are left as TRUNCATE
    leaves them; when a test asks for them to be reset, Django's own statement runs."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {self.quote_name(t)};" for t in tables]

    DatabaseOperations.sql_flush = sql_flush


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Tests read messages in English (the source language); tests/test_i18n.py checks
    # that a visitor who asks for nothing gets Vietnamese.
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    # The exchange's request key is made on first use: one per test, never the var one's.
    settings.EXCHANGE_KEY_FILE = tmp_path / "exchange" / "key.pem"
    # WhiteNoise warns about a missing STATIC_ROOT; pages find files through the finders.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    # Real hashing costs a second per user; tests create dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    # Counters kept in the cache (a person's socket rate) must not carry over from another
    # test, nor from an earlier run on the same Redis database.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_trailing_calls_after_the_test():
    # A coalesced event's trailing push runs on a timer thread; none may outlive its test.
    yield
    from ecabinet.realtime import later

    later.settle()


MINISTRIES = ["", "Bộ Tài chính", "Bộ Tư pháp", "Bộ Y tế", "Bộ Xây dựng", "Bộ Nội vụ"]


@dataclass
class Cabinet:
    body: Body
    chair: User
    secretary: User
    members: list[User]
    guest: User
    archivist: User
    assistant: User
    observer: User
    auditor: User
    outsider: User  # a member of another body
    other_body: Body

    @property
    def minister(self) -> User:
        return self.members[1]


@pytest.fixture
def cabinet(db) -> Cabinet:
    body = BodyFactory(name="Chính phủ", short_name="CP")
    chair = grant(
        UserFactory(username="chair", full_name="Trần Đức Khiêm", title="Thủ tướng"),
        body,
        Role.CHAIR,
        Role.MEMBER,
    )
    # Each minister heads a ministry: a deputy or a presenter is chosen by organisation.
    members = [chair] + [
        grant(UserFactory(username=f"minister{n}", organisation=MINISTRIES[n]), body, Role.MEMBER)
        for n in range(1, 6)
    ]
    secretary = grant(
        UserFactory(username="secretary", title="Chuyên viên VPCP"), body, Role.SECRETARIAT
    )
    guest = grant(UserFactory(username="guest", title="Chủ tịch VCCI"), body, Role.GUEST)
    archivist = grant(UserFactory(username="archivist"), body, Role.ARCHIVIST)
    assistant = grant(UserFactory(username="assistant"), body, Role.ASSISTANT, assists=members[1])
    observer = grant(UserFactory(username="observer"), body, Role.OBSERVER)
    auditor = grant(UserFactory(username="auditor"), body, Role.AUDITOR)
    other_body = BodyFactory(name="UBND tỉnh Lào Cai", short_name="UBND")
    outsider = grant(UserFactory(username="outsider"), other_body, Role.MEMBER, Role.SECRETARIAT)
    return Cabinet(
        body,
        chair,
        secretary,
        members,
        guest,
        archivist,
        assistant,
        observer,
        auditor,
        outsider,
        other_body,
    )


@pytest.fixture
def meeting(cabinet):
    """A published meeting with two items."""
    return make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)


@pytest.fixture
def draft_meeting(cabinet):
    return make_meeting(cabinet.body, cabinet.secretary, items=1, publish=False)
