"""The minutes (biên bản) of a meeting: the drafts the secretariat saves, and the
edition that is issued as a PDF/A document, signed in order and archived.

A meeting has one edition of its minutes, plus one more for each correction; a
correction points to the edition it corrects. Every saved draft is a row of its own,
never updated, so the history of the wording stays.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from documents.models import Document, DocumentVersion
from meetings.models import Meeting


class Minutes(models.Model):
    class State(models.TextChoices):
        DRAFTING = "drafting", _("Drafting")
        SECRETARY = "secretary", _("Awaiting the secretary's signature")
        CHAIR = "chair", _("Awaiting the chair's signature")
        SEAL = "seal", _("Awaiting the agency's seal")
        ARCHIVED = "archived", _("Signed and archived")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="minutes", verbose_name=_("meeting")
    )
    edition = models.PositiveIntegerField(_("edition"), default=1)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.DRAFTING)
    number_symbol = models.CharField(_("number and symbol"), max_length=60)
    # What the record said when the draft was built: the facts the PDF's JSON carries.
    facts = models.JSONField(default=dict)
    audit_head = models.CharField(_("audit chain head at closing"), max_length=64)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The version the next signature goes on (the issued PDF, then each signed one).
    current_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Where the secretary's and the chair's signatures go on the last page (PDF points).
    sign_boxes = models.JSONField(default=dict, blank=True)
    # archive.Record primary key (archive sits below minutes; kept as a plain id).
    archive_record_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["meeting", "edition"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "edition"], name="minutes_edition_unique"),
            # One edition in the works per meeting at a time.
            models.UniqueConstraint(
                fields=["meeting"],
                condition=~models.Q(state="archived"),
                name="minutes_one_open_edition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol} · {self.meeting}"

    @property
    def is_archived(self) -> bool:
        return self.state == self.State.ARCHIVED


class MinutesDraft(models.Model):
    """One saved wording of the minutes: the opening, per item a summary of the
    discussion and the conclusion, and the closing."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="drafts")
    number = models.PositiveIntegerField(_("number"))
    content = models.JSONField(default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    # The note of the draft built from the meeting's record is stored in the source
    # language and written in the reader's when shown; people's own notes are kept as typed.
    BUILT_FROM_RECORD = gettext_noop("Built from the record")

    class Meta:
        verbose_name = _("draft of the minutes")
        verbose_name_plural = _("drafts of the minutes")
        ordering = ["minutes", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="minutes_draft_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} · {self.number}"

    @property
    def note_text(self) -> str:
        return gettext(self.note) if self.note == self.BUILT_FROM_RECORD else self.note
