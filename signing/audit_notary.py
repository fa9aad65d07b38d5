"""The audit checkpoint key: signing the audit chain's head on a token, with an RFC 3161
signature timestamp, and checking such a signature.

Which key. Not the body's seal: the chain runs through every body's entries, so no one
body's seal speaks for it, and a seal is used only with the PIN its secretariat types
(docs/signing.md), which a task that runs every hour never has. A dedicated key on its
own token ("audit checkpoint" certificate policy, `CHECKPOINT_POLICY_OID`), unlocked by
a PIN the server holds in its environment (`AUDIT_CHECKPOINT_PIN`). Such a key is, by
the product's own rule, nobody's signature: it attests only that this installation saw
this head, and the TSA's timestamp says when. That is what a checkpoint needs: someone
with the database but not the token cannot sign, and someone with both cannot make a
signature that looks older than the moment they made it.

Registered as the audit package's notary in `SigningConfig.ready()`.
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pkcs11 import Attribute, ObjectClass
from pyhanko.sign._session_scope import run_and_release
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

from ecabinet.audit.checkpoints import CheckpointError, SealCheck, Sealed
from signing import certs, tokens
from signing import pki as dev_pki

CHECKPOINT_POLICY_OID = f"{certs.E_CABINET_ARC}.1.3"
KEY_LABEL = "audit-checkpoint"


def policy_oids() -> set[str]:
    return {CHECKPOINT_POLICY_OID, *settings.AUDIT_CHECKPOINT_POLICY_OIDS}


def key_provision(*, pki: dev_pki.DevPki, pin: str, label: str | None = None) -> bytes:
    """Development: a token with the checkpoint key and its certificate from the
    development CA. Returns the certificate (DER)."""
    if settings.IS_PRODUCTION:
        raise CheckpointError("the development PKI does not run in production")
    label = label or settings.AUDIT_CHECKPOINT_TOKEN
    tokens.softhsm_token_create(label, pin=pin, so_pin=secrets.token_hex(8))
    subject = dev_pki.signer_subject(
        common_name="e-Cabinet audit checkpoints", organisation="e-Cabinet"
    )
    with tokens.session(label, pin, rw=True) as sess:
        public_key = tokens.key_generate(sess, KEY_LABEL)
        cert_der = dev_pki.certificate_issue(
            pki,
            public_key_der=public_key,
            subject=subject,
            seal=False,
            policy=CHECKPOINT_POLICY_OID,
        )
        tokens.certificate_store(sess, KEY_LABEL, cert_der)
    return cert_der


def key_present() -> bool:
    try:
        with tokens.session(settings.AUDIT_CHECKPOINT_TOKEN, settings.AUDIT_CHECKPOINT_PIN):
            return True
    except tokens.TokenError:
        return False


def _chain() -> list[asn1_x509.Certificate]:
    pki = dev_pki.pki_open(Path(settings.SIGNING_PKI_DIR))
    ders = dev_pki.chain_der(pki) if pki is not None else []
    return [asn1_x509.Certificate.load(der) for der in ders]


def _token_certificate(sess) -> asn1_x509.Certificate:
    found = list(
        sess.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: KEY_LABEL})
    )
    if not found:
        raise CheckpointError("the checkpoint token holds no certificate")
    return asn1_x509.Certificate.load(found[0][Attribute.VALUE])


def _timestamp_time(signed_data: cms.SignedData):
    attrs = signed_data["signer_infos"][0]["unsigned_attrs"]
    for attr in attrs if attrs.native else []:
        if attr["type"].native == "signature_time_stamp_token":
            token = attr["values"][0]
            tst_info = token["content"]["encap_content_info"]["content"].parsed
            return tst_info["gen_time"].native
    return None


class TokenNotary:
    def sign(self, statement: bytes) -> Sealed:
        tsa_url = settings.SIGNING_TSA_URL
        if not tsa_url:
            raise CheckpointError("no timestamp authority is configured (SIGNING_TSA_URL)")
        try:
            with tokens.session(
                settings.AUDIT_CHECKPOINT_TOKEN, settings.AUDIT_CHECKPOINT_PIN
            ) as sess:
                cert = _token_certificate(sess)
                signer = PKCS11Signer(
                    sess,
                    key_label=KEY_LABEL,
                    signing_cert=cert,
                    ca_chain=_chain(),
                    embed_roots=False,
                )
                timestamper = HTTPTimeStamper(tsa_url, timeout=20)
                content = asyncio.run(
                    signer.async_sign_general_data(
                        statement, "sha256", detached=True, timestamper=timestamper
                    )
                )
        except tokens.TokenError as exc:
            raise CheckpointError(f"the checkpoint key cannot be used: {exc}") from exc
        except OSError as exc:
            raise CheckpointError(f"the timestamp authority did not answer: {exc}") from exc
        when = _timestamp_time(content["content"])
        if when is None:
            raise CheckpointError("the timestamp authority gave no timestamp")
        return Sealed(content.dump(), when, cert.subject.human_friendly)

    def verify(self, statement: bytes, signature: bytes) -> SealCheck:
        return self.verify_all([(statement, signature)])[0]

    def verify_all(self, items: list[tuple[bytes, bytes]]) -> list[SealCheck]:
        """One validation context for the lot: the CA's answers are fetched once."""
        # Soft-fail on revocation: a checkpoint is about integrity; a CA that cannot be
        # reached must not make a sound trail look broken.
        context = certs.validation_context(mode="soft-fail")

        async def run() -> list[SealCheck]:
            return [await _verify_one(statement, sig, context) for statement, sig in items]

        return asyncio.run(run_and_release(run(), context))


async def _verify_one(statement: bytes, signature: bytes, context) -> SealCheck:
    try:
        signed_data = cms.ContentInfo.load(signature)["content"]
        signer_cert = _signer_certificate(signed_data)
    except (ValueError, KeyError, TypeError) as exc:
        return SealCheck(False, problems=[f"not a CMS signature ({exc})"])
    for choice in signed_data["certificates"]:
        if choice.name == "certificate":
            context.certificate_registry.register(choice.chosen)
    status = await async_validate_detached_cms(
        statement, signed_data, signer_validation_context=context
    )
    problems = []
    if not (status.intact and status.valid):
        problems.append("the signed statement was altered")
    elif status.trust_problem_indic is not None:
        problems.append(f"the signer is not trusted ({status.trust_problem_indic.name})")
    if not _certificate_policies(signer_cert) & policy_oids():
        problems.append("not signed by an audit checkpoint key")
    ts = status.timestamp_validity
    if ts is None:
        problems.append("no timestamp")
    elif not (ts.intact and ts.valid and ts.trust_problem_indic is None):
        problems.append("the timestamp does not hold")
    return SealCheck(
        not problems,
        timestamped_at=ts.timestamp if ts is not None else None,
        signer=signer_cert.subject.human_friendly,
        problems=problems,
    )


def _signer_certificate(signed_data: cms.SignedData) -> asn1_x509.Certificate:
    sid = signed_data["signer_infos"][0]["sid"].chosen
    for choice in signed_data["certificates"]:
        cert = choice.chosen
        if (
            choice.name == "certificate"
            and cert.serial_number == sid["serial_number"].native
            and cert.issuer == sid["issuer"]
        ):
            return cert
    raise ValueError("the signer's certificate is not in the signature")


def _certificate_policies(cert: asn1_x509.Certificate) -> set[str]:
    policies = cert.certificate_policies_value
    return {p["policy_identifier"].dotted for p in policies} if policies else set()
