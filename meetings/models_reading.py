"""Who has read which paper: one row per person and paper version.

Rows change only through meetings/reading.py. Opening the file records the first and
last opening; the in-app reader adds the pages it showed. A new version of a paper is
a new row: having read version 1 says nothing about version 2.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PaperReading(models.Model):
    paper = models.ForeignKey(
        "meetings.MeetingPaper",
        on_delete=models.CASCADE,
        related_name="readings",
        verbose_name=_("meeting paper"),
    )
    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.CASCADE,
        related_name="readings",
        verbose_name=_("version"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="paper_readings",
        verbose_name=_("reader"),
    )
    first_opened_at = models.DateTimeField(_("first opened"))
    last_opened_at = models.DateTimeField(_("last opened"))
    # The distinct page numbers shown, sorted; bounded by the version's page_count.
    pages = models.JSONField(_("pages viewed"), default=list)

    class Meta:
        verbose_name = _("paper reading")
        verbose_name_plural = _("paper readings")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="reading_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.paper} · {len(self.pages)}"
