"""A member's notes as a PDF: the pages they annotated, each with their notes on it as
real PDF annotations (/Highlight with QuadPoints, /Ink, /Text), so any PDF reader shows
and lists them. The pages come from the paper as the member may open it (a confidential
paper keeps its reader's watermark: meetings.services.paper_open)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pikepdf
from django.db import transaction
from django.utils.translation import gettext as _
from pikepdf import Array, Dictionary, Name, String

from annotations.models import Annotation
from annotations.pages import PageBox, page_box
from annotations.selectors import ensure_can_annotate, paper_version
from ecabinet import audit
from ecabinet.errors import NotFound
from meetings import services as meetings
from meetings.models import MeetingPaper
from people.models import User

NOTE_ICON = 20.0  # points: the sticky note's square


def _colour(hex_colour: str) -> Array:
    return Array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def _pdf_date(when: datetime) -> String:
    return String(when.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ"))


def _bounds(points: list[tuple[float, float]], pad: float = 0) -> Array:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Array([min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad])


def _highlight(box: PageBox, note: Annotation) -> Dictionary:
    quads, corners = [], []
    for x, y, w, h in note.data["rects"]:
        # QuadPoints: upper-left, upper-right, lower-left, lower-right (as Acrobat writes).
        quad = [
            box.to_pdf(x, y),
            box.to_pdf(x + w, y),
            box.to_pdf(x, y + h),
            box.to_pdf(x + w, y + h),
        ]
        corners += quad
        quads += [v for point in quad for v in point]
    return Dictionary(
        Subtype=Name.Highlight, Rect=_bounds(corners), QuadPoints=Array(quads), CA=0.4
    )


def _ink(box: PageBox, note: Annotation) -> Dictionary:
    strokes = [[box.to_pdf(x, y) for x, y in stroke] for stroke in note.data["strokes"]]
    width = note.data.get("width", 2)
    every = [point for stroke in strokes for point in stroke]
    return Dictionary(
        Subtype=Name.Ink,
        Rect=_bounds(every, pad=width),
        InkList=Array([Array([v for p in stroke for v in p]) for stroke in strokes]),
        BS=Dictionary(W=width, S=Name.S),
    )


def _note(box: PageBox, note: Annotation) -> Dictionary:
    x, y = box.to_pdf(*note.data["at"])
    return Dictionary(
        Subtype=Name.Text,
        Rect=Array([x, y - NOTE_ICON, x + NOTE_ICON, y]),
        Name=Name.Comment,
        Open=False,
    )


SHAPES = {"highlight": _highlight, "ink": _ink, "note": _note}


def notes_pdf(source: bytes, notes: list[Annotation], author: str) -> bytes:
    """The annotated pages of `source`, in order, with the notes added."""
    by_page: dict[int, list[Annotation]] = {}
    for note in notes:
        by_page.setdefault(note.page, []).append(note)
    with pikepdf.open(io.BytesIO(source)) as original, pikepdf.new() as out:
        for number in sorted(by_page):
            if number > len(original.pages):
                continue
            out.pages.append(original.pages[number - 1])
            page = out.pages[-1]
            box = page_box(page)
            annots = Array(list(page.obj.get("/Annots", Array())))
            for note in by_page[number]:
                shape = SHAPES[note.kind](box, note)
                shape.Type = Name.Annot
                shape.F = 4  # printed
                shape.C = _colour(note.colour)
                shape.T = String(author)
                shape.Contents = String(note.text)
                shape.M = _pdf_date(note.updated_at)
                shape.NM = String(str(note.client_id))
                shape.P = page.obj
                annots.append(out.make_indirect(shape))
            page.obj.Annots = annots
        out.docinfo = out.make_indirect(
            Dictionary(Title=String(_("My notes")), Author=String(author))
        )
        buffer = io.BytesIO()
        out.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def annotations_export(*, actor: User, paper: MeetingPaper, version_number: int | None) -> bytes:
    """The actor's own notes on this version, as a PDF of the pages they annotated."""
    ensure_can_annotate(user=actor, paper=paper)
    version = paper_version(paper=paper, number=version_number)
    notes = list(
        Annotation.objects.filter(
            author=actor, paper=paper, version=version, deleted_at__isnull=True
        ).order_by("page", "created_at", "id")
    )
    if not notes:
        raise NotFound(_("You have no notes on this version of the paper."))
    opened, handle = meetings.paper_open(actor=actor, paper=paper, version_number=version.number)
    with handle:
        source = handle.read()
    data = notes_pdf(source, notes, str(actor))
    audit.record(
        actor=actor,
        action="annotation.exported",
        target=paper,
        body_id=paper.meeting.body_id,
        details={
            "paper_id": paper.pk,
            "version": opened.number,
            "notes": len(notes),
            "pages": sorted({n.page for n in notes}),
        },
    )
    return data
