# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Signing a meeting paper from its page: the presenter signs with the PIN, the
secretariat applies the seal, the verify page checks what is stored, and everyone else
is refused with the right status and nothing changed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from documents.models import DocumentVersion
from ecabinet.audit.models import AuditEntry
from meetings import services as meeting_services
from signing.models import Signature
from tests.factories import NamedBytes, pdf_bytes
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    nss_db,
    signers,
    signing_settings,
    version_bytes,
)
from tests.roles import client_for
from tests.signing_helpers import close_meeting, presented_paper

pytestmark = pytest.mark.django_db


def urls(paper, number: int) -> dict[str, str]:
    args = [paper.meeting_id, paper.pk, number]
    return {
        "page": reverse("meetings:paper", args=args[:2]),
        "sign": reverse("meetings:paper_sign", args=args),
        "seal": reverse("meetings:paper_seal", args=args),
        "verify": reverse("meetings:paper_verify", args=args),
    }


def counts() -> tuple[int, int]:
    return DocumentVersion.objects.count(), Signature.objects.count()


def test_the_presenter_signs_the_secretariat_seals_and_the_verify_page_says_valid(
    cabinet, meeting, signers, nss_db, tmp_path
):
    paper = presented_paper(cabinet, meeting)
    first = urls(paper, 1)
    minister = client_for(cabinet, "minister")
    page = minister.get(first["page"]).content.decode()
    assert 'data-testid="sign-1"' in page and 'data-testid="verify-1"' in page
    assert 'data-testid="seal-1"' not in page  # the seal is the secretariat's

    form = minister.get(first["sign"]).content.decode()
    assert 'type="password"' in form and 'autocomplete="off"' in form
    response = minister.post(first["sign"], {"pin": USER_PIN})
    assert response.status_code == 302 and response.url == first["page"]
    v2 = paper.document.versions.get(number=2)
    assert_independently_valid(version_bytes(v2), nss_db, tmp_path, signatures=1)

    secretary = client_for(cabinet, "secretary")
    second = urls(paper, 2)
    page = secretary.get(second["page"]).content.decode()
    assert 'data-testid="seal-2"' in page and 'data-testid="seal-1"' not in page
    response = secretary.post(second["seal"], {"pin": SEAL_PIN})
    assert response.status_code == 302
    v3 = paper.document.versions.get(number=3)
    assert_independently_valid(version_bytes(v3), nss_db, tmp_path, signatures=2)
    assert list(Signature.objects.order_by("pk").values_list("kind", "signer")) == [
        ("personal", signers.minister.pk),
        ("seal", signers.secretary.pk),
    ]

    report = client_for(cabinet, "chair").get(urls(paper, 3)["verify"])
    text = report.content.decode()
    assert report.status_code == 200
    assert "All signatures are valid." in text and v3.sha256 in text
    # Two signatures, each followed by a document timestamp (PAdES B-LTA).
    assert text.count('data-testid="signature-row"') == 4
    assert text.count('data-trusted="yes"') == 4
    purposes = AuditEntry.objects.filter(action="document.read_original").values_list(
        "details__purpose", flat=True
    )
    assert sorted(purposes) == ["sign", "sign", "verify"]
    assert AuditEntry.objects.filter(action="signing.signed").count() == 1
    assert AuditEntry.objects.filter(action="signing.sealed").count() == 1


@pytest.mark.parametrize(
    ("role", "sign", "seal", "verify"),
    [
        ("chair", 200, 403, 200),
        ("secretary", 200, 200, 200),
        ("minister", 200, 403, 200),  # presents the item
        ("guest", 404, 404, 404),  # not invited to this meeting
        ("archivist", 404, 404, 404),  # sees closed meetings only
        ("assistant", 403, 403, 200),
        ("observer", 403, 403, 200),
        ("auditor", 404, 404, 404),
        ("outsider", 404, 404, 404),
    ],
)
def test_who_may_reach_the_signing_pages_of_a_paper(cabinet, meeting, role, sign, seal, verify):
    paper = presented_paper(cabinet, meeting)
    client = client_for(cabinet, role)
    links = urls(paper, 1)
    assert client.get(links["sign"]).status_code == sign
    assert client.get(links["seal"]).status_code == seal
    assert client.get(links["verify"]).status_code == verify


