# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""What a person reads on the verify page: words instead of codes, the signer's name,
title and organisation, times in the project's format, and the notes under each card.
The JSON report keeps its codes and ISO times."""

from __future__ import annotations

import io
import re
from dataclasses import fields
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import translation
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from ecabinet import dates
from ecabinet.audit.models import AuditEntry
from signing import services
from signing.verify import SignatureReport, VerificationReport, pdf_verify
from tests.factories import PASSWORD
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    dev_pki,
    make_document,
    signers,
    signing_settings,
    version_bytes,
)

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CODES = {
    "none",
    "validation_data_only",
    "signatures_and_form_filling",
    "annotations",
    "other",
    "suspicious",
    "unknown",
}
# The fields of the JSON report before the page learnt to speak plainly.
OLD_FIELDS = {
    "field_name",
    "kind",
    "signer",
    "chain",
    "signing_time",
    "timestamp_time",
    "timestamp_authority",
    "intact",
    "valid",
    "trusted",
    "coverage",
    "modifications",
    "byte_range",
    "problems",
    "notes",
    "ok",
}


def _signed_and_sealed(signers) -> bytes:
    document = make_document(signers.body, signers.secretary)
    v2 = services.version_sign(actor=signers.chair, version=document.latest_version(), pin=USER_PIN)
    v3 = services.version_sign(
        actor=signers.secretary, version=v2, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    return version_bytes(v3)


def _signed(signers) -> bytes:
    document = make_document(signers.body, signers.secretary)
    version = services.version_sign(
        actor=signers.chair, version=document.latest_version(), pin=USER_PIN
    )
    return version_bytes(version)


def _post(client, user, data: bytes, *, language: str = "en"):
    client.login(username=user.username, password=PASSWORD)
    upload = SimpleUploadedFile("signed.pdf", data, content_type="application/pdf")
    return client.post("/signing/verify/", {"file": upload}, HTTP_ACCEPT_LANGUAGE=language)


def _cards(page: str) -> list[str]:
    return page.split('data-testid="signature-verdict"')[1:]


def _text(html: str) -> str:
    """What a reader sees: the markup without its tags and attributes."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _dd(card: str, testid: str) -> str:
    return card.split(f'data-testid="{testid}"')[1].split("</dd>")[0]


def _short(moment) -> str:
    return dates.when(moment)


def test_the_cards_say_in_words_what_changed_after_each_signature(client, signers):
    data = _signed_and_sealed(signers)
    report = pdf_verify(data)
    page = _post(client, signers.minister, data).content.decode()

    cards = _cards(page)
    assert len(cards) == len(report.signatures) == 4
    expected = {
        "signatures_and_form_filling": "Later signatures and form filling",
        "validation_data_only": "Only validation data and timestamps were added",
    }
    for card, sig in zip(cards, report.signatures, strict=True):
        changes = _dd(card, "modifications")
        assert f'data-code="{sig.modifications}"' in changes
        assert changes.split(">", 1)[1] == expected[sig.modifications]
    # The personal signature and its timestamp precede the seal; the seal is last.
    assert [s.modifications for s in report.signatures] == [
        "signatures_and_form_filling",
        "signatures_and_form_filling",
        "validation_data_only",
        "validation_data_only",
    ]
    # No code is shown as text, in the cards or in the technical table.
    seen = _text(page)
    assert not [code for code in CODES if re.search(rf"\b{code}\b", seen)]


