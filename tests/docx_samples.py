"""Word files for the tests: real ones made with python-docx, and bad ones made from them."""

from __future__ import annotations

import io
import zipfile

import docx


def docx_bytes(*paragraphs: str, pages: int = 1) -> bytes:
    document = docx.Document()
    document.add_heading("Dự thảo Nghị định", level=1)
    for n in range(pages):
        if n:
            document.add_page_break()
        for text in paragraphs or ("Điều 1. Phạm vi điều chỉnh",):
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rezip(
    data: bytes,
    *,
    add: dict[str, bytes] | None = None,
    drop: set[str] = frozenset(),
    replace: dict[str, bytes] | None = None,
) -> bytes:
    """Copy a .docx, dropping, replacing or adding parts."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename in drop:
                continue
            body = (replace or {}).get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, body)
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def macro_docx() -> bytes:
    """A macro document renamed .docx: vbaProject.bin and the macro-enabled main type."""
    data = docx_bytes("Có macro")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml")
    types = types.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    return rezip(
        data,
        add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0fake vba"},
        replace={"[Content_Types].xml": types},
    )


def bomb_docx(megabytes: int = 200) -> bytes:
    """A real .docx with one part of zeros that inflates about a thousand times."""
    out = io.BytesIO()
    data = docx_bytes("Bom")
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        with dst.open("word/media/zeros.bin", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                part.write(chunk)
    return out.getvalue()
