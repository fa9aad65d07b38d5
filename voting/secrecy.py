"""The keyed hashes that let a secret ballot be changed, and a delegated one be set aside,
without the database ever naming whose ballot it is (docs/voting.md)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

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
