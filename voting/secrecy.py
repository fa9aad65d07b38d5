"""The keyed hashes that let a secret ballot be changed, and a delegated one be set aside,
without the database ever naming whose ballot it is; and the sealing of a secret
ballot's choice, so that a copy of the database (its files, WAL, backups, replicas) cannot
read it (docs/voting.md, "Secret ballots and a copy of the database")."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# The tablet makes its own receipt (at least 128 random bits, e.g. 22+ base64url chars)
# and keeps it; the server never stores or returns it.
RECEIPT = re.compile(r"^[A-Za-z0-9_-]{22,128}$")


def _key() -> bytes:
    # A separate key may be configured; by default one derived from SECRET_KEY.
    base = getattr(settings, "VOTING_SECRET_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"ecabinet.voting:" + base.encode()).digest()


def _mac(message: str) -> str:
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def ballot_token(*, vote_id: int, member_id: int, receipt: str) -> str:
    """Only the holder of the receipt can find this ballot again; the server key alone,
    or the database alone, cannot."""
    return _mac(f"ballot:{vote_id}:{member_id}:{receipt}")


def holder_tag(*, vote_id: int, holder_id: int) -> str:
    """Marks a delegated ballot with its holder, so it can be left out while they are away."""
    return _mac(f"holder:{vote_id}:{holder_id}")


def random_tag() -> str:
    """What a ballot that is not delegated carries instead: looks the same, matches nobody."""
    return secrets.token_hex(32)


def throwaway_receipt() -> str:
    """For a ballot recorded by hand: nobody keeps it, so nobody can change the ballot."""
    return secrets.token_urlsafe(32)


# One byte per choice, so every sealed ballot has the same length: a ciphertext's size
# must not tell "yes" (3 letters) from "abstain" (7).
_CODES = {"yes": b"Y", "no": b"N", "abstain": b"A"}
_CHOICES = {code: choice for choice, code in _CODES.items()}
_NONCE = 12


def _vote_key(vote_id: int) -> bytes:
    """The vote's own AES-256 key, derived from the voting key, which lives in the
    server's configuration and never in the database."""
    base = getattr(settings, "VOTING_SECRET_KEY", "") or settings.SECRET_KEY
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"ecabinet.voting.seal", info=b"%d" % vote_id
    ).derive(base.encode())


def seal_choice(*, vote_id: int, token: str, choice: str) -> str:
    """AES-GCM with a fresh nonce, bound to the ballot's token: the same choice sealed
    twice looks different, and a sealed choice moved to another ballot does not open."""
    nonce = secrets.token_bytes(_NONCE)
    sealed = AESGCM(_vote_key(vote_id)).encrypt(nonce, _CODES[choice], token.encode())
    # Hex, like the tokens beside it: a sealed value can never spell a choice by chance.
    return (nonce + sealed).hex()


class SealBroken(ValueError):
    """A sealed choice that does not open with this server's voting key."""


def open_choice(*, vote_id: int, token: str, sealed: str) -> str:
    raw = bytes.fromhex(sealed)
    try:
        code = AESGCM(_vote_key(vote_id)).decrypt(raw[:_NONCE], raw[_NONCE:], token.encode())
    except InvalidTag as exc:
        raise SealBroken(f"secret ballot of vote {vote_id} does not open") from exc
    return _CHOICES[code]
