"""Every change to a circulated draft: checked (circulation/access.py), audited, announced.

A Word upload is converted by LibreOffice before the transaction starts
(`documents.services.upload_prepare`), so the database is never held while it runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import IO

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from circulation.access import can_circulate, ensure_can_manage, ensure_can_open, ensure_can_view
from circulation.diff import TextDiff, text_diff
from circulation.models import Circulation, Comment
from documents.models import Confidentiality, DocumentVersion, Urgency
from documents.services import (
    PreparedUpload,
    document_add_version,
    document_create,
    upload_prepare,
    version_open,
    version_open_source,
)
from documents.text import version_text
from ecabinet import audit, dates
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from notifications.alerts import alert_signature_requested, signature_key
from notifications.services import notifications_settle, notify
from people.models import Body, Role, User
from people.selectors import body_members, body_people, user_roles


def _lock(circulation: Circulation) -> Circulation:
    return (
        Circulation.objects.select_for_update()
        .select_related("document", "body")
        .get(pk=circulation.pk)
    )


def _url(circulation: Circulation) -> str:
    return reverse("circulation:detail", args=[circulation.pk])


def _when(moment: datetime) -> str:
    return dates.when(moment)


def _recipients_for(*, actor: User, body: Body, recipients: list[User] | None) -> list[User]:
    if recipients is None:
        recipients = [u for u in body_members(body=body) if u.pk != actor.pk]
    people = {user.pk: user for user in recipients if user.is_active}
    for person in people.values():
        if not user_roles(user=person, body_id=body.pk):
            raise Invalid(
                _("%(name)s is not a person of %(body)s.") % {"name": person, "body": body},
                fields={"recipients": [_("Recipients must be people of this body.")]},
            )
    if not people:
        message = _("Choose at least one person to comment on the draft.")
        raise Invalid(message, fields={"recipients": [message]})
    return list(people.values())


def circulation_start(
    *,
    actor: User,
    body: Body,
    file: IO[bytes] | PreparedUpload,
    filename: str,
    doc_type: str,
    summary: str,
    issuing_body: str,
    deadline: datetime | None,
    request: str = "",
    number_symbol: str = "",
    confidentiality: str = Confidentiality.NORMAL,
    urgency: str = Urgency.NORMAL,
    recipients: list[User] | None = None,
) -> Circulation:
    """Circulate a new draft to `recipients` (default: every member of the body but the
    actor) for comments by `deadline`; they are notified at once."""
    if not can_circulate(user=actor, body=body):
        raise NotAllowed(_("Only the secretariat, the chair and members circulate drafts."))
    if deadline is None or deadline <= timezone.now():
        message = _("The deadline for comments must be in the future.")
        raise Invalid(message, fields={"deadline": [message]})
    people = _recipients_for(actor=actor, body=body, recipients=recipients)
    upload = upload_prepare(file=file, filename=filename)  # outside the transaction
    with transaction.atomic():
        document = document_create(
            actor=actor,
            body=body,
            file=upload,
            filename=filename,
            doc_type=doc_type,
            summary=summary,
            issuing_body=issuing_body,
            number_symbol=number_symbol,
            issued_place=body.place,
            confidentiality=confidentiality,
            urgency=urgency,
            recipients=people,
        )
        circulation = Circulation.objects.create(
            body=body, document=document, author=actor, request=request.strip(), deadline=deadline
        )
        circulation.recipients.set(people)
        audit.record(
            actor=actor,
            action="circulation.started",
            target=circulation,
            details={
                "document_id": document.pk,
                "deadline": deadline,
                "recipients": sorted(u.get_username() for u in people),
            },
        )
        notify(
            recipients=people,
            kind="circulation.started",
            data={
                "summary": document.summary,
                "author": actor.display_name,
                "deadline": deadline,
            },
            subject=f"circulation:{circulation.pk}",
            url=_url(circulation),
        )
    return circulation


def _answered(circulation: Circulation, answers: list[int]) -> list[Comment]:
    ids = set(answers)
    comments = list(
        Comment.objects.select_for_update(of=("self",))
        .select_related("author")
        .filter(circulation=circulation, pk__in=ids)
    )
    if len(comments) != len(ids):
        message = _("Some of the comments marked as answered are not comments on this draft.")
        raise Invalid(message, fields={"answers": [message]})
    if any(c.answered_in_id for c in comments):
        message = _("Some of the comments marked were already answered by an earlier version.")
        raise Invalid(message, fields={"answers": [message]})
    return comments


def circulation_add_version(
    *,
    actor: User,
    circulation: Circulation,
    file: IO[bytes] | PreparedUpload,
    filename: str,
    note: str = "",
    answers: list[int] | None = None,
) -> DocumentVersion:
    """A new version from the author or the secretariat, answering `answers` (comment ids)."""
    ensure_can_manage(user=actor, circulation=circulation)
    upload = upload_prepare(file=file, filename=filename)  # outside the transaction
    with transaction.atomic():
        circulation = _lock(circulation)
        ensure_can_manage(user=actor, circulation=circulation)
        if not circulation.is_open:
            raise Conflict(_("The circulation is closed; no new versions can be added."))
        comments = _answered(circulation, answers or [])
        version = document_add_version(
            actor=actor, document=circulation.document, file=upload, filename=filename, note=note
        )
        Comment.objects.filter(pk__in=[c.pk for c in comments]).update(answered_in=version)
        audit.record(
            actor=actor,
            action="circulation.version_added",
            target=circulation,
            details={"version": version.number, "answers": sorted(c.pk for c in comments)},
        )
        # Everyone who reads the draft and whose comment it answers, and its author when
        # someone else (the secretariat) uploaded it; never the uploader.
        readers = [circulation.author, *circulation.recipients.all(), *(c.author for c in comments)]
        notify(
            recipients=[u for u in readers if u.pk != actor.pk],
            kind="circulation.version_added",
            data={
                "summary": circulation.document.summary,
                "number": version.number,
                "answers": len(comments),
            },
            subject=f"circulation:{circulation.pk}",
            url=_url(circulation),
        )
    return version


def _version(circulation: Circulation, number: int | None) -> DocumentVersion:
    versions = circulation.document.versions.order_by("-number")
    if number is not None:
        versions = versions.filter(number=number)
    version = versions.first()
    if version is None:
        message = _("This draft has no such version.")
        raise Invalid(message, fields={"version": [message]})
    return version


@transaction.atomic
def comment_add(
    *,
    actor: User,
    circulation: Circulation,
    text: str,
    page: int | None = None,
    version_number: int | None = None,
) -> Comment:
    """A recipient's comment on the draft as a whole (no page) or on a page of a version
    (default: the latest)."""
    circulation = _lock(circulation)
    access = ensure_can_view(user=actor, circulation=circulation)
    if not access.is_recipient:
        raise NotAllowed(_("Only the people asked to comment on this draft can comment."))
    if not circulation.is_open:
        raise Conflict(_("The circulation is closed; comments are no longer accepted."))
    if circulation.deadline_passed:
        raise Conflict(
            _("The deadline for comments was %(when)s; comments are no longer accepted.")
            % {"when": _when(circulation.deadline)}
        )
    text = text.strip()
    if not text:
        message = _("Write your comment.")
        raise Invalid(message, fields={"text": [message]})
    version = _version(circulation, version_number)
    if page is not None and not 1 <= page <= version.page_count:
        message = _("Version %(v)d has pages 1 to %(n)d; page %(page)d does not exist.") % {
            "v": version.number,
            "n": version.page_count,
            "page": page,
        }
        raise Invalid(message, fields={"page": [message]})
    comment = Comment.objects.create(
        circulation=circulation, version=version, page=page, author=actor, text=text
    )
    audit.record(
        actor=actor,
        action="circulation.commented",
        target=circulation,
        details={"comment_id": comment.pk, "version": version.number, "page": page},
    )
    # Commenting is what the request (and any newer version) asked of this reader.
    notifications_settle(
        recipient=actor,
        subject=f"circulation:{circulation.pk}",
        kinds=["circulation.started", "circulation.version_added"],
    )
    notify(
        recipients=[circulation.author],
        kind="circulation.commented",
        data={"summary": circulation.document.summary, "text": text[:300]},
        subject=f"circulation:{circulation.pk}",
        url=_url(circulation),
        email=False,
    )
    return comment


@transaction.atomic
def circulation_close(*, actor: User, circulation: Circulation) -> Circulation:
    circulation = _lock(circulation)
    ensure_can_manage(user=actor, circulation=circulation)
    if not circulation.is_open:
        raise Conflict(_("The circulation is already closed."))
    circulation.state = Circulation.State.CLOSED
    circulation.closed_at = timezone.now()
    circulation.save(update_fields=["state", "closed_at"])
    audit.record(actor=actor, action="circulation.closed", target=circulation)
    _alert_author_to_sign(circulation)
    _notify_signer(circulation=circulation, actor=actor, kind="circulation.to_sign")
    notify(
        recipients=circulation.recipients.all(),
        kind="circulation.closed",
        data={"summary": circulation.document.summary},
        subject=f"circulation:{circulation.pk}",
        url=_url(circulation),
        email=False,
    )
    return circulation


def _notify_signer(
    *, circulation: Circulation, actor: User, kind: str, number: int | None = None
) -> None:
    """A closed draft waits for a signature: its author's on the final version
    ("circulation.to_sign"), then the agency's seal from the body's secretariat
    ("circulation.to_seal", `number` being the version the author signed). Whoever
    just acted is not told of their own step."""
    latest = circulation.document.versions.order_by("-number").first()
    if latest is None:
        return
    if kind == "circulation.to_sign":
        people = [circulation.author]
    else:
        people = list(body_people(body=circulation.body_id, roles={Role.SECRETARIAT}))
    notify(
        recipients=[u for u in people if u.pk != actor.pk],
        kind=kind,
        data={
            "summary": circulation.document.summary,
            "number": number or latest.number,
            "signed_by": str(actor),
        },
        subject=f"circulation:{circulation.pk}",
        url=reverse("circulation:detail", args=[circulation.pk]),
    )


def circulation_version_signed(
    *, actor: User, version: DocumentVersion, signed: DocumentVersion, kind: str
) -> None:
    """Registered with signing (circulation/apps.py): the author's signature on a closed
    draft settles their request and asks the secretariat for the seal; the seal settles
    that. Signatures on other documents, or on a draft still open, change nothing here."""
    circulation = (
        Circulation.objects.filter(document_id=signed.document_id, state=Circulation.State.CLOSED)
        .select_related("document")
        .first()
    )
    if circulation is None:
        return
    subject = f"circulation:{circulation.pk}"
    if kind == "seal":
        sealers = body_people(body=circulation.body_id, roles={Role.SECRETARIAT})
        notifications_settle(recipient=sealers, subject=subject, kinds=["circulation.to_seal"])
    elif actor.pk == circulation.author_id:
        notifications_settle(recipient=actor, subject=subject, kinds=["circulation.to_sign"])
        _notify_signer(
            circulation=circulation, actor=actor, kind="circulation.to_seal", number=version.number
        )


def _alert_author_to_sign(circulation: Circulation) -> None:
    """Comments are in: the final version waits for its author's signature. (The
    signature is made on the signing page, not here; the page's script drops the banner
    once the author's work list no longer holds it.)"""
    latest = circulation.document.versions.order_by("-number").first()
    if latest is None:
        return
    alert_signature_requested(
        recipient_ids=[circulation.author_id],
        key=signature_key("draft", circulation.pk),
        what="draft",
        title=circulation.document.summary,
        url=reverse("circulation:sign", args=[circulation.pk, latest.number]),
    )


