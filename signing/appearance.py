"""What a signature looks like on the page (Decree 30/2020): the signer's block (name,
title, signing time) and the agency's red round seal over the left third of it.

Each block is a small PDF rendered by WeasyPrint and used by pyHanko as a static
stamp: pyHanko's own text stamps space letters wrongly for fonts whose units-per-em
is not 1000 (Liberation Serif has 2048), and Vietnamese needs a real text engine.
The stamp's words are Vietnamese whatever the reader's language: they are part of the
legal document, like the national motto, not of the user interface.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pikepdf
from django.template.loader import render_to_string

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
Box = tuple[int, int, int, int]  # x1, y1, x2, y2 in PDF points, origin bottom left

PERSONAL_SIZE = (230, 64)
MARGIN_RIGHT, MARGIN_BOTTOM, ROW_GAP = 56, 56, 18


@dataclass(frozen=True)
class Placement:
    page: int  # 0-based; negative counts from the end
    box: Box


@dataclass(frozen=True)
class ExistingField:
    name: str
    page: int
    box: Box


def vietnam_time(moment: datetime) -> datetime:
    return moment.astimezone(VIETNAM).replace(microsecond=0)


def personal_stamp_pdf(*, name: str, title: str, moment: datetime, box: Box) -> bytes:
    from weasyprint import HTML

    width, height = box[2] - box[0], box[3] - box[1]
    local = vietnam_time(moment)
    html = render_to_string(
        "signing/stamp_personal.html",
        {
            "width": width,
            "height": height,
            # Leave the left third clear of words a seal may later cover.
            "pad_left": width // 3 + 14,
            "name": name,
            "title": title,
            "when": local.strftime("%d/%m/%Y %H:%M:%S +07:00"),
        },
    )
    return HTML(string=html).write_pdf()


def _star(cx: float, cy: float, outer: float, inner: float) -> str:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi / 2 + i * math.pi / 5
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy - radius * math.sin(angle):.2f}")
    return " ".join(points)


def _name_lines(name: str, *, width: int = 22, max_lines: int = 3) -> list[str]:
    words, lines, line = name.upper().split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines[:max_lines]


def seal_stamp_pdf(*, agency: str, moment: datetime, size: int) -> bytes:
    from weasyprint import HTML

    lines = _name_lines(agency)
    top = 34 - 7 * (len(lines) - 1)
    html = render_to_string(
        "signing/stamp_seal.html",
        {
            "size": size,
            "name_lines": [{"y": top + 7 * n, "text": text} for n, text in enumerate(lines)],
            "name_size": 6.2 if max(map(len, lines), default=0) <= 18 else 5.4,
            "star": _star(50, 50, 8.5, 3.4),
            "when": vietnam_time(moment).isoformat(),
        },
    )
    return HTML(string=html).write_pdf()


def signature_fields(data: bytes) -> list[ExistingField]:
    """Signature fields already in the PDF, with the page and box of their widget."""
    found: list[ExistingField] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                field = annot if "/FT" in annot else annot.get("/Parent", annot)
                if field.get("/FT") != "/Sig" or "/Rect" not in annot:
                    continue
                x1, y1, x2, y2 = (float(v) for v in annot.Rect)
                box = (
                    round(min(x1, x2)),
                    round(min(y1, y2)),
                    round(max(x1, x2)),
                    round(max(y1, y2)),
                )
                found.append(ExistingField(str(field.get("/T", "")), index, box))
    return found


def last_page_size(data: bytes) -> tuple[int, float, float]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[-1]
        x1, y1, x2, y2 = (float(v) for v in page.mediabox)
        return len(pdf.pages) - 1, abs(x2 - x1), abs(y2 - y1)


def personal_placement(data: bytes, *, taken: int) -> Placement:
    """Bottom right of the last page; each further signer one row higher."""
    page, width, _height = last_page_size(data)
    w, h = PERSONAL_SIZE
    x2 = int(width) - MARGIN_RIGHT
    y1 = MARGIN_BOTTOM + taken * (h + ROW_GAP)
    return Placement(page, (x2 - w, y1, x2, y1 + h))


def seal_placement(signer: ExistingField) -> Placement:
    """A round seal centred on the left third of the signer's block, a little larger
    than the block is tall, as a stamped seal sits over a signature on paper."""
    x1, y1, x2, y2 = signer.box
    size = (y2 - y1) + 30
    cx, cy = x1 + (x2 - x1) // 6, (y1 + y2) // 2
    return Placement(signer.page, (cx - size // 2, cy - size // 2, cx + size // 2, cy + size // 2))
