"""A per-reader watermark on every page of a confidential paper.

A copy of a paper marked Mật or above that leaves the system must say whose it was: each
reader gets a copy with their full name, their organisation (đơn vị) and the time it was
served, written diagonally and semi-transparently across every page and once more,
straight and small, along its foot (so it survives cropping and text extraction).

The watermark is rendered by WeasyPrint as a one-page PDF of the page's own size and laid
over each page with pikepdf. The stored version is never touched: the copy is made in
memory for this reader, and its SHA-256 differs from the stored one by design.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import IO

import pikepdf
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from ecabinet import dates
from people.models import User

_STYLE = """
@page { size: %(w).2fpt %(h).2fpt; margin: 0 }
html, body { margin: 0; height: 100%%; }
body { font-family: "Liberation Serif", "Times New Roman", "DejaVu Serif", serif;
       color: rgba(180, 0, 0, 0.22); position: relative; overflow: hidden; }
.diag { position: absolute; left: 50%%; width: %(diag).2fpt; text-align: center;
        transform: translateX(-50%%) rotate(%(angle).1fdeg); font-size: %(big).1fpt;
        font-weight: bold; line-height: 1.25; white-space: nowrap; }
.foot { position: absolute; bottom: 8pt; left: 0; right: 0; text-align: center;
        font-size: 7pt; color: rgba(120, 0, 0, 0.6); font-family: "DejaVu Sans", sans-serif; }
"""


def watermark_lines(*, reader: User, when: datetime) -> list[str]:
    return [
        reader.full_name or reader.get_username(),
        reader.organisation or reader.title or "",
        dates.when(when),
    ]


def _watermark_page(width: float, height: float, lines: list[str]) -> pikepdf.Pdf:
    from weasyprint import HTML  # slow to import; only readers of secrets pay for it

    diagonal = (width**2 + height**2) ** 0.5
    big = max(min(width, height) / 15, 10)
    block = "<br>".join(escape(line) for line in lines if line)
    foot = escape(
        _("Copy for %(lines)s. Do not copy or forward.")
        % {"lines": " · ".join(filter(None, lines))}
    )
    style = _STYLE % {
        "w": width,
        "h": height,
        "diag": diagonal * 0.8,
        "angle": -round(_angle(width, height), 1),
        "big": big,
    }
    tops = [0.12, 0.55]
    marks = "".join(f'<div class="diag" style="top:{top * 100:.0f}%">{block}</div>' for top in tops)
    html = (
        f"<html><head><style>{style}</style></head>"
        f"<body>{marks}<div class='foot'>{foot}</div></body></html>"
    )
    return pikepdf.open(io.BytesIO(HTML(string=html).write_pdf()))


def _angle(width: float, height: float) -> float:
    from math import atan2, degrees

    return degrees(atan2(height, width))


def watermark_pdf(source: IO[bytes], *, reader: User, when: datetime | None = None) -> bytes:
    """Return a copy of the PDF in `source` with the reader's watermark on every page."""
    lines = watermark_lines(reader=reader, when=when or timezone.now())
    marks: dict[tuple[Decimal, Decimal], pikepdf.Pdf] = {}
    try:
        with pikepdf.open(source) as pdf:
            for page in pdf.pages:
                box = page.mediabox
                x0, y0, x1, y1 = (float(v) for v in box)
                key = (Decimal(str(round(x1 - x0, 2))), Decimal(str(round(y1 - y0, 2))))
                if key not in marks:
                    marks[key] = _watermark_page(float(key[0]), float(key[1]), lines)
                page.add_overlay(marks[key].pages[0], pikepdf.Rectangle(x0, y0, x1, y1))
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
    finally:
        for mark in marks.values():
            mark.close()
