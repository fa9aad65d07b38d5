"""Checking that an upload really is a PDF we can serve to every tablet."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import IO

import pikepdf
from django.conf import settings
from django.utils.translation import gettext as _

from documents.pdf_safety import pdf_refuse_scripts
from ecabinet.errors import Invalid, TooLarge


@dataclass(frozen=True)
class PdfFacts:
    size: int
    sha256: str
    page_count: int


def max_upload_bytes() -> int:
    return settings.PAPER_MAX_UPLOAD_MB * 1024 * 1024


def pdf_inspect(stream: IO[bytes], *, size: int | None = None) -> PdfFacts:
    """Refuse anything that is not a readable, unencrypted, script-free PDF within the
    size limit."""
    stream.seek(0, 2)
    actual_size = stream.tell()
    if size is None:
        size = actual_size
    if size > max_upload_bytes() or actual_size > max_upload_bytes():
        raise TooLarge(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": actual_size / 1024 / 1024, "limit": settings.PAPER_MAX_UPLOAD_MB}
        )
    if actual_size == 0:
        raise Invalid(_("The file is empty."), fields={"file": [_("The file is empty.")]})
    stream.seek(0)
    # The PDF header must be in the first 1024 bytes (ISO 32000-1, 7.5.2).
    if b"%PDF-" not in stream.read(1024):
        message = _("This file is not a PDF, whatever its name says.")
        raise Invalid(message, fields={"file": [message]})
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    try:
        with pikepdf.open(stream) as pdf:
            if pdf.is_encrypted:
                raise _encrypted()
            page_count = len(pdf.pages)
            # Bounded work for every reader (docs/circulation.md): pages, then their sizes.
            pdf_refuse_oversized(pdf)
            # Scripts and self-running actions: the rule is in documents/pdf_safety.py.
            pdf_refuse_scripts(pdf)
    except pikepdf.PasswordError as exc:
        raise _encrypted() from exc
    except pikepdf.PdfError as exc:
        message = _("The PDF is damaged and cannot be read.")
        raise Invalid(message, fields={"file": [message]}) from exc
    finally:
        stream.seek(0)
    if page_count == 0:
        message = _("The PDF has no pages.")
        raise Invalid(message, fields={"file": [message]})
    return PdfFacts(size=actual_size, sha256=digest.hexdigest(), page_count=page_count)


POINTS_PER_MM = 72 / 25.4


def pdf_refuse_oversized(pdf: pikepdf.Pdf) -> None:
    """Refuse more pages than PAPER_MAX_PAGES, and any page with a side outside
    PAPER_PAGE_MIN_MM..PAPER_PAGE_MAX_MM. A page's size is its /MediaBox and its visible
    /CropBox (inherited from the page tree where the page names none) times its
    /UserUnit; the pages counted are the page tree's leaves, whatever /Count claims."""
    pages = len(pdf.pages)
    if pages > settings.PAPER_MAX_PAGES:
        message = _("The PDF has %(pages)d pages; a paper may have at most %(limit)d.") % {
            "pages": pages,
            "limit": settings.PAPER_MAX_PAGES,
        }
        raise Invalid(message, fields={"file": [message]})
    low, high = settings.PAPER_PAGE_MIN_MM, settings.PAPER_PAGE_MAX_MM
    for number, page in enumerate(pdf.pages, start=1):
        try:
            unit = float(page.obj.get("/UserUnit", 1))
            boxes = [[float(v) for v in box] for box in (page.mediabox, page.cropbox)]
            if any(len(box) != 4 for box in boxes):
                raise ValueError(number)
        except (TypeError, ValueError, pikepdf.PdfError):
            boxes, unit = [[0, 0, 0, 0]], 1.0
        for x0, y0, x1, y1 in boxes:
            width = abs(x1 - x0) * unit / POINTS_PER_MM
            height = abs(y1 - y0) * unit / POINTS_PER_MM
            # Half a millimetre either way: sizes are written in rounded points.
            if not (low - 0.5 <= min(width, height) and max(width, height) <= high + 0.5):
                message = _(
                    "Page %(page)d measures %(width).0f × %(height).0f mm; each side of a "
                    "page must be between %(low)d and %(high)d mm."
                ) % {"page": number, "width": width, "height": height, "low": low, "high": high}
                raise Invalid(message, fields={"file": [message]})


def _encrypted() -> Invalid:
    message = _("The PDF is encrypted or password-protected; upload an unprotected copy.")
    return Invalid(message, fields={"file": [message]})


