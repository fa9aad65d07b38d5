"""Two real instances exchange a document: the Government Office (the demo, with its
issued resolution) and the Ministry of Construction, each a Daphne process on its own
SQLite file, its own media and its own request key. The ministry is down when the
resolution is sent; once it is back the outbox delivers it, and a second delivery of the
same package leaves one document; the ministry registers, assigns and completes it, and
every status reaches the Government Office.

Run in the SQLite pass (the shorter one; the instances use their own databases whatever
the suite runs on): a dozen `manage.py` runs and two Daphnes, about a minute and a half.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from bench.common import daphne_command, free_port, process

ROOT = Path(__file__).resolve().parent.parent
GOVERNMENT = "000.00.00.G01"
MINISTRY = "000.00.14.G10"

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="runs in the SQLite pass (the shorter one)"
)

MINISTRY_SETUP = f"""
from django.contrib.auth.hashers import make_password
from people.models import Body, Role, User
from people.services import body_create, membership_grant
body = body_create(actor=None, name="Bộ Xây dựng", short_name="BXD", kind=Body.Kind.MINISTRY)
body.agency_code = "{MINISTRY}"
body.save(update_fields=["agency_code"])
for username, name, role in (
    ("vanthu.bxd", "Đỗ Thị Thư", Role.SECRETARIAT),
    ("chuyenvien.bxd", "Vũ Văn Hải", Role.MEMBER),
):
    user = User.objects.create(username=username, full_name=name, password=make_password("x"))
    membership_grant(actor=None, body=body, user=user, role=role)
print("ok")
"""

SEND = f"""
import json
from archive.models import Record
from exchange.models import Peer
from exchange.services import dispatch_create
from people.models import User
from signing.provisioning import DEMO_SEAL_PIN
record = Record.objects.get(kind="resolution")
peer = Peer.objects.get(code="{MINISTRY}")
secretary = User.objects.get(username="vpcp")
[d] = dispatch_create(actor=secretary, record=record, peers=[peer], pin=DEMO_SEAL_PIN)
d.refresh_from_db()
print(json.dumps({{"state": d.state, "attempts": d.attempts, "error": d.last_error}}))
"""

DISPATCH = f"""
import json
from exchange.models import Dispatch
d = Dispatch.objects.get(peer__code="{MINISTRY}")
codes = list(d.statuses.order_by("recorded_at").values_list("code", flat=True))
print(json.dumps({{"state": d.state, "attempts": d.attempts, "status": d.status, "codes": codes}}))
"""

REQUEUE = f"""
from django.utils import timezone
from exchange.models import Dispatch
Dispatch.objects.filter(peer__code="{MINISTRY}").update(
    state="queued", sent_at=None, next_attempt_at=timezone.now()
)
print("ok")
"""

HANDLE = """
import json
from exchange import services
from exchange.models import Incoming
from people.models import User
[incoming] = Incoming.objects.all()
clerk = User.objects.get(username="vanthu.bxd")
handler = User.objects.get(username="chuyenvien.bxd")
incoming = services.incoming_register(actor=clerk, incoming=incoming, handler=handler)
services.incoming_progress(actor=handler, incoming=incoming, state="processing")
services.incoming_progress(actor=handler, incoming=incoming, state="completed")
incoming.refresh_from_db()
print(json.dumps({
    "count": Incoming.objects.count(),
    "number": incoming.register_entry.number,
    "number_symbol": incoming.number_symbol,
    "state": incoming.state,
    "unsent": incoming.statuses_out.filter(sent_at__isnull=True).count(),
}))
"""


class Instance:
    def __init__(self, name: str, tmp: Path) -> None:
        self.name, self.port = name, free_port()
        self.var = tmp / name
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_REDIS_URL", "SOFTHSM2_CONF"}
        }
        self.env.update(
            {
                "ECABINET_VAR_DIR": str(self.var),
                "SITE_URL": self.url,
                "SIGNING_DEV_PKI_PORT": str(free_port()),
                "EXCHANGE_RETRY_SECONDS": "1",
                "TASKS_BACKEND": "immediate",
                "DJANGO_SETTINGS_MODULE": "ecabinet.settings",
            }
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{self.name} {args}: {result.stderr[-3000:]}"
        return result.stdout

    def shell(self, code: str) -> dict | str:
        out = self.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1]
        return json.loads(out) if out.startswith("{") else out

    def identity(self, code: str) -> Path:
        path = self.var / "identity.json"
        inbox = f"{self.url}/exchange/inbox/"
        path.write_text(self.manage("exchange_identity", "--body", code, "--inbox-url", inbox))
        return path

    def serving(self):
        return process(daphne_command(self.port), self.env, self.var / "daphne.log")

    def wait_healthy(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{self.name} did not answer on {self.url}")


def test_a_resolution_crosses_from_one_instance_to_another_once_though_the_recipient_was_down(
    tmp_path,
):
    government, ministry = Instance("vpcp", tmp_path), Instance("bxd", tmp_path)
    for instance in (government, ministry):
        instance.var.mkdir()
        instance.manage("migrate", "--noinput", "-v", "0")
    government.manage("seed_demo")
    assert ministry.shell(MINISTRY_SETUP) == "ok"
    ministry.manage("exchange_peer", "--body", MINISTRY, str(government.identity(GOVERNMENT)))
    government.manage("exchange_peer", "--body", GOVERNMENT, str(ministry.identity(MINISTRY)))

    with government.serving():
        government.wait_healthy()
        # The ministry's system is down: the package waits in the outbox.
        sent = government.shell(SEND)
        assert (sent["state"], sent["attempts"]) == ("queued", 1)
        assert "ConnectionError" in sent["error"]

        with ministry.serving():
            ministry.wait_healthy()
            time.sleep(1.1)  # the first retry is due after EXCHANGE_RETRY_SECONDS=1
            government.manage("exchange_send")
            first = government.shell(DISPATCH)
            assert (first["state"], first["attempts"]) == ("delivered", 2)
            # The ministry's "received" came back while it took the package.
            assert first["codes"] == ["01"]

            # An answer lost on the way: the same package goes again, and is taken once.
            government.shell(REQUEUE)
            government.manage("exchange_send")
            handled = ministry.shell(HANDLE)
            assert handled == {
                "count": 1,
                "number": 1,
                "number_symbol": "01/NQ-CP",
                "state": "completed",
                "unsent": 0,
            }
        after = government.shell(DISPATCH)
    assert after["state"] == "delivered" and after["status"] == "06"
    assert after["codes"] == ["01", "03", "04", "05", "06"]
