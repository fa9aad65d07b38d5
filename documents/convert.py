"""Word papers: refuse a dangerous .docx before LibreOffice sees it, then convert it to PDF.

Ministries draft in Word; tablets read PDF. A .docx is a zip of XML parts, so before any
byte is extracted the upload must pass, in this order (first failure wins):

1. the name: `.docm`/`.dotm` carry macros by definition, `.doc` is the old binary format;
2. the magic: a zip local-file header (`PK\\x03\\x04`); an old binary or password-protected
   Word file (OLE, `D0 CF 11 E0`) and anything else "renamed to .docx" is refused;
3. the zip directory (read, never extracted): at most `DOCX_MAX_ENTRIES` entries, at most
   `DOCX_MAX_UNCOMPRESSED_MB` in total, no entry or whole file inflating more than
   `DOCX_MAX_RATIO` times (a zip bomb), no encrypted entry, no absolute or `..` names;
4. the parts: `[Content_Types].xml` and `word/document.xml` present, the main part
   declared as a Word document; no `vbaProject.bin`/`vbaData.xml`, no macro-enabled
   content type (a macro document renamed `.docx`);
5. no relationship that makes LibreOffice fetch something from the network (an external
   image, frame, OLE object or attached template); external hyperlinks are fine.

The conversion runs `soffice --headless --convert-to pdf` in a fresh temporary directory
with its own user profile (`-env:UserInstallation`), so parallel calls never share state
and nothing persists, under a timeout after which the whole process group is killed.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

from ecabinet.errors import Invalid

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WORD_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}
WORD_EXTENSIONS = {".docx", ".docm", ".dotm", ".dotx", ".doc", ".dot"}
MACRO_EXTENSIONS = {".docm", ".dotm"}
MACRO_PART_NAMES = {"vbaproject.bin", "vbadata.xml"}


def _macros() -> Invalid:
    return _refuse(_("The Word document contains macros (VBA); remove them and save as .docx."))


# Relationship types that LibreOffice would load from a URL when the target is external.
_FETCHING_REL = re.compile(r"/(image|frame|oleObject|attachedTemplate|subDocument|package)$")
_NS_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_XML_PART_LIMIT = 5 * 1024 * 1024  # [Content_Types].xml and .rels parts are small


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def is_word_upload(filename: str, head: bytes) -> bool:
    """A Word path by its name, or by its zip magic when the name says nothing (not .pdf)."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix in WORD_EXTENSIONS:
        return True
    return suffix != ".pdf" and head.startswith(b"PK\x03\x04")


def _refuse(message: str) -> Invalid:
    return Invalid(message, fields={"file": [message]})


@dataclass(frozen=True)
class DocxSource:
    data: bytes
    filename: str
    sha256: str
    content_type: str = DOCX_CONTENT_TYPE


