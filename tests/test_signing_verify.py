# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""verify_pdf: what it says about valid, tampered, untrusted, revoked, expired and
wrongly ordered signatures."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from signing import services
from signing.verify import pdf_verify
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    flip_byte_in_first_stream,
    make_document,
    nss_db,
    pdfsig,
    qpdf_check,
    signers,
    signing_settings,
    version_bytes,
)

pytestmark = pytest.mark.django_db


def _signed_and_sealed(signers) -> bytes:
    document = make_document(signers.body, signers.secretary)
    v2 = services.version_sign(actor=signers.chair, version=document.latest_version(), pin=USER_PIN)
    v3 = services.version_sign(
        actor=signers.secretary, version=v2, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    return version_bytes(v3)


def _verify_command(path, *args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_pdf", str(path), *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def test_personal_signature_then_seal_verifies_with_timestamps(signers, tmp_path):
    path = tmp_path / "ok.pdf"
    path.write_bytes(_signed_and_sealed(signers))
    code, out = _verify_command(path, "--json")
    report = json.loads(out)
    assert code == 0, out
    kinds = [s["kind"] for s in report["signatures"]]
    assert kinds == ["personal", "timestamp", "seal", "timestamp"]
    personal = report["signatures"][0]
    assert personal["timestamp_time"] and "Development Timestamp" in personal["timestamp_authority"]
    assert personal["coverage"] == "revision"
    assert all(s["ok"] for s in report["signatures"])


def test_a_changed_byte_is_reported_with_the_signature_it_breaks(signers, nss_db, tmp_path):
    tampered = flip_byte_in_first_stream(_signed_and_sealed(signers))
    path = tmp_path / "tampered.pdf"
    path.write_bytes(tampered)
    code, out = _verify_command(path)
    assert code == 1
    assert "Signature1" in out and "were changed after signing" in out
    report = pdf_verify(tampered)
    assert not report.signatures[0].intact
    assert "Signature is Valid." not in pdfsig(tampered, nss_db, tmp_path).stdout
    assert qpdf_check(tampered, tmp_path).returncode != 0


def test_another_root_does_not_trust_our_signatures(signers, tmp_path, dev_pki):
    from signing.pki import pki_create

    other, _ = pki_create(tmp_path / "other-pki", port=dev_pki.port)
    path = tmp_path / "ok.pdf"
    path.write_bytes(_signed_and_sealed(signers))
    code, out = _verify_command(path, "--trust", str(other.root_pem))
    assert code == 1
    assert "trusted=False" in out


def test_wrong_order_seal_before_personal_signature_fails(signers, tmp_path):
    """Built with pyHanko directly: our service refuses to sign after a seal."""
    from asn1crypto import x509 as asn1_x509

    from signing import appearance, pades, tokens
    from signing.pki import chain_der

    data = _signed_and_sealed(signers)
    key = signers.minister_key
    chain = [asn1_x509.Certificate.load(d) for d in chain_der(signers_pki(signers))]
    request = pades.SignRequest(
        data=data,
        field_name="Signature9",
        page=-1,
        box=(50, 300, 250, 364),
        stamp_pdf=appearance.personal_stamp_pdf(
            name="X", title="", moment=dt.datetime.now(tz=dt.UTC), box=(50, 300, 250, 364)
        ),
        seal=False,
        signer_name="X",
        reason="",
        location="",
    )
    with tokens.session(key.token_label, USER_PIN) as sess:
        out = pades.pdf_sign(
            request, session=sess, key_label=key.key_label, cert=key.asn1_certificate(), chain=chain
        )
    report = pdf_verify(out)
    assert not report.ok
    assert any("Wrong order" in p for p in report.problems)


def signers_pki(signers):
    from django.conf import settings

    from signing.pki import pki_open

    return pki_open(settings.SIGNING_PKI_DIR)


def test_a_report_holds_plain_values_and_no_part_of_the_parsed_file(signers):
    # A report is kept, turned into JSON and copied into records packages; a pyHanko
    # number in it would drag the whole parsed PDF along (asdict deep-copies it).
    report = pdf_verify(_signed_and_sealed(signers))
    for signature in report.signatures:
        assert signature.byte_range and all(type(n) is int for n in signature.byte_range)
        for name, value in vars(signature).items():
            for part in value if isinstance(value, list) else [value]:
                assert part is None or type(part).__module__ in {"builtins", "datetime"}, (
                    name,
                    type(part),
                )
    data = report.as_dict()
    assert json.loads(json.dumps(data))["signatures"][0]["byte_range"][0] == 0