def test_members_off_the_papers_side_and_invited_guests_see_no_sign_button_and_get_403(
    cabinet, meeting, signers
):
    paper = presented_paper(cabinet, meeting)
    meeting_services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[paper.item]
    )
    links = urls(paper, 1)
    before = counts()
    member = Client()
    member.force_login(cabinet.members[2])
    guest = client_for(cabinet, "guest")
    for client in (member, guest):
        page = client.get(links["page"]).content.decode()
        assert 'data-testid="verify-1"' in page and 'data-testid="sign-1"' not in page
        assert client.post(links["sign"], {"pin": USER_PIN}).status_code == 403
        assert client.post(links["seal"], {"pin": SEAL_PIN}).status_code == 403
    anonymous = client_for(cabinet, "anonymous").post(links["sign"], {"pin": USER_PIN})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    assert counts() == before


def test_a_wrong_pin_on_the_paper_page_says_so_with_the_attempts_left(cabinet, meeting, signers):
    paper = presented_paper(cabinet, meeting)
    before = counts()
    response = client_for(cabinet, "minister").post(urls(paper, 1)["sign"], {"pin": "000000"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Wrong PIN" in text and "4 attempts left" in text
    assert "000000" not in text
    assert counts() == before


def test_a_confidential_paper_is_signed_on_its_stored_original(
    cabinet, meeting, signers, nss_db, tmp_path
):
    paper = presented_paper(cabinet, meeting, confidentiality="mat", recipients=[cabinet.minister])
    v1 = paper.document.versions.get(number=1)
    chair = client_for(cabinet, "chair")  # not a named recipient
    assert chair.get(urls(paper, 1)["sign"]).status_code == 403
    assert chair.get(urls(paper, 1)["verify"]).status_code == 403

    response = client_for(cabinet, "minister").post(urls(paper, 1)["sign"], {"pin": USER_PIN})
    assert response.status_code == 302
    signed = version_bytes(paper.document.versions.get(number=2))
    # An incremental update on the stored bytes: no reader's watermark went into it.
    assert signed.startswith(version_bytes(v1))
    assert_independently_valid(signed, nss_db, tmp_path, signatures=1)
    assert not AuditEntry.objects.filter(action="document.downloaded").exists()
    read = AuditEntry.objects.get(action="document.read_original")
    assert read.details["purpose"] == "sign" and read.details["sha256"] == v1.sha256


def test_only_the_latest_version_of_an_open_meeting_is_signed(cabinet, meeting, signers):
    paper = presented_paper(cabinet, meeting)
    meeting_services.paper_add_version(
        actor=cabinet.secretary,
        paper=paper,
        file=NamedBytes(pdf_bytes(pages=1, text="Tờ trình (bản sửa)"), "to-trinh-v2.pdf"),
        filename="to-trinh-v2.pdf",
    )
    minister = client_for(cabinet, "minister")
    before = counts()
    assert minister.post(urls(paper, 1)["sign"], {"pin": USER_PIN}).status_code == 409
    page = minister.get(urls(paper, 2)["page"]).content.decode()
    assert 'data-testid="sign-2"' in page and 'data-testid="sign-1"' not in page

    close_meeting(meeting)
    assert minister.post(urls(paper, 2)["sign"], {"pin": USER_PIN}).status_code == 409
    page = minister.get(urls(paper, 2)["page"]).content.decode()
    assert 'data-testid="sign-2"' not in page and 'data-testid="verify-2"' in page
    report = client_for(cabinet, "archivist").get(urls(paper, 2)["verify"])
    assert report.status_code == 200
    assert "This PDF carries no digital signature." in report.content.decode()
    assert counts() == before


def test_the_seal_and_signer_blocks_keep_their_text_when_the_page_speaks_vietnamese(tmp_path):
    """The stamps are drawn while the request speaks Vietnamese, whose decimal comma
    must not reach the sizes in their SVG and CSS (the agency's name once vanished)."""
    import subprocess

    from django.utils import timezone, translation

    from signing import appearance

    with translation.override("vi"):
        seal = appearance.seal_stamp_pdf(agency="Chính phủ", moment=timezone.now(), size=90)
        block = appearance.personal_stamp_pdf(
            name="Dương Hoài Nam", title="Bộ trưởng", moment=timezone.now(), box=(0, 0, 200, 60)
        )
    for name, data, expected in [("seal", seal, "CHÍNH PHỦ"), ("block", block, "Dương Hoài Nam")]:
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert expected in text, name