def docx_inspect(data: bytes, *, filename: str) -> DocxSource:
    """Refuse anything but a plain, macro-free, reasonably sized .docx (see the module)."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix in MACRO_EXTENSIONS:
        raise _refuse(_("Macro-enabled Word files (.docm) are not accepted; save as .docx."))
    if suffix in {".doc", ".dot"} or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(
            _(
                "This is an old-format (.doc) or password-protected Word file; "
                "save it as .docx without a password."
            )
        )
    if not data:
        raise _refuse(_("The file is empty."))
    if not data.startswith(b"PK\x03\x04"):
        raise _refuse(_("This file is not a Word .docx document, whatever its name says."))
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(_("The Word document is damaged and cannot be read.")) from exc
    with archive:
        entries = archive.infolist()
        _check_directory(entries, compressed_total=len(data))
        names = {info.filename: info for info in entries}
        _check_macros(names)
        _check_content_types(archive, names)
        _check_relationships(archive, names)
    return DocxSource(data=data, filename=filename, sha256=hashlib.sha256(data).hexdigest())


def _check_directory(entries: list[zipfile.ZipInfo], *, compressed_total: int) -> None:
    max_entries = _setting("DOCX_MAX_ENTRIES", 1000)
    max_total = _setting("DOCX_MAX_UNCOMPRESSED_MB", 100) * 1024 * 1024
    max_ratio = _setting("DOCX_MAX_RATIO", 100)
    bomb = _("The Word document expands to far more than its size (a zip bomb); refused.")
    if len(entries) > max_entries:
        raise _refuse(
            _("The Word document has %(n)d parts; at most %(max)d are accepted.")
            % {"n": len(entries), "max": max_entries}
        )
    total = sum(info.file_size for info in entries)
    if total > max_total:
        raise _refuse(bomb)
    # Small parts compress wildly (a run of spaces); judge the ratio where it matters.
    if total > 1024 * 1024 and total > max_ratio * max(compressed_total, 1):
        raise _refuse(bomb)
    for info in entries:
        if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise _refuse(bomb)
        if info.flag_bits & 0x1:
            raise _refuse(_("The Word document is encrypted; upload an unprotected copy."))
        name = info.filename
        if name.startswith("/") or ".." in PurePosixPath(name).parts:
            raise _refuse(_("The Word document is damaged and cannot be read."))


def _check_macros(names: dict[str, zipfile.ZipInfo]) -> None:
    for name in names:
        if PurePosixPath(name.lower()).name in MACRO_PART_NAMES:
            raise _macros()


def _read_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> ElementTree.Element:
    if info.file_size > _XML_PART_LIMIT:
        raise _refuse(_("The Word document is damaged and cannot be read."))
    try:
        with archive.open(info) as part:
            raw = part.read(_XML_PART_LIMIT + 1)
        if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:  # no entity expansion, ever
            raise _refuse(_("The Word document is damaged and cannot be read."))
        return ElementTree.fromstring(raw)  # noqa: S314 (no DTD: checked just above)
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, EOFError) as exc:
        raise _refuse(_("The Word document is damaged and cannot be read.")) from exc


def _check_content_types(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> None:
    damaged = _("The Word document is damaged: it lacks the parts every .docx has.")
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise _refuse(damaged)
    root = _read_xml(archive, names["[Content_Types].xml"])
    types = {
        el.get("PartName", el.get("Extension", "")): el.get("ContentType", "")
        for el in root
        if el.tag in {f"{_NS_CT}Override", f"{_NS_CT}Default"}
    }
    if any("macroenabled" in t.lower() or "vbaproject" in t.lower() for t in types.values()):
        raise _macros()
    if types.get("/word/document.xml") not in WORD_MAIN_TYPES:
        raise _refuse(damaged)


def _check_relationships(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> None:
    for name, info in names.items():
        if not name.endswith(".rels"):
            continue
        for rel in _read_xml(archive, info).iter(f"{_NS_REL}Relationship"):
            if rel.get("TargetMode") == "External" and _FETCHING_REL.search(rel.get("Type", "")):
                raise _refuse(
                    _(
                        "The Word document links to content on the Internet (an image, "
                        "frame or template); embed it in the file instead."
                    )
                )


def docx_to_pdf(source: DocxSource) -> bytes:
    """Convert with LibreOffice headless, in a throwaway directory and profile."""
    timeout = _setting("DOCX_CONVERT_TIMEOUT_S", 60)
    with tempfile.TemporaryDirectory(prefix="ecabinet-docx-") as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        (work / "in" / "paper.docx").write_bytes(source.data)
        command = [
            getattr(settings, "SOFFICE_BINARY", "soffice"),
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work / "out"),
            str(work / "in" / "paper.docx"),
        ]
        # No proxy and a private HOME: nothing to reach, nothing left behind.
        env = {
            "HOME": str(work),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
        }
        process = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=work,
            start_new_session=True,
        )
        try:
            process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise _refuse(
                _("Converting the Word document took longer than %(s)d seconds; refused.")
                % {"s": timeout}
            ) from exc
        produced = work / "out" / "paper.pdf"
        if process.returncode != 0 or not produced.exists() or produced.stat().st_size == 0:
            raise _refuse(_("LibreOffice could not read this Word document; it may be damaged."))
        return produced.read_bytes()


def pdf_name_for(filename: str) -> str:
    stem = posixpath.splitext(PurePosixPath(filename.replace("\\", "/")).name)[0] or "document"
    return f"{stem}.pdf"