def test_the_signer_is_a_bold_name_with_title_and_organisation_below(client, signers):
    data = _signed_and_sealed(signers)
    page = _post(client, signers.minister, data).content.decode()
    personal, _ts, seal, tsa = _cards(page)

    body = signers.body.name
    assert _dd(personal, "signer").split(">", 1)[1] == (
        '<strong data-testid="signer-name" translate="no">Trần Đức Khiêm</strong><br>'
        f'<span class="muted" data-testid="signer-position">Thủ tướng, {body}</span>'
    )
    # A seal names its agency once; the timestamp authority has neither title nor agency.
    assert _dd(seal, "signer").split(">", 1)[1] == (
        f'<strong data-testid="signer-name" translate="no">{body}</strong>'
    )
    assert "signer-position" not in tsa
    assert "Common Name:" not in "".join(_cards(page)).split('data-testid="verify-details"')[0]
    # The whole certificate subject stays in the technical details.
    table = page.split('data-testid="verify-details"')[1]
    assert (
        f"Common Name: Trần Đức Khiêm, Title: Thủ tướng, Organization: {body}, "
        f"User ID: {signers.chair.username}, Country: VN" in table
    )


def test_times_use_the_short_format_in_vietnam_time(client, signers):
    data = _signed(signers)
    report = pdf_verify(data)
    page = _post(client, signers.minister, data).content.decode()
    personal, doc_ts = _cards(page)
    sig, stamp = report.signatures

    signed = _text(_dd(personal, "signed-at").split(">", 1)[1]).strip()
    assert signed == f"{_short(sig.signing_time)} (Vietnam time)"
    stamped = _text(_dd(personal, "timestamped-at").split(">", 1)[1]).strip()
    assert stamped == f"{_short(sig.timestamp_time)} (Vietnam time)"
    assert _dd(doc_ts, "signed-at").split(">", 1)[1] == "—"
    assert _text(_dd(doc_ts, "timestamped-at").split(">", 1)[1]).strip() == (
        f"{_short(stamp.timestamp_time)} (Vietnam time)"
    )
    # The machine-readable time stays exact in the <time> element.
    local = sig.timestamp_time.astimezone(HANOI).isoformat()
    assert f'<time datetime="{local}">' in _dd(personal, "timestamped-at")
    assert " tháng " not in page and "Ngày" not in page


def test_the_technical_table_names_each_kind_and_keeps_the_codes(client, signers):
    data = _signed_and_sealed(signers)
    page = _post(client, signers.minister, data).content.decode()
    rows = page.split('data-testid="signature-row">')[1:]
    cells = [re.findall(r"<td( data-code=\"\w+\")?>(.*?)</td>", row) for row in rows]
    assert [row[0] for row in cells] == [
        (' data-code="personal"', "Personal signature"),
        (' data-code="timestamp"', "Timestamp"),
        (' data-code="seal"', "Agency seal"),
        (' data-code="timestamp"', "Timestamp"),
    ]
    assert [row[-1][1] for row in cells] == [
        "Later signatures and form filling",
        "Later signatures and form filling",
        "Only validation data and timestamps were added",
        "Only validation data and timestamps were added",
    ]
    assert re.findall(r'<tr data-kind="(\w+)"', page) == [
        "personal",
        "timestamp",
        "seal",
        "timestamp",
    ]


def test_notes_are_shown_as_information_under_their_card(client, signers):
    data = _signed(signers)
    report = pdf_verify(data)
    page = _post(client, signers.minister, data).content.decode()
    personal, doc_ts = _cards(page)

    notes = report.signatures[0].notes
    assert notes and notes[0].startswith("Signed on ")
    shown = re.findall(r'<p class="(\w+)" data-testid="signature-note">(.*?)</p>', personal)
    escaped = [n.replace("'", "&#x27;") for n in notes]
    assert shown == [("note", n) for n in escaped]
    assert 'class="error"' not in personal and 'class="error"' not in doc_ts
    assert page.count('data-testid="signature-note"') == sum(
        len(s.notes) for s in report.signatures
    )


