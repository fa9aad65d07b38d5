"""Downloading a Mật paper (watermarked for its reader) beside downloading the same PDF as
a normal paper, through the same service path.

For each shape of PDF (N pages of A4, and one page each of N distinct sizes) the same
bytes are stored twice through `documents.services.document_create`: once as a normal
paper, once as Mật with named recipients. We then time `documents.services.version_open`
read to its end (the stored file checked against its SHA-256, the audit entry, and for
the Mật paper the watermark): the baseline is the normal paper; each Mật download is by
a reader who has not downloaded before, so nothing of theirs is kept from an earlier
run. The ratio is Mật over plain, medians of the same run; "stamps" is how many
WeasyPrint renders the Mật downloads made in all. Everything runs in this process against
a throwaway database and media folder.

    python -m bench.watermark --pages 20 200 2000 --sizes 150 --repeat 5
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time

from bench.common import percentile
from bench.signing import django_setup

A4 = (595.28, 841.89)


def pdf_of(sizes: list[tuple[float, float]]) -> bytes:
    """A PDF with one page per size, each with a line of text, written cheaply."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont="/Times")
    )
    content = pdf.make_stream(b"BT /F1 14 Tf 72 72 Td (Bao cao mat) Tj ET")
    resources = pdf.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))
    kids = pikepdf.Array()
    for width, height in sizes:
        kids.append(
            pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Page,
                    Parent=pdf.Root.Pages,
                    MediaBox=[0, 0, width, height],
                    Resources=resources,
                    Contents=content,
                )
            )
        )
    pdf.Root.Pages.Kids = kids
    pdf.Root.Pages.Count = len(sizes)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def shapes(pages: list[int], sizes: int) -> list[tuple[str, list[tuple[float, float]]]]:
    out = [(f"{n} pages A4", [A4] * n) for n in pages]
    distinct = [(300 + 3 * i, 420 + 2 * i) for i in range(sizes)]
    out.append((f"{sizes} page sizes", distinct))
    return out


def timed_read(actor, version) -> float:
    from documents.services import version_open

    start = time.perf_counter()
    with version_open(actor=actor, version=version) as handle:
        while handle.read(1024 * 1024):
            pass
    return time.perf_counter() - start


def measure(label: str, data: bytes, *, repeat: int, readers, secretary, body) -> dict:
    from documents import watermark
    from documents.services import document_create

    def store(confidentiality: str):
        document = document_create(
            actor=secretary,
            body=body,
            file=io.BytesIO(data),
            filename="bao-cao.pdf",
            doc_type="bao_cao",
            summary=f"Đo hiệu năng {label}",
            issuing_body="Bộ Công an",
            confidentiality=confidentiality,
            recipients=readers if confidentiality != "thuong" else [],
        )
        return document.versions.get()

    plain, secret = store("thuong"), store("mat")
    base = [timed_read(readers[0], plain) for _ in range(repeat)]
    before = watermark.renders
    marked = [timed_read(readers[i], secret) for i in range(repeat)]
    return {
        "label": label,
        "pages": plain.page_count,
        "kib": len(data) // 1024,
        "plain": base,
        "mat": marked,
        "stamps": watermark.renders - before,
    }


def report(rows: list[dict]) -> None:
    print()
    print("Downloading a Mật paper beside the same PDF as a normal paper")
    print("(ms; ratio = Mật / plain, medians of the same run; each Mật download a new reader)")
    print(
        f"{'PDF':>18} {'KiB':>6} {'plain p50':>10} {'Mật p50':>9} {'Mật p95':>9} "
        f"{'ratio':>6} {'ms/page':>8} {'stamps':>7}"
    )
    for row in rows:
        plain, mat = statistics.median(row["plain"]), statistics.median(row["mat"])
        print(
            f"{row['label']:>18} {row['kib']:>6} {plain * 1000:>10.1f} {mat * 1000:>9.1f} "
            f"{percentile(row['mat'], 95) * 1000:>9.1f} {mat / plain:>6.1f} "
            f"{mat / row['pages'] * 1000:>8.2f} {row['stamps']:>7}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[20, 200, 2000])
    parser.add_argument("--sizes", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    workdir = django_setup()
    print(f"scratch data in {workdir}")

    from bench.common import body_with_members

    cases = shapes(options.pages, options.sizes)
    # A reader per Mật download, so no stamp is kept from an earlier download.
    body, _chair, secretary, members = body_with_members(options.repeat * (len(cases) + 1) + 1)

    def readers(n: int):
        return members[n * options.repeat : (n + 1) * options.repeat]

    # Warm up: WeasyPrint's import and fonts are paid once per process, not per download.
    measure("warm-up", pdf_of([A4]), repeat=1, readers=readers(0), secretary=secretary, body=body)
    rows = [
        measure(
            label,
            pdf_of(sizes),
            repeat=options.repeat,
            readers=readers(n),
            secretary=secretary,
            body=body,
        )
        for n, (label, sizes) in enumerate(cases, start=1)
    ]
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
