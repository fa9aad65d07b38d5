# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Long-term validation as an outside archive judges it: pyHanko's stock AdES-LTA
validator (ETSI EN 319 102-1), offline, with the file's own validation data and only
the development root as trust anchor, right after signing and at simulated dates after
every signer's certificate has expired (people's and seal certificates last 730 days;
the TSA, the CA and the root are still valid then). Real SoftHSM2 keys, the real dev
TSA, OCSP responder and CRLs."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, datetime

import pytest
from asn1crypto import ocsp
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.management import call_command
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign import signers as pdf_signers
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import ades
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.policy_decl import (
    CertificateFetchingRule,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager

from ballots import services as ballot_services
from ballots.services_sign import answer_sign, report_issue, report_sign
from minutes import services as minutes_services
from signing import certs, services, tokens
from signing.pki import chain_der, pki_open
from signing.provisioning import key_provision
from tests.circulation_helpers import circulate
from tests.minutes_helpers import issued
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    dev_pki,
    make_document,
    signers,
    signing_settings,
    version_bytes,
)
from tests.test_ballots_helpers import answer, open_ballot

pytestmark = pytest.mark.django_db

# After every signer's certificate (730 days from today) has expired, while the TSA
# (2,900 days), the issuing CA (3,000) and the root (3,650) are still valid.
AFTER_EXPIRY = (datetime(2029, 12, 1, tzinfo=UTC), datetime(2033, 11, 30, tzinfo=UTC))


def stock_spec(root) -> PdfSignatureValidationSpec:
    """Only the root is trusted; nothing is fetched: the file must carry everything."""
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=[root]),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy.from_legacy("hard-fail")),
    )
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY,
                certificate_fetching_rule=CertificateFetchingRule.NEVER_FETCH,
            ),
        )
    )


def stock_verdicts(data: bytes, root, *, at: datetime | None = None) -> dict[str, str]:
    """pyHanko's AdES-LTA verdict for each signature: now, or simulated at `at`."""
    spec = stock_spec(root)
    reader = PdfFileReader(io.BytesIO(data))
    verdicts = {}
    for sig in reader.embedded_regular_signatures:
        if at is None:
            result = asyncio.run(ades.ades_lta_validation(sig, spec))
        else:
            result = asyncio.run(
                ades.simulate_future_ades_lta_validation(sig, spec, future_validation_time=at)
            )
        verdicts[sig.field_name] = result.ades_subindic.name
    return verdicts


def assert_lta_holds(data: bytes, dev_pki, *, signatures: int) -> None:
    """AdES-LTA passes now and at each date after every signer's certificate expired."""
    (root,) = certs.trust_roots([dev_pki.pki.root_pem])
    reader = PdfFileReader(io.BytesIO(data))
    signer_certs = [sig.signer_cert for sig in reader.embedded_regular_signatures]
    assert len(signer_certs) == signatures
    for moment in AFTER_EXPIRY:
        assert all(cert.not_valid_after < moment for cert in signer_certs)
        assert root.not_valid_after > moment
    passed = AdESPassed.OK.name
    assert set(stock_verdicts(data, root).values()) == {passed}, stock_verdicts(data, root)
    for moment in AFTER_EXPIRY:
        verdicts = stock_verdicts(data, root, at=moment)
        assert len(verdicts) == signatures and set(verdicts.values()) == {passed}, (
            moment,
            verdicts,
        )


