# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Names in certificates: X.520's upper bound for a name attribute is 64 characters
(not bytes), and a longer name is cut only at a word boundary."""

from __future__ import annotations

import pytest

from people.models import Body
from signing import pki, services
from signing.provisioning import key_provision
from signing.selectors import seal_key_of_body
from signing.verify import pdf_verify
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    make_document,
    nss_db,
    signing_settings,
    version_bytes,
)

pytestmark = pytest.mark.django_db

# 49 characters, 66 bytes in UTF-8: it fits the bound whole.
GOVERNMENT = "Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam"
# 91 characters: cut after "đổi", the last whole word within 64.
STEERING = (
    "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"
)


def test_a_name_of_64_characters_is_kept_and_a_longer_one_is_cut_at_a_word():
    assert len(GOVERNMENT) < 64 < len(GOVERNMENT.encode())
    subject = pki.signer_subject(common_name=GOVERNMENT, organisation=STEERING, title="")
    values = {attr.oid._name: attr.value for attr in subject}
    assert values["commonName"] == GOVERNMENT
    org = values["organizationName"]
    assert len(org) <= 64 and STEERING.startswith(org + " ")
    # The longest whole-word prefix: one more word would pass 64 characters.
    next_word = STEERING[len(org) + 1 :].split(" ")[0]
    assert len(f"{org} {next_word}") > 64
    assert org == "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi"


def test_an_agencys_seal_names_it_whole_and_verifies_in_poppler(
    cabinet, signing_settings, dev_pki, nss_db, tmp_path
):
    Body.objects.filter(pk=cabinet.body.pk).update(name=GOVERNMENT)
    body = Body.objects.get(pk=cabinet.body.pk)
    key_provision(actor=None, pki=dev_pki.pki, pin=SEAL_PIN, body=body)
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=cabinet.chair)
    subject = seal_key_of_body(body).asn1_certificate().subject.native
    assert subject["common_name"] == GOVERNMENT
    assert subject["organization_name"] == GOVERNMENT
    document = make_document(body, cabinet.secretary)
    signed = services.version_sign(
        actor=cabinet.chair, version=document.latest_version(), pin=USER_PIN
    )
    sealed = services.version_sign(
        actor=cabinet.secretary,
        version=signed,
        pin=SEAL_PIN,
        kind="seal",
        body=body,
    )
    data = version_bytes(sealed)
    assert_independently_valid(data, nss_db, tmp_path, signatures=2)
    report = pdf_verify(data, trust_roots=[dev_pki.pki.root_pem], fetching=False)
    assert report.ok
    (seal,) = [sig for sig in report.signatures if sig.kind == "seal"]
    assert seal.signer_organisation == GOVERNMENT
