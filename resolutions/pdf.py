"""The resolution as PDF/A-3b in the Decree 30/2020 layout (Appendix I, form 1.1: a
resolution of a body deciding collectively): the issuer and the national motto, "Số:"
with the number and symbol and the place and date on one line, NGHỊ QUYẾT and its
summary, the issuer again above the legal bases, QUYẾT NGHỊ:, the articles, the
signature block "TM. CHÍNH PHỦ / THỦ TƯỚNG" and "Nơi nhận:" beside it.

The wording is Vietnamese whatever the reader's screen says: it is the legal document.
The number and the date are printed before anyone signs (Decree 30, art. 15), so a
draft shows "Số:      /NQ-CP" with the number left blank. The chair's signature lands on
the box of the element "sig-chair"; the seal (without a box) covers the signature.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from documents.pdf import pdf_metadata_settle
from minutes.pdf import place_date

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px; PDF speaks points
SIGN_BOX_SIZE = (224, 84)


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    sign_box: dict[str, Any]  # {"page": n, "chair": [x1, y1, x2, y2]} in PDF points


def _find_box(document) -> dict[str, Any]:
    for index, page in enumerate(document.pages):
        height_pt = page.height * PX_TO_PT
        for box in page._page_box.descendants():
            if box.element is None or box.element.get("id") != "sig-chair":
                continue
            x, y = box.border_box_x(), box.border_box_y()
            w, h = box.border_width(), box.border_height()
            cx = (x + w / 2) * PX_TO_PT
            cy = height_pt - (y + h / 2) * PX_TO_PT
            bw, bh = SIGN_BOX_SIZE
            return {
                "page": index,
                "chair": [
                    round(cx - bw / 2),
                    round(cy - bh / 2),
                    round(cx + bw / 2),
                    round(cy + bh / 2),
                ],
            }
    return {}


def render(
    *,
    issuer: str,
    title: str,
    preamble: str,
    articles: list[str],
    tasks: list[dict[str, Any]],
    recipients: list[str],
    number_symbol: str,
    series_tail: str,
    place: str,
    issued_on: dt.date | None,
    signer_name: str,
    signer_title: str,
    draft: bool,
    moment: dt.datetime | None = None,
) -> Rendered:
    from weasyprint import HTML  # heavy; loaded only to render

    context = {
        "issuer": issuer,
        "title": title,
        "preamble": [line.strip() for line in preamble.splitlines() if line.strip()],
        "articles": articles,
        "tasks": tasks,
        "recipients": recipients,
        "number_symbol": number_symbol,
        "series_tail": series_tail,
        "place_date": place_date(place, issued_on)
        if issued_on
        else f"{place}, ngày    tháng    năm",
        "signer_name": signer_name,
        "signer_title": (signer_title or "").upper(),
        "draft": draft,
        "keywords": f"nghị quyết, nghi quyet, {issuer}",
    }
    html = render_to_string("resolutions/pdf/resolution.html", context)
    document = HTML(string=html).render()
    box = _find_box(document)
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile for PDF/A and drops the file unclosed.
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = document.write_pdf(pdf_variant="pdf/a-3b")
    pdf = pdf_metadata_settle(pdf, moment=moment or timezone.now())
    return Rendered(pdf, len(document.pages), box)
