"""The outside check (`make verify-records`): the demo's archived records exported and
judged by scripts/verify_records.py in its own process, with pyHanko's stock AdES-LTA
validator (now, +1 and +5 years after the last signer certificate expires), pdfsig and
qpdf, trusting only the exported development root: the signed minutes, and the demo's
closed ballot's sealed report and signed answers, as the seed files them. A tampered copy
fails it. On PostgreSQL only: it seeds the whole demo, which the SQLite run already
covers."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests import pki_fixtures
from tests.pki_fixtures import flip_byte_in_first_stream

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


def test_the_demos_archived_records_pass_the_outside_check_and_a_tampered_copy_fails(
    signing_settings, tmp_path
):
    call_command("seed_demo", stdout=io.StringIO())
    records = tmp_path / "records"
    call_command("archive_export_records", out=str(records), stdout=io.StringIO())
    root = tmp_path / "root.pem"
    call_command("pki", "export-root", "--out", str(root), stdout=io.StringIO())
    (minutes,) = sorted(records.glob("record-*-minutes.pdf"))
    (report,) = sorted(records.glob("record-*-ballot_report.pdf"))
    answers = sorted(records.glob("record-*-ballot_answer.pdf"))
    assert answers, sorted(p.name for p in records.iterdir())

    result = judge(records, root)
    assert result.returncode == 0, result.stdout + result.stderr
    judged = [(minutes, 3), (report, 2), *((answer, 1) for answer in answers)]
    for path, signatures in judged:
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
