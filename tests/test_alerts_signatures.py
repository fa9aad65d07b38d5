"""Alerts for a signature that is now awaited: the minutes (the chair after the
secretary, the secretariat's seal after the chair), a written ballot's answer form and
a draft whose comments are closed.
Each alert has a partner that takes it down once the signature is made (or no longer
wanted), and nobody else hears of either."""

# ruff: noqa: F811
from __future__ import annotations

import pytest

from ballots import services as ballots
from ballots.services_sign import answer_sign
from circulation.services import circulation_close
from ecabinet.realtime.events import message_for
from ecabinet.realtime.models import StoredEvent
from meetings import live
from meetings import services as meetings
from minutes import services as minutes_services
from notifications.alerts import person_stream
from signing.provisioning import key_provision
from tests import pki_fixtures
from tests.circulation_helpers import circulate
from tests.factories import make_meeting
from tests.pki_fixtures import SEAL_PIN, USER_PIN
from tests.test_ballots_helpers import answer, open_ballot

pytestmark = pytest.mark.django_db

dev_pki, signers, signing_settings = (
    pki_fixtures.dev_pki,
    pki_fixtures.signers,
    pki_fixtures.signing_settings,
)


def signature_alerts(user) -> list[dict]:
    """What the person's socket sends for their signature alerts, in order."""
    events = StoredEvent.objects.filter(
        stream=person_stream(user.pk).key, type__startswith="alert.signature"
    ).order_by("seq")
    return [{k: v for k, v in message_for(e).items() if k != "seq"} for e in events]


def everyone(cabinet):
    return [
        *cabinet.members,
        cabinet.secretary,
        cabinet.guest,
        cabinet.archivist,
        cabinet.assistant,
        cabinet.observer,
        cabinet.auditor,
        cabinet.outsider,
    ]


def closed_meeting(cabinet):
    """A meeting held and closed; its minutes are drafted as it closes."""
    meeting = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
    for member in cabinet.members:
        live.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=member.pk, present=True
        )
    meeting = meetings.meeting_start(actor=cabinet.chair, meeting=meeting)
    return meetings.meeting_close(actor=cabinet.chair, meeting=meeting)


def test_minutes_call_the_chair_then_the_seal_and_each_call_ends_when_signed(
    cabinet, signers, dev_pki
):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    meeting = closed_meeting(cabinet)
    minutes = minutes_services.minutes_issue(actor=cabinet.secretary, minutes=meeting.minutes.get())
    assert all(signature_alerts(person) == [] for person in everyone(cabinet))

    minutes = minutes_services.minutes_sign(
        actor=cabinet.secretary, minutes=minutes, step="secretary", pin=USER_PIN
    )
    chair_call = {
        "type": "event",
        "event": "alert.signature_requested",
        "data": {
            "key": f"sign:minutes:{minutes.pk}:chair",
            "what": "minutes",
            "title": f"{minutes.number_symbol} · {meeting.title}",
            "url": f"/minutes/meeting/{meeting.pk}/#signing",
        },
    }
    assert signature_alerts(cabinet.chair) == [chair_call]
    assert [p for p in everyone(cabinet) if signature_alerts(p)] == [cabinet.chair]

    minutes = minutes_services.minutes_sign(
        actor=cabinet.chair, minutes=minutes, step="chair", pin=USER_PIN
    )
    chair_done = {
        "type": "event",
        "event": "alert.signature_settled",
        "data": {"key": f"sign:minutes:{minutes.pk}:chair"},
    }
    assert signature_alerts(cabinet.chair) == [chair_call, chair_done]
    seal_call = {
        "type": "event",
        "event": "alert.signature_requested",
        "data": {
            "key": f"sign:minutes:{minutes.pk}:seal",
            "what": "minutes_seal",
            "title": f"{minutes.number_symbol} · {meeting.title}",
            "url": f"/minutes/meeting/{meeting.pk}/#signing",
        },
    }
    assert signature_alerts(cabinet.secretary) == [seal_call]

    minutes_services.minutes_sign(
        actor=cabinet.secretary, minutes=minutes, step="seal", pin=SEAL_PIN
    )
    seal_done = {
        "type": "event",
        "event": "alert.signature_settled",
        "data": {"key": f"sign:minutes:{minutes.pk}:seal"},
    }
    assert signature_alerts(cabinet.secretary) == [seal_call, seal_done]
    heard = {p.username for p in everyone(cabinet) if signature_alerts(p)}
    assert heard == {"chair", "secretary"}


def test_a_written_ballot_calls_its_recipients_until_they_sign_or_it_closes(cabinet, signers):
    ballot = open_ballot(cabinet)
    call = {
        "type": "event",
        "event": "alert.signature_requested",
        "data": {
            "key": f"sign:ballot:{ballot.pk}",
            "what": "ballot",
            "title": ballot.subject,
            "url": f"/ballots/{ballot.pk}/",
        },
    }
    done = {
        "type": "event",
        "event": "alert.signature_settled",
        "data": {"key": f"sign:ballot:{ballot.pk}"},
    }
    recipients = set(ballot.answers.values_list("member__username", flat=True))
    assert recipients == {m.username for m in cabinet.members}
    assert {p.username for p in everyone(cabinet) if signature_alerts(p)} == recipients
    assert signature_alerts(cabinet.minister) == [call]

    submitted = answer(signers.minister, ballot, "agree", "disagree")
    assert signature_alerts(cabinet.minister) == [call]  # submitted, not yet signed
    answer_sign(actor=signers.minister, answer=submitted, pin=USER_PIN)
    assert signature_alerts(cabinet.minister) == [call, done]

    assert ballots.ballot_close_due(ballot_id=ballot.pk, now=ballot.deadline)
    assert signature_alerts(cabinet.members[2]) == [call, done]
    assert signature_alerts(cabinet.minister) == [call, done]  # signed already: once is enough
    assert signature_alerts(cabinet.secretary) == []


def test_a_closed_draft_calls_its_author_to_sign_the_final_version(cabinet):
    draft = circulate(cabinet, actor=cabinet.minister)
    assert signature_alerts(cabinet.minister) == []
    circulation_close(actor=cabinet.secretary, circulation=draft)
    assert signature_alerts(cabinet.minister) == [
        {
            "type": "event",
            "event": "alert.signature_requested",
            "data": {
                "key": f"sign:draft:{draft.pk}",
                "what": "draft",
                "title": "Dự thảo Nghị định về quản lý đầu tư công",
                "url": f"/drafts/{draft.pk}/v/1/sign/",
            },
        }
    ]
    heard = {p.username for p in everyone(cabinet) if signature_alerts(p)}
    assert heard == {cabinet.minister.username}
