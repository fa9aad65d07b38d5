"""Meetings, their agendas, who takes part, the papers on each item, and the
positions members mark before the meeting."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from people.models import Body


class Meeting(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular session")
        THEMATIC = "thematic", _("Thematic session")
        EXTRAORDINARY = "extraordinary", _("Extraordinary session")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    # The lifecycle; later stages (minutes, archive) extend it.
    TRANSITIONS: dict[str, frozenset[str]] = {
        State.DRAFT: frozenset({State.PUBLISHED}),
        State.PUBLISHED: frozenset({State.IN_PROGRESS}),
        State.IN_PROGRESS: frozenset({State.CLOSED}),
        State.CLOSED: frozenset(),
    }

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("body")
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.REGULAR)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    online_link = models.CharField(_("online link"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # What happened, beside what was planned (starts_at, ends_at): the minutes state these.
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def can_move_to(self, state: str) -> bool:
        return state in self.TRANSITIONS.get(self.state, frozenset())

    @property
    def agenda_is_editable(self) -> bool:
        return self.state in {self.State.DRAFT, self.State.PUBLISHED}


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting")
    )
    order = models.PositiveIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    presenting_agency = models.CharField(_("presenting agency"), max_length=200, blank=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenter"),
    )
    presenter_name = models.CharField(_("presenter (name)"), max_length=200, blank=True)
    duration_minutes = models.PositiveIntegerField(_("planned duration (minutes)"), default=30)
    # "Approve the minutes of the previous meeting": the meeting whose minutes this item
    # approves (minutes/ links its page; meetings stays below minutes).
    minutes_of = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approves the minutes of"),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "minutes_of"],
                condition=models.Q(minutes_of__isnull=False),
                name="one_approval_per_minutes_per_agenda",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def presenter_label(self) -> str:
        if self.presenter_id:
            return self.presenter.display_name
        return self.presenter_name


class Participant(models.Model):
    """Someone invited to a meeting. Guests see only the items they are invited to."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Guest")
        OBSERVER = "observer", _("Observer")
        DEPUTY = "deputy", _("Deputy attending for a member")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="participants", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    items = models.ManyToManyField(
        AgendaItem, blank=True, related_name="guests", verbose_name=_("items (guests)")
    )
    # For a deputy: the member they attend for, and what the chair allowed.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attends for"),
    )
    may_vote = models.BooleanField(_("may vote"), default=False)
    may_speak = models.BooleanField(_("may speak"), default=True)
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="participant_unique"),
            models.CheckConstraint(
                condition=models.Q(kind="deputy", on_behalf_of__isnull=False)
                | (~models.Q(kind="deputy") & models.Q(on_behalf_of__isnull=True)),
                name="participant_deputy_names_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class MeetingPaper(models.Model):
    """A document put before the meeting, for one item or for the meeting as a whole."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="papers", verbose_name=_("meeting")
    )
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="papers",
        verbose_name=_("agenda item"),
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="meeting_papers", verbose_name=_("paper")
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting paper")
        verbose_name_plural = _("meeting papers")
        ordering = ["item__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "document"], name="paper_once_per_meeting")
        ]

    def __str__(self) -> str:
        return str(self.document)


class LeaveRequest(models.Model):
    """A member asks the chair for leave from a meeting and may name a deputy."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="leave_requests", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="leave_requests",
        verbose_name=_("member"),
    )
    reason = models.TextField(_("reason"))
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputising",
        verbose_name=_("deputy"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    deputy_may_vote = models.BooleanField(_("deputy may vote"), default=False)
    deputy_may_speak = models.BooleanField(_("deputy may speak"), default=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="leave_one_open_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.meeting}"


class Position(models.Model):
    """A member's stance on an agenda item, marked before the meeting."""

    class Stance(models.TextChoices):
        NO_OBJECTION = "no_objection", _("No objection")
        WISH_TO_SPEAK = "wish_to_speak", _("Wish to speak")
        OBJECT = "object", _("Object")

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="positions", verbose_name=_("item")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="positions",
        verbose_name=_("member"),
    )
    stance = models.CharField(_("position"), max_length=20, choices=Stance)
    comment = models.TextField(_("comment"), blank=True)
    # Who actually marked it: the member, or their approved deputy.
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="position_one_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_stance_display()}"


# The live room's models live in their own module; imported here so Django finds them.
from meetings.models_live import Attendance, ItemState, LiveState, SpeakerRequest  # noqa: E402
from meetings.models_reading import PaperReading  # noqa: E402

__all__ = [
    "AgendaItem",
    "Attendance",
    "ItemState",
    "LeaveRequest",
    "LiveState",
    "Meeting",
    "MeetingPaper",
    "PaperReading",
    "Participant",
    "Position",
    "SpeakerRequest",
]
