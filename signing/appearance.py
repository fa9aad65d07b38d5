"""What a signature looks like on the page (Decree 30/2020): the signer's block (name,
title, signing time) and the agency's red round seal over the left third of it.

Each block is a small PDF rendered by WeasyPrint and used by pyHanko as a static
stamp: pyHanko's own text stamps space letters wrongly for fonts whose units-per-em
is not 1000 (Liberation Serif has 2048), and Vietnamese needs a real text engine.
The stamp's words are Vietnamese whatever the reader's language: they are part of the
legal document, like the national motto, not of the user interface.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
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
    # Leave the left third clear of words a seal may later cover.
    pad_left = width // 3 + 14
    when = vietnam_time(moment).strftime("%d/%m/%Y %H:%M:%S +07:00")
    html = render_to_string(
        "signing/stamp_personal.html",
        {
            "width": width,
            "height": height,
            "pad_left": pad_left,
            "name": name,
            "title": title,
            "when": when,
            "sizes": _personal_sizes(
                name=name,
                title=title,
                when=when,
                width=width - pad_left - PERSONAL_PAD_RIGHT - 2 * PERSONAL_BORDER,
                height=height - PERSONAL_PAD_Y - 2 * PERSONAL_BORDER,
            ),
        },
    )
    return HTML(string=html).write_pdf()


# The signer's block: padding and border in points (stamp_personal.html uses these).
PERSONAL_PAD_RIGHT, PERSONAL_PAD_Y, PERSONAL_BORDER = 6, 7, 0.8
PERSONAL_LINE_HEIGHT = 1.15
# Font sizes (pt) of the label, name, title and time at full scale.
PERSONAL_BASE = {"label": 7.0, "name": 10.5, "title": 8.5, "when": 8.0}
LABELS = ("Ký bởi:", "Thời gian ký:")


def _personal_sizes(*, name: str, title: str, when: str, width: float, height: float) -> dict:
    """The largest font sizes (same proportions, down to 55 %) at which the label, the
    name, the title, the label and the time, each wrapped to the width, fit the height;
    the time stays on one line."""
    for step in range(10):
        scale = 1 - 0.05 * step
        sizes = {part: round(size * scale, 2) for part, size in PERSONAL_BASE.items()}
        lines = (
            (len(LABELS), sizes["label"]),
            (len(_wrap(name, sizes["name"], width, "bold")), sizes["name"]),
            (len(_wrap(title, sizes["title"], width, "italic")) if title else 0, sizes["title"]),
            (1, sizes["when"]),
        )
        total = sum(count * size * PERSONAL_LINE_HEIGHT for count, size in lines)
        if total <= height and text_width(when, sizes["when"]) <= width:
            return sizes
    return sizes


def _star(cx: float, cy: float, outer: float, inner: float) -> str:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi / 2 + i * math.pi / 5
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy - radius * math.sin(angle):.2f}")
    return " ".join(points)


# The seal is drawn in a 100 x 100 box (stamp_seal.html). Every line of text stays
# within TEXT_RADIUS of the centre, inside the inner ring (radius 42.5, stroke 0.9); the
# name sits above the star, the time (date / time and offset) below it.
# The star sits a little below the centre, so the name gets the widest part of the circle.
CENTRE, TEXT_RADIUS = 50.0, 39.5
STAR_Y, STAR_RADIUS = 53.0, 6.5
NAME_BOTTOM, TIME_TOP = 45.5, 61.5
NAME_SIZES = [round(7.0 - 0.2 * i, 1) for i in range(18)]  # 7.0 down to 3.6
TIME_SIZES = [round(5.6 - 0.2 * i, 1) for i in range(8)]  # 5.6 down to 4.2
LINE_GAP = 1.12  # baseline to baseline, in font sizes
# Text boxes reach higher than pdftotext's and the fonts' ascent: Vietnamese capitals
# carry a stacked tone mark (Ể, Ỗ).
ASCENT, DESCENT = 1.0, 0.25


@functools.cache
def _font(style: str):
    # The files fontconfig gives WeasyPrint for "Liberation Serif" (Debian: fonts-liberation2).
    from fontTools.ttLib import TTFont

    filename = {
        "regular": "LiberationSerif-Regular.ttf",
        "bold": "LiberationSerif-Bold.ttf",
        "italic": "LiberationSerif-Italic.ttf",
    }[style]
    for folder in ("/usr/share/fonts", "/usr/local/share/fonts", Path.home() / ".fonts"):
        found = next(Path(folder).rglob(filename), None) if Path(folder).is_dir() else None
        if found is not None:
            with TTFont(found) as font:
                hmtx = font["hmtx"]
                advances = {code: hmtx[glyph][0] for code, glyph in font.getBestCmap().items()}
                return advances, font["head"].unitsPerEm
    return None


def text_width(text: str, size: float, style: str = "regular") -> float:
    """Width of one line of `text` in Liberation Serif at `size` (same unit), from the
    font's advance widths and 3 % to spare (the renderer kerns, never widens)."""
    font = _font(style)
    if font is None:  # no font file to measure: a generous average glyph
        return len(text) * size * 0.62
    advances, units = font
    total = 0.0
    for char in text:
        advance = advances.get(ord(char)) or advances.get(
            ord(unicodedata.normalize("NFD", char)[0])
        )
        total += advance if advance is not None else units * 0.6
    return total * size / units * 1.03


