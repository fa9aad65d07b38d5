"""The draft pages: my drafts with time left, the draft page with versions, comments by
version and page, the forms (errors shown, nothing saved), the diff, and the files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from circulation import services
from circulation.models import Circulation, Comment
from documents.models import DocumentVersion
from tests.circulation_helpers import circulate, draft_docx, draft_pdf, expire
from tests.docx_samples import macro_docx
from tests.factories import NamedBytes

pytestmark = pytest.mark.django_db


def detail(circulation):
    return reverse("circulation:detail", args=[circulation.pk])


def test_the_list_shows_drafts_i_am_asked_about_and_those_i_circulate(client, cabinet):
    circulation = circulate(cabinet)
    client.force_login(cabinet.minister)
    page = client.get(reverse("circulation:list")).content.decode()
    assert f'data-testid="draft-row-{circulation.pk}"' in page
    assert "left" in page  # time left until the deadline
    client.force_login(cabinet.secretary)
    page = client.get(reverse("circulation:list")).content.decode()
    assert 'data-testid="drafts-sent"' in page and circulation.document.summary in page


def test_circulating_a_word_draft_through_the_form(client, cabinet):
    client.force_login(cabinet.secretary)
    form = {
        "file": SimpleUploadedFile("du-thao.docx", draft_docx("Điều 1.")),
        "doc_type": "du_thao_nghi_dinh",
        "summary": "Dự thảo Nghị định",
        "issuing_body": "Văn phòng Chính phủ",
        "confidentiality": "thuong",
        "urgency": "thuong",
        "deadline": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "recipients": [m.pk for m in cabinet.members],
    }
    response = client.post(reverse("circulation:new", args=[cabinet.body.pk]), form)
    circulation = Circulation.objects.get()
    assert response.status_code == 302 and response.url == detail(circulation)
    assert circulation.document.versions.get().has_source


def test_a_macro_document_is_refused_on_the_form_and_nothing_is_saved(client, cabinet):
    client.force_login(cabinet.secretary)
    form = {
        "file": SimpleUploadedFile("du-thao.docx", macro_docx()),
        "doc_type": "du_thao_nghi_dinh",
        "summary": "Dự thảo",
        "issuing_body": "VPCP",
        "confidentiality": "thuong",
        "urgency": "thuong",
        "deadline": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "recipients": [cabinet.minister.pk],
    }
    response = client.post(reverse("circulation:new", args=[cabinet.body.pk]), form)
    assert response.status_code == 422
    assert 'data-testid="field-error-file"' in response.content.decode()
    assert "macros" in response.content.decode()
    assert not Circulation.objects.exists()


def test_the_draft_page_shows_versions_comments_by_page_and_answers(client, cabinet):
    circulation = circulate(cabinet)
    comment = services.comment_add(
        actor=cabinet.minister, circulation=circulation, text="Làm rõ khoản 2", page=2
    )
    services.circulation_add_version(
        actor=cabinet.secretary,
        circulation=circulation,
        file=NamedBytes(draft_pdf("Điều 1 mới", 2)),
        filename="v2.pdf",
        answers=[comment.pk],
    )
    client.force_login(cabinet.chair)
    page = client.get(detail(circulation)).content.decode()
    for testid in ["version-1", "version-2", "comments-v1-p2", f"comment-answered-{comment.pk}"]:
        assert f'data-testid="{testid}"' in page
    assert "Answered in v2" in page
    assert 'data-testid="sign-slot-1"' in page and "SIGNING SLOT" not in page
    assert 'data-testid="comment-form"' in page  # the chair is a member: asked to comment


def test_a_page_number_beyond_the_version_comes_back_on_the_form(client, cabinet):
    circulation = circulate(cabinet)
    client.force_login(cabinet.minister)
    response = client.post(
        reverse("circulation:comment_add", args=[circulation.pk]),
        {"version": 1, "page": 9, "text": "Trang 9?"},
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert 'data-testid="field-error-page"' in content and "pages 1 to 2" in content
    assert "Trang 9?" in content  # the person's text is kept
    assert not Comment.objects.exists()


def test_a_comment_after_the_deadline_gets_a_clear_refusal(client, cabinet):
    circulation = circulate(cabinet)
    expire(circulation)
    client.force_login(cabinet.minister)
    page = client.get(detail(circulation)).content.decode()
    assert 'data-testid="comments-closed"' in page and 'data-testid="comment-form"' not in page
    response = client.post(
        reverse("circulation:comment_add", args=[circulation.pk]), {"version": 1, "text": "x"}
    )
    assert response.status_code == 409
    assert "deadline for comments was" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_new_version_from_someone_not_the_author_is_forbidden(client, cabinet):
    circulation = circulate(cabinet)
    client.force_login(cabinet.minister)
    response = client.post(
        reverse("circulation:version_add", args=[circulation.pk]),
        {"file": SimpleUploadedFile("v2.pdf", draft_pdf("khác", 1))},
    )
    assert response.status_code == 403
    assert DocumentVersion.objects.count() == 1


def test_an_outsider_opening_a_draft_gets_not_found(client, cabinet):
    circulation = circulate(cabinet)
    for role in ["outsider", "observer", "guest"]:
        client.force_login(getattr(cabinet, role))
        assert client.get(detail(circulation)).status_code == 404
        url = reverse("circulation:file", args=[circulation.pk, 1])
        assert client.get(url).status_code == 404


def test_the_diff_between_two_versions_is_shown_escaped(client, cabinet):
    circulation = circulate(cabinet, data=draft_pdf("Điều 1 <b>cũ</b>", 1))
    services.circulation_add_version(
        actor=cabinet.secretary,
        circulation=circulation,
        file=NamedBytes(draft_pdf("Điều 1 <script>mới</script>", 1)),
        filename="v2.pdf",
    )
    client.force_login(cabinet.minister)
    page = client.get(detail(circulation) + "?a=1&b=2").content.decode()
    assert 'data-testid="diff"' in page and 'data-testid="diff-added"' in page
    assert "<ins>" in page and "<script>mới" not in page


def test_the_word_original_and_the_pdf_are_served_to_a_reader(client, cabinet):
    circulation = circulate(cabinet, data=draft_docx("Điều 1."), filename="du-thao.docx")
    client.force_login(cabinet.minister)
    response = client.get(reverse("circulation:source", args=[circulation.pk, 1]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == draft_docx("Điều 1.")
    response = client.get(reverse("circulation:file", args=[circulation.pk, 1]))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_author_closes_the_circulation(client, cabinet):
    circulation = circulate(cabinet)
    client.force_login(cabinet.secretary)
    response = client.post(reverse("circulation:close", args=[circulation.pk]))
    assert response.status_code == 302
    circulation.refresh_from_db()
    assert not circulation.is_open
