"""The bounds of an annotation, checked by the service whatever called it (the API's
schemas check the same shape first, for their per-field messages).

Highlight: {"rects": [[x, y, w, h], ...]} (1-200 rectangles);
ink: {"strokes": [[[x, y], ...], ...], "width": w} (1-200 strokes of 1-2,000 points);
note: {"at": [x, y]} with the note's text. Every point lies on the page as shown.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from django.utils.translation import gettext as _

from ecabinet.errors import Invalid, TooLarge

MAX_DATA_BYTES = 64 * 1024
MAX_RECTS = 200
MAX_STROKES = 200
MAX_POINTS = 2000
MAX_TEXT = 4000
MAX_INK_WIDTH = 50.0
KINDS = ("highlight", "ink", "note")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Points a hair outside the page (a pen lifted at the edge) are accepted, never more.
EDGE = 0.5


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _on_page(x: float, y: float, width: float, height: float) -> bool:
    return -EDGE <= x <= width + EDGE and -EDGE <= y <= height + EDGE


def _rects(data: dict, width: float, height: float) -> tuple[dict, list[str]]:
    rects = data.get("rects")
    if not isinstance(rects, list) or not rects:
        return {}, [_("A highlight needs at least one rectangle.")]
    if len(rects) > MAX_RECTS:
        return {}, [_("At most %(n)d rectangles.") % {"n": MAX_RECTS}]
    clean = []
    for rect in rects:
        if not (isinstance(rect, list | tuple) and len(rect) == 4 and all(map(_number, rect))):
            return {}, [_("Each rectangle is [x, y, width, height] in points.")]
        x, y, w, h = (float(v) for v in rect)
        if (
            w <= 0
            or h <= 0
            or not (_on_page(x, y, width, height) and _on_page(x + w, y + h, width, height))
        ):
            return {}, [_("Every rectangle must lie on the page.")]
        clean.append([round(v, 2) for v in (x, y, w, h)])
    return {"rects": clean}, []


def _strokes(data: dict, width: float, height: float) -> tuple[dict, list[str]]:
    strokes = data.get("strokes")
    if not isinstance(strokes, list) or not strokes:
        return {}, [_("Ink needs at least one stroke.")]
    if len(strokes) > MAX_STROKES:
        return {}, [_("At most %(n)d strokes.") % {"n": MAX_STROKES}]
    clean = []
    for stroke in strokes:
        if not isinstance(stroke, list) or not stroke:
            return {}, [_("Each stroke is a list of [x, y] points.")]
        if len(stroke) > MAX_POINTS:
            return {}, [_("At most %(n)d points in a stroke.") % {"n": MAX_POINTS}]
        points = []
        for point in stroke:
            if not (
                isinstance(point, list | tuple) and len(point) == 2 and all(map(_number, point))
            ):
                return {}, [_("Each stroke is a list of [x, y] points.")]
            if not _on_page(point[0], point[1], width, height):
                return {}, [_("Every point must lie on the page.")]
            points.append([round(float(point[0]), 2), round(float(point[1]), 2)])
        clean.append(points)
    pen = data.get("width", 2)
    if not _number(pen) or not 0 < pen <= MAX_INK_WIDTH:
        return {}, [_("The pen's width runs up to %(n)d points.") % {"n": MAX_INK_WIDTH}]
    return {"strokes": clean, "width": round(float(pen), 2)}, []


def _note(data: dict, width: float, height: float) -> tuple[dict, list[str]]:
    at = data.get("at")
    if not (isinstance(at, list | tuple) and len(at) == 2 and all(map(_number, at))):
        return {}, [_("A note needs its place on the page, [x, y].")]
    if not _on_page(at[0], at[1], width, height):
        return {}, [_("The note must lie on the page.")]
    return {"at": [round(float(at[0]), 2), round(float(at[1]), 2)]}, []


CHECKS = {"highlight": _rects, "ink": _strokes, "note": _note}


def data_size(data: Any) -> int:
    return len(json.dumps(data, separators=(",", ":")).encode())


def clean_annotation(
    *,
    kind: str,
    data: Any,
    text: str,
    colour: str,
    page: int,
    pages: list[dict],
) -> dict:
    """The annotation's fields as stored, or Invalid naming each wrong field (TooLarge
    for data past 64 KB). `pages` are the version's page facts (annotations.pages)."""
    if isinstance(data, dict) and data_size(data) > MAX_DATA_BYTES:
        raise TooLarge(
            _("An annotation's data may be at most %(n)d KB.") % {"n": MAX_DATA_BYTES // 1024},
            fields={"data": [_("Too large.")]},
        )
    fields: dict[str, list[str]] = {}
    if kind not in KINDS:
        fields["kind"] = [_("Choose highlight, ink or note.")]
    if not isinstance(page, int) or not 1 <= page <= len(pages):
        fields["page"] = [_("Pages run from 1 to %(n)d.") % {"n": len(pages)}]
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        fields["text"] = [_("At most %(n)d characters.") % {"n": MAX_TEXT}]
    elif kind == "note" and not text.strip():
        fields["text"] = [_("Write the note.")]
    if not isinstance(colour, str) or not COLOUR.match(colour):
        fields["colour"] = [_("A colour is written #rrggbb.")]
    clean: dict = {}
    if not isinstance(data, dict):
        fields["data"] = [_("The data must be an object.")]
    elif "kind" not in fields and "page" not in fields:
        fact = pages[page - 1]
        clean, errors = CHECKS[kind](data, fact["w"], fact["h"])
        if errors:
            fields["data"] = errors
    if fields:
        raise Invalid(_("The annotation is not valid."), fields=fields)
    return {"kind": kind, "data": clean, "text": text.strip(), "colour": colour.lower()}
