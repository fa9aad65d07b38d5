"""People and the bodies they serve in.

A body (the Government, a provincial People's Committee, a ministry's leadership) holds
its own rules as data, so the same software serves each of them. A person's rights come
from their roles in a body; one person may hold several (the Prime Minister is both a
member and the chair).
"""

from fractions import Fraction
from math import ceil

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.models import Device

from people.agencies import agency_key


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    title = models.CharField(pgettext_lazy("job title", "title"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)  # đơn vị
    # agency_key(organisation), which the worklist matches against a task's lead agency
    # in SQL; written with the name (set_organisation). Casefolding may lengthen a name.
    organisation_key = models.CharField(max_length=600, blank=True, db_index=True, editable=False)

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    @property
    def display_name(self) -> str:
        return f"{self.full_name}, {self.title}" if self.title else str(self)

    def set_organisation(self, name: str) -> None:
        """Every writer of the organisation calls this, so the key never lags the name."""
        self.organisation = name
        self.organisation_key = agency_key(name)


class Body(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        PROVINCIAL = "provincial", _("Provincial People's Committee")
        MINISTRY = "ministry", _("Ministry leadership")
        OTHER = "other", _("Other")

    class MajorityBase(models.TextChoices):
        ALL_MEMBERS = "all_members", _("All members")
        PRESENT = "present", _("Members present")
        VOTES_CAST = "votes_cast", _("Votes cast")

    class TieBreak(models.TextChoices):
        CHAIR_SIDE = "chair_side", _("The chair's side prevails")
        FAILS = "fails", _("The motion fails")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.GOVERNMENT)
    place = models.CharField(_("seat"), max_length=100, default="Hà Nội")
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)
    majority_base = models.CharField(
        _("majority base"), max_length=20, choices=MajorityBase, default=MajorityBase.ALL_MEMBERS
    )
    tie_break = models.CharField(
        _("tie-break"), max_length=20, choices=TieBreak, default=TieBreak.CHAIR_SIDE
    )
    agency_code = models.CharField(
        _("agency code"),
        max_length=13,
        blank=True,
        validators=[
            RegexValidator(
                r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$",
                _("An agency code reads like 000.00.00.G01 (QCVN 102:2016)."),
            )
        ],
        help_text=_("The body's code in the national list of agency codes, e.g. 000.00.00.G01."),
    )
    ballot_answer_must_be_signed = models.BooleanField(
        _("ballot answers count only when signed"),
        default=True,
        help_text=_("A written ballot's answer counts in the tally only once signed."),
    )

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum_denominator__gt=0)
                & models.Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="body_quorum_is_a_fraction",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def quorum_fraction(self) -> Fraction:
        return Fraction(self.quorum_numerator, self.quorum_denominator)

    def quorum_needed(self, total_members: int) -> int:
        """Least number present for a quorum: "at least two thirds" rounds up."""
        return ceil(total_members * self.quorum_fraction)


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    CHAIR = "chair", _("Chair")
    SECRETARIAT = "secretariat", _("Secretariat")
    ARCHIVIST = "archivist", _("Archivist")
    GUEST = "guest", _("Guest")
    ASSISTANT = "assistant", _("Minister's assistant")
    OBSERVER = "observer", _("Observer")
    AUDITOR = "auditor", _("Auditor")
    # A deputy head of a member's agency (Thứ trưởng, Phó Giám đốc Sở): sees nothing by
    # this role alone; may be named to stand in for a member of the same organisation.
    DEPUTY = "deputy", _("Deputy of a member")


class Membership(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("body")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    # For an assistant: the member they prepare and read for.
    assists = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assistant_memberships",
        verbose_name=_("assists"),
    )
    position_in_body = models.CharField(_("position in the body"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["body", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "user", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=models.Q(role="assistant", assists__isnull=False)
                | (~models.Q(role="assistant") & models.Q(assists__isnull=True)),
                name="membership_assistant_assists_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.body}"


class FactorReset(models.Model):
    """A request to clear a person's second factor (lost phone): one member of the
    body's secretariat asks, a different one approves, and only then are the person's
    devices removed, so no single account can take over another's sign-in."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="factor_resets")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="factor_resets"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    state = models.CharField(max_length=12, choices=State, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="factor_reset_one_pending_per_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(approved_by=models.F("requested_by")),
                name="factor_reset_approved_by_another",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_state_display()}"


class Passkey(Device):
    """A WebAuthn credential (a security key, or the tablet's or phone's own
    authenticator) registered as a second factor (people/passkeys.py). A django-otp
    device, so a sign-in with it verifies the session like an authenticator app's code."""

    credential_id = models.BinaryField(_("credential id"), max_length=1023, unique=True)
    public_key = models.BinaryField(_("public key"))
    sign_count = models.PositiveBigIntegerField(_("sign count"), default=0)
    transports = models.JSONField(_("transports"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name
