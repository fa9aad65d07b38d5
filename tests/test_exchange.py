"""Documents between agencies: a resolution the Government Office issues is sent, sealed,
to the Ministry of Health's inbox over real HTTP; the ministry checks it, registers and
assigns it, its handler processes and completes it, and each step's status message
reaches the sender. Sending survives an unreachable peer, and is taken once."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from archive.edxml import schema
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from exchange import services
from exchange.models import Dispatch, Incoming, StatusEntry, StatusOut
from registers.models import Register
from tests import pki_fixtures
from tests.exchange_helpers import MINISTRY_CODE, connect, issued_record
from tests.pki_fixtures import SEAL_PIN

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings

pytestmark = [
    pytest.mark.usefixtures("_static_root_for_live_server"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="session")
def _static_root_for_live_server(tmp_path_factory):
    # The live server is built once per session, before the per-test settings apply,
    # and WhiteNoise warns (an error here) when STATIC_ROOT does not exist.
    from django.test import override_settings

    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static")):
        yield


@pytest.fixture
def held_tasks(settings):
    """Background tasks are kept, not run: the test runs the outbox itself, so the live
    server never calls itself back while the test waits for it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def linked(cabinet, signers, dev_pki, live_server, held_tasks, settings, tmp_path):
    return connect(cabinet, dev_pki.dir, live_server.url)


def _codes(dispatch: Dispatch) -> list[str]:
    return list(StatusEntry.objects.filter(dispatch=dispatch).values_list("code", flat=True))


def test_an_issued_resolution_is_sent_received_registered_assigned_and_completed(
    cabinet, signers, linked
):
    record = issued_record(cabinet, signers)
    ministry = linked.ministry
    with pytest.raises(NotAllowed):
        services.dispatch_create(
            actor=cabinet.minister, record=record, peers=[linked.to_ministry], pin=SEAL_PIN
        )
    with pytest.raises(Invalid, match="PIN"):
        services.dispatch_create(
            actor=cabinet.secretary, record=record, peers=[linked.to_ministry], pin=""
        )
    [dispatch] = services.dispatch_create(
        actor=cabinet.secretary, record=record, peers=[linked.to_ministry], pin=SEAL_PIN
    )
    assert (dispatch.state, dispatch.number_symbol) == ("queued", "01/NQ-CP")
    # What goes out follows the standard's schema, addressed to the ministry.
    with dispatch.package.open("rb") as handle:
        package = etree.fromstring(handle.read())
    assert schema().validate(package), schema().error_log
    assert package.findtext(".//{*}To/{*}OrganId") == MINISTRY_CODE
    # Sent again: the peer already has it, nothing more is queued.
    assert (
        services.dispatch_create(
            actor=cabinet.secretary, record=record, peers=[linked.to_ministry], pin=SEAL_PIN
        )
        == []
    )

    assert services.outbox_run() == {"sent": 1, "refused": 0, "failed": 0}
    dispatch.refresh_from_db()
    assert (dispatch.state, dispatch.attempts) == ("delivered", 1)
    incoming = Incoming.objects.get()
    assert incoming.body == ministry.body and incoming.sender.code == "000.00.00.G01"
    assert (incoming.number_symbol, incoming.type_name) == ("01/NQ-CP", "Nghị quyết")
    assert incoming.pdf_sha256 == record.sha256
    with incoming.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == record.sha256
    assert "Trần Đức Khiêm" in incoming.signers

    # The ministry's "received" goes back on the next run of its outbox.
    assert services.outbox_run()["sent"] == 1
    assert _codes(dispatch) == ["01"]

    with pytest.raises(NotFound):  # the Government Office's clerk is not the ministry's
        services.incoming_register(actor=cabinet.secretary, incoming=incoming)
    registered = services.incoming_register(
        actor=ministry.clerk, incoming=incoming, handler=ministry.handler
    )
    assert registered.state == "assigned"
    entry = registered.register_entry
    assert (entry.register.direction, entry.number, entry.sender) == (
        Register.Direction.IN,
        1,
        "Văn phòng Chính phủ",
    )
    assert entry.number_symbol == "01/NQ-CP" and entry.doc_type == "nghi_quyet"
    with pytest.raises(Conflict):
        services.incoming_register(actor=ministry.clerk, incoming=incoming)
    with pytest.raises(NotAllowed):
        services.incoming_progress(actor=ministry.clerk, incoming=incoming, state="processing")
    services.incoming_progress(actor=ministry.handler, incoming=incoming, state="processing")
    services.incoming_progress(actor=ministry.handler, incoming=incoming, state="completed")
    with pytest.raises(Conflict):
        services.incoming_progress(actor=ministry.handler, incoming=incoming, state="processing")

    assert services.outbox_run()["sent"] == 4
    dispatch.refresh_from_db()
    assert _codes(dispatch) == ["01", "03", "04", "05", "06"]
    assert dispatch.status == "06"
    staff = StatusEntry.objects.get(dispatch=dispatch, code="04").staff
    assert staff == "Lê Văn Thư"
    # Every status message went once; a run with nothing due sends nothing.
    assert StatusOut.objects.filter(sent_at__isnull=True).count() == 0
    assert services.outbox_run() == {"sent": 0, "refused": 0, "failed": 0}
    # The sender's page shows the recipient at its last step, and every step.
    secretary = Client()
    secretary.force_login(cabinet.secretary)
    page = secretary.get(record.source_url).content.decode()
    assert f'data-code="{MINISTRY_CODE}" data-state="delivered" data-status="06"' in page
    for label in ("Received", "Registered", "Assigned", "Being processed", "Completed"):
        assert label in page, label
    assert "Lê Văn Thư" in page
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"exchange.sent", "exchange.received", "exchange.assigned"} <= actions
    assert {"exchange.status_received", "exchange.completed", "register.received"} <= actions


