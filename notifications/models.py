"""In-app notifications. E-mail copies are sent by a background task.

A notification stores what happened (its kind and plain data), not sentences: the words
are written when someone reads it, in the reader's language (notifications/kinds.py).
Rows written before that have empty data and keep the title and message they were sent
with, which are then shown as they are.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Rendered, render


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    # What it is about, as "<thing>:<id>" ("ballot:12", "minutes:3"): a duty done on that
    # thing settles the notifications about it (services.notifications_settle).
    subject = models.CharField(_("about"), max_length=60, blank=True, default="")
    # The facts the kind's sentences are built from: names, numbers, ISO date-times.
    data = models.JSONField(_("data"), default=dict, blank=True)
    # Only rows sent before kinds had data carry their (Vietnamese) words here.
    title = models.CharField(_("title"), max_length=300, blank=True)
    message = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "subject"], name="notification_subject_idx"),
        ]

    def __str__(self) -> str:
        return self.rendered.title

    @property
    def rendered(self) -> Rendered:
        """Title and message in the language active now. Not cached: the same row may be
        read in two languages (a page, then the e-mail in the site's language)."""
        return render(kind=self.kind, data=self.data, title=self.title, message=self.message)
