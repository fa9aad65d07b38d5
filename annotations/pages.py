"""What annotations need to know of a version's pages, read once from its file and kept
(PageFacts): each page's size as shown (for checking that a note lies on the page) and a
hash of its text (for carrying notes over to a new version)."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

import pikepdf
from django.db import IntegrityError, transaction

from annotations.models import PageFacts
from documents.models import DocumentVersion
from documents.services import version_file_checked
from documents.text import pdf_text
from people.models import User

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class PageBox:
    """A page as pdf.js shows it: its crop box, turned by /Rotate."""

    x0: float
    y0: float
    x1: float
    y1: float
    rotate: int  # 0, 90, 180, 270

    @property
    def width(self) -> float:
        w, h = self.x1 - self.x0, self.y1 - self.y0
        return h if self.rotate in (90, 270) else w

    @property
    def height(self) -> float:
        w, h = self.x1 - self.x0, self.y1 - self.y0
        return w if self.rotate in (90, 270) else h

    def to_pdf(self, x: float, y: float) -> tuple[float, float]:
        """A point as shown (top-left origin, y down) in the PDF's own space."""
        if self.rotate == 90:
            return self.x0 + y, self.y0 + x
        if self.rotate == 180:
            return self.x1 - x, self.y0 + y
        if self.rotate == 270:
            return self.x1 - y, self.y1 - x
        return self.x0 + x, self.y1 - y


def text_hash(text: str) -> str:
    """Whitespace collapsed, so a page reflowed by another PDF writer still matches."""
    return hashlib.sha256(_SPACE.sub(" ", text).strip().encode()).hexdigest()


def _inherited(page: pikepdf.Dictionary, name: str):
    node = page
    for _depth in range(32):  # a page tree deeper than this is broken; stop looking
        if name in node:
            return node[name]
        if "/Parent" not in node:
            return None
        node = node["/Parent"]
    return None


def page_box(page: pikepdf.Page) -> PageBox:
    box = _inherited(page.obj, "/CropBox") or _inherited(page.obj, "/MediaBox")
    x0, y0, x1, y1 = (float(v) for v in box) if box is not None else (0, 0, 612, 792)
    rotate = int(_inherited(page.obj, "/Rotate") or 0) % 360
    return PageBox(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), rotate)


def read_facts(data: bytes) -> list[dict]:
    texts = pdf_text(data)
    facts = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for n, page in enumerate(pdf.pages):
            box = page_box(page)
            text = texts[n] if n < len(texts) else ""
            facts.append(
                {
                    "w": round(box.width, 2),
                    "h": round(box.height, 2),
                    "box": [box.x0, box.y0, box.x1, box.y1],
                    "rotate": box.rotate,
                    "hash": text_hash(text),
                }
            )
    return facts


def version_pages(*, actor: User, version: DocumentVersion) -> list[dict]:
    """The version's page facts, read from its (checked) file the first time."""
    known = PageFacts.objects.filter(version=version).first()
    if known is not None:
        return known.pages
    with version_file_checked(actor=actor, version=version) as handle:
        facts = read_facts(handle.read())
    try:
        with transaction.atomic():
            PageFacts.objects.create(version=version, pages=facts)
    except IntegrityError:
        pass  # another request read them at the same time: the same facts
    return facts


def box_of(fact: dict) -> PageBox:
    x0, y0, x1, y1 = fact["box"]
    return PageBox(x0, y0, x1, y1, fact["rotate"])
