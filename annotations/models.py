"""A member's notes on a paper: highlights, ink and text notes, kept as data per member,
paper version and page (the PDF itself is never changed).

Coordinates are PDF points on the page as it is shown (after its /Rotate), measured from
the top-left corner of its crop box, y downwards: what a reader drawing at any scale
gets by dividing CSS pixels by its scale. export.py turns them back into PDF space.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentVersion
from meetings.models import MeetingPaper


class Annotation(models.Model):
    class Kind(models.TextChoices):
        HIGHLIGHT = "highlight", _("Highlight")
        INK = "ink", _("Ink")
        NOTE = "note", _("Note")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        PEOPLE = "people", _("Named people")
        MEETING = "meeting", _("Everyone in the meeting")

    # Made by the device that drew it, so a note saved offline and sent twice is one note.
    client_id = models.UUIDField(default=uuid.uuid4)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    paper = models.ForeignKey(MeetingPaper, on_delete=models.CASCADE, related_name="annotations")
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="annotations"
    )
    page = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind)
    data = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)
    colour = models.CharField(max_length=7, default="#ffd400")
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.PRIVATE)
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="annotations_shared_with_me"
    )
    page_text_hash = models.CharField(max_length=64, blank=True)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        ordering = ["page", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"], name="annotation_client_id_once_per_author"
            ),
            models.UniqueConstraint(
                fields=["author", "version", "carried_from"],
                condition=models.Q(carried_from__isnull=False),
                name="annotation_carried_once_per_version",
            ),
        ]
        indexes = [models.Index(fields=["paper", "version", "page"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} p.{self.page} ({self.author})"


class PageFacts(models.Model):
    """What carry-over and validation need of a version's pages, read once from the file:
    [{"w", "h" (points, as shown), "hash" (sha256 of the whitespace-collapsed text)}]."""

    version = models.OneToOneField(
        DocumentVersion, on_delete=models.CASCADE, related_name="annotation_page_facts"
    )
    pages = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.version}: {len(self.pages)} pages"


class CarryOver(models.Model):
    """A member's notes were carried from an earlier version to this one (once)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="+")
    from_version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="+")
    carried = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="carry_over_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.from_version} -> {self.version}"
