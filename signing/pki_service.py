"""The development PKI's online services on 127.0.0.1: an RFC 3161 timestamp
authority (/tsa), an OCSP responder (/ocsp), revocation lists (/crl/<ca>.crl) and the
CA certificates (/certs/<ca>.cer) that certificates point to.

The protocol work is Certomancer's (TimeStamper, SimpleOCSPResponder, CRLBuilder);
this module only serves it over HTTP and reads the revocation list from the PKI folder
on every request, so a revocation shows at once without a restart.
"""

from __future__ import annotations

import base64
import logging
import threading
from datetime import UTC, datetime, timedelta
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from asn1crypto import crl, keys, ocsp, tsp
from asn1crypto import x509 as asn1_x509
from certomancer.services import (
    CRLBuilder,
    RevocationInfoInterface,
    SimpleOCSPResponder,
    TimeStamper,
    choose_signed_digest,
)
from cryptography.hazmat.primitives import serialization

from signing.pki import DevPki, revoked_serials

logger = logging.getLogger(__name__)


def _asn1_cert(pki: DevPki, name: str) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pki.cert(name).public_bytes(serialization.Encoding.DER))


def _asn1_key(pki: DevPki, name: str) -> keys.PrivateKeyInfo:
    return keys.PrivateKeyInfo.load(
        pki.key(name).private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


class _Revocations(RevocationInfoInterface):
    def __init__(self, pki: DevPki, issuer: asn1_x509.Certificate) -> None:
        self.pki, self.issuer = pki, issuer

    def get_issuer_cert(self) -> asn1_x509.Certificate:
        return self.issuer

    def check_revocation_status(self, cid: ocsp.CertId, at_time: datetime):
        entry = revoked_serials(self.pki).get(int(cid["serial_number"].native))
        if entry is None or datetime.fromisoformat(entry["at"]) > at_time:
            return ocsp.CertStatus(name="good", value=None), []
        info = ocsp.RevokedInfo(
            {
                "revocation_time": datetime.fromisoformat(entry["at"]),
                "revocation_reason": crl.CRLReason(entry["reason"]),
            }
        )
        return ocsp.CertStatus(name="revoked", value=info), []


class PkiApp:
    """The WSGI application."""

    def __init__(self, pki: DevPki) -> None:
        self.pki = pki
        self.certs = {name: _asn1_cert(pki, name) for name in ("root", "ca", "ocsp", "tsa")}
        self.keys = {name: _asn1_key(pki, name) for name in ("root", "ca", "ocsp", "tsa")}
        tsa = self.certs["tsa"]
        self.timestamper = TimeStamper(
            tsa_cert=tsa, tsa_key=self.keys["tsa"], certs_to_embed=[tsa, self.certs["ca"]]
        )

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        try:
            status, content_type, body = self.route(method, path, environ)
        except Exception:  # a bad request must not kill the service
            logger.exception("PKI service failed on %s %s", method, path)
            status, content_type, body = "400 Bad Request", "text/plain", b"bad request"
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    def route(self, method: str, path: str, environ) -> tuple[str, str, bytes]:
        if method == "POST" and path == "/tsa":
            req = tsp.TimeStampReq.load(_body(environ))
            return (
                "200 OK",
                "application/timestamp-reply",
                self.timestamper.request_tsa_response(req).dump(),
            )
        if path.startswith("/ocsp"):
            data = _body(environ) if method == "POST" else base64.b64decode(path[6:])
            return "200 OK", "application/ocsp-response", self.ocsp(data)
        if method == "GET" and path in ("/crl/root.crl", "/crl/ca.crl"):
            return "200 OK", "application/pkix-crl", self.crl(path[5:-4])
        if method == "GET" and path in ("/certs/root.cer", "/certs/ca.cer"):
            return "200 OK", "application/pkix-cert", self.certs[path[7:-4]].dump()
        return "404 Not Found", "text/plain", b"not found"

    def ocsp(self, data: bytes) -> bytes:
        responder = SimpleOCSPResponder(
            responder_cert=self.certs["ocsp"],
            responder_key=self.keys["ocsp"],
            signature_algo=choose_signed_digest("sha256", self.certs["ocsp"].public_key),
            at_time=datetime.now(tz=UTC),
            revinfo_interface=_Revocations(self.pki, self.certs["ca"]),
        )
        return responder.build_ocsp_response(ocsp.OCSPRequest.load(data)).dump()

    def crl(self, issuer: str) -> bytes:
        cert = self.certs[issuer]
        builder = CRLBuilder(
            issuer_name=cert.subject,
            issuer_key=self.keys[issuer],
            signature_algo=choose_signed_digest("sha256", cert.public_key),
            authority_key_identifier=cert.key_identifier_value,
        )
        now = datetime.now(tz=UTC)
        revoked = []
        if issuer == "ca":
            for serial, entry in revoked_serials(self.pki).items():
                when = datetime.fromisoformat(entry["at"])
                if when <= now:
                    revoked.append(
                        builder.format_revoked_cert(serial, crl.CRLReason(entry["reason"]), when)
                    )
        return builder.build_crl(
            crl_number=int(now.timestamp()),
            this_update=now - timedelta(seconds=1),
            next_update=now + timedelta(hours=1),
            revoked_certs=revoked,
        ).dump()


def _body(environ) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(min(length, 1024 * 1024))


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        logger.debug("pki %s", format % args)


def server_make(pki: DevPki, *, host: str = "127.0.0.1", port: int) -> WSGIServer:
    return make_server(
        host, port, PkiApp(pki), server_class=_ThreadingServer, handler_class=_QuietHandler
    )


def serve_in_thread(pki: DevPki, *, port: int) -> WSGIServer:
    """Start the services in a daemon thread (tests); call .shutdown() to stop."""
    server = server_make(pki, port=port)
    threading.Thread(target=server.serve_forever, name="dev-pki", daemon=True).start()
    return server