def test_a_change_to_the_content_after_signing_is_named_and_reported(client, signers):
    writer = IncrementalPdfFileWriter(io.BytesIO(_signed(signers)), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    stream = generic.StreamObject(stream_data=b"BT /F1 40 Tf 72 400 Td (FORGED) Tj ET")
    page_ref.get_object()["/Contents"] = writer.add_object(stream)
    writer.update_container(page_ref.get_object())
    out = io.BytesIO()
    writer.write(out)

    response = _post(client, signers.minister, out.getvalue())
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-ok="no"' in page
    personal = _cards(page)[0]
    changes = _dd(personal, "modifications")
    assert changes == ' data-code="suspicious">Changes that are not allowed'
    assert "in a way that is not allowed" in personal  # the problem, as an error
    assert re.search(r'<p class="error">The file was changed after this signature', personal)


def test_the_page_speaks_vietnamese(client, signers):
    data = _signed_and_sealed(signers)
    page = _post(client, signers.minister, data, language="vi").content.decode()
    assert "(giờ Việt Nam)" in page
    rows = page.split('data-testid="signature-row">')[1:]
    kinds = [re.search(r'<td data-code="\w+">(.*?)</td>', row).group(1) for row in rows]
    with translation.override("vi"):
        expected = [
            str(translation.gettext(word))
            for word in ("Personal signature", "Timestamp", "Agency seal", "Timestamp")
        ]
    assert kinds == expected and kinds[0] == "Chữ ký số cá nhân"


def test_a_report_read_back_from_json_shows_the_same_times(rf, signers):
    data = _signed(signers)
    report = pdf_verify(data)
    as_json = report.as_dict()
    names = {f.name for f in fields(SignatureReport)}
    again = VerificationReport(
        [
            SignatureReport(**{k: v for k, v in s.items() if k in names})
            for s in as_json["signatures"]
        ],
        as_json["problems"],
    )
    assert isinstance(again.signatures[0].timestamp_time, str)
    request = rf.get("/signing/verify/")
    request.user = signers.minister

    def section(context) -> str:
        page = render_to_string("signing/verify.html", context, request=request)
        return page.split('data-testid="verify-report"')[1].split("</section>")[0]

    with translation.override("en"):
        from_objects, from_json = section({"report": report}), section({"report": again})
    assert from_objects == from_json
    assert f"{_short(report.signatures[0].timestamp_time)}</time>" in from_json


def test_the_json_report_keeps_its_codes_and_adds_the_signers_parts(signers):
    report = pdf_verify(_signed_and_sealed(signers)).as_dict()
    personal = report["signatures"][0]
    assert OLD_FIELDS <= set(personal)
    assert set(personal) - OLD_FIELDS == {"signer_name", "signer_title", "signer_organisation"}
    assert personal["kind"] == "personal"
    assert personal["modifications"] == "signatures_and_form_filling"
    assert personal["signer"].startswith("Common Name: Trần Đức Khiêm, Title: Thủ tướng")
    assert (personal["signer_name"], personal["signer_title"]) == ("Trần Đức Khiêm", "Thủ tướng")
    assert personal["signer_organisation"] == signers.body.name
    assert personal["timestamp_time"].endswith("+00:00")  # ISO, as before


def test_labels_cover_every_code_and_an_unknown_one_reads_unknown(signers):
    sig = pdf_verify(_signed(signers)).signatures[0]
    labels = {}
    for code in sorted(CODES | {"something-new"}):
        sig.modifications = code
        labels[code] = sig.modifications_label
    assert labels == {
        "annotations": "Annotations",
        "none": "None",
        "other": "Changes to the content",
        "signatures_and_form_filling": "Later signatures and form filling",
        "something-new": "Unknown",
        "suspicious": "Changes that are not allowed",
        "unknown": "Unknown",
        "validation_data_only": "Only validation data and timestamps were added",
    }


def test_a_file_that_is_not_a_pdf_gets_a_clear_answer_and_changes_nothing(client, signers):
    before = AuditEntry.objects.count()
    response = _post(client, signers.minister, b"not a pdf at all")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-ok="no"' in page and "The file is not a readable PDF" in page
    assert 'data-testid="signature-verdict"' not in page
    assert AuditEntry.objects.count() == before


def test_the_page_needs_a_login(client):
    response = client.post("/signing/verify/", {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
