"""What the signer sees before the PIN: the first page of the exact bytes to be signed,
as a small image, and their SHA-256.

The image is rendered on the server by poppler's pdftoppm from the stored bytes (checked
against their SHA-256 on reading) and cached under that hash, so a version is rendered
once. Pages decide who may sign; they mint a short-lived token naming the person and the
version (`preview_token`), and the image view answers only that person: the token is the
proof that an access-checked page sent them, and anyone else gets 404.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from documents.models import DocumentVersion
from documents.services import version_read_original
from ecabinet.errors import Conflict, NotFound
from people.models import User

_SALT = "signing.preview"
# Long enough to read the page and type the PIN; a new page load mints a new one.
TOKEN_MAX_AGE = 60 * 60
_RENDER = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-"]


def preview_token(*, user: User, version: DocumentVersion) -> str:
    return signing.dumps({"u": user.pk, "v": version.pk}, salt=_SALT)


def preview_version(*, token: str, user: User) -> DocumentVersion:
    """The version a token was minted for, if it was minted for this person."""
    gone = _("There is no such page.")
    try:
        data = signing.loads(token, salt=_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as exc:
        raise NotFound(gone) from exc
    if data.get("u") != user.pk:
        raise NotFound(gone)
    version = DocumentVersion.objects.select_related("document").filter(pk=data.get("v")).first()
    if version is None:
        raise NotFound(gone)
    return version


def _cache_path(sha256: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "previews" / f"{sha256}-p1-r60.png"


def render_first_page(data: bytes) -> bytes:
    """The first page of a PDF as a PNG at 60 dpi (an A4 page: 496×702 pixels)."""
    try:
        result = subprocess.run(  # noqa: S603 (fixed argv, no shell)
            _RENDER, input=data, capture_output=True, timeout=60, check=True
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise Conflict(_("The first page could not be drawn.")) from exc
    return result.stdout


def first_page_png(*, actor: User, version: DocumentVersion) -> bytes:
    """The cached image, or the stored bytes (read and checked, audited as a preview)
    drawn once and kept under their SHA-256."""
    path = _cache_path(version.sha256)
    if path.exists():
        return path.read_bytes()
    data = version_read_original(actor=actor, version=version, purpose="sign_preview")
    png = render_first_page(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(png)
    partial.replace(path)  # whole or absent, even with two renderings at once
    return png
