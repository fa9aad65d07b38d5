# ruff: noqa: S603, S607 - fixed argument lists, no shell; the tools are found on PATH
"""Judge exported archive records with tools we did not write.

    python scripts/verify_records.py FOLDER --root ROOT.pem

For every FOLDER/*.pdf (as `manage.py archive_export_records` writes them):
- pyHanko's stock AdES-LTA validation (ETSI EN 319 102-1), offline, with only ROOT as
  trust anchor and the file's own validation data, now and at simulated dates one and
  five years after the last signer certificate expires;
- poppler's `pdfsig` with an NSS database that trusts only ROOT;
- `qpdf --check`.

It prints one line per record and check and exits 1 if any check fails. It uses pyHanko,
asn1crypto and the two programs only: nothing from e-Cabinet, so it judges the files the
way an outside archive would. A simulated date after the expiry of the timestamp
authority's, the issuing CA's or the root's own certificate is named in the table.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation import ades
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.policy_decl import (
    CertificateFetchingRule,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager

YEAR = timedelta(days=365)
LATER = ((1, "+1 year"), (5, "+5 years"))


@dataclass(frozen=True)
class Row:
    record: str
    check: str
    ok: bool
    detail: str

    @property
    def verdict(self) -> str:
        return ("pass" if self.ok else "FAIL") + (f": {self.detail}" if self.detail else "")


def stock_spec(root) -> PdfSignatureValidationSpec:
    """Only the root is trusted, revocation is hard-fail and nothing is fetched."""
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=[root]),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy.from_legacy("hard-fail")),
    )
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY,
                certificate_fetching_rule=CertificateFetchingRule.NEVER_FETCH,
            ),
        )
    )


def lta_verdicts(data: bytes, root, at: datetime | None) -> dict[str, str]:
    spec = stock_spec(root)
    reader = PdfFileReader(io.BytesIO(data))
    verdicts = {}
    for sig in reader.embedded_regular_signatures:
        if at is None:
            result = asyncio.run(ades.ades_lta_validation(sig, spec))
        else:
            result = asyncio.run(
                ades.simulate_future_ades_lta_validation(sig, spec, future_validation_time=at)
            )
        verdicts[sig.field_name] = result.ades_subindic.name
    return verdicts


def lta_row(name: str, check: str, data: bytes, root, at: datetime | None, note: str) -> Row:
    try:
        verdicts = lta_verdicts(data, root, at)
    except Exception as exc:  # a damaged file: the verdict, not a crash
        return Row(name, check, False, f"{type(exc).__name__}: {exc}")
    if not verdicts:
        return Row(name, check, False, "no signature")
    failed = {field: v for field, v in verdicts.items() if v != AdESPassed.OK.name}
    if failed:
        return Row(name, check, False, ", ".join(f"{f} {v}" for f, v in failed.items()))
    return Row(name, check, True, f"{len(verdicts)} signature(s) {AdESPassed.OK.name}" + note)


def chain_ends(data: bytes, root) -> tuple[datetime, dict[str, datetime]]:
    """The last signer certificate's expiry, and when the TSA's (of the last timestamp),
    the issuing CA's and the root's own certificates end."""
    reader = PdfFileReader(io.BytesIO(data))
    signer_certs = [sig.signer_cert for sig in reader.embedded_regular_signatures]
    if not signer_certs:
        raise ValueError("no signature")
    last = max(signer_certs, key=lambda cert: cert.not_valid_after)
    ends = {"root": root.not_valid_after}
    timestamps = list(reader.embedded_timestamp_signatures)
    if timestamps:
        ends["TSA"] = timestamps[-1].signer_cert.not_valid_after
    try:
        known = DocumentSecurityStore.read_dss(reader).load_certs()
    except Exception:  # no DSS: the AdES check reports what is missing
        known = []
    for cert in known:
        if cert.subject == last.issuer and cert.subject != root.subject:
            ends["CA"] = cert.not_valid_after
    return last.not_valid_after, ends


def nss_db(folder: Path, root_pem: Path) -> Path:
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{folder}", "-n", "root", "-t", "CT,C,C"]
        + ["-i", str(root_pem)],
        check=True,
    )
    return folder


def pdfsig_row(name: str, path: Path, nss: Path) -> Row:
    """Each signature (not the document timestamps, which poppler does not judge) must be
    valid and its certificate trusted."""
    result = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    blocks = result.stdout.split("Signature #")[1:]
    judged = [block for block in blocks if "has not yet been verified" not in block]
    good = [
        block
        for block in judged
        if "Signature is Valid." in block and "Certificate is Trusted." in block
    ]
    if result.returncode != 0 or not judged or len(good) != len(judged):
        lines = [line.strip() for line in result.stdout.splitlines() if "Validation:" in line]
        detail = "; ".join(sorted(set(lines))) or result.stderr.strip()[:200]
        return Row(name, "pdfsig", False, f"{len(good)}/{len(judged)} valid and trusted; {detail}")
    return Row(name, "pdfsig", True, f"{len(good)} signature(s) valid and trusted")


def qpdf_row(name: str, path: Path) -> Row:
    result = subprocess.run(
        ["qpdf", "--check", str(path)], capture_output=True, text=True, check=False, timeout=120
    )
    if result.returncode != 0:
        text = (result.stdout + result.stderr).strip().splitlines()
        return Row(name, "qpdf --check", False, f"exit {result.returncode}: {text[-1:]}")
    return Row(name, "qpdf --check", True, "no syntax or stream errors")


def record_rows(path: Path, root, nss: Path) -> list[Row]:
    name = path.name
    data = path.read_bytes()
    rows = [lta_row(name, "pyHanko AdES-LTA now", data, root, None, "")]
    try:
        expiry, ends = chain_ends(data, root)
    except Exception as exc:
        rows.append(Row(name, "signer expiry", False, f"{type(exc).__name__}: {exc}"))
    else:
        for years, label in LATER:
            at = expiry + years * YEAR
            lapsed = [f"{who} ended {end:%Y-%m-%d}" for who, end in ends.items() if end < at]
            still = ", ".join(f"{who} to {end:%Y-%m-%d}" for who, end in ends.items())
            note = f"; NOTE after expiry: {', '.join(lapsed)}" if lapsed else f"; valid: {still}"
            check = f"pyHanko AdES-LTA at {at:%Y-%m-%d} (signer expiry {label})"
            rows.append(lta_row(name, check, data, root, at, note))
    rows.append(pdfsig_row(name, path, nss))
    rows.append(qpdf_row(name, path))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder of exported records (*.pdf)")
    parser.add_argument("--root", type=Path, required=True, help="trust anchor (PEM)")
    parser.add_argument("--verbose", action="store_true", help="show pyHanko's own log")
    args = parser.parse_args(argv)
    if not args.verbose:
        # pyHanko logs each path it tries and drops while it looks for proof of existence;
        # the verdicts below are what counts.
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    paths = sorted(args.folder.glob("*.pdf"))
    if not paths:
        print(f"No *.pdf in {args.folder}", file=sys.stderr)
        return 2
    root = load_cert_from_pemder(str(args.root))
    started = datetime.now(UTC)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        nss = nss_db(Path(tmp), args.root)
        for path in paths:
            rows.extend(record_rows(path, root, nss))
    width = max(len(row.record) for row in rows)
    check_width = max(len(row.check) for row in rows)
    print(f"{'record':<{width}}  {'check':<{check_width}}  verdict")
    for row in rows:
        print(f"{row.record:<{width}}  {row.check:<{check_width}}  {row.verdict}")
    failed = sum(not row.ok for row in rows)
    seconds = (datetime.now(UTC) - started).total_seconds()
    print(
        f"{len(paths)} record(s), {len(rows)} check(s), {failed} failed"
        f" (root {root.subject.human_friendly}, ends {root.not_valid_after:%Y-%m-%d};"
        f" {seconds:.1f} s)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
