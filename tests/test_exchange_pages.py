"""The exchange as people see it: on an issued resolution's page the secretariat seals and
sends it to chosen agencies and everyone who reads the registers sees each recipient's
status; on the recipient's side the clerk registers and assigns what arrived, the handler
reports it processed and completed, and nobody else sees it."""

from __future__ import annotations

import pytest
from django.test import Client

from exchange.models import Dispatch, Incoming, StatusOut
from registers.models import RegisterEntry
from tests import pki_fixtures
from tests.exchange_helpers import connect, issued_record
from tests.pki_fixtures import SEAL_PIN
from tests.test_exchange_inbox import _package, _post

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cabinet, signers, dev_pki, settings, tmp_path):
    # Kept, not run: the peers' address is not reachable from a test.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    linked = connect(cabinet, dev_pki.dir, "http://inbox.example.org")
    return linked, issued_record(cabinet, signers)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_secretariat_seals_and_sends_from_the_resolution_page_and_sees_each_status(
    cabinet, setup
):
    linked, record = setup
    page_url = record.source_url
    secretary = _client(cabinet.secretary)
    page = secretary.get(page_url).content.decode()
    assert 'data-testid="exchange-send-form"' in page
    assert "Bộ Y tế (000.00.16.G10)" in page
    assert "Not sent to any agency yet." in page

    send_url = f"/exchange/send/{record.pk}/"
    wrong = secretary.post(
        send_url, {"send-peers": [linked.to_ministry.pk], "send-pin": "000000"}, follow=True
    )
    assert "Wrong PIN; nothing was signed. 4 attempts left" in wrong.content.decode()
    assert Dispatch.objects.count() == 0
    missing = secretary.post(send_url, {"send-pin": SEAL_PIN}, follow=True)
    assert "This field is required." in missing.content.decode()

    sent = secretary.post(
        send_url, {"send-peers": [linked.to_ministry.pk], "send-pin": SEAL_PIN}, follow=True
    )
    assert sent.status_code == 200
    body = sent.content.decode()
    assert "Sent to Bộ Y tế" in body
    assert 'data-code="000.00.16.G10" data-state="queued"' in body
    assert 'data-testid="exchange-send-form"' not in body  # nobody left to send to
    dispatch = Dispatch.objects.get()
    assert dispatch.created_by == cabinet.secretary

    # The chair reads the statuses; a minister does not see the section at all.
    chair_page = _client(cabinet.chair).get(page_url).content.decode()
    assert 'data-testid="exchange-sent"' in chair_page
    assert 'data-testid="exchange-send-form"' not in chair_page
    minister_page = _client(cabinet.minister).get(page_url).content.decode()
    assert 'data-testid="exchange-sent"' not in minister_page
    # Nor may anyone but the secretariat send.
    chair_send = _client(cabinet.chair).post(
        send_url, {"send-peers": [linked.to_ministry.pk], "send-pin": SEAL_PIN}
    )
    assert chair_send.status_code in (302, 403)
    assert Dispatch.objects.count() == 1


def test_the_ministry_registers_assigns_and_completes_what_arrived_on_its_pages(cabinet, setup):
    linked, record = setup
    ministry = linked.ministry
    assert _post(_package(record)).status_code == 202
    incoming = Incoming.objects.get()
    url = f"/exchange/incoming/{incoming.pk}/"

    clerk = _client(ministry.clerk)
    listing = clerk.get("/exchange/incoming/").content.decode()
    assert "01/NQ-CP" in listing and 'data-state="received"' in listing
    page = clerk.get(url).content.decode()
    assert 'data-testid="incoming-register-form"' in page
    pdf = clerk.get(f"{url}file.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")

    # A clerk whose membership has ended no longer sees it.
    former = ministry.clerk.memberships.get(body=ministry.body)
    former.is_active = False
    former.save(update_fields=["is_active"])
    assert clerk.get(url).status_code == 404
    former.is_active = True
    former.save(update_fields=["is_active"])

    # Others: the Government Office's people, the handler before it is assigned.
    for outsider in (cabinet.secretary, cabinet.minister, ministry.handler):
        assert _client(outsider).get(url).status_code == 404
        assert _client(outsider).get(f"{url}file.pdf").status_code == 404
    assert _client(ministry.minister).post(f"{url}register/", {}).status_code == 403

    done = clerk.post(f"{url}register/", {"handler": ministry.handler.pk}, follow=True)
    assert "Entered in the incoming register as number 1." in done.content.decode()
    incoming.refresh_from_db()
    assert incoming.state == "assigned" and incoming.handler == ministry.handler
    assert RegisterEntry.objects.get(pk=incoming.register_entry_id).handler == ministry.handler

    handler = _client(ministry.handler)
    assert 'data-testid="incoming-processing"' in handler.get(url).content.decode()
    handler.post(f"{url}progress/", {"state": "processing"})
    handler.post(f"{url}progress/", {"state": "completed"})
    incoming.refresh_from_db()
    assert incoming.state == "completed"
    bad = handler.post(f"{url}progress/", {"state": "deleted"})
    assert bad.status_code == 422
    codes = list(StatusOut.objects.order_by("created_at").values_list("code", flat=True))
    assert codes == ["01", "03", "04", "05", "06"]


def test_what_arrived_is_a_duty_of_the_clerk_then_of_the_handler_until_completed(cabinet, setup):
    from exchange import services
    from worklist.selectors import work_count, work_for

    linked, record = setup
    ministry = linked.ministry

    def kinds(user) -> list[str]:
        return [d.kind for d in work_for(user=user) if d.kind.startswith("exchange_")]

    assert kinds(ministry.clerk) == []
    assert _post(_package(record)).status_code == 202
    incoming = Incoming.objects.get()
    assert kinds(ministry.clerk) == ["exchange_register"]
    [duty] = [d for d in work_for(user=ministry.clerk) if d.kind == "exchange_register"]
    assert duty.url == f"/exchange/incoming/{incoming.pk}/"
    assert "Văn phòng Chính phủ" in duty.detail
    assert kinds(cabinet.secretary) == []  # the sender's secretariat has nothing to do here
    before = work_count(user=ministry.clerk)

    incoming = services.incoming_register(actor=ministry.clerk, incoming=incoming)
    assert kinds(ministry.clerk) == ["exchange_register"]  # registered, still to assign
    services.incoming_assign(actor=ministry.clerk, incoming=incoming, handler=ministry.handler)
    assert kinds(ministry.clerk) == []
    assert work_count(user=ministry.clerk) == before - 1
    assert kinds(ministry.handler) == ["exchange_handle"]
    services.incoming_progress(actor=ministry.handler, incoming=incoming, state="processing")
    assert kinds(ministry.handler) == ["exchange_handle"]
    services.incoming_progress(actor=ministry.handler, incoming=incoming, state="completed")
    assert kinds(ministry.handler) == []
    home = _client(ministry.handler).get("/").content.decode()
    assert 'data-kind="exchange_handle"' not in home
