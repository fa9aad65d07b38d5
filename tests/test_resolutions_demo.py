"""seed_demo issues the resolution of the meeting it held: drafted from the record, with
tasks, numbered in the outgoing register, signed by the Prime Minister and sealed with
the demo PINs; its tasks assigned, in progress and completed by their lead agencies; and
a report received from a ministry in the incoming register. A second run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from archive.models import Record
from demo.data import PASSWORD
from demo.seed_minutes import TITLE
from exchange.models import Dispatch
from registers.models import RegisterEntry
from resolutions.models import Resolution, TaskReport
from tests import pki_fixtures
from tests.pki_fixtures import assert_independently_valid, version_bytes

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signing_settings = pki_fixtures.signing_settings


def test_the_demo_has_an_issued_resolution_with_tasks_in_each_state(
    signing_settings, nss_db, tmp_path
):
    call_command("seed_demo", stdout=io.StringIO())
    resolution = Resolution.objects.get(meeting__title=TITLE)
    assert resolution.state == Resolution.State.ISSUED
    assert resolution.number_symbol.endswith("/NQ-CP")
    assert resolution.register_entry.number_symbol == resolution.number_symbol
    assert_independently_valid(
        version_bytes(resolution.current_version), nss_db, tmp_path, signatures=2
    )
    states = dict(resolution.tasks.values_list("lead_agency", "state"))
    assert states == {
        "Bộ Công an": "assigned",
        "Bộ Khoa học và Công nghệ": "in_progress",
        "Bộ Tư pháp": "completed",
    }
    assert TaskReport.objects.filter(task__resolution=resolution).count() == 2

    # The archivist finds it in the archive, without accents.
    archivist = Client()
    assert archivist.login(username="luutru", password=PASSWORD)
    found = archivist.get("/archive/", {"q": "nghi quyet phien hop"}).content.decode()
    assert f'data-record-id="{resolution.archive_record_id}"' in found
    assert Record.objects.get(pk=resolution.archive_record_id).kind == "resolution"

    received = RegisterEntry.objects.get(number_symbol="1520/BTC-NSNN")
    assert received.sender == "Bộ Tài chính" and received.register.direction == "in"

    # Sent over the exchange to two ministries, each at its own step.
    dispatches = Dispatch.objects.filter(record_id=resolution.archive_record_id)
    assert dict(dispatches.values_list("peer__name", "status")) == {
        "Bộ Y tế": "06",
        "Bộ Tài chính": "03",
    }
    assert set(dispatches.values_list("state", flat=True)) == {"delivered"}
    secretariat = Client()
    assert secretariat.login(username="vpcp", password=PASSWORD)
    page = secretariat.get(f"/resolutions/{resolution.pk}/").content.decode()
    assert page.count('data-testid="exchange-recipient"') == 2
    clerk = Client()
    assert clerk.login(username="vanthu.byt", password=PASSWORD)
    listing = clerk.get("/exchange/incoming/").content.decode()
    assert resolution.number_symbol in listing and 'data-state="completed"' in listing

    # The lead agency's minister sees the task due in two days on the home page.
    client = Client()
    assert client.login(username="bt.congan", password=PASSWORD)
    assert "Luật Dữ liệu" in client.get("/").content.decode()

    call_command("seed_demo", stdout=io.StringIO())
    assert Resolution.objects.count() == 1
    assert Record.objects.filter(kind="resolution").count() == 1
    assert RegisterEntry.objects.filter(number_symbol="1520/BTC-NSNN").count() == 1
    assert TaskReport.objects.count() == 2
    assert Dispatch.objects.count() == 2
