"""The text of a version, as poppler's pdftotext reads it (for comparing versions)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from documents.models import DocumentVersion
from documents.services import version_file_checked
from ecabinet.errors import Conflict
from people.models import User

PDFTOTEXT_TIMEOUT_S = 30


def version_text(*, actor: User, version: DocumentVersion) -> list[str]:
    """One string per page. The stored file is checked against its SHA-256 first (a
    missing or altered file is audited and refused); the caller decides access and
    audits the reading."""
    with version_file_checked(actor=actor, version=version) as handle:
        return pdf_text(handle.read())


def pdf_text(data: bytes) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="ecabinet-text-") as tmp:
        path = Path(tmp) / "paper.pdf"
        path.write_bytes(data)
        result = subprocess.run(  # noqa: S603 (fixed argv, no shell)
            ["pdftotext", "-enc", "UTF-8", "-q", str(path), "-"],  # noqa: S607
            capture_output=True,
            timeout=PDFTOTEXT_TIMEOUT_S,
            check=False,
        )
    if result.returncode != 0:
        raise Conflict(_("The text of this version could not be read."))
    pages = result.stdout.decode("utf-8", errors="replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page, the last one too, with a form feed
    return pages
