"""Papers with real PDFs for the annotation tests: one page of text per entry."""

from __future__ import annotations

from meetings import services
from tests.factories import NamedBytes


def pages_pdf(*texts: str) -> bytes:
    """A real PDF (WeasyPrint), A4, one page per text."""
    from weasyprint import HTML

    body = "".join(
        f"<section style='page-break-after: always'><h1>{text}</h1>"
        f"<p>{text} — nội dung trang.</p></section>"
        for text in texts
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def upload(cabinet, meeting, data, *, item=None, **extra):
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(data),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary=extra.pop("summary", "Về dự thảo Nghị định"),
        issuing_body="Bộ Tài chính",
        number_symbol="215/TTr-BTC",
        **extra,
    )


HIGHLIGHT = {"rects": [[72.0, 100.0, 200.0, 14.0], [72.0, 116.0, 120.0, 14.0]]}
INK = {"strokes": [[[100, 300], [120, 310], [140, 330]]], "width": 2}
NOTE = {"at": [400, 200]}
