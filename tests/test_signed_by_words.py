# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Every page that lists a signature says it in words, from the stored signature:
"Signed by Trần Đức Khiêm, Thủ tướng, at 09:15, 3 December 2026" (Vietnamese "Ký bởi …,
lúc 09:15, ngày 03/12/2026"), never the certificate's "Common Name: …, Title: …"."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from archive.models import Record
from ballots import services as ballot_services
from minutes import services as minutes_services
from signing import services
from signing.models import Signature
from signing.provisioning import key_provision
from tests.archive_helpers import file_record
from tests.circulation_helpers import circulate
from tests.factories import PASSWORD, NamedBytes
from tests.minutes_helpers import issued
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    dev_pki,
    make_document,
    signers,
    signing_settings,
)
from tests.signing_helpers import paper_pdf
from tests.test_ballots_helpers import answer, open_ballot

pytestmark = pytest.mark.django_db
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def a_paper(cabinet, meeting):
    from meetings.services import paper_add

    return paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        file=NamedBytes(paper_pdf(), "to-trinh.pdf"),
        filename="to-trinh.pdf",
        item=meeting.items.order_by("order").first(),
        doc_type="to_trinh",
        number_symbol="215/TTr-BTC",
        summary="Tờ trình về dự thảo Nghị định quản lý đầu tư công",
        issuing_body="Bộ Tài chính",
    )


def client_for(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def words(signature: Signature, language: str = "en") -> str:
    with translation.override(language):
        when = date_format(timezone.localtime(signature.signed_at, VIETNAM), "DATETIME_FORMAT")
    user = signature.signer
    if signature.kind == "seal":
        agency = signature.key.body.name
        return (
            f"Sealed by {agency} at {when}"
            if language == "en"
            else f"Đóng dấu của {agency}, lúc {when}"
        )
    if language == "en":
        return f"Signed by {user.full_name}, {user.title}, at {when}"
    return f"Ký bởi {user.full_name}, {user.title}, lúc {when}"


def assert_in_words(page: str, *signatures: Signature, language: str = "en") -> None:
    for signature in signatures:
        assert words(signature, language) in page
    assert "Common Name" not in page and "Title:" not in page


def test_a_signed_draft_reads_signed_by_in_both_languages(cabinet, signers):
    circulation = circulate(cabinet)
    v2 = services.version_sign(
        actor=signers.chair, version=circulation.document.latest_version(), pin=USER_PIN
    )
    signature = Signature.objects.get(signed_version=v2)
    url = f"/drafts/{circulation.pk}/"
    assert_in_words(client_for(cabinet.secretary).get(url).content.decode(), signature)
    page = client_for(cabinet.secretary, "vi").get(url).content.decode()
    assert_in_words(page, signature, language="vi")
    assert "Ký bởi Trần Đức Khiêm, Thủ tướng, lúc " in page and ", ngày " in page


def test_a_signed_and_sealed_meeting_paper_reads_in_words(cabinet, meeting, signers):
    paper = a_paper(cabinet, meeting)
    v2 = services.version_sign(
        actor=signers.chair, version=paper.document.latest_version(), pin=USER_PIN
    )
    v3 = services.version_sign(
        actor=signers.secretary, version=v2, pin=SEAL_PIN, kind="seal", body=cabinet.body
    )
    signed, sealed = (
        Signature.objects.get(signed_version=v2),
        Signature.objects.get(signed_version=v3),
    )
    page = client_for(cabinet.secretary).get(f"/meetings/{meeting.pk}/papers/{paper.pk}/")
    assert page.status_code == 200
    assert_in_words(page.content.decode(), signed, sealed)
    verify = client_for(cabinet.secretary).get(
        f"/meetings/{meeting.pk}/papers/{paper.pk}/v/3/verify/"
    )
    # The report's cards say it in words; the technical details keep the raw subject.
    cards = verify.content.decode().split('data-testid="verify-details"')[0]
    assert_in_words(cards, signed, sealed)


def test_a_signed_ballot_answer_and_the_sealed_report_read_in_words(cabinet, signers, dev_pki):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    ballot = open_ballot(cabinet)
    submitted = answer(signers.minister, ballot, "agree", "disagree")
    minister = client_for(signers.minister)
    field = f"sign{submitted.pk}-pin"
    minister.post(f"/ballots/{ballot.pk}/answers/{submitted.pk}/sign/", {field: USER_PIN})
    submitted.refresh_from_db()
    answer_signature = Signature.objects.get(signed_version=submitted.signed_version)
    assert_in_words(minister.get(f"/ballots/{ballot.pk}/").content.decode(), answer_signature)

    assert ballot_services.ballot_close_due(ballot_id=ballot.pk, now=ballot.deadline)
    secretary = client_for(signers.secretary)
    secretary.post(f"/ballots/{ballot.pk}/report/")
    secretary.post(f"/ballots/{ballot.pk}/report/sign/", {"report-pin": USER_PIN})
    secretary.post(f"/ballots/{ballot.pk}/report/seal/", {"report-pin": SEAL_PIN})
    ballot.refresh_from_db()
    report = Signature.objects.filter(signed_version__document=ballot.report)
    assert report.count() == 2
    assert_in_words(secretary.get(f"/ballots/{ballot.pk}/").content.decode(), *report)


def test_signed_minutes_and_their_archive_record_read_in_words(cabinet, signers, dev_pki):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    minutes = minutes_services.minutes_sign(
        actor=signers.secretary, minutes=issued(cabinet), step="secretary", pin=USER_PIN
    )
    first = Signature.objects.get(signed_version=minutes.current_version)
    page = client_for(cabinet.secretary).get(f"/minutes/meeting/{minutes.meeting_id}/")
    assert_in_words(page.content.decode(), first)


def test_an_archive_record_and_its_verification_read_in_words(cabinet, signers):
    document = make_document(cabinet.body, cabinet.secretary)
    v2 = services.version_sign(actor=signers.chair, version=document.latest_version(), pin=USER_PIN)
    v3 = services.version_sign(
        actor=signers.secretary, version=v2, pin=SEAL_PIN, kind="seal", body=cabinet.body
    )
    record = file_record(cabinet.body, cabinet.secretary, version=v3, signers=["Trần Đức Khiêm"])
    assert Record.objects.filter(pk=record.pk).exists()
    signatures = list(Signature.objects.filter(signed_version__document=document))
    archivist = client_for(cabinet.archivist)
    assert_in_words(archivist.get(f"/archive/{record.pk}/").content.decode(), *signatures)
    verify = archivist.get(f"/archive/{record.pk}/verify/").content.decode()
    assert_in_words(verify.split('data-testid="verify-details"')[0], *signatures)
    # In Vietnamese, the same words.
    vi = client_for(cabinet.archivist, "vi").get(f"/archive/{record.pk}/").content.decode()
    assert_in_words(vi, *signatures, language="vi")


def test_an_uploaded_pdf_is_verified_in_words_from_its_certificates(cabinet, signers):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.pki_fixtures import version_bytes

    document = make_document(cabinet.body, cabinet.secretary)
    v2 = services.version_sign(actor=signers.chair, version=document.latest_version(), pin=USER_PIN)
    upload = SimpleUploadedFile("s.pdf", version_bytes(v2), content_type="application/pdf")
    page = client_for(cabinet.minister).post("/signing/verify/", {"file": upload})
    cards = page.content.decode().split('data-testid="verify-details"')[0]
    assert "Signed by Trần Đức Khiêm, Thủ tướng, at " in cards
    assert "Common Name" not in cards
