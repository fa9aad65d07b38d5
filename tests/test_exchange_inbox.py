"""The inbox refuses what it must, says why in a status message, and stores nothing: a
forged or stale request, an unknown sender, XML with a DTD, a package too large, one that
breaks the schema, a broken seal signature, a wrong SHA-256, a PDF whose signature does
not verify, a second document under an id already received."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.utils import timezone
from lxml import etree

from archive.edxml import envelope_build, envelope_sign, envelope_tree
from archive.services import record_read
from ecabinet.audit.models import AuditEntry
from exchange import wire
from exchange.models import Incoming
from tests import pki_fixtures
from tests.exchange_helpers import GOVERNMENT_CODE, MINISTRY_CODE, connect, issued_record
from tests.pki_fixtures import SEAL_PIN, flip_byte_in_first_stream

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings

pytestmark = pytest.mark.django_db

PACKAGES = "/exchange/inbox/packages"
STATUSES = "/exchange/inbox/statuses"


@pytest.fixture
def setup(cabinet, signers, dev_pki, settings, tmp_path):
    linked = connect(cabinet, dev_pki.dir, "http://inbox.example.org")
    record = issued_record(cabinet, signers)
    return linked, record


def _package(record, **changes) -> bytes:
    pdf = changes.pop("pdf", None) or record_read(actor=None, record=record, purpose="test")
    return envelope_build(
        record=record, pdf=pdf, to_name="Bộ Y tế", to_code=MINISTRY_CODE, seal_pin=SEAL_PIN
    )


def good_pdf(record) -> bytes:
    return record_read(actor=None, record=record, purpose="test")


def _post(data: bytes, path: str = PACKAGES, *, sender: str = GOVERNMENT_CODE, **extra):
    headers = wire.request_headers(path=path, body=data, sender=sender, to=MINISTRY_CODE)
    headers.update(extra.pop("headers", {}))
    content_type = headers.pop("Content-Type")
    return Client().post(path, data, content_type=content_type, headers=headers, **extra)


def _post_status(data: bytes):
    headers = wire.request_headers(
        path=STATUSES, body=data, sender=MINISTRY_CODE, to=GOVERNMENT_CODE
    )
    content_type = headers.pop("Content-Type")
    return Client().post(STATUSES, data, content_type=content_type, headers=headers)


def _refusal(response) -> str:
    message = wire.status_read(response.content)
    assert message.code == "02"
    return message.reason


def _nothing_stored(settings) -> None:
    assert Incoming.objects.count() == 0
    stored = settings.MEDIA_ROOT / "exchange" / "in"
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))


def test_a_good_package_is_taken_once_and_the_same_package_again_is_acknowledged(setup):
    _linked, record = setup
    data = _package(record)
    first = _post(data)
    assert first.status_code == 202
    assert wire.status_read(first.content).code == "01"
    again = _post(data)
    assert again.status_code == 200
    assert wire.status_read(again.content).reason == "already received"
    assert Incoming.objects.count() == 1
    assert AuditEntry.objects.filter(action="exchange.received").count() == 1


def test_forged_broken_and_disguised_packages_are_refused_with_a_reason_and_nothing_stored(
    setup, settings
):
    _linked, record = setup
    good = _package(record)
    cases = []

    # The request: another key, an old date, no signature at all, an unknown sender.
    other = Ed25519PrivateKey.generate()
    headers = wire.request_headers(
        path=PACKAGES, body=good, sender=GOVERNMENT_CODE, to=MINISTRY_CODE
    )
    text = wire._signed_text(
        method="POST",
        path=PACKAGES,
        date=headers[wire.HEADER_DATE],
        body=good,
        sender=GOVERNMENT_CODE,
        to=MINISTRY_CODE,
    )
    forged = base64.b64encode(other.sign(text)).decode()
    cases.append(
        ("another key", good, {"headers": {wire.HEADER_SIGNATURE: forged}}, 401, "signature")
    )
    stale = "Mon, 01 Jan 2024 00:00:00 GMT"
    cases.append(("stale date", good, {"headers": {wire.HEADER_DATE: stale}}, 401, "date"))
    cases.append(("no signature", good, {"headers": {wire.HEADER_SIGNATURE: ""}}, 401, "signature"))
    cases.append(("unknown sender", good, {"sender": "000.00.99.H99"}, 403, "not known"))

    # The XML: a DTD with an entity, the schema broken.
    declaration, rest = good.split(b"?>", 1)
    dtd = declaration + b'?>\n<!DOCTYPE edXML [<!ENTITY x "boom">]>' + rest
    cases.append(("DTD", dtd, {}, 400, "DTD"))
    no_subject = re.sub(rb"<Subject>.*?</Subject>", b"", good, count=1, flags=re.S)
    assert no_subject != good
    cases.append(("schema", no_subject, {}, 400, "QCVN 102"))

    # The seal: one word of the signed header changed.
    tampered = good.replace(b"01</CodeNumber>", b"02</CodeNumber>", 1)
    assert tampered != good
    cases.append(("seal", tampered, {}, 400, "seal signature"))

    # The attachment's stated SHA-256 is another file's.
    wrong_hash = re.sub(
        rb"SHA-256 [0-9a-f]{64}", b"SHA-256 " + hashlib.sha256(b"x").hexdigest().encode(), good
    )
    cases.append(("sha256", wrong_hash, {}, 400, "SHA-256"))

    # A PDF changed after it was signed, sealed in a fresh envelope with the right hash.
    pdf = flip_byte_in_first_stream(record_read(actor=None, record=record, purpose="test"))
    root = envelope_tree(
        record=record, pdf=good_pdf(record), to_name="Bộ Y tế", to_code=MINISTRY_CODE
    )
    attachment = root.find(f"{{{wire.NS}}}AttachmentEncoded/{{{wire.NS}}}Attachment")
    attachment.find(f"{{{wire.NS}}}ContentTransferEncoded").text = base64.b64encode(pdf).decode()
    attachment.find(f"{{{wire.NS}}}Description").text = f"SHA-256 {hashlib.sha256(pdf).hexdigest()}"
    root = etree.fromstring(etree.tostring(root))
    broken_pdf = etree.tostring(
        envelope_sign(root, body=record.body, pin=SEAL_PIN), xml_declaration=True, encoding="UTF-8"
    )
    cases.append(("PAdES", broken_pdf, {}, 400, "PDF's signature"))

    # Larger than the inbox takes.
    settings_limit = settings.EXCHANGE_MAX_BYTES
    for label, data, extra, status, words in cases:
        response = _post(data, **extra)
        assert response.status_code == status, (label, response.content[:300])
        assert words in _refusal(response), label
        _nothing_stored(settings)
    settings.EXCHANGE_MAX_BYTES = 1000
    response = _post(good)
    assert response.status_code == 413 and "too large" in _refusal(response)
    settings.EXCHANGE_MAX_BYTES = settings_limit
    # A body that says it holds 1 GB is turned away before any of it is read.
    huge = Client().generic(
        "POST", PACKAGES, b"<x/>", content_type="application/xml", CONTENT_LENGTH=str(2**30)
    )
    assert huge.status_code == 413
    _nothing_stored(settings)

    # Refusals of a sender who proved who it is are audited; a request that proves
    # nothing is only logged, so nobody can fill the audit trail from outside.
    audited = AuditEntry.objects.filter(action="exchange.package_refused")
    assert audited.count() == sum(1 for case in cases if case[3] == 400)


def test_a_different_document_under_an_id_already_received_is_refused(setup, settings):
    _linked, record = setup
    first = _package(record)
    assert _post(first).status_code == 202
    second = _package(record)  # the same record, sealed again: other bytes, the same id
    assert second != first
    response = _post(second)
    assert response.status_code == 409
    assert "already received" in _refusal(response)
    assert Incoming.objects.count() == 1


def test_a_get_is_not_allowed_and_a_status_for_an_unknown_document_is_refused(setup):
    assert Client().get(PACKAGES).status_code == 405
    message = wire.status_build(
        wire.StatusMessage(
            sender_code=MINISTRY_CODE,
            sender_name="Bộ Y tế",
            document_id="000.00.00.G01,2026/12/03,99/NQ-CP",
            code="03",
            reason="",
            staff="",
            moment=timezone.now(),
        )
    )
    response = _post_status(message)
    assert response.status_code == 404
    assert "No document" in _refusal(response)
    bad_code = message.replace(b"<edXML:StatusCode>03<", b"<edXML:StatusCode>09<")
    response = _post_status(bad_code)
    assert response.status_code == 400 and "not valid" in _refusal(response)
