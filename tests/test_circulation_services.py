"""Circulating drafts: who may circulate, comment, answer with new versions and close;
deadlines, page numbers and notifications; a refusal changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from circulation import services
from circulation.models import Circulation, Comment
from documents.models import Document, DocumentVersion
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from notifications.models import Notification
from tests.circulation_helpers import circulate, draft_docx, draft_pdf, expire
from tests.factories import NamedBytes

pytestmark = pytest.mark.django_db


def new_version(cabinet, circulation, *, actor=None, answers=(), data=None, name="v2.pdf"):
    return services.circulation_add_version(
        actor=actor or cabinet.secretary,
        circulation=circulation,
        file=NamedBytes(data or draft_pdf("Điều 1. Phạm vi điều chỉnh (sửa)", 3), name),
        filename=name,
        note="Tiếp thu ý kiến",
        answers=list(answers),
    )


def test_a_draft_goes_to_every_member_by_default_and_they_are_notified(cabinet):
    circulation = circulate(cabinet)
    recipients = set(circulation.recipients.all())
    assert recipients == set(cabinet.members)
    notified = set(
        Notification.objects.filter(kind="circulation.started").values_list("recipient", flat=True)
    )
    assert notified == {m.pk for m in cabinet.members}
    assert AuditEntry.objects.filter(action="circulation.started").count() == 1
    assert circulation.document.versions.count() == 1


def test_a_minister_circulates_a_word_draft_which_is_converted(cabinet):
    circulation = circulate(
        cabinet, actor=cabinet.minister, data=draft_docx("Điều 1."), filename="du-thao.docx"
    )
    version = circulation.document.versions.get()
    assert version.has_source and version.original_filename == "du-thao.pdf"
    assert cabinet.minister not in circulation.recipients.all()


@pytest.mark.parametrize("role", ["guest", "observer", "archivist", "assistant", "outsider"])
def test_only_secretariat_chair_and_members_circulate(cabinet, role):
    with pytest.raises(NotAllowed):
        circulate(cabinet, actor=getattr(cabinet, role))
    assert not Document.objects.exists()


def test_a_deadline_in_the_past_is_refused(cabinet):
    with pytest.raises(Invalid) as error:
        circulate(cabinet, deadline=timezone.now() - dt.timedelta(hours=1))
    assert "deadline" in error.value.fields
    assert not Circulation.objects.exists()


def test_recipients_must_be_people_of_the_body(cabinet):
    with pytest.raises(Invalid, match="not a person"):
        circulate(cabinet, recipients=[cabinet.outsider])
    assert not Circulation.objects.exists()


def test_a_recipient_comments_on_the_whole_draft_and_on_a_page(cabinet):
    circulation = circulate(cabinet)
    whole = services.comment_add(actor=cabinet.minister, circulation=circulation, text="Đồng ý")
    on_page = services.comment_add(
        actor=cabinet.chair, circulation=circulation, text="Sửa Điều 1", page=2
    )
    assert (whole.page, whole.version.number) == (None, 1)
    assert (on_page.page, on_page.version.number) == (2, 1)
    assert (
        Notification.objects.filter(
            kind="circulation.commented", recipient=cabinet.secretary
        ).count()
        == 2
    )


def test_a_page_beyond_the_version_is_refused(cabinet):
    circulation = circulate(cabinet)
    with pytest.raises(Invalid, match="pages 1 to 2") as error:
        services.comment_add(actor=cabinet.minister, circulation=circulation, text="x", page=3)
    assert "page" in error.value.fields
    assert not Comment.objects.exists()


def test_a_comment_after_the_deadline_is_refused_with_the_deadline(cabinet):
    circulation = circulate(cabinet)
    expire(circulation)
    with pytest.raises(Conflict, match="deadline for comments was"):
        services.comment_add(actor=cabinet.minister, circulation=circulation, text="Muộn")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("role", ["secretary", "observer", "archivist"])
def test_a_person_not_asked_cannot_comment(cabinet, role):
    circulation = circulate(cabinet)
    with pytest.raises((NotAllowed, NotFound)):
        services.comment_add(actor=getattr(cabinet, role), circulation=circulation, text="x")
    assert not Comment.objects.exists()


def test_an_outsider_does_not_learn_the_draft_exists(cabinet):
    circulation = circulate(cabinet)
    with pytest.raises(NotFound):
        services.comment_add(actor=cabinet.outsider, circulation=circulation, text="x")


def test_a_new_version_answers_comments_and_each_comment_knows_its_version(cabinet):
    circulation = circulate(cabinet)
    first = services.comment_add(actor=cabinet.minister, circulation=circulation, text="A")
    second = services.comment_add(actor=cabinet.chair, circulation=circulation, text="B", page=1)
    version = new_version(cabinet, circulation, answers=[first.pk])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (version.number, first.answered_in, second.answered_in) == (2, version, None)
    assert Notification.objects.filter(
        kind="circulation.version_added", recipient=cabinet.minister
    ).exists()


def test_the_author_hears_of_a_version_the_secretariat_uploaded_and_the_uploader_does_not(
    cabinet,
):
    circulation = circulate(cabinet, actor=cabinet.minister)
    new_version(cabinet, circulation, actor=cabinet.secretary)
    told = set(
        Notification.objects.filter(kind="circulation.version_added").values_list(
            "recipient", flat=True
        )
    )
    assert cabinet.minister.pk in told and cabinet.secretary.pk not in told


def test_a_comment_cannot_be_answered_twice_or_from_another_draft(cabinet):
    circulation = circulate(cabinet)
    other = circulate(cabinet, summary="Dự thảo khác")
    comment = services.comment_add(actor=cabinet.minister, circulation=circulation, text="A")
    elsewhere = services.comment_add(actor=cabinet.minister, circulation=other, text="B")
    new_version(cabinet, circulation, answers=[comment.pk])
    for answers in ([comment.pk], [elsewhere.pk]):
        with pytest.raises(Invalid) as error:
            new_version(cabinet, circulation, answers=answers)
        assert "answers" in error.value.fields
    assert circulation.document.versions.count() == 2


def test_only_the_author_or_the_secretariat_adds_versions(cabinet):
    circulation = circulate(cabinet, actor=cabinet.minister)
    new_version(cabinet, circulation, actor=cabinet.secretary)  # the secretariat may
    new_version(cabinet, circulation, actor=cabinet.minister)  # the author may
    with pytest.raises(NotAllowed, match="author"):
        new_version(cabinet, circulation, actor=cabinet.chair)
    assert DocumentVersion.objects.count() == 3


def test_a_closed_circulation_takes_no_comments_or_versions(cabinet):
    circulation = circulate(cabinet)
    services.circulation_close(actor=cabinet.secretary, circulation=circulation)
    with pytest.raises(Conflict, match="closed"):
        services.comment_add(actor=cabinet.minister, circulation=circulation, text="x")
    with pytest.raises(Conflict, match="closed"):
        new_version(cabinet, circulation)
    with pytest.raises(Conflict, match="already closed"):
        services.circulation_close(actor=cabinet.secretary, circulation=circulation)


def test_a_recipient_cannot_close(cabinet):
    circulation = circulate(cabinet)
    with pytest.raises(NotAllowed):
        services.circulation_close(actor=cabinet.minister, circulation=circulation)
    circulation.refresh_from_db()
    assert circulation.is_open


def test_comparing_versions_shows_the_changed_words_and_is_audited(cabinet):
    circulation = circulate(cabinet)
    new_version(cabinet, circulation)
    diff = services.circulation_compare(
        actor=cabinet.minister, circulation=circulation, old_number=1, new_number=2
    )
    added = [r for r in diff.rows if r.kind == "added"]
    assert any(seg.changed and "(sửa)" in seg.text for r in added for seg in r.segments)
    assert diff.added and diff.removed
    assert AuditEntry.objects.filter(action="circulation.compared").count() == 1


def test_comparing_with_a_stored_file_gone_is_a_reported_conflict(cabinet):
    circulation = circulate(cabinet)
    new_version(cabinet, circulation)
    old = circulation.document.versions.get(number=1)
    old.file.storage.delete(old.file.name)  # the disk lost it
    with pytest.raises(Conflict, match="missing"):
        services.circulation_compare(
            actor=cabinet.minister, circulation=circulation, old_number=1, new_number=2
        )
    assert AuditEntry.objects.filter(action="document.file_missing").count() == 1


def test_a_confidential_draft_is_named_for_its_recipients(cabinet):
    circulation = circulate(cabinet, confidentiality="mat", recipients=[cabinet.minister])
    assert list(circulation.document.recipients.all()) == [cabinet.minister]
    with pytest.raises(NotAllowed, match="confidential"):
        services.circulation_open_version(actor=cabinet.chair, circulation=circulation)
