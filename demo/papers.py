"""Demo papers as real PDFs, laid out as Decree 30/2020/NĐ-CP asks, rendered by WeasyPrint.

Each paper's prose is a template in demo/templates/demo/papers/ that extends
demo/paper.html (header with the national motto, title, signature and recipients).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.template.loader import render_to_string

from demo.paper_specs import PaperSpec
from documents.models import Confidentiality, Urgency

CONFIDENTIALITY_MARKS = {
    Confidentiality.CONFIDENTIAL: "MẬT",
    Confidentiality.SECRET: "TỐI MẬT",
    Confidentiality.TOP_SECRET: "TUYỆT MẬT",
}
URGENCY_MARKS = {
    Urgency.URGENT: "KHẨN",
    Urgency.VERY_URGENT: "THƯỢNG KHẨN",
    Urgency.FLASH: "HỎA TỐC",
}


@dataclass(frozen=True)
class Period:
    """The month a meeting reviews; papers and titles speak of it."""

    month: int
    year: int

    def fill(self, text: str) -> str:
        return text.format(month=self.month, year=self.year, next_year=self.year + 1)


def place_date(place: str, day: dt.date) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2026": Decree 30 pads days below 10 and months below 3."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def paper_html(
    spec: PaperSpec, *, place: str, issued: dt.date, signer_name: str, period: Period
) -> str:
    context = {
        "type_title": spec.type_title,
        "summary": period.fill(spec.summary),
        "issuing_body": spec.issuing_body,
        "issuing_parent": spec.issuing_parent,
        "agency_lines": spec.agency_lines,
        "number_line": period.fill(spec.number_line),
        "place_date": place_date(place, issued),
        "confidentiality_mark": CONFIDENTIALITY_MARKS.get(spec.confidentiality, ""),
        "urgency_mark": URGENCY_MARKS.get(spec.urgency, ""),
        "addressee": spec.addressee,
        "distribution": spec.distribution,
        "signer_authority": spec.signer_authority,
        "signer_title": spec.signer_title,
        "signer_name": signer_name,
        "is_draft": spec.is_draft,
        "month": period.month,
        "year": period.year,
        "next_year": period.year + 1,
        "issued": issued,
    }
    return render_to_string(f"demo/papers/{spec.template}.html", context)


# Rendering is most of seed_demo's time; a paper asked for twice in one process (the
# tests seed more than once) is rendered once.
@cache
def paper_pdf(
    spec: PaperSpec, *, place: str, issued: dt.date, signer_name: str, period: Period
) -> bytes:
    from weasyprint import HTML  # heavy import, needed only when something is rendered

    html = paper_html(spec, place=place, issued=issued, signer_name=signer_name, period=period)
    return HTML(string=html).write_pdf()
