"""Shapes of keys, signatures and verification reports in the JSON API.

A key is described by its certificate and its state; where it lives on the token (token
and key labels) stays on the server, and no PIN is ever stored, so none can be sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema


class NamedRef(Schema):
    id: int
    name: str


class CertificateOut(Schema):
    subject: str
    issuer: str
    serial: str
    sha256: str
    not_before: datetime
    not_after: datetime


class UnlockRequestIn(Schema):
    reason: str = Field("", max_length=300, description="Why the seal should be unlocked.")


class UnlockRequestOut(Schema):
    id: int
    key_id: int
    state: Literal["pending", "approved", "refused", "withdrawn"]
    reason: str
    requested_by: NamedRef
    requested_at: datetime
    decided_by: NamedRef | None
    decided_at: datetime | None


class KeyOut(Schema):
    id: int
    kind: Literal["personal", "seal"]
    owner: NamedRef | None = Field(None, description="The person, for a personal key.")
    body: NamedRef | None = Field(None, description="The agency, for a seal.")
    certificate: CertificateOut
    state: Literal["ready", "locked", "expired", "not_yet_valid", "inactive"]
    locked: bool
    locked_at: datetime | None
    failed_attempts: int
    attempts_left: int = Field(description="Wrong PINs still allowed before the key locks.")
    unlock_request: UnlockRequestOut | None = Field(
        None, description="For a seal: the unlock request awaiting a second person, if any."
    )


class SignIn(Schema):
    pin: str = Field(max_length=64, description="Used for this signature and forgotten.")
    kind: Literal["personal", "seal"] = "personal"


class SignedVersionOut(Schema):
    id: int
    number: int
    original_filename: str
    size: int
    sha256: str
    page_count: int
    note: str
    uploaded_at: datetime


class SignatureOut(Schema):
    id: int
    kind: Literal["personal", "seal"]
    field_name: str
    level: str
    signed_at: datetime
    signer: NamedRef
    certificate_subject: str
    certificate_sha256: str
    from_version: int


class SignOut(Schema):
    version: SignedVersionOut
    signature: SignatureOut


class SignatureCheckOut(Schema):
    field_name: str
    kind: str = Field(description="personal | seal | timestamp")
    signer: str = Field(description="the certificate's subject, in full")
    signer_name: str = ""
    signer_title: str = ""
    signer_organisation: str = ""
    chain: list[str]
    signing_time: datetime | None
    timestamp_time: datetime | None
    timestamp_authority: str
    intact: bool
    valid: bool
    trusted: bool
    coverage: str = Field(description="whole_file | revision | partial")
    modifications: str
    byte_range: list[int]
    problems: list[str]
    notes: list[str] = Field(
        default=[], description="what a reader should know that is not a fault"
    )
    ok: bool


class VerifyOut(Schema):
    version: SignedVersionOut
    ok: bool = Field(description="Every signature intact, valid and trusted, in order.")
    problems: list[str]
    signatures: list[SignatureCheckOut]