def test_a_paper_signed_and_sealed_holds_now_and_after_its_signers_certificates_expired(
    signers, dev_pki
):
    document = make_document(signers.body, signers.secretary)
    signed = services.version_sign(
        actor=signers.chair, version=document.latest_version(), pin=USER_PIN
    )
    sealed = services.version_sign(
        actor=signers.secretary, version=signed, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    assert_lta_holds(version_bytes(sealed), dev_pki, signatures=2)


def test_the_file_carries_the_root_an_ocsp_answer_per_signer_and_the_last_timestamps_data(
    signers, dev_pki
):
    document = make_document(signers.body, signers.secretary)
    signed = services.version_sign(
        actor=signers.minister, version=document.latest_version(), pin=USER_PIN
    )
    sealed = services.version_sign(
        actor=signers.secretary, version=signed, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    reader = PdfFileReader(io.BytesIO(version_bytes(sealed)))
    dss = DocumentSecurityStore.read_dss(reader)
    (root,) = certs.trust_roots([dev_pki.pki.root_pem])
    assert root.sha256 in {cert.sha256 for cert in dss.load_certs()}
    answered = set()
    for ref in dss.ocsps:
        response = ocsp.OCSPResponse.load(ref.get_object().data)
        data = response["response_bytes"]["response"].parsed["tbs_response_data"]
        answered |= {
            (single["cert_id"]["serial_number"].native, single["cert_status"].name)
            for single in data["responses"]
        }
    for sig in reader.embedded_regular_signatures:
        assert (sig.signer_cert.serial_number, "good") in answered, sig.field_name
    # The last document timestamp has its own entry: its TSA's OCSP answer and CRLs.
    last = reader.embedded_timestamp_signatures[-1]
    key = DocumentSecurityStore.sig_content_identifier(last.pkcs7_content.hex().encode("ascii"))
    assert key in dss.vri_entries
    tsa_serial = last.signer_cert.serial_number
    assert (tsa_serial, "good") in answered


def test_a_draft_signed_and_sealed_holds_after_its_signers_certificates_expired(
    cabinet, signers, dev_pki
):
    circulation = circulate(cabinet)
    first = circulation.document.versions.get(number=1)
    signed = services.version_sign(actor=signers.minister, version=first, pin=USER_PIN)
    sealed = services.version_sign(
        actor=signers.secretary, version=signed, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    assert_lta_holds(version_bytes(sealed), dev_pki, signatures=2)


def test_minutes_signed_by_secretary_and_chair_then_sealed_hold_after_expiry(
    cabinet, signers, dev_pki
):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    minutes = issued(cabinet)
    for actor, step, pin in (
        (signers.secretary, "secretary", USER_PIN),
        (signers.chair, "chair", USER_PIN),
        (signers.secretary, "seal", SEAL_PIN),
    ):
        minutes = minutes_services.minutes_sign(actor=actor, minutes=minutes, step=step, pin=pin)
    assert minutes.state == "archived"
    assert_lta_holds(version_bytes(minutes.current_version), dev_pki, signatures=3)


def test_a_signed_ballot_answer_and_the_sealed_report_hold_after_expiry(cabinet, signers, dev_pki):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    ballot = open_ballot(cabinet)
    signed_answer = answer_sign(
        actor=signers.minister,
        answer=answer(signers.minister, ballot, "agree", "agree"),
        pin=USER_PIN,
    )
    assert_lta_holds(version_bytes(signed_answer.signed_version), dev_pki, signatures=1)
    assert ballot_services.ballot_close_due(ballot_id=ballot.pk, now=ballot.deadline)
    report_issue(actor=signers.secretary, ballot=ballot)
    report_sign(actor=signers.secretary, ballot=ballot, pin=USER_PIN)
    sealed = report_sign(actor=signers.secretary, ballot=ballot, pin=SEAL_PIN, kind="seal")
    assert_lta_holds(version_bytes(sealed), dev_pki, signatures=2)


def verify_pdf_at(path, root_pem, moment: datetime) -> dict:
    """Our `manage.py verify_pdf --at MOMENT --offline --json`; its exit code is 1 when
    anything is not valid."""
    out = io.StringIO()
    args = [str(path), "--trust", str(root_pem), "--offline", "--json", "--at"]
    try:
        call_command("verify_pdf", *args, moment.isoformat(), stdout=out)
    except SystemExit as exit_:
        assert exit_.code == 1
    return json.loads(out.getvalue())


def test_verify_pdf_at_a_date_after_signer_expiry_agrees_with_stock_ades_lta(
    signers, dev_pki, tmp_path
):
    document = make_document(signers.body, signers.secretary)
    signed = services.version_sign(
        actor=signers.chair, version=document.latest_version(), pin=USER_PIN
    )
    sealed = services.version_sign(
        actor=signers.secretary, version=signed, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    path = tmp_path / "sealed.pdf"
    path.write_bytes(version_bytes(sealed))
    (root,) = certs.trust_roots([dev_pki.pki.root_pem])
    # After the signers' certificates, and after the TSA's too (no archive renewal).
    for moment in (AFTER_EXPIRY[-1], datetime(2035, 6, 1, tzinfo=UTC)):
        ours = verify_pdf_at(path, dev_pki.pki.root_pem, moment)
        stock = stock_verdicts(path.read_bytes(), root, at=moment)
        verdicts = {sig["field_name"]: sig["ok"] for sig in ours["signatures"]}
        assert stock.keys() <= verdicts.keys()
        for field, subindication in stock.items():
            assert verdicts[field] == (subindication == AdESPassed.OK.name), (moment, field)
        assert ours["ok"] == (set(stock.values()) == {AdESPassed.OK.name}), moment


def _sign_lta_without_root_or_ocsp(data: bytes, key) -> bytes:
    """B-LTA the way pyHanko does it by default: validation data for the chain it
    fetched (the CRL the certificate names), without the root, without an OCSP answer
    for the signer: what files signed here before carried."""
    chain = [
        asn1_x509.Certificate.load(der) for der in chain_der(pki_open(settings.SIGNING_PKI_DIR))
    ]
    meta = pdf_signers.PdfSignatureMetadata(
        field_name="Signature1",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True,
        use_pades_lta=True,
        validation_context=certs.validation_context(other_certs=chain),
    )
    tsa = HTTPTimeStamper(settings.SIGNING_TSA_URL, timeout=20)
    with tokens.session(key.token_label, USER_PIN) as sess:
        signer = PKCS11Signer(
            sess,
            key_label=key.key_label,
            signing_cert=key.asn1_certificate(),
            ca_chain=chain,
            embed_roots=False,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = pdf_signers.PdfSigner(meta, signer=signer, timestamper=tsa).sign_pdf(
            writer, output=io.BytesIO()
        )
    return out.getvalue()


def test_verify_pdf_at_refuses_what_an_archive_could_not_validate_from_the_file(
    signers, dev_pki, tmp_path
):
    document = make_document(signers.body, signers.secretary)
    data = _sign_lta_without_root_or_ocsp(
        version_bytes(document.latest_version()), signers.chair_key
    )
    path = tmp_path / "thin.pdf"
    path.write_bytes(data)
    (root,) = certs.trust_roots([dev_pki.pki.root_pem])
    moment = AFTER_EXPIRY[-1]
    stock = stock_verdicts(data, root, at=moment)
    assert stock["Signature1"] != AdESPassed.OK.name
    ours = verify_pdf_at(path, dev_pki.pki.root_pem, moment)
    assert ours["ok"] is False
    (personal,) = [sig for sig in ours["signatures"] if sig["field_name"] == "Signature1"]
    assert personal["ok"] is False
    assert any(stock["Signature1"] in problem for problem in personal["problems"])
