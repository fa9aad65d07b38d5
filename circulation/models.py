"""Drafts circulated to recipients for comments by a deadline.

A circulation wraps one `documents.Document` (its versions are the draft's versions, and
are immutable). Recipients comment on the draft as a whole or on a page of a version;
the author answers comments by uploading a new version, and each answered comment
remembers the version that answered it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import Document, DocumentVersion
from people.models import Body


class Circulation(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open for comments")
        CLOSED = "closed", _("Closed")

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="circulations", verbose_name=_("body")
    )
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, related_name="circulation", verbose_name=_("draft")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="circulations_sent",
        verbose_name=_("circulated by"),
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="circulations_received",
        verbose_name=_("asked to comment"),
    )
    request = models.TextField(_("what comments are asked for"), blank=True)
    deadline = models.DateTimeField(_("comments due by"))
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.OPEN)
    created_at = models.DateTimeField(_("circulated"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("draft circulation")
        verbose_name_plural = _("draft circulations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.document)

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def deadline_passed(self) -> bool:
        return timezone.now() >= self.deadline

    @property
    def accepts_comments(self) -> bool:
        return self.is_open and not self.deadline_passed


class Comment(models.Model):
    circulation = models.ForeignKey(
        Circulation, on_delete=models.CASCADE, related_name="comments", verbose_name=_("draft")
    )
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="circulation_comments",
        verbose_name=_("version commented on"),
    )
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)  # None: the whole
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="circulation_comments",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    answered_in = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_comments",
        verbose_name=_("answered in version"),
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(page__isnull=True) | models.Q(page__gte=1),
                name="comment_page_from_one",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:60]}"
