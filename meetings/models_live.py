"""The live meeting room: who is present, where the meeting is, who speaks, what is shown.

Rows here change only through meetings/live.py (and meeting_start/meeting_close), each
under a lock on the meeting row, so the quorum figures and the speakers queue that an
event carries are the ones the database holds when it commits.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Attendance(models.Model):
    """A person checked in to a meeting (điểm danh): by themselves or by the secretariat.

    A deputy's row names the member whose seat they take. `left_at` set means the person
    has left; checking in again clears it.
    """

    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("meeting"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("person"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attends for"),
    )
    checked_in_at = models.DateTimeField(_("checked in"))
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    left_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.meeting}"

    @property
    def is_present(self) -> bool:
        return self.left_at is None


class LiveState(models.Model):
    """Where a meeting in progress stands: the item under discussion, a pause, the screen."""

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, primary_key=True, related_name="live"
    )
    current_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paused = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    quorum_override_reason = models.TextField(blank=True)
    # The paper on the big screen, and the page every following tablet jumps to.
    presentation_paper = models.ForeignKey(
        "meetings.MeetingPaper", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    presentation_page = models.PositiveIntegerField(null=True, blank=True)
    presentation_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    presentation_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("live state")

    def __str__(self) -> str:
        return f"{self.meeting} (live)"


class ItemState(models.Model):
    """What happened to one agenda item in the room, and the chair's conclusion."""

    class State(models.TextChoices):
        PENDING = "pending", _("Not yet discussed")
        OPEN = "open", _("Under discussion")
        CLOSED = "closed", _("Concluded")

    item = models.OneToOneField(
        "meetings.AgendaItem", on_delete=models.CASCADE, primary_key=True, related_name="live"
    )
    state = models.CharField(max_length=20, choices=State, default=State.PENDING)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conclusion = models.TextField(_("conclusion"), blank=True)

    class Meta:
        verbose_name = _("item state")

    def __str__(self) -> str:
        return f"{self.item} · {self.get_state_display()}"


class SpeakerRequest(models.Model):
    """A request to speak on an item (đăng ký phát biểu), from the queue to the floor."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        SPEAKING = "speaking", _("Speaking")
        DONE = "done", _("Spoke")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="speaker_requests"
    )
    item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.CASCADE, related_name="speaker_requests"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    order = models.PositiveIntegerField()
    state = models.CharField(max_length=20, choices=State, default=State.QUEUED)
    # Marked "wish to speak" before the meeting: queued first when the meeting starts.
    from_position = models.BooleanField(default=False)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request to speak")
        verbose_name_plural = _("requests to speak")
        ordering = ["item", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "order"], name="speaker_order_unique"),
            models.UniqueConstraint(
                fields=["item", "user"],
                condition=models.Q(state__in=["queued", "speaking"]),
                name="speaker_one_open_request",
            ),
            # One voice at a time in the room.
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(state="speaking"),
                name="speaker_one_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.item} · {self.get_state_display()}"
