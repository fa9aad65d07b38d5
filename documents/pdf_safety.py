"""Refusing PDFs that carry scripts or actions that run by themselves.

Papers are opened on ministers' tablets in whatever PDF viewer the tablet has; a paper
must be something to read, never something that runs. The rule, checked on every object
of the file (the catalog, pages, annotations, form fields, outlines, and anything not
reachable from them, since some viewers find orphans too):

- **no JavaScript**: no `/JS` key anywhere, no action of type `/JavaScript`, no
  `/JavaScript` name tree in the catalog's `/Names`, no XFA form (XFA carries scripts);
- **no launching or fetching**: no action of type `/Launch`, `/ImportData`,
  `/SubmitForm`, `/GoToR`, `/GoToE`, `/Rendition`, `/RichMediaExecute`, `/Movie`,
  `/Sound`, `/Hide`, `/SetOCGState`, `/Trans` or `/GoTo3DView`;
- **nothing automatic but a go-to**: the catalog's `/OpenAction` and every additional-
  action dictionary (`/AA`, on the catalog, pages, annotations and fields) may hold only a
  plain destination or a `/GoTo` action (with no `/Next` that does more);
- what a reader triggers by tapping (a link's `/A`, an outline item) may be `/GoTo`,
  `/URI` (the viewer asks before leaving) or `/Named` (next page and the like).

PDFs made by WeasyPrint (internal links, `/URI` links) and LibreOffice (outlines with
`/GoTo`, `/URI` hyperlinks) pass.
"""

from __future__ import annotations

import pikepdf
from django.utils.translation import gettext as _

from ecabinet.errors import Invalid

ON_TAP = {"/GoTo", "/URI", "/Named"}
AUTOMATIC = {"/GoTo"}
JAVASCRIPT = {"/JavaScript"}
LAUNCHING = {"/Launch", "/ImportData", "/SubmitForm", "/GoToR", "/GoToE"}
_MAX_DEPTH = 64


def _refuse(message: str) -> Invalid:
    return Invalid(message, fields={"file": [message]})


def _javascript() -> Invalid:
    return _refuse(_("The PDF contains JavaScript; upload a copy without scripts."))


def _launch() -> Invalid:
    return _refuse(_("The PDF contains an action that launches a program or opens another file."))


def _automatic() -> Invalid:
    return _refuse(
        _("The PDF runs an action when it is opened or viewed; only going to a page is allowed.")
    )


def _not_allowed(kind: str) -> Invalid:
    return _refuse(
        _("The PDF contains an action (%(kind)s) that papers may not carry.") % {"kind": kind}
    )


def pdf_refuse_scripts(pdf: pikepdf.Pdf) -> None:
    """Raise `Invalid` at the first thing the rule above forbids."""
    root = pdf.Root
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        raise _javascript()
    acroform = root.get("/AcroForm")
    if isinstance(acroform, pikepdf.Dictionary) and "/XFA" in acroform:
        raise _javascript()
    open_action = root.get("/OpenAction")
    if isinstance(open_action, pikepdf.Dictionary):
        _check_action(open_action, allowed=AUTOMATIC)
    for obj in pdf.objects:
        _walk(obj, depth=0)


def _walk(obj: pikepdf.Object, *, depth: int) -> None:
    """Look at one object and its direct (not indirect) children: each indirect object
    is visited once by the loop over `pdf.objects`."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        _check_dictionary(obj)
        children = [obj.get(key) for key in obj.keys()]  # noqa: SIM118 (pikepdf mapping)
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
            _walk(child, depth=depth + 1)


def _check_dictionary(obj: pikepdf.Dictionary) -> None:
    if "/JS" in obj:
        raise _javascript()
    # `/S` also names structure types, border styles and transitions: only the names
    # that are unmistakably actions are judged wherever they appear ...
    kind = obj.get("/S")
    if isinstance(kind, pikepdf.Name) and str(kind) in JAVASCRIPT | LAUNCHING:
        _check_type(str(kind), allowed=set())
    # ... and actions are judged where actions live: `/A` (links, outline items, fields)
    # and `/AA` (triggered by opening, viewing, focusing).
    tapped = obj.get("/A")
    if isinstance(tapped, pikepdf.Dictionary) and "/S" in tapped:
        _check_action(tapped, allowed=ON_TAP)
    additional = obj.get("/AA")
    if isinstance(additional, pikepdf.Dictionary):
        for key in additional.keys():  # noqa: SIM118
            action = additional.get(key)
            if isinstance(action, pikepdf.Dictionary):
                _check_action(action, allowed=AUTOMATIC)


def _check_type(kind: str, *, allowed: set[str]) -> None:
    if kind in JAVASCRIPT:
        raise _javascript()
    if kind in LAUNCHING:
        raise _launch()
    if kind not in allowed:
        raise _automatic() if allowed is AUTOMATIC else _not_allowed(kind.lstrip("/"))


def _check_action(action: pikepdf.Dictionary, *, allowed: set[str], depth: int = 0) -> None:
    """An action and its `/Next` chain; `/JS` anywhere is JavaScript whatever `/S` says."""
    if depth > _MAX_DEPTH:
        raise _automatic()
    if "/JS" in action:
        raise _javascript()
    kind = action.get("/S")
    if not isinstance(kind, pikepdf.Name):
        raise _automatic() if allowed is AUTOMATIC else _not_allowed("?")
    _check_type(str(kind), allowed=allowed)
    following = action.get("/Next")
    if isinstance(following, pikepdf.Dictionary):
        following = [following]
    if isinstance(following, pikepdf.Array | list):
        for item in following:
            if isinstance(item, pikepdf.Dictionary):
                _check_action(item, allowed=allowed, depth=depth + 1)
