"""End to end: a meeting runs through the real services, closes, its minutes are
drafted, edited, signed by the secretary and the chair and sealed with real keys on
SoftHSM2 tokens (PAdES B-LTA with the development TSA), archived, exported with
`minutes_export` and verified by `verify_pdf` and by tools we did not write."""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pytest
from django.core.management import call_command

from archive.models import Record
from archive.selectors import record_search
from minutes import pdf, services
from minutes.facts import closing_head
from minutes.models import Minutes
from signing.provisioning import key_provision
from tests import pki_fixtures
from tests.minutes_helpers import CONCLUSION, run_meeting
from tests.pki_fixtures import SEAL_PIN, USER_PIN, assert_independently_valid, version_bytes

pytestmark = pytest.mark.django_db(transaction=False)

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings


def _tool(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_meeting_s_minutes_are_drafted_signed_in_order_archived_and_exported(
    cabinet, signers, dev_pki, nss_db, tmp_path
):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    meeting = run_meeting(cabinet)

    minutes = Minutes.objects.get(meeting=meeting)  # drafted as the meeting closed
    first = minutes.drafts.get()
    item = meeting.items.order_by("order").first()
    assert first.content["items"][str(item.pk)]["conclusion"] == CONCLUSION
    facts = minutes.facts
    assert [p["name"] for p in facts["attendance"]["deputies"]] == ["Lê Văn Phó"]
    assert facts["attendance"]["on_leave"][0]["reason"] == "Công tác nước ngoài"
    assert facts["quorum"]["seats_attended"] == 6 and facts["quorum"]["needed"] == 4
    spoken = facts["items"][0]["speakers"]
    assert [s["id"] for s in spoken] == [cabinet.minister.pk]
    vote = facts["items"][0]["votes"][0]
    assert vote["result"]["counts"] == {"yes": 4, "no": 1, "abstain": 0}
    assert vote["result"]["adopted"] and vote["rule"]["majority_base"] == "all_members"

    content = dict(first.content)
    content["items"] = {
        str(item.pk): {"summary": "Các thành viên thảo luận về dự thảo.", "conclusion": CONCLUSION}
    }
    content["closing"] = "Chủ tọa cảm ơn các thành viên."
    saved = services.minutes_draft_save(
        actor=signers.secretary, minutes=minutes, content=content, based_on=1
    )
    assert saved.number == 2 and minutes.drafts.count() == 2

    minutes = services.minutes_issue(actor=signers.secretary, minutes=minutes)
    assert minutes.state == Minutes.State.SECRETARY
    minutes = services.minutes_sign(
        actor=signers.secretary, minutes=minutes, step="secretary", pin=USER_PIN
    )
    minutes = services.minutes_sign(
        actor=signers.chair, minutes=minutes, step="chair", pin=USER_PIN
    )
    minutes = services.minutes_sign(
        actor=signers.secretary, minutes=minutes, step="seal", pin=SEAL_PIN
    )
    assert minutes.state == Minutes.State.ARCHIVED and minutes.current_version.number == 4
    record = Record.objects.get(pk=minutes.archive_record_id)
    assert record.version_id == minutes.current_version_id and record.kind == "minutes"
    found = record_search(actor=cabinet.archivist, q="bien ban")
    assert record.pk in [r.pk for r in found.records]

    out = tmp_path / "bien-ban.pdf"
    call_command("minutes_export", meeting=meeting.pk, out=str(out), stdout=io.StringIO())
    data = out.read_bytes()
    assert data == version_bytes(minutes.current_version)
    report = io.StringIO()
    call_command("verify_pdf", str(out), trust=[str(dev_pki.pki.root_pem)], stdout=report)
    assert report.getvalue().strip().endswith("VALID")  # exit 0: sys.exit(1) otherwise
    assert report.getvalue().count("[OK ]") >= 3

    # Tools we did not write agree.
    assert_independently_valid(data, nss_db, tmp_path, signatures=3)
    assert "bien-ban.json" in _tool("pdfdetach", "-list", str(out))
    fonts = _tool("pdffonts", str(out)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    with pikepdf.open(io.BytesIO(data)) as doc:
        assert doc.open_metadata().pdfa_status == "3B"
    assert pdf.metadata_mismatches(data) == []
    embedded = pdf.embedded_record(data)
    assert embedded["audit_head_at_closing"] == closing_head(meeting) != ""
    assert embedded["items"][0]["votes"][0]["ballots"][0]["choice"] in {"yes", "no"}
    text = _tool("pdftotext", "-layout", str(out), "-")
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BIÊN BẢN",
        "THƯ KÝ",
        "CHỦ TỌA",
        "01/BB-CP",
        "Các thành viên thảo luận về dự thảo.",
    ):
        assert words in text


def test_exporting_minutes_that_are_not_archived_fails_clearly(cabinet, tmp_path):
    from django.core.management.base import CommandError

    from tests.minutes_helpers import issued

    minutes = issued(cabinet)
    out = tmp_path / "none.pdf"
    for meeting_id in (minutes.meeting_id, 987654):
        with pytest.raises(CommandError, match="no signed, archived minutes"):
            call_command("minutes_export", meeting=meeting_id, out=str(out))
    assert not out.exists()
