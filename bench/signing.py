"""Signing and verifying an N-page PDF with a key on a PKCS#11 token (SoftHSM2): our
service path against pyHanko alone, on the same bytes, the same token and key, and the
same timestamp authority.

Ours, to sign: `signing.services.version_sign` with the signer's PIN (certificate check
against the CA's CRL, the Decree 30 appearance drawn by WeasyPrint, the signature, the
new version stored with its audit entry). Ours, to verify: `signing.verify.pdf_verify`
(every signature and document timestamp, revocation now and at the timestamp, order,
difference analysis). pyHanko alone: its PKCS#11 signer (`pyhanko.sign.pkcs11`) with the
same signature level (B-LTA with the TSA, B-B without) and no appearance, and its
`validate_pdf_signature` / `validate_pdf_timestamp` on the same signed file. Everything
runs in this process against a throwaway database, PKI and token folder, with the
development PKI's TSA/OCSP/CRL served on a loopback port.

    python -m bench.signing --pages 20 --repeat 5
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import ROOT, free_port, percentile

PIN = "123456"  # development PIN of the throwaway token


def django_setup() -> Path:
    """A scratch var dir (SQLite, media, PKI, tokens) or BENCH_DATABASE_URL; Django set up
    in this process. No Redis: nothing here goes through the channel layer."""
    workdir = Path(tempfile.mkdtemp(prefix="ecabinet-bench-signing-"))
    port = free_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "ecabinet.settings",
        "ECABINET_VAR_DIR": str(workdir),
        "SOFTHSM2_CONF": str(workdir / "pki" / "softhsm2.conf"),
        "SIGNING_DEV_PKI_PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",  # measure what production runs, not the query-recording debug cursor
    }
    os.environ.update(env)
    for name in ("DATABASE_URL", "REDIS_URL", "SIGNING_PKI_DIR", "SIGNING_TSA_URL"):
        os.environ.pop(name, None)
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=os.environ, check=True
    )
    import django

    django.setup()
    return workdir


def pdf_pages(pages: int) -> bytes:
    """An N-page administrative text rendered by WeasyPrint, as papers are."""
    from weasyprint import HTML

    paragraph = (
        "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; Chính phủ ban hành Nghị "
        "định quy định chi tiết một số điều của Luật. "
    ) * 12
    body = "".join(
        f"<section style='page-break-after: always'><h1>Điều {n + 1}</h1>"
        f"<p>{paragraph}</p><p>{paragraph}</p></section>"
        for n in range(pages)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


class Bench:
    def __init__(self, pages: int) -> None:
        from django.conf import settings

        from bench.common import body_with_members
        from signing import provisioning
        from signing.pki_service import serve_in_thread

        self.body, self.chair, self.secretary, _ = body_with_members(2)
        report = provisioning.dev_pki_init(users=[self.chair], user_pin=PIN)
        self.pki = report.pki
        self.server = serve_in_thread(self.pki, port=settings.SIGNING_DEV_PKI_PORT)
        self.tsa_url = f"{self.pki.base_url}/tsa"
        self.data = pdf_pages(pages)
        from signing import selectors

        self.key = selectors.key_of_user(self.chair)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fresh_version(self):
        """A new, unsigned paper for each signing (a signer signs a version once)."""
        from documents.services import document_create

        document = document_create(
            actor=self.secretary,
            body=self.body,
            file=_Named(self.data),
            filename="nghi-dinh.pdf",
            doc_type="to_trinh",
            summary="Dự thảo Nghị định",
            issuing_body="Văn phòng Chính phủ",
        )
        return document.latest_version()

    # --- ours ---------------------------------------------------------------------------

    def ours_sign(self, version) -> bytes:
        from signing.services import version_sign

        signed = version_sign(actor=self.chair, version=version, pin=PIN)
        with signed.file.open("rb") as handle:
            return handle.read()

    @staticmethod
    def ours_verify(data: bytes) -> bool:
        from signing.verify import pdf_verify

        return pdf_verify(data).ok

    # --- pyHanko alone ------------------------------------------------------------------

    def hanko_sign(self, data: bytes, *, tsa: bool) -> bytes:
        from asn1crypto import x509 as asn1_x509
        from django.conf import settings
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko.sign.pkcs11 import PKCS11Signer, TokenCriteria, open_pkcs11_session
        from pyhanko.sign.timestamps import HTTPTimeStamper

        from signing.pki import chain_der

        chain = [asn1_x509.Certificate.load(der) for der in chain_der(self.pki)]
        meta = signers.PdfSignatureMetadata(
            field_name="Signature1",
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            embed_validation_info=tsa,
            use_pades_lta=tsa,
            validation_context=self.hanko_context() if tsa else None,
        )
        session = open_pkcs11_session(
            settings.SIGNING_PKCS11_MODULE,
            token_criteria=TokenCriteria(label=self.key.token_label),
            user_pin=PIN,
        )
        try:
            signer = PKCS11Signer(
                session,
                key_label=self.key.key_label,
                signing_cert=self.key.asn1_certificate(),
                ca_chain=chain,
                embed_roots=False,
            )
            pdf_signer = signers.PdfSigner(
                meta,
                signer=signer,
                timestamper=HTTPTimeStamper(self.tsa_url, timeout=20) if tsa else None,
            )
            writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
            return pdf_signer.sign_pdf(writer, output=io.BytesIO()).getvalue()
        finally:
            session.close()

    def hanko_context(self):
        from pyhanko_certvalidator import ValidationContext

        from signing.certs import load_pem_certificates

        return ValidationContext(
            trust_roots=load_pem_certificates(self.pki.root_pem.read_bytes()),
            allow_fetching=True,
            revocation_mode="soft-fail",
        )

    def hanko_verify(self, data: bytes) -> bool:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

        reader = PdfFileReader(io.BytesIO(data), strict=False)
        ok = True
        for sig in reader.embedded_signatures:
            if sig.sig_object.get("/Type") == "/DocTimeStamp":
                status = validate_pdf_timestamp(sig, validation_context=self.hanko_context())
            else:
                status = validate_pdf_signature(sig, signer_validation_context=self.hanko_context())
            ok = ok and status.intact and status.valid and status.trusted
        return ok


class _Named(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.name = "nghi-dinh.pdf"


def timed(fn: Callable[..., object], *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def measure(bench: Bench, *, tsa: bool, repeat: int) -> dict[str, list[float]]:
    """One warm-up round, then `repeat` rounds; ours and pyHanko alternate so that any
    drift of the machine touches both alike."""
    from django.conf import settings

    settings.SIGNING_TSA_URL = bench.tsa_url if tsa else ""
    times: dict[str, list[float]] = {"ours sign": [], "hanko sign": [], "ours verify": []}
    times["hanko verify"] = []
    for round_no in range(repeat + 1):
        version = bench.fresh_version()
        with version.file.open("rb") as handle:
            original = handle.read()
        ours_t, signed = timed(bench.ours_sign, version)
        hanko_t, hanko_signed = timed(bench.hanko_sign, original, tsa=tsa)
        ours_v, ours_ok = timed(bench.ours_verify, signed)
        hanko_v, hanko_ok = timed(bench.hanko_verify, signed)
        if not (ours_ok and hanko_ok and bench.hanko_verify(hanko_signed)):
            raise RuntimeError("a signature made by the benchmark does not verify")
        if round_no == 0:
            continue  # warm-up: module loading, first TLS-free connections, caches
        for name, value in zip(times, (ours_t, hanko_t, ours_v, hanko_v), strict=True):
            times[name].append(value)
    return times


def report(pages: int, rows: list[tuple[str, dict[str, list[float]]]], repeat: int) -> None:
    print(
        f"\nSigning and verifying a {pages}-page PDF with a SoftHSM2 key, {repeat} runs "
        "(ms; ratio = ours / pyHanko alone, medians, same run)"
    )
    print(
        f"{'level':<14} {'step':<7} {'ours p50':>9} {'ours p95':>9} "
        f"{'pyHanko p50':>12} {'pyHanko p95':>12} {'ratio':>6}"
    )
    for level, times in rows:
        for step in ("sign", "verify"):
            ours, alone = times[f"ours {step}"], times[f"hanko {step}"]
            ratio = statistics.median(ours) / statistics.median(alone)
            print(
                f"{level:<14} {step:<7} {statistics.median(ours) * 1000:>9.0f} "
                f"{percentile(ours, 95) * 1000:>9.0f} {statistics.median(alone) * 1000:>12.0f} "
                f"{percentile(alone, 95) * 1000:>12.0f} {ratio:>6.2f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-tsa", action="store_true", help="measure B-B only")
    options = parser.parse_args()
    if options.pages < 1 or options.repeat < 1:
        parser.error("--pages and --repeat must be at least 1")
    workdir = django_setup()
    print(f"scratch data in {workdir}")
    bench = Bench(options.pages)
    try:
        print(f"{options.pages}-page PDF: {len(bench.data) // 1024} KiB")
        rows = []
        if not options.no_tsa:
            rows.append(("B-LTA (TSA)", measure(bench, tsa=True, repeat=options.repeat)))
        rows.append(("B-B (no TSA)", measure(bench, tsa=False, repeat=options.repeat)))
    finally:
        bench.close()
    report(options.pages, rows, options.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