def test_an_unreachable_peer_is_tried_again_later_and_gets_the_document_once(
    cabinet, signers, linked, live_server
):
    record = issued_record(cabinet, signers)
    peer = linked.to_ministry
    peer.inbox_url = "http://127.0.0.1:9/exchange/inbox/"  # nothing listens on port 9
    peer.save(update_fields=["inbox_url"])
    [dispatch] = services.dispatch_create(
        actor=cabinet.secretary, record=record, peers=[peer], pin=SEAL_PIN
    )
    before = timezone.now()
    assert services.outbox_run() == {"sent": 0, "refused": 0, "failed": 1}
    dispatch.refresh_from_db()
    assert (dispatch.state, dispatch.attempts) == ("queued", 1)
    assert "ConnectionError" in dispatch.last_error
    assert dispatch.next_attempt_at >= before + dt.timedelta(seconds=30)
    # Not due yet: nothing is tried.
    assert services.outbox_run() == {"sent": 0, "refused": 0, "failed": 0}

    # The peer is back; the wait is over.
    peer.inbox_url = live_server.url + "/exchange/inbox/"
    peer.save(update_fields=["inbox_url"])
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert services.outbox_run()["sent"] == 1
    # The reply was lost and the package went again: the ministry holds it once, and
    # owes one "received" (sent in the same run).
    Dispatch.objects.filter(pk=dispatch.pk).update(
        state="queued", sent_at=None, next_attempt_at=timezone.now()
    )
    assert services.outbox_run()["sent"] == 2
    assert Incoming.objects.count() == 1
    assert list(StatusOut.objects.values_list("code", flat=True)) == ["01"]
    assert _codes(dispatch) == ["01"]
    dispatch.refresh_from_db()
    assert (dispatch.state, dispatch.attempts) == ("delivered", 3)


def test_the_wait_doubles_after_each_failed_try_up_to_the_maximum(settings):
    settings.EXCHANGE_RETRY_SECONDS, settings.EXCHANGE_RETRY_MAX_SECONDS = 30, 3600
    waits = [services.backoff(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_recipient_that_is_not_a_peer_of_the_body_is_refused(cabinet, signers, linked):
    record = issued_record(cabinet, signers)
    with pytest.raises(Invalid, match="not one of this body's"):
        services.dispatch_create(
            actor=cabinet.secretary, record=record, peers=[linked.to_government], pin=SEAL_PIN
        )
    with pytest.raises(Invalid, match="at least one"):
        services.dispatch_create(actor=cabinet.secretary, record=record, peers=[], pin=SEAL_PIN)
    assert Dispatch.objects.count() == 0
    assert linked.to_ministry.code == MINISTRY_CODE
