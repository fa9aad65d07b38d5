"""The chair signs the numbered resolution and the secretariat seals it, with real keys
on a SoftHSM2 token (tests/pki_fixtures.py): the issued PDF carries both signatures and
verifies in our tool and in pdfsig."""

from __future__ import annotations

import pytest

from ecabinet.errors import Conflict, Invalid, NotAllowed
from resolutions import services
from resolutions.models import Resolution
from signing.verify import pdf_verify
from tests import pki_fixtures
from tests.minutes_helpers import run_meeting
from tests.pki_fixtures import SEAL_PIN, USER_PIN, assert_independently_valid, version_bytes
from tests.test_ballots_helpers import version_text

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings


def numbered(cabinet) -> Resolution:
    meeting = run_meeting(cabinet)
    draft = services.resolution_draft_from_meeting(actor=cabinet.secretary, meeting=meeting)
    return services.resolution_number(actor=cabinet.secretary, resolution=draft)


def test_the_chair_signs_the_secretariat_seals_and_the_resolution_is_issued(
    cabinet, signers, nss_db, tmp_path
):
    resolution = numbered(cabinet)
    with pytest.raises(NotAllowed):
        services.resolution_sign(actor=signers.secretary, resolution=resolution, pin=USER_PIN)
    with pytest.raises(Conflict, match="after the chair"):
        services.resolution_seal(actor=signers.secretary, resolution=resolution, pin=SEAL_PIN)
    with pytest.raises(Invalid, match="Wrong PIN"):
        services.resolution_sign(actor=signers.chair, resolution=resolution, pin="000000")
    resolution.refresh_from_db()
    assert (resolution.state, resolution.current_version.number) == ("numbered", 1)
    signed = services.resolution_sign(actor=signers.chair, resolution=resolution, pin=USER_PIN)
    assert (signed.state, signed.current_version.number) == ("signed", 2)
    with pytest.raises(Conflict):
        services.resolution_sign(actor=signers.chair, resolution=signed, pin=USER_PIN)
    with pytest.raises(NotAllowed):
        services.resolution_seal(actor=signers.chair, resolution=signed, pin=SEAL_PIN)
    issued = services.resolution_seal(actor=signers.secretary, resolution=signed, pin=SEAL_PIN)
    assert (issued.state, issued.current_version.number) == ("issued", 3)
    assert issued.issued_at is not None
    data = version_bytes(issued.current_version)
    assert_independently_valid(data, nss_db, tmp_path, signatures=2)
    report = pdf_verify(data)
    assert report.ok, report.problems
    kinds = [s.kind for s in report.signatures if s.kind in ("personal", "seal")]
    assert kinds == ["personal", "seal"]  # beside them, the archive timestamps
    assert "Trần Đức Khiêm" in report.signatures[0].signer
    assert "Số: 01/NQ-CP" in version_text(issued.current_version)
    with pytest.raises(Conflict, match="issued resolution is not cancelled"):
        services.resolution_cancel(actor=signers.secretary, resolution=issued, reason="Sai")
    with pytest.raises(Conflict):
        services.resolution_update(
            actor=signers.secretary,
            resolution=issued,
            title="x",
            preamble="",
            articles=["y"],
            tasks=[],
        )


def test_the_pages_take_the_chair_s_pin_then_the_seal_s(cabinet, signers, client):
    resolution = numbered(cabinet)
    url = f"/resolutions/{resolution.pk}/"
    client.force_login(signers.secretary)
    assert 'data-testid="sign-form"' not in client.get(url).content.decode()
    client.force_login(signers.chair)
    page = client.get(url).content.decode()
    assert 'data-testid="sign-form"' in page and 'name="sign-pin"' in page
    wrong = client.post(f"{url}sign/", {"sign-pin": "000000"})
    assert wrong.status_code == 422 and 'data-testid="sign-form"' in wrong.content.decode()
    assert client.post(f"{url}sign/", {"sign-pin": USER_PIN}).status_code == 302
    assert client.post(f"{url}seal/", {"sign-pin": SEAL_PIN}).status_code == 403
    client.force_login(signers.secretary)
    assert client.post(f"{url}seal/", {"sign-pin": SEAL_PIN}).status_code == 302
    resolution.refresh_from_db()
    assert (resolution.state, resolution.current_version.number) == ("issued", 3)
    page = client.get(url).content.decode()
    assert 'data-testid="sign-form"' not in page and 'data-testid="cancel-form"' not in page
