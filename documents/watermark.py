"""A per-reader watermark on every page of a confidential paper.

A copy of a paper marked Mật or above that leaves the system must say whose it was: each
reader gets a copy with their full name, their organisation (đơn vị) and the time it was
served, written diagonally and semi-transparently across every page and once more,
straight and small, along its foot (so it survives cropping and text extraction).

The work per download is bounded whatever the paper's pages look like. WeasyPrint renders
the reader's stamp once: a two-page PDF holding the diagonal block (its lines centred, at
a reference size) and the foot line. Both pages become form XObjects shared by every page
of the copy; each page then gets a few bytes of content that place them for its own
visible box and orientation (/CropBox, /Rotate, scaled, turned along the diagonal). Pages
of the same size class (the box rounded to whole points, and the rotation) share that
placement stream too. So one render per download, whatever the number of page sizes, and
the rest grows with the pages only; the stamp of the same lines (reader, organisation,
minute served, language) is kept in memory and not rendered again.

The stored version is never touched: the copy is made in memory for this reader, and its
SHA-256 differs from the stored one by design.
"""

from __future__ import annotations

import functools
import io
import math
import threading
from datetime import datetime
from typing import IO

import pikepdf
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from ecabinet import dates
from people.models import User

# The stamp's reference sizes, in points: the diagonal lines are set at BIG and scaled
# to a fifteenth of the page's shorter side; the foot line is set in a strip as wide as
# an A4 page and scaled down on narrower pages.
BIG = 100.0
LINE_HEIGHT = 1.25
BLOCK_WIDTH = 4000.0
FOOT_WIDTH = 595.0
FOOT_HEIGHT = 40.0
FOOT_BOTTOM = 8.0
DIAGONAL_TOPS = (0.12, 0.55)  # where each diagonal block starts, as a share of the height

# WeasyPrint renders of a stamp since the process started (tests and the bench read it).
renders = 0
_renders_lock = threading.Lock()

_STYLE = """
@page { size: %(w).2fpt %(h).2fpt; margin: 0 }
html, body { margin: 0; height: 100%%; }
body { font-family: "Liberation Serif", "Times New Roman", "DejaVu Serif", serif;
       color: rgba(180, 0, 0, 0.22); }
.diag { width: 100%%; text-align: center; font-size: %(big).1fpt; font-weight: bold;
        line-height: %(lh).2f; white-space: nowrap; }
.foot { page-break-before: always; height: %(fh).2fpt; position: relative; }
.foot div { position: absolute; bottom: 0; left: 8pt; right: 8pt; text-align: center;
            font-size: 7pt; color: rgba(120, 0, 0, 0.6); font-family: "DejaVu Sans", sans-serif; }
@page foot { size: %(fw).2fpt %(fh).2fpt; margin: 0 }
.foot { page: foot; }
"""


def watermark_lines(*, reader: User, when: datetime) -> list[str]:
    return [
        reader.full_name or reader.get_username(),
        reader.organisation or reader.title or "",
        dates.when(when),
    ]


def _block_height(lines: tuple[str, ...]) -> float:
    return max(1, sum(1 for line in lines if line)) * BIG * LINE_HEIGHT


@functools.lru_cache(maxsize=256)
def _stamp(lines: tuple[str, ...], language: str) -> bytes:
    """The reader's stamp as a two-page PDF: the diagonal block, then the foot line."""
    from weasyprint import HTML  # slow to import; only readers of secrets pay for it

    global renders
    with translation.override(language):
        foot = escape(
            _("Copy for %(lines)s. Do not copy or forward.")
            % {"lines": " · ".join(filter(None, lines))}
        )
    block = "<br>".join(escape(line) for line in lines if line)
    style = _STYLE % {
        "w": BLOCK_WIDTH,
        "h": _block_height(lines),
        "big": BIG,
        "lh": LINE_HEIGHT,
        "fw": FOOT_WIDTH,
        "fh": FOOT_HEIGHT,
    }
    html = (
        f"<html><head><style>{style}</style></head><body>"
        f"<div class='diag'>{block}</div><div class='foot'><div>{foot}</div></div>"
        "</body></html>"
    )
    data = HTML(string=html).write_pdf()
    with _renders_lock:
        renders += 1
    return data


