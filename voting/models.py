"""Live votes in a meeting.

They build on meetings (the item voted on, who takes part) and on the body's rules
(majority base, tie-break) kept in `people.Body`, copied onto the vote when it opens.

A named vote keeps one `Ballot` per member seat. A secret vote keeps two tables that
share nothing but the vote: `SecretParticipation` (who voted, no choice) and
`SecretBallot` (a sealed choice, a random id, a keyed hash; no member, no time, no order).
See docs/voting.md for why each column is, or is not, there.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaItem, Meeting


class Choice(models.TextChoices):
    YES = "yes", _("In favour")  # tán thành
    NO = "no", _("Against")  # không tán thành
    ABSTAIN = "abstain", _("Abstain")  # không biểu quyết


class Vote(models.Model):
    class Mode(models.TextChoices):
        NAMED = "named", _("Named")
        SECRET = "secret", _("Secret")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="votes", verbose_name=_("item")
    )
    question = models.CharField(_("question"), max_length=500)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode, default=Mode.NAMED)
    hide_tally = models.BooleanField(_("hide the running tally"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.OPEN)
    # The presiding chair whose side settles a tie.
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The body's rules as they stood when the vote opened.
    members_total = models.PositiveIntegerField()
    majority_base = models.CharField(max_length=20)
    tie_break = models.CharField(max_length=20)
    result = models.JSONField(null=True, blank=True)  # frozen when the vote closes
    # Coalescing the running tally (docs/voting.md): when it was last pushed.
    tally_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(state="open"), name="vote_one_open_per_item"
            ),
            models.CheckConstraint(
                condition=models.Q(state="open") | models.Q(result__isnull=False),
                name="vote_closed_has_result",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def is_secret(self) -> bool:
        return self.mode == self.Mode.SECRET


class Seat(models.Model):
    """One member entitled to vote, frozen when the vote opens."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="seats")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "member"], name="seat_once")]

    def __str__(self) -> str:
        return f"{self.vote_id}:{self.member_id}"


class Ballot(models.Model):
    """A named ballot: the member's seat, who cast it, and the choice."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The member, their deputy (a delegation) or, by hand, the member via the secretariat.
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    choice = models.CharField(max_length=10, choices=Choice)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    changes = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "member"], name="ballot_one_per_member"),
            models.CheckConstraint(
                condition=models.Q(recorded_by__isnull=True) | ~models.Q(reason=""),
                name="ballot_manual_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}:{self.member_id}"

    @property
    def manual(self) -> bool:
        return self.recorded_by_id is not None


class SecretParticipation(models.Model):
    """That a member took part in a secret vote, and how; never what they chose."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "member"], name="secret_participation_once")
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}:{self.member_id}"


def _random_id() -> uuid.UUID:
    return uuid.uuid4()


class SecretBallot(models.Model):
    """A secret ballot. Deliberately without a member, a time, or an ordered key: the
    random id is the primary key, `token` is a keyed hash of (vote, member, the tablet's
    receipt) that only the receipt's holder can reproduce, and `holder_tag` marks a
    delegated ballot so it can be left out when its holder is absent. The choice is
    sealed (`voting.secrecy.seal_choice`): the database, its log and its copies never
    hold it in the clear, because they do hold, in the same transaction, who voted."""

    id = models.UUIDField(primary_key=True, default=_random_id, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="secret_ballots")
    sealed_choice = models.CharField(max_length=64)
    token = models.CharField(max_length=64, unique=True)
    holder_tag = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]  # never the order of insertion

    def __str__(self) -> str:
        return str(self.id)
