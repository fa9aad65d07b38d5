"""Factories for the objects most tests need. Real models, real database."""

from __future__ import annotations

import datetime as dt
import io

import factory
from django.utils import timezone

from meetings.models import AgendaItem, Meeting, Participant
from people.agencies import agency_key
from people.models import Body, Membership, Role, User

PASSWORD = "correct-horse-battery"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    title = "Bộ trưởng"
    organisation = ""
    # As set_organisation writes it: the worklist matches the organisation by its key.
    organisation_key = factory.LazyAttribute(lambda o: agency_key(o.organisation))
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.vn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Chính phủ {n}")
    short_name = "CP"


def grant(user: User, body: Body, *roles: str, assists: User | None = None) -> User:
    for role in roles:
        Membership.objects.create(
            body=body, user=user, role=role, assists=assists if role == Role.ASSISTANT else None
        )
    return user


def deputy_of(member: User, body: Body, username: str = "", **fields) -> User:
    """A deputy head of the member's own agency (a Thứ trưởng), who may stand in for them."""
    fields.setdefault("title", "Thứ trưởng")
    user = UserFactory(
        username=username or f"deputy-of-{member.username}",
        organisation=member.organisation,
        **fields,
    )
    return grant(user, body, Role.DEPUTY)


def pdf_bytes(pages: int = 1, text: str = "Tài liệu") -> bytes:
    """A small, real PDF rendered by WeasyPrint."""
    from weasyprint import HTML

    body = "".join(
        f"<section style='page-break-after: always'><h1>{text}</h1><p>Trang {i + 1}</p></section>"
        for i in range(pages)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


class NamedBytes(io.BytesIO):
    def __init__(self, data: bytes, name: str = "paper.pdf") -> None:
        super().__init__(data)
        self.name = name


def make_meeting(body: Body, actor: User, *, items: int = 2, publish: bool = False) -> Meeting:
    from meetings import services

    meeting = services.meeting_create(
        actor=actor,
        body=body,
        title="Phiên họp Chính phủ thường kỳ tháng 11",
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    for n in range(items):
        services.item_add(
            actor=actor,
            meeting=meeting,
            title=f"Nội dung {n + 1}",
            presenting_agency="Bộ Tài chính",
            duration_minutes=30,
        )
    if publish:
        meeting = services.meeting_publish(actor=actor, meeting=meeting)
    return meeting


__all__ = [
    "AgendaItem",
    "BodyFactory",
    "Participant",
    "PASSWORD",
    "UserFactory",
    "deputy_of",
    "grant",
    "make_meeting",
    "pdf_bytes",
]
