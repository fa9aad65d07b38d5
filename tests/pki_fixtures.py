"""A real development PKI for the signing tests: CAs, SoftHSM2 tokens, and the TSA,
OCSP responder and CRLs served from a background thread on a free port.

Test modules import what they use:
    from tests.pki_fixtures import dev_pki, nss_db, signing_settings, signers  # noqa: F401
"""

from __future__ import annotations

import io
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from documents import services as document_services
from documents.models import Document
from people.models import Body, User
from signing import pki as dev_pki_module
from signing import tokens
from signing.models import SigningKey
from signing.pki_service import serve_in_thread
from signing.provisioning import DEMO_SEAL_PIN, DEMO_USER_PIN, key_provision
from tests.factories import NamedBytes, pdf_bytes

USER_PIN = DEMO_USER_PIN
SEAL_PIN = DEMO_SEAL_PIN


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class PkiEnv:
    dir: Path
    port: int
    pki: dev_pki_module.DevPki

    @property
    def tsa_url(self) -> str:
        return f"{self.pki.base_url}/tsa"

    @property
    def conf(self) -> Path:
        return self.dir / "softhsm2.conf"


@pytest.fixture(scope="session")
def dev_pki(tmp_path_factory) -> PkiEnv:
    base = tmp_path_factory.mktemp("pki")
    port = free_port()
    tokens.softhsm_conf_write(base)
    pki, _created = dev_pki_module.pki_create(base, port=port)
    server = serve_in_thread(pki, port=port)
    yield PkiEnv(base, port, pki)
    server.shutdown()
    server.server_close()


@pytest.fixture
def signing_settings(settings, dev_pki):
    settings.SIGNING_PKI_DIR = dev_pki.dir
    settings.SIGNING_SOFTHSM2_CONF = str(dev_pki.conf)
    settings.SIGNING_TSA_URL = dev_pki.tsa_url
    settings.SIGNING_DEV_PKI_PORT = dev_pki.port
    settings.SIGNING_TRUST_ROOTS = []
    settings.SIGNING_PIN_ATTEMPTS = 5
    return settings


@dataclass
class Signers:
    chair: User
    minister: User
    secretary: User
    body: Body
    chair_key: SigningKey
    minister_key: SigningKey
    seal_key: SigningKey


@pytest.fixture
def signers(cabinet, signing_settings, dev_pki) -> Signers:
    def provision(**owner) -> SigningKey:
        pin = SEAL_PIN if "body" in owner else USER_PIN
        return key_provision(actor=None, pki=dev_pki.pki, pin=pin, **owner)

    return Signers(
        chair=cabinet.chair,
        minister=cabinet.minister,
        secretary=cabinet.secretary,
        body=cabinet.body,
        chair_key=provision(user=cabinet.chair),
        minister_key=provision(user=cabinet.minister),
        seal_key=provision(body=cabinet.body),
    )


def make_document(body: Body, actor: User, *, pages: int = 2) -> Document:
    return document_services.document_create(
        actor=actor,
        body=body,
        file=NamedBytes(pdf_bytes(pages=pages, text="Tờ trình dự thảo Nghị định")),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary="Tờ trình về dự thảo Nghị định",
        issuing_body="Bộ Tài chính",
    )


def version_bytes(version) -> bytes:
    with version.file.open("rb") as handle:
        return handle.read()


@pytest.fixture(scope="session")
def nss_db(tmp_path_factory, dev_pki) -> Path:
    """An NSS certificate database that trusts only our development root, for pdfsig."""
    db = tmp_path_factory.mktemp("nss")
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{db}",
            "-n",
            "e-Cabinet dev root",
            "-t",
            "CT,C,C",
            "-i",
            str(dev_pki.pki.root_pem),
        ],
        check=True,
    )
    return db


def pdfsig(data: bytes, nss: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True, check=False
    )


def qpdf_check(data: bytes, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "checked-qpdf.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["qpdf", "--check", str(path)], capture_output=True, text=True, check=False
    )


def assert_independently_valid(data: bytes, nss: Path, tmp_path: Path, *, signatures: int) -> None:
    """Tools we did not write agree: every signature valid and trusted for poppler, and
    the file sound for qpdf."""
    result = pdfsig(data, nss, tmp_path)
    out = result.stdout
    assert out.count("Signature is Valid.") == signatures, out + result.stderr
    assert out.count("Certificate is Trusted.") == signatures, out + result.stderr
    checked = qpdf_check(data, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def flip_byte_in_first_stream(data: bytes) -> bytes:
    """Change one byte inside the first compressed stream of the original file: the
    kind of change that signatures exist to reveal."""
    start = data.index(b"stream\n") + len(b"stream\n") + 10
    flipped = bytearray(data)
    flipped[start] ^= 0xFF
    return bytes(flipped)


__all__ = [
    "SEAL_PIN",
    "USER_PIN",
    "assert_independently_valid",
    "dev_pki",
    "flip_byte_in_first_stream",
    "io",
    "make_document",
    "nss_db",
    "pdfsig",
    "qpdf_check",
    "signers",
    "signing_settings",
    "version_bytes",
]