def _matrix(values: tuple[float, ...]) -> bytes:
    return " ".join(f"{v:.4f}" for v in values).encode() + b" cm\n"


def _to_user_space(x0: float, y0: float, x1: float, y1: float, rotate: int) -> tuple[float, ...]:
    """From the page as shown (origin at its lower left, after /Rotate) to user space."""
    if rotate == 90:
        return (0, 1, -1, 0, x1, y0)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, -1, 1, 0, x0, y1)
    return (1, 0, 0, 1, x0, y0)


def _placement(box: tuple[float, float, float, float], rotate: int, block_h: float) -> bytes:
    """Content that draws /EcWmDiag twice along the page's diagonal and /EcWmFoot at its
    foot, for a page whose visible box is `box` shown turned by `rotate` degrees."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    if rotate in (90, 270):
        width, height = height, width
    view = _matrix(_to_user_space(x0, y0, x1, y1, rotate))
    scale = max(min(width, height) / 15, 10) / BIG
    angle = math.atan2(height, width)
    cos, sin = scale * math.cos(angle), scale * math.sin(angle)
    out = [b"q\n"]
    for top in DIAGONAL_TOPS:
        cx = width / 2
        cy = height - top * height - block_h * scale / 2
        half_w, half_h = BLOCK_WIDTH / 2, block_h / 2
        e = cx - cos * half_w + sin * half_h
        f = cy - sin * half_w - cos * half_h
        out += [b"q\n", view, _matrix((cos, sin, -sin, cos, e, f)), b"/EcWmDiag Do\nQ\n"]
    foot = min(1.0, width / FOOT_WIDTH)
    e = width / 2 - foot * FOOT_WIDTH / 2
    out += [b"q\n", view, _matrix((foot, 0, 0, foot, e, FOOT_BOTTOM * foot))]
    out += [b"/EcWmFoot Do\nQ\nQ\n"]
    return b"".join(out)


def _size_class(page: pikepdf.Page) -> tuple[tuple[float, float, float, float], int]:
    """The page's visible box rounded to whole points, and its rotation."""
    box = tuple(float(round(float(v))) for v in page.cropbox)
    x0, x1 = sorted(box[0::2])
    y0, y1 = sorted(box[1::2])
    try:
        rotate = int(page.obj.get("/Rotate", 0)) % 360
    except (TypeError, ValueError):
        rotate = 0  # not a number: viewers show the page unturned
    return (x0, y0, x1, y1), rotate


def watermark_pdf(source: IO[bytes], *, reader: User, when: datetime | None = None) -> bytes:
    """Return a copy of the PDF in `source` with the reader's watermark on every page."""
    lines = tuple(watermark_lines(reader=reader, when=when or timezone.now()))
    stamp = _stamp(lines, translation.get_language() or "vi")
    block_h = _block_height(lines)
    with pikepdf.open(source) as pdf, pikepdf.open(io.BytesIO(stamp)) as marks:
        diagonal = pdf.copy_foreign(marks.pages[0].as_form_xobject())
        foot = pdf.copy_foreign(marks.pages[1].as_form_xobject())
        push = pdf.make_stream(b"q\n")
        placed: dict[tuple, pikepdf.Stream] = {}
        for page in pdf.pages:
            key = _size_class(page)
            if key not in placed:
                placed[key] = pdf.make_stream(b"Q\n" + _placement(*key, block_h))
            page.add_resource(diagonal, pikepdf.Name.XObject, pikepdf.Name("/EcWmDiag"))
            page.add_resource(foot, pikepdf.Name.XObject, pikepdf.Name("/EcWmFoot"))
            page.contents_add(push, prepend=True)
            page.contents_add(placed[key])
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
