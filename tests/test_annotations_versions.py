"""A new version carries a member's notes over where the page text still matches and
lists the rest; a member exports their notes as a PDF of the pages they annotated."""

from __future__ import annotations

import io
import subprocess
import uuid

import pikepdf
import pytest

from annotations.models import Annotation, CarryOver
from ecabinet.audit.models import AuditEntry
from meetings import services as meetings
from tests.annotations_helpers import HIGHLIGHT, INK, NOTE, pages_pdf, upload
from tests.factories import NamedBytes
from tests.roles import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(cabinet, meeting):
    data = pages_pdf("Alpha", "Beta", "Gamma")
    return upload(cabinet, meeting, data, item=meeting.items.order_by("order").first())


def put(client, paper, *, page, kind="highlight", data=HIGHLIGHT, text="", version=1):
    cid = uuid.uuid4()
    response = client.put(
        f"/api/annotations/{cid}",
        {
            "paper_id": paper.pk,
            "version": version,
            "page": page,
            "kind": kind,
            "data": data,
            "text": text,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return cid


def add_version(cabinet, paper, *texts):
    meetings.paper_add_version(
        actor=cabinet.secretary, paper=paper, file=NamedBytes(pages_pdf(*texts)), filename="v2.pdf"
    )


def test_notes_follow_their_page_text_to_the_new_version_and_the_rest_are_listed(cabinet, paper):
    client = client_for(cabinet, "minister")
    on_alpha = put(client, paper, page=1, text="Alpha")
    on_beta = put(client, paper, page=2, kind="ink", data=INK)
    on_gamma = put(client, paper, page=3, kind="note", data=NOTE, text="Gamma giữ nguyên")
    # Version 2: a new first page, Alpha moved to page 2, Beta rewritten, Gamma in place.
    add_version(cabinet, paper, "Mở đầu", "Alpha", "Gamma", "Beta đã sửa")
    # Gamma now on page 3? No: the new version's page 3 is Gamma, page 2 Alpha.
    listing = client.get(f"/api/papers/{paper.pk}/annotations?v=2").json()
    carried = {a["text"]: (a["page"], a["carried_from_version"]) for a in listing["annotations"]}
    assert carried == {"Alpha": (2, 1), "Gamma giữ nguyên": (3, 1)}
    assert listing["not_carried_over"] == 1
    left = client.get(f"/api/papers/{paper.pk}/annotations/uncarried?v=2").json()
    assert [(a["client_id"], a["version"], a["page"]) for a in left] == [(str(on_beta), 1, 2)]

    # Idempotent: reading again carries nothing more and audits nothing more.
    client.get(f"/api/papers/{paper.pk}/annotations?v=2")
    assert Annotation.objects.filter(version__number=2).count() == 2
    assert CarryOver.objects.get().carried == 2
    (entry,) = AuditEntry.objects.filter(action="annotation.carried_over")
    assert entry.details["carried"] == 2 and entry.details["not_carried"] == 1
    # The originals stay on version 1, untouched.
    originals = Annotation.objects.filter(version__number=1)
    assert {a.client_id for a in originals} == {on_alpha, on_beta, on_gamma}
    # Another member's notes are theirs: nothing of the minister's reaches the chair.
    chair = client_for(cabinet, "chair").get(f"/api/papers/{paper.pk}/annotations?v=2").json()
    assert chair["annotations"] == [] and chair["not_carried_over"] == 0


def test_a_member_with_notes_on_the_new_version_is_not_given_old_ones(cabinet, paper):
    client = client_for(cabinet, "minister")
    put(client, paper, page=1)
    add_version(cabinet, paper, "Alpha", "Beta", "Gamma")
    put(client, paper, page=2, version=2)
    listing = client.get(f"/api/papers/{paper.pk}/annotations?v=2").json()
    assert [a["page"] for a in listing["annotations"]] == [2]
    assert not CarryOver.objects.exists()


def _qpdf_check(data: bytes, tmp_path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(data)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)  # noqa: S603,S607
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_export_is_a_valid_pdf_of_the_annotated_pages_with_real_annotations(
    cabinet, paper, tmp_path
):
    client = client_for(cabinet, "minister")
    put(client, paper, page=1, text="Đoạn cần xem")
    put(client, paper, page=3, kind="ink", data=INK)
    put(client, paper, page=3, kind="note", data=NOTE, text="Hỏi Bộ Tài chính")
    # Another member's shared note is theirs, not the minister's: not exported.
    put(client_for(cabinet, "chair"), paper, page=2, kind="note", data=NOTE, text="Chủ tọa")

    response = client.get(f"/api/papers/{paper.pk}/annotations/export?v=1")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    _qpdf_check(data, tmp_path)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 2  # pages 1 and 3 only
        first = [a for a in pdf.pages[0].obj.Annots]
        third = [a for a in pdf.pages[1].obj.Annots]
        assert [str(a.Subtype) for a in first] == ["/Highlight"]
        assert len(first[0].QuadPoints) == 16  # two rectangles, four corners each
        assert str(first[0].Contents) == "Đoạn cần xem"
        # A4 is 842 points high: the first rectangle's top (y=100 from the top) is 742.
        assert float(first[0].QuadPoints[1]) == pytest.approx(842 - 100, abs=1)
        assert sorted(str(a.Subtype) for a in third) == ["/Ink", "/Text"]
        note = next(a for a in third if str(a.Subtype) == "/Text")
        assert str(note.Contents) == "Hỏi Bộ Tài chính"
        assert str(note.T) == str(cabinet.minister)
    assert AuditEntry.objects.filter(action="annotation.exported").count() == 1

    # Rendered by poppler, the highlight shows on the page (its yellow is drawn).
    pdf_path = tmp_path / "notes.pdf"
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf_path), str(tmp_path / "p")],  # noqa: S607
        check=True,
    )
    from PIL import Image

    (png,) = list(tmp_path.glob("p*.png"))
    image = Image.open(png).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    yellowish = [px for _n, px in colours if px[0] > 200 and px[1] > 180 and px[2] < 150]
    assert yellowish, "the highlight is not drawn"


def test_nothing_to_export_is_a_clear_404(cabinet, paper):
    response = client_for(cabinet, "minister").get(f"/api/papers/{paper.pk}/annotations/export")
    assert response.status_code == 404 and response.json()["detail"]
    assert (
        client_for(cabinet, "outsider")
        .get(f"/api/papers/{paper.pk}/annotations/export")
        .status_code
        == 404
    )


def test_the_export_of_a_confidential_paper_keeps_the_readers_watermark(cabinet, meeting):
    from documents.models import Confidentiality

    reader = cabinet.minister
    secret = upload(
        cabinet,
        meeting,
        pages_pdf("Báo cáo Mật", "Phụ lục"),
        confidentiality=Confidentiality.CONFIDENTIAL,
        recipients=[reader],
        summary="Báo cáo Mật",
    )
    put(client_for(cabinet, "minister"), secret, page=2)
    response = client_for(cabinet, "minister").get(f"/api/papers/{secret.pk}/annotations/export")
    assert response.status_code == 200, response.content
    text = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Phụ lục" in text and "Báo cáo Mật —" not in text  # page 2 only
    assert str(reader) in text  # the watermark names the reader
    # Someone who is no recipient has no notes to export and learns nothing of it.
    chair = client_for(cabinet, "chair").get(f"/api/papers/{secret.pk}/annotations/export")
    assert chair.status_code == 404
