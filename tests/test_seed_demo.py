"""seed_demo builds a believable cabinet through the services; a second run changes nothing."""

import hashlib
import io
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.test import Client

from demo.data import GOVERNMENT, LAO_CAI, PASSWORD
from documents.models import Confidentiality, Document, DocumentVersion, Urgency
from ecabinet.audit.models import AuditEntry
from ecabinet.audit.services import chain_verify
from meetings.models import AgendaItem, Meeting, Participant, Position
from people.models import Body, Membership, Role, User
from people.selectors import body_chair, body_members
from tests import pki_fixtures

pytestmark = pytest.mark.django_db

# Seeding signs the demo minutes: with the tests' own PKI, never the checkout's var/pki.
dev_pki, signing_settings = pki_fixtures.dev_pki, pki_fixtures.signing_settings

COUNTED = (
    User,
    Body,
    Membership,
    Meeting,
    AgendaItem,
    Participant,
    Document,
    DocumentVersion,
    Position,
    AuditEntry,
)


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_builds_the_government_with_a_published_meeting_and_real_papers(
    signing_settings,
):
    output = seed()

    government = Body.objects.get(name=GOVERNMENT.name)
    assert government.kind == Body.Kind.GOVERNMENT
    assert government.quorum_fraction == Fraction(2, 3)
    assert government.majority_base == Body.MajorityBase.ALL_MEMBERS
    assert government.tie_break == Body.TieBreak.CHAIR_SIDE
    assert body_chair(body=government).username == "thutuong"
    members = list(body_members(body=government))
    assert len(members) >= 20
    assert all(m.full_name and m.title and m.organisation for m in members)

    meeting = Meeting.objects.get(body=government, state=Meeting.State.PUBLISHED)
    assert meeting.title.startswith("Phiên họp Chính phủ thường kỳ tháng ")
    assert meeting.state == Meeting.State.PUBLISHED
    items = list(meeting.items.all())
    assert 6 <= len(items) <= 8
    for item in items:
        assert item.presenter is not None and item.presenting_agency
        assert 1 <= item.papers.count() <= 2
    for paper in meeting.papers.select_related("document"):
        version = paper.document.latest_version()
        with version.file.open("rb") as handle:
            data = handle.read()
        assert data.startswith(b"%PDF-")
        assert hashlib.sha256(data).hexdigest() == version.sha256
        assert version.page_count >= 2
    secret = Document.objects.get(body=government, confidentiality=Confidentiality.CONFIDENTIAL)
    assert secret.recipients.filter(username="thutuong").exists()
    assert Document.objects.filter(body=government, urgency=Urgency.URGENT).count() == 1

    consent = [
        i for i in items if i.positions.filter(stance="no_objection").count() == len(members)
    ]
    assert len(consent) == 1
    assert Position.objects.filter(item__meeting=meeting, stance="object").exclude(comment="")
    guest = meeting.participants.get(kind=Participant.Kind.GUEST)
    assert guest.user.username == "khach.vcci" and guest.items.count() == 1

    province = Body.objects.get(name=LAO_CAI.name)
    province_members = set(body_members(body=province))
    assert len(province_members) >= 8 and not province_members & set(members)
    assert Meeting.objects.get(body=province).state == Meeting.State.DRAFT
    assert Membership.objects.filter(body=province, role=Role.SECRETARIAT).exists()

    # The published meeting, and the past one that was published, held and closed.
    assert AuditEntry.objects.filter(action="meeting.published").count() == 2
    closed = Meeting.objects.get(body=government, state=Meeting.State.CLOSED)
    assert closed.minutes.get().state == "archived"
    assert chain_verify() == []
    assert Client().login(username="thutuong", password=PASSWORD)
    assert "thutuong" in output and PASSWORD in output


def test_running_seed_demo_twice_changes_nothing(signing_settings):
    seed()
    before = counts()

    output = seed()

    assert counts() == before
    assert "nothing changed" in output
    assert chain_verify() == []