def circulation_compare(
    *, actor: User, circulation: Circulation, old_number: int, new_number: int
) -> TextDiff:
    """The text diff between two versions. Reading their text is reading the draft:
    the actor must be allowed to open it, and the comparison is audited. Not one
    transaction: pdftotext runs with no database lock held, and a file found missing
    or altered stays reported even though the comparison fails."""
    ensure_can_open(user=actor, circulation=circulation)
    versions = {
        v.number: v
        for v in circulation.document.versions.filter(number__in=[old_number, new_number])
    }
    if old_number not in versions or new_number not in versions:
        raise NotFound(_("This draft has no such version."))
    diff = text_diff(
        version_text(actor=actor, version=versions[old_number]),
        version_text(actor=actor, version=versions[new_number]),
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="circulation.compared",
            target=circulation,
            details={"old": old_number, "new": new_number},
        )
    return diff


def circulation_open_version(
    *, actor: User, circulation: Circulation, number: int | None = None, original: bool = False
):
    """A version's PDF for reading (watermarked when confidential) and audited; with
    `original`, the unwatermarked PDF for those documents.services allows."""
    ensure_can_open(user=actor, circulation=circulation)
    version = _existing_version(circulation, number)
    context = {"circulation_id": circulation.pk}
    return version, version_open(actor=actor, version=version, context=context, original=original)


def circulation_open_source(*, actor: User, circulation: Circulation, number: int):
    """The Word file a version was converted from (audited; see documents.services)."""
    ensure_can_open(user=actor, circulation=circulation)
    version = _existing_version(circulation, number)
    context = {"circulation_id": circulation.pk}
    return version, version_open_source(actor=actor, version=version, context=context)


def _existing_version(circulation: Circulation, number: int | None) -> DocumentVersion:
    try:
        return _version(circulation, number)
    except Invalid as exc:
        raise NotFound(exc.message) from exc
