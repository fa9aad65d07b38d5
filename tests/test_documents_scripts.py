"""PDFs that carry scripts or run actions by themselves are refused (documents/pdf_safety.py);
ordinary PDFs from WeasyPrint and LibreOffice pass."""

from __future__ import annotations

import functools
import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from documents.convert import docx_inspect, docx_to_pdf
from documents.models import Document
from documents.pdf import pdf_inspect
from ecabinet.errors import Invalid
from meetings import services
from tests.docx_samples import docx_bytes
from tests.factories import NamedBytes, pdf_bytes


@functools.cache
def clean_pdf() -> bytes:
    return pdf_bytes(pages=2, text="Tờ trình")


def js(code: str = "app.alert('x')") -> Dictionary:
    return Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(code))


def tampered(change) -> bytes:
    with pikepdf.open(io.BytesIO(clean_pdf())) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def refused(data: bytes, match: str) -> None:
    with pytest.raises(Invalid, match=match) as error:
        pdf_inspect(io.BytesIO(data))
    assert "file" in error.value.fields


def _link(pdf, action) -> None:
    annot = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 100, 100], A=action)
    )
    pdf.pages[0].obj.Annots = Array([annot])


def test_a_pdf_that_runs_javascript_when_opened_is_refused():
    refused(tampered(lambda pdf: setattr(pdf.Root, "OpenAction", js())), "JavaScript")


def test_a_pdf_with_a_document_level_javascript_name_tree_is_refused():
    def change(pdf):
        pdf.Root.Names = Dictionary(
            JavaScript=Dictionary(Names=Array([String("init"), pdf.make_indirect(js())]))
        )

    refused(tampered(change), "JavaScript")


def test_a_pdf_with_a_launch_action_on_a_link_is_refused():
    launch = Dictionary(Type=Name.Action, S=Name.Launch, F=String("cmd.exe"))
    refused(tampered(lambda pdf: _link(pdf, launch)), "launches a program")


def test_a_pdf_whose_open_action_launches_a_program_is_refused():
    launch = Dictionary(S=Name.Launch, F=String("/bin/sh"))
    refused(tampered(lambda pdf: setattr(pdf.Root, "OpenAction", launch)), "launches")


def test_a_pdf_that_opens_a_web_address_by_itself_is_refused():
    uri = Dictionary(S=Name.URI, URI=String("http://example.com/track"))
    refused(tampered(lambda pdf: setattr(pdf.Root, "OpenAction", uri)), "when it is opened")


def test_a_go_to_open_action_whose_next_action_is_javascript_is_refused():
    def change(pdf):
        pdf.Root.OpenAction = Dictionary(
            S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit]), Next=js()
        )

    refused(tampered(change), "JavaScript")


def test_a_page_that_runs_javascript_when_viewed_is_refused():
    refused(tampered(lambda pdf: setattr(pdf.pages[1].obj, "AA", Dictionary(O=js()))), "JavaScript")


def test_a_form_field_with_a_keystroke_script_is_refused():
    def change(pdf):
        field = pdf.make_indirect(
            Dictionary(
                FT=Name.Tx,
                T=String("amount"),
                Type=Name.Annot,
                Subtype=Name.Widget,
                Rect=[0, 0, 10, 10],
                AA=Dictionary(K=js("event.rc = true")),
            )
        )
        pdf.pages[0].obj.Annots = Array([field])
        pdf.Root.AcroForm = Dictionary(Fields=Array([field]))

    refused(tampered(change), "JavaScript")


def test_a_pdf_with_an_xfa_form_is_refused():
    def change(pdf):
        pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=pdf.make_stream(b"<xdp/>"))

    refused(tampered(change), "JavaScript")


def test_a_js_key_hidden_under_another_action_type_is_still_javascript():
    hidden = Dictionary(S=Name.URI, URI=String("https://x.vn"), JS=String("app.alert(1)"))
    refused(tampered(lambda pdf: _link(pdf, hidden)), "JavaScript")


def test_an_open_action_that_only_goes_to_a_page_is_accepted():
    def change(pdf):
        pdf.Root.OpenAction = Dictionary(S=Name.GoTo, D=Array([pdf.pages[1].obj, Name.Fit]))

    assert pdf_inspect(io.BytesIO(tampered(change))).page_count == 2


def test_an_open_action_that_is_a_plain_destination_is_accepted():
    def change(pdf):
        pdf.Root.OpenAction = Array([pdf.pages[0].obj, Name.XYZ, 0, 792, 0])

    assert pdf_inspect(io.BytesIO(tampered(change))).page_count == 2


def test_a_web_link_that_the_reader_taps_is_accepted():
    uri = Dictionary(S=Name.URI, URI=String("https://chinhphu.vn"))
    assert pdf_inspect(io.BytesIO(tampered(lambda pdf: _link(pdf, uri)))).page_count == 2


def test_weasyprint_pdfs_with_links_and_bookmarks_pass():
    from weasyprint import HTML

    html = (
        "<h1 id='top'>Nghị quyết</h1><p><a href='https://chinhphu.vn'>Cổng</a> "
        "<a href='#top'>Lên đầu</a></p><h2 style='page-break-before: always'>Điều 2</h2>"
    )
    data = HTML(string=html).write_pdf()
    assert pdf_inspect(io.BytesIO(data)).page_count == 2


def test_libreoffice_pdfs_pass():
    source = docx_inspect(docx_bytes("Xem https://chinhphu.vn", pages=3), filename="a.docx")
    assert pdf_inspect(io.BytesIO(docx_to_pdf(source))).page_count == 3


@pytest.mark.django_db
def test_a_paper_with_javascript_is_refused_at_upload_and_nothing_is_stored(cabinet, meeting):
    data = tampered(lambda pdf: setattr(pdf.Root, "OpenAction", js()))
    with pytest.raises(Invalid, match="JavaScript"):
        services.paper_add(
            actor=cabinet.secretary,
            meeting=meeting,
            file=NamedBytes(data),
            filename="to-trinh.pdf",
            doc_type="to_trinh",
            summary="Tờ trình",
            issuing_body="Bộ Tài chính",
        )
    assert not Document.objects.exists()