def _wrap(text: str, size: float, width: float, style: str) -> list[str]:
    """Greedy word wrap, as the renderer does it (an over-long word stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, style) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fits_circle(lines: list[str], baselines: list[float], size: float, style: str) -> bool:
    for text, baseline in zip(lines, baselines, strict=True):
        reach = max(abs(baseline - ASCENT * size - CENTRE), abs(baseline + DESCENT * size - CENTRE))
        if reach >= TEXT_RADIUS:
            return False
        if text_width(text, size, style) / 2 > math.sqrt(TEXT_RADIUS**2 - reach**2):
            return False
    return True


def _splits(words: list[str], count: int):
    for cuts in itertools.combinations(range(1, len(words)), count - 1):
        bounds = (0, *cuts, len(words))
        yield [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]


def _placed(baselines: list[float], lines: list[str]) -> list[dict]:
    return [{"y": round(y, 2), "text": t} for y, t in zip(baselines, lines, strict=True)]


def _name_baselines(count: int, size: float) -> list[float]:
    last = NAME_BOTTOM - DESCENT * size
    return [last - LINE_GAP * size * (count - 1 - n) for n in range(count)]


def seal_name_layout(agency: str) -> tuple[float, list[dict]]:
    """The agency's name in capitals, on one to three lines above the star, at the
    largest size where every line fits inside the inner ring; among the splits that fit,
    the most balanced one (its widest line the smallest)."""
    words = agency.upper().split()
    for size in NAME_SIZES:
        for count in range(1, min(3, len(words)) + 1):
            baselines = _name_baselines(count, size)
            fitting = [
                lines
                for lines in _splits(words, count)
                if _fits_circle(lines, baselines, size, "bold")
            ]
            if fitting:
                best = min(fitting, key=lambda ls: max(text_width(t, size, "bold") for t in ls))
                return size, _placed(baselines, best)
    return _name_cut(words, NAME_SIZES[-1])


def _name_cut(words: list[str], size: float) -> tuple[float, list[dict]]:
    """A name too long for three lines at the smallest size (a body's name may have 200
    characters): as many words as fit on each line, then an ellipsis."""
    baselines = _name_baselines(3, size)

    def fits(text: str, y: float) -> bool:
        return _fits_circle([f"{text}…"], [y], size, "bold")

    lines, rest = [], list(words)
    for y in baselines:
        line = ""
        while rest and fits(f"{line} {rest[0]}".strip(), y):
            line = f"{line} {rest.pop(0)}".strip()
        if not line and rest:  # one word wider than the line: cut it
            word, cut = rest.pop(0), 1
            while cut < len(word) and fits(word[: cut + 1], y):
                cut += 1
            line, rest = word[:cut], [word[cut:], *rest]
        lines.append(line)
    if rest:
        lines[-1] += "…"
    return size, _placed(baselines, lines)


def seal_time_layout(moment: datetime) -> tuple[float, list[dict]]:
    """ISO 8601 in Vietnam time on two lines below the star: the date, then the time
    with its offset (2026-11-22 / 22:40:22+07:00)."""
    date, time = vietnam_time(moment).isoformat().split("T")
    for size in TIME_SIZES:
        first = TIME_TOP + ASCENT * size
        baselines = [first, first + LINE_GAP * size]
        if _fits_circle([date, time], baselines, size, "regular"):
            break
    return size, _placed(baselines, [date, time])


def seal_stamp_pdf(*, agency: str, moment: datetime, size: int) -> bytes:
    from weasyprint import HTML

    name_size, name_lines = seal_name_layout(agency)
    time_size, time_lines = seal_time_layout(moment)
    html = render_to_string(
        "signing/stamp_seal.html",
        {
            "size": size,
            "name_lines": name_lines,
            "name_size": name_size,
            "star": _star(CENTRE, STAR_Y, STAR_RADIUS, STAR_RADIUS * 0.4),
            "time_lines": time_lines,
            "time_size": time_size,
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
