"""What changed between two versions of a draft, line by line and word by word.

The texts come from pdftotext; layout noise (runs of spaces, blank lines) is dropped
and each page starts with a marker line, so a reader sees where a change sits. The
result is plain data; templates escape it (Django autoescape), the API sends it as JSON.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool = False


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "same", "removed", "added", "skip"
    old_no: int | None = None
    new_no: int | None = None
    segments: list[Segment] = field(default_factory=list)
    skipped: int = 0


@dataclass(frozen=True)
class TextDiff:
    rows: list[DiffRow]
    added: int
    removed: int

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed)


def normalise(pages: list[str]) -> list[str]:
    lines: list[str] = []
    for number, page in enumerate(pages, start=1):
        lines.append(_("— page %(n)d —") % {"n": number})
        for raw in page.splitlines():
            line = _SPACES.sub(" ", raw).strip()
            if line:
                lines.append(line)
    return lines


def _words(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(Segment("".join(a[i1:i2])))
            right.append(Segment("".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(Segment("".join(a[i1:i2]), changed=True))
        if j2 > j1:
            right.append(Segment("".join(b[j1:j2]), changed=True))
    return left, right


def text_diff(old_pages: list[str], new_pages: list[str], *, context: int = 2) -> TextDiff:
    old, new = normalise(old_pages), normalise(new_pages)
    rows: list[DiffRow] = []
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    seen = 0  # lines of the old text already shown or skipped
    for group in matcher.get_grouped_opcodes(context):
        if group[0][1] > seen:
            rows.append(DiffRow("skip", skipped=group[0][1] - seen))
        seen = group[-1][2]
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [
                    DiffRow("same", i + 1, j + 1, [Segment(old[i])])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            for k in range(pairs):
                left, right = _words(old[i1 + k], new[j1 + k])
                rows.append(DiffRow("removed", old_no=i1 + k + 1, segments=left))
                rows.append(DiffRow("added", new_no=j1 + k + 1, segments=right))
            for i in range(i1 + pairs, i2):
                rows.append(DiffRow("removed", old_no=i + 1, segments=[Segment(old[i], True)]))
            for j in range(j1 + pairs, j2):
                rows.append(DiffRow("added", new_no=j + 1, segments=[Segment(new[j], True)]))
            removed += i2 - i1
            added += j2 - j1
    return TextDiff(rows=rows, added=added, removed=removed)
