"""Bounded work per paper: an upload with too many pages, or pages too small or too large
(however the PDF dresses them up), is refused clearly and nothing is stored; a
confidential paper's watermark costs one render per download whatever its page sizes,
and its copy grows by a few bytes a page."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from documents import watermark
from documents.models import Document, DocumentVersion
from documents.pdf import pdf_inspect
from ecabinet.errors import Invalid
from people.models import User
from tests.factories import NamedBytes
from tests.roles import client_for

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)
MM = 72 / 25.4


def raw_pdf(
    sizes: list[tuple[float, float]],
    *,
    count: int | None = None,
    user_unit: float | None = None,
    tree_box: tuple[float, float] | None = None,
) -> bytes:
    """A real PDF written object by object, cheaply for any number of pages: one page per
    size, all drawing the same line of text. `count` is what the page tree claims (a lie
    when it differs); `user_unit` scales every page; `tree_box` is a /MediaBox the pages
    inherit from the page tree (they then name none of their own)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length 36 >>\nstream\nBT /F1 12 Tf 40 40 Td (Trang) Tj ET\nendstream",
    ]
    kids = []
    for width, height in sizes:
        kids.append(f"{len(objects) + 1} 0 R".encode())
        box = b"" if tree_box else f"/MediaBox [0 0 {width:.2f} {height:.2f}] ".encode()
        unit = f"/UserUnit {user_unit} ".encode() if user_unit else b""
        objects.append(
            b"<< /Type /Page /Parent 2 0 R "
            + box
            + unit
            + b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
        )
    inherited = f"/MediaBox [0 0 {tree_box[0]} {tree_box[1]}] ".encode() if tree_box else b""
    objects[1] = (
        b"<< /Type /Pages "
        + inherited
        + f"/Count {len(sizes) if count is None else count} /Kids [".encode()
        + b" ".join(kids)
        + b"] >>"
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def many_sizes(n: int) -> list[tuple[float, float]]:
    """n distinct page sizes, all within the limits (A6 upwards, portrait and landscape)."""
    return [(300 + 3 * i, 420 + 2 * i) if i % 2 else (420 + 2 * i, 300 + 3 * i) for i in range(n)]


def refusal(data: bytes) -> str:
    with pytest.raises(Invalid) as refused:
        pdf_inspect(io.BytesIO(data))
    assert list(refused.value.fields) == ["file"]
    return str(refused.value)


# --- Refused at upload --------------------------------------------------------


def test_more_pages_than_the_limit_are_refused_and_the_limit_is_a_setting(settings):
    assert settings.PAPER_MAX_PAGES == 2000
    assert "2001 pages" in refusal(raw_pdf([A4] * 2001))
    assert "at most 2000" in refusal(raw_pdf([A4] * 2001))
    assert pdf_inspect(io.BytesIO(raw_pdf([A4] * 2000))).page_count == 2000
    settings.PAPER_MAX_PAGES = 5
    assert "6 pages" in refusal(raw_pdf([A4] * 6))


def test_a_page_tree_that_claims_one_page_is_counted_by_its_pages():
    disguised = raw_pdf([A4] * 2001, count=1)
    assert "2001 pages" in refusal(disguised)


def test_the_fifty_thousand_page_draft_is_refused():
    message = refusal(raw_pdf([A4] * 50_000))
    assert "50000 pages" in message


@pytest.mark.parametrize(
    ("sizes", "options", "page"),
    [
        ([A4, (10, 10)], {}, 2),  # a postage stamp
        ([A4, A4, (3400, 4800)], {}, 3),  # larger than A0
        ([A4], {"user_unit": 40}, 1),  # an A4 box scaled by /UserUnit to 8 by 12 metres
        ([A4, A4], {"tree_box": (14400, 14400)}, 1),  # inherited from the page tree
    ],
    ids=["tiny", "huge", "user-unit", "inherited"],
)
def test_pages_outside_the_size_limits_are_refused_naming_the_page(sizes, options, page):
    message = refusal(raw_pdf(sizes, **options))
    assert f"Page {page} measures" in message
    assert "between 26 and 1189 mm" in message


def test_real_paper_sizes_pass():
    a0, a10 = (841 * MM, 1189 * MM), (26 * MM, 37 * MM)
    letter, a3_landscape = (612, 792), (1190.55, 841.89)
    facts = pdf_inspect(io.BytesIO(raw_pdf([A4, a3_landscape, letter, a0, a10])))
    assert facts.page_count == 5
    assert pdf_inspect(io.BytesIO(raw_pdf(many_sizes(150)))).page_count == 150


def test_the_api_refuses_in_english_and_vietnamese_and_stores_nothing(cabinet, meeting, settings):
    form = {
        "doc_type": "to_trinh",
        "summary": "Tờ trình",
        "issuing_body": "Bộ Tài chính",
        "confidentiality": "thuong",
        "urgency": "thuong",
    }
    client = client_for(cabinet, "secretary")
    url = f"/api/meetings/{meeting.pk}/papers"
    big = raw_pdf([A4] * 2001)

    def post(data, language):
        file = NamedBytes(data, "lon.pdf")
        return client.post(url, {**form, "file": file}, HTTP_ACCEPT_LANGUAGE=language)

    response = post(big, "en")
    assert response.status_code == 422
    assert response.json()["fields"]["file"] == [
        "The PDF has 2001 pages; a paper may have at most 2000."
    ]
    response = post(big, "vi")
    assert response.status_code == 422
    assert "Tệp PDF có 2001 trang" in response.json()["detail"]
    huge = raw_pdf([(3400, 4800)])
    response = post(huge, "vi")
    assert response.status_code == 422
    assert "Trang 1 có kích thước 1199 × 1693 mm" in response.json()["detail"]
    assert (Document.objects.count(), DocumentVersion.objects.count()) == (0, 0)
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_the_form_refuses_with_the_message_by_the_file_field(client, cabinet, meeting, settings):
    client.force_login(cabinet.secretary)
    form = {
        "file": SimpleUploadedFile("co-mau.pdf", raw_pdf(many_sizes(3) + [(10, 10)])),
        "item": meeting.items.first().pk,
        "doc_type": "to_trinh",
        "summary": "Tờ trình",
        "issuing_body": "Bộ Tài chính",
        "confidentiality": "thuong",
        "urgency": "thuong",
    }
    response = client.post(
        reverse("meetings:paper_new", args=[meeting.pk]), form, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 422
    assert b'data-testid="field-error-file"' in response.content
    assert "Trang 4 có kích thước 4 × 4 mm" in response.content.decode()
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_a_draft_for_circulation_is_held_to_the_same_limits(cabinet):
    client = client_for(cabinet, "minister")
    response = client.post(
        "/api/drafts",
        {
            "file": SimpleUploadedFile("du-thao.pdf", raw_pdf([A4] * 2001)),
            "body_id": cabinet.body.pk,
            "doc_type": "du_thao_nghi_dinh",
            "summary": "Dự thảo",
            "issuing_body": "Bộ Công an",
            "deadline": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert "2001 pages" in response.json()["detail"]
    assert not Document.objects.exists()


# --- The watermark's work -----------------------------------------------------


def reader(name: str = "Lê Thị Thu Hằng") -> User:
    return User(username=name, full_name=name, organisation="Bộ Ngoại giao")


def stamped(data: bytes, who: User, when: dt.datetime) -> bytes:
    return watermark.watermark_pdf(io.BytesIO(data), reader=who, when=when)


def form_xobjects(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        seen = set()
        for page in pdf.pages:
            xobjects = page.resources.get("/XObject", {})
            for name in xobjects.keys():  # noqa: SIM118 (pikepdf mapping)
                seen.add(xobjects[name].objgen)
        return len(seen)


def test_a_paper_with_150_page_sizes_is_watermarked_with_one_render():
    data = raw_pdf(many_sizes(150))
    when = timezone.now() - dt.timedelta(days=400)  # a moment no other test stamps
    before = watermark.renders
    copy = stamped(data, reader(), when)
    assert watermark.renders - before == 1
    # Every page draws the same two shared forms (not one overlay per page size).
    assert form_xobjects(copy) == 2
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        assert len(pdf.pages) == 150


def test_the_stamp_is_kept_per_reader_and_moment():
    data = raw_pdf(many_sizes(4))
    when = timezone.now() - dt.timedelta(days=401)
    before = watermark.renders
    stamped(data, reader(), when)
    stamped(data, reader(), when)  # the same reader again, the same minute: kept
    assert watermark.renders - before == 1
    stamped(data, reader("Trần Văn Nam"), when)  # another reader: their own
    assert watermark.renders - before == 2


def test_the_copy_grows_by_a_few_bytes_a_page():
    when = timezone.now() - dt.timedelta(days=402)
    small, large = raw_pdf([A4] * 10), raw_pdf([A4] * 1010)
    grown = len(stamped(large, reader(), when)) - len(stamped(small, reader(), when))
    original = len(large) - len(small)
    assert (grown - original) / 1000 < 150  # bytes added per page by the watermark


def test_turned_pages_and_a_nonsense_rotation_are_stamped():
    data = raw_pdf([A4, A4, A4])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.pages[0].obj.Rotate = 90
        pdf.pages[1].obj.Rotate = -270
        pdf.pages[2].obj.Rotate = pikepdf.Name("/Sideways")
        out = io.BytesIO()
        pdf.save(out)
    copy = stamped(out.getvalue(), reader(), timezone.now() - dt.timedelta(days=403))
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        assert len(pdf.pages) == 3
        assert form_xobjects(copy) == 2
