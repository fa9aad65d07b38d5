"""Written ballots (phiếu lấy ý kiến thành viên Chính phủ): questions asked in writing.

A ballot is prepared by the secretariat, approved by the chair, answered by each
recipient (or their recorded deputy) before the deadline, then tallied. Every recipient
has one `Answer` row from the moment the ballot is prepared: that row is what a submit
locks, and the unique (ballot, member) constraint is why nobody can answer twice.
No business logic here: the services in ballots/services*.py make every change.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.models import Document, DocumentVersion
from people.models import Body

USER = settings.AUTH_USER_MODEL


class Ballot(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the chair's approval")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("body")
    )
    subject = models.CharField(_("subject"), max_length=300)
    summary = models.TextField(_("summary of the issues"), blank=True)
    drafts = models.ManyToManyField(
        Document, blank=True, related_name="ballots", verbose_name=_("drafts")
    )
    deadline = models.DateTimeField(_("deadline"))
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.DRAFT)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The chair's note when sending the ballot back to the secretariat.
    return_note = models.TextField(_("note from the chair"), blank=True)
    approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The body's rules, copied when the ballot opens so a later change cannot move a result.
    members_total = models.PositiveIntegerField(_("members of the body"), null=True, blank=True)
    majority_base = models.CharField(max_length=20, blank=True)
    tie_break = models.CharField(max_length=20, blank=True)
    # Whether an answer counts only once signed (the body's rule, frozen at opening;
    # None on a ballot opened before the rule existed: the body's rule applies).
    answer_must_be_signed = models.BooleanField(
        _("answers count only when signed"), null=True, blank=True
    )
    chair = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    report = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("written ballot")
        verbose_name_plural = _("written ballots")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "awaiting_approval"])
                | Q(opened_at__isnull=False, members_total__isnull=False),
                name="ballot_open_has_opening",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False),
                name="ballot_closed_has_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Question(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("question"))

    class Meta:
        ordering = ["ballot", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "number"], name="question_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class Choice(models.TextChoices):
    AGREE = "agree", _("Agree (Đồng ý)")
    DISAGREE = "disagree", _("Disagree (Không đồng ý)")
    OTHER = "other", _("Other opinion (Ý kiến khác)")


class Answer(models.Model):
    """One recipient's answer sheet. Created (pending) with the ballot."""

    class State(models.TextChoices):
        PENDING = "pending", _("Not answered")
        DRAFT = "draft", _("Draft saved")
        SUBMITTED = "submitted", _("Submitted")
        SIGNED = "signed", _("Signed")

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="answers")
    member = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="ballot_answers")
    state = models.CharField(max_length=20, choices=State, default=State.PENDING)
    answered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    delegation = models.ForeignKey(
        "Delegation", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # The answer form: one document per answer sheet; each submission and signature is a
    # new immutable version of it, so a reopened answer keeps its earlier forms.
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["ballot", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "member"], name="answer_one_per_member"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "draft"])
                | Q(submitted_at__isnull=False, version__isnull=False),
                name="answer_submitted_has_form",
            ),
            models.CheckConstraint(
                condition=~Q(state="signed") | Q(signed_version__isnull=False),
                name="answer_signed_has_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.ballot}"

    @property
    def is_final(self) -> bool:
        return self.state in (self.State.SUBMITTED, self.State.SIGNED)

    @property
    def final_version(self) -> DocumentVersion | None:
        return self.signed_version or self.version


class AnswerItem(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["answer", "question__number"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "question"], name="answer_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice}"


class Delegation(models.Model):
    """A member lets a deputy answer this ballot for them (ủy quyền)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="delegations")
    member = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    deputy = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="ballot_delegations")
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "member"], name="delegation_one_per_member"),
            models.CheckConstraint(
                condition=~Q(member=models.F("deputy")), name="delegation_not_to_self"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="delegation_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} for {self.member}"


class Reopening(models.Model):
    """The secretariat let a member change a submitted answer. Shown on the ballot page."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="reopenings")
    reopened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    previous_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="+", null=True
    )
    reopened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reopened_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="reopening_reason")]

    def __str__(self) -> str:
        return f"{self.answer} reopened"


class Reminder(models.Model):
    """A reminder sent: the unique row is what keeps two sweeps from sending it twice."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="reminders")
    member = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    hours_before = models.PositiveIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "member", "hours_before"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} -{self.hours_before}h"


class Heartbeat(models.Model):
    """When a periodic job last ran; the health page reads it."""

    name = models.CharField(max_length=50, primary_key=True)
    last_run_at = models.DateTimeField()
    runs = models.PositiveBigIntegerField(default=0)
    details = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.name