# The metadata of the PDFs we make --------------------------------------------------------
#
# ISO 32000 dates carry their offset, XMP dates too (ISO 8601): we write UTC. PDF/A asks the
# /Info dictionary and the XMP packet to say the same thing; xmp:MetadataDate must move
# whenever the metadata is rewritten (never older than xmp:ModifyDate). pyHanko rewrites both
# on every incremental revision it writes (signature, validation data, document timestamp):
# pdf_metadata_follow_revisions() makes those rewrites keep the same rules.


def pdf_date(moment: dt.datetime) -> str:
    """ "D:20261203054500+00'00'": the instant in UTC, to the second."""
    return _utc(moment).strftime("D:%Y%m%d%H%M%S+00'00'")


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("a PDF date needs an aware datetime")
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def pdf_metadata_settle(pdf: bytes, *, moment: dt.datetime) -> bytes:
    """Date a PDF we have just rendered: /Info CreationDate and ModDate, XMP CreateDate,
    ModifyDate and MetadataDate, and each embedded file's CreationDate and ModDate, all
    `moment` in UTC. No Producer or Creator on either side: the signatures' writer adds its
    own name to both, so they keep agreeing. XMP is made from /Info where the renderer
    wrote none. The catalogue's /AF lists each associated file once."""
    stamp = _utc(moment)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        info = doc.docinfo
        for key in ("/Producer", "/Creator"):
            if key in info:
                del info[key]
        info["/CreationDate"] = pikepdf.String(pdf_date(stamp))
        info["/ModDate"] = pikepdf.String(pdf_date(stamp))
        had_xmp = "/Metadata" in doc.Root
        with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            if not had_xmp:
                meta.load_from_docinfo(info)
            for key in ("pdf:Producer", "xmp:CreatorTool"):
                if key in meta:
                    del meta[key]
            for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                meta[key] = stamp.isoformat()
        _embedded_files_dated(doc, stamp)
        _associated_files_once(doc)
        out = io.BytesIO()
        doc.save(out, deterministic_id=False)
    return out.getvalue()


def _embedded_files_dated(doc: pikepdf.Pdf, stamp: dt.datetime) -> None:
    for spec in doc.attachments.values():
        for stream in spec.obj.get("/EF", {}).values():
            params = stream.stream_dict.get("/Params")
            if params is None:
                params = stream.stream_dict["/Params"] = pikepdf.Dictionary()
            params["/CreationDate"] = pikepdf.String(pdf_date(stamp))
            params["/ModDate"] = pikepdf.String(pdf_date(stamp))


def _associated_files_once(doc: pikepdf.Pdf) -> None:
    if "/AF" not in doc.Root:
        return
    seen, kept = set(), []
    for spec in doc.Root.AF:
        key = spec.objgen if spec.is_indirect else id(spec)
        if key not in seen:
            seen.add(key)
            kept.append(spec)
    doc.Root.AF = pikepdf.Array(kept)


def pdf_metadata_follow_revisions() -> None:
    """Make every revision pyHanko writes date /ModDate, xmp:ModifyDate and
    xmp:MetadataDate with one instant (UTC). pyHanko alone reads the clock twice (so /Info
    and XMP can differ by a second) and leaves xmp:MetadataDate where it was. Installed
    once per process; pyHanko offers no hook, so its writer's metadata step is wrapped."""
    from pyhanko.pdf_utils.writer import BasePdfFileWriter

    if getattr(BasePdfFileWriter._update_meta, "follows_revisions", False):
        return
    pyhanko_update_meta = BasePdfFileWriter._update_meta

    def update_meta(writer) -> None:
        pyhanko_update_meta(writer)
        _revision_dated(writer, dt.datetime.now(dt.UTC))

    update_meta.follows_revisions = True  # type: ignore[attr-defined]
    BasePdfFileWriter._update_meta = update_meta


def _revision_dated(writer, moment: dt.datetime) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata import model, xmp_xml

    stamp = _utc(moment)
    info = writer._info.get_object() if writer._info is not None else None
    if info is not None and "/ModDate" in info:
        info["/ModDate"] = generic.pdf_string(pdf_date(stamp))
        writer.mark_update(writer._info)
    stream = writer.root.get("/Metadata")
    stream = stream.get_object() if stream is not None else None
    if not isinstance(stream, xmp_xml.MetadataStream):
        return
    fields = {key: value for root in stream.xmp for key, value in root}
    value = model.XmpValue(stamp.isoformat())
    fields[model.XMP_MODDATE] = value
    fields[_xmp_metadata_date()] = value
    stream._xmp = [model.XmpStructure(fields)]
    stream._reserialise()
    stream._encoded_data = None
    writer.update_container(stream)


def _xmp_metadata_date():
    from pyhanko.pdf_utils.metadata import model

    return model.ExpandedName(ns=model.NS["xmp"], local_name="MetadataDate")
