"""The outside check (`make verify-records`): the demo's archived records exported and
judged by scripts/verify_records.py in its own process, with pyHanko's stock AdES-LTA
validator (now, +1 and +5 years after the last signer certificate expires), pdfsig and
qpdf, trusting only the exported development root: the signed minutes, and the demo's
ballot closed with its report signed and sealed. A tampered copy fails it. On PostgreSQL
only: it seeds the whole demo, which the SQLite run already covers."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from ballots.models import Ballot
from ballots.services import ballot_close_due
from ballots.services_sign import answer_sign, report_issue, report_sign
from demo.data import REGULAR_MEETING
from demo.seed_ballots import SUBJECT
from people.models import User
from signing.provisioning import key_provision
from tests import pki_fixtures
from tests.pki_fixtures import SEAL_PIN, USER_PIN, flip_byte_in_first_stream

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

# Seeding signs the demo minutes: with the tests' own PKI, never the checkout's var/pki.
dev_pki, signing_settings = pki_fixtures.dev_pki, pki_fixtures.signing_settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "verify_records.py"
CHECKS = (
    "pyHanko AdES-LTA now",
    "(signer expiry +1 year)",
    "(signer expiry +5 years)",
    "pdfsig",
    "qpdf --check",
)


def judge(folder: Path, root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(folder), "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def lines_for(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(name + " ")]


def seal_the_demo_ballots_report(pki) -> None:
    """The member who answered the demo's ballot signs the answer (the body counts only
    signed answers); the ballot closes at its deadline; the secretary signs and seals the
    report, which files the report and the signed answer in the archive."""
    ballot = Ballot.objects.get(subject=SUBJECT)
    secretary = User.objects.get(username=REGULAR_MEETING.secretary)
    submitted = ballot.answers.get(state="submitted")
    answered_by = submitted.answered_by or submitted.member
    key_provision(actor=None, pki=pki, pin=USER_PIN, user=answered_by)
    answer_sign(actor=answered_by, answer=submitted, pin=USER_PIN)
    assert ballot_close_due(ballot_id=ballot.pk, now=ballot.deadline)
    ballot.refresh_from_db()
    report_issue(actor=secretary, ballot=ballot)
    report_sign(actor=secretary, ballot=ballot, pin=USER_PIN)
    report_sign(actor=secretary, ballot=ballot, pin=SEAL_PIN, kind="seal")


def test_the_demos_archived_records_pass_the_outside_check_and_a_tampered_copy_fails(
    signing_settings, dev_pki, tmp_path
):
    call_command("seed_demo", stdout=io.StringIO())
    seal_the_demo_ballots_report(dev_pki.pki)
    records = tmp_path / "records"
    call_command("archive_export_records", out=str(records), stdout=io.StringIO())
    root = tmp_path / "root.pem"
    call_command("pki", "export-root", "--out", str(root), stdout=io.StringIO())
    (minutes,) = sorted(records.glob("record-*-minutes.pdf"))
    (report,) = sorted(records.glob("record-*-ballot_report.pdf"))
    (answer,) = sorted(records.glob("record-*-ballot_answer.pdf"))

    result = judge(records, root)
    assert result.returncode == 0, result.stdout + result.stderr
    for path, signatures in ((minutes, 3), (report, 2), (answer, 1)):
        lines = lines_for(result.stdout, path.name)
        assert len(lines) == len(CHECKS), result.stdout
        for check, line in zip(CHECKS, lines, strict=True):
            assert check in line and "  pass: " in line, line
        assert f"{signatures} signature(s) OK" in lines[0], lines[0]
        assert f"{signatures} signature(s) valid and trusted" in lines[3], lines[3]
    assert "NOTE after expiry" not in result.stdout  # +5 years is before the TSA/CA/root end
    assert ", 0 failed" in result.stdout

    tampered = tmp_path / "tampered"
    tampered.mkdir()
    (tampered / minutes.name).write_bytes(flip_byte_in_first_stream(minutes.read_bytes()))
    result = judge(tampered, root)
    assert result.returncode == 1, result.stdout + result.stderr
    verdicts = lines_for(result.stdout, minutes.name)
    assert "  FAIL" in verdicts[0] and "  FAIL" in next(v for v in verdicts if "pdfsig" in v)
    assert ", 0 failed" not in result.stdout
