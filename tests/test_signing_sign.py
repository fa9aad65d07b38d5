# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Signing a document version with a key on a SoftHSM2 token and the owner's PIN."""

from __future__ import annotations

import pytest

from signing import services
from signing.models import Signature
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    make_document,
    nss_db,
    signers,
    signing_settings,
    version_bytes,
)


@pytest.mark.django_db
def test_a_personal_signature_then_the_seal_verify_in_poppler_and_qpdf(signers, nss_db, tmp_path):
    document = make_document(signers.body, signers.secretary)
    v1 = document.latest_version()
    v2 = services.version_sign(actor=signers.chair, version=v1, pin=USER_PIN)
    assert v2.number == 2
    assert_independently_valid(version_bytes(v2), nss_db, tmp_path, signatures=1)
    v3 = services.version_sign(
        actor=signers.secretary, version=v2, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    data = version_bytes(v3)
    (tmp_path / "out.pdf").write_bytes(data)
    assert_independently_valid(data, nss_db, tmp_path, signatures=2)
    assert Signature.objects.count() == 2


@pytest.mark.django_db
def test_a_wrong_pin_signs_nothing_counts_and_locks_the_key_at_the_limit(signers, settings):
    from ecabinet.errors import Conflict, Invalid
    from signing.models import SigningKey

    settings.SIGNING_PIN_ATTEMPTS = 2
    document = make_document(signers.body, signers.secretary)
    v1 = document.latest_version()
    with pytest.raises(Invalid, match="Wrong PIN"):
        services.version_sign(actor=signers.chair, version=v1, pin="000000")
    assert document.versions.count() == 1
    assert SigningKey.objects.get(pk=signers.chair_key.pk).failed_attempts == 1
    with pytest.raises(Invalid, match="locked"):
        services.version_sign(actor=signers.chair, version=v1, pin="000000")
    with pytest.raises(Conflict, match="locked"):
        services.version_sign(actor=signers.chair, version=v1, pin=USER_PIN)
    key = services.key_unlock(actor=signers.secretary, key=signers.chair_key)
    assert not key.locked and key.failed_attempts == 0
    assert services.version_sign(actor=signers.chair, version=v1, pin=USER_PIN).number == 2


@pytest.mark.django_db
def test_unlocking_a_key_is_only_for_the_secretariat(signers):
    from ecabinet.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.key_unlock(actor=signers.minister, key=signers.chair_key)


@pytest.mark.django_db
def test_signing_with_someone_elses_key_is_refused(signers):
    from ecabinet.errors import NotAllowed

    document = make_document(signers.body, signers.secretary)
    with pytest.raises(NotAllowed):
        services.version_sign(
            actor=signers.minister,
            version=document.latest_version(),
            pin=USER_PIN,
            key=signers.chair_key,
        )


@pytest.mark.django_db
def test_the_seal_needs_the_secretariat_and_a_personal_signature_first(signers):
    from ecabinet.errors import Conflict, NotAllowed

    document = make_document(signers.body, signers.secretary)
    v1 = document.latest_version()
    with pytest.raises(NotAllowed):
        services.version_sign(
            actor=signers.chair, version=v1, pin=SEAL_PIN, kind="seal", body=signers.body
        )
    with pytest.raises(Conflict, match="after at least one personal"):
        services.version_sign(
            actor=signers.secretary, version=v1, pin=SEAL_PIN, kind="seal", body=signers.body
        )


@pytest.mark.django_db
def test_nothing_can_be_signed_after_the_seal(signers):
    from ecabinet.errors import Conflict

    document = make_document(signers.body, signers.secretary)
    v2 = services.version_sign(actor=signers.chair, version=document.latest_version(), pin=USER_PIN)
    v3 = services.version_sign(
        actor=signers.secretary, version=v2, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    with pytest.raises(Conflict, match="sealed"):
        services.version_sign(actor=signers.minister, version=v3, pin=USER_PIN)


@pytest.mark.django_db
def test_two_people_sign_then_the_seal_all_stack_as_incremental_updates(signers, nss_db, tmp_path):
    document = make_document(signers.body, signers.secretary)
    v2 = services.version_sign(actor=signers.chair, version=document.latest_version(), pin=USER_PIN)
    v3 = services.version_sign(actor=signers.minister, version=v2, pin=USER_PIN)
    v4 = services.version_sign(
        actor=signers.secretary, version=v3, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    data = version_bytes(v4)
    assert data.startswith(version_bytes(v3)) and version_bytes(v3).startswith(version_bytes(v2))
    assert_independently_valid(data, nss_db, tmp_path, signatures=3)


@pytest.mark.django_db
def test_a_confidential_paper_is_signed_on_its_stored_bytes_not_a_watermarked_copy(
    signers, nss_db, tmp_path
):
    from documents import services as document_services
    from tests.factories import NamedBytes, pdf_bytes

    original = pdf_bytes(pages=1, text="Tài liệu Mật")
    document = document_services.document_create(
        actor=signers.secretary,
        body=signers.body,
        file=NamedBytes(original),
        filename="mat.pdf",
        doc_type="to_trinh",
        summary="Tờ trình Mật",
        issuing_body="Bộ Quốc phòng",
        confidentiality="mat",
        recipients=[signers.chair],
    )
    signed = services.version_sign(
        actor=signers.chair, version=document.latest_version(), pin=USER_PIN
    )
    data = version_bytes(signed)
    # An incremental update: the signed file begins with exactly the stored bytes.
    assert data[: len(original)] == original
    assert_independently_valid(data, nss_db, tmp_path, signatures=1)
