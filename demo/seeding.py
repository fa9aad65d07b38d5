"""Writing the demo data through the services, so the audit trail records it.

Idempotent: people are found by username, bodies by name, memberships by (body, person,
role) and meetings by their title without the month; whatever exists is left untouched,
so a second run writes nothing and a revoked membership stays revoked.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from demo.data import BODIES, EMAIL_DOMAIN, PASSWORD, BodySpec, ItemSpec, MeetingSpec, Person
from demo.papers import Period, paper_pdf
from demo.seed_ballots import seed_ballots, seed_closed_ballot
from demo.seed_drafts import seed_drafts
from demo.seed_exchange import seed_exchange
from demo.seed_minutes import seed_minutes
from demo.seed_resolutions import seed_resolutions
from meetings import services as meetings
from meetings.models import AgendaItem, Meeting, Position
from people.agencies import agency_key
from people.models import Body, Membership, User
from people.selectors import body_members
from people.services import body_create, membership_grant

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class SeedReport:
    users_created: int = 0
    memberships_granted: int = 0
    bodies_created: list[str] = field(default_factory=list)
    meetings_created: list[str] = field(default_factory=list)
    meetings_found: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.users_created
            or self.memberships_granted
            or self.bodies_created
            or self.meetings_created
        )


def seed_demo(*, today: dt.date | None = None) -> SeedReport:
    """Create whatever part of the demo is missing; `today` is a date in Vietnam."""
    today = today or timezone.localtime(timezone.now(), VIETNAM).date()
    # One hash for every account, computed only if an account is missing: hashing is
    # slow on purpose, and the password is the same everywhere.
    password_hash = cache(lambda: make_password(PASSWORD))
    report = SeedReport()
    for spec in BODIES:
        with transaction.atomic():
            body = _body(spec, report)
            people = {p.username: _user(p, password_hash, report) for p in spec.people}
            _grant_roles(body, spec.people, people, report)
        _meeting(body, spec.meeting, people, today, report)
    report.meetings_created += ["draft circulation"] if seed_drafts() else []
    report.meetings_created += ["closed written ballot"] if seed_closed_ballot() else []
    report.meetings_created += ["written ballot"] if seed_ballots() else []
    report.meetings_created += ["signed minutes"] if seed_minutes() else []
    report.meetings_created += ["issued resolution"] if seed_resolutions(today=today) else []
    report.meetings_created += ["resolution sent to two ministries"] if seed_exchange() else []
    return report


def _body(spec: BodySpec, report: SeedReport) -> Body:
    body = Body.objects.filter(name=spec.name).first()
    if body is None:
        body = body_create(
            actor=None,
            name=spec.name,
            short_name=spec.short_name,
            kind=spec.kind,
            place=spec.place,
        )
        report.bodies_created.append(body.name)
    if spec.agency_code and body.agency_code != spec.agency_code:
        body.agency_code = spec.agency_code
        Body._meta.get_field("agency_code").run_validators(spec.agency_code)
        body.save(update_fields=["agency_code"])
    return body


def _user(person: Person, password_hash: Callable[[], str], report: SeedReport) -> User:
    family, _, given = person.full_name.rpartition(" ")
    user, created = User.objects.get_or_create(
        username=person.username,
        defaults={
            "full_name": person.full_name,
            "first_name": given,
            "last_name": family,
            "title": person.title,
            "organisation": person.organisation,
            "organisation_key": agency_key(person.organisation),
            "email": f"{person.username}@{EMAIL_DOMAIN}",
            "password": password_hash,  # a callable: evaluated only when creating
        },
    )
    report.users_created += created
    return user


def _grant_roles(
    body: Body, persons: tuple[Person, ...], people: dict[str, User], report: SeedReport
) -> None:
    held = set(Membership.objects.filter(body=body).values_list("user_id", "role"))
    for order, person in enumerate(persons, start=1):
        user = people[person.username]
        for role in person.roles:
            if (user.pk, role) in held:
                continue
            membership_grant(
                actor=None,
                body=body,
                user=user,
                role=role,
                assists=people[person.assists] if person.assists else None,
                position_in_body=person.title,
                sort_order=order * 10,
            )
            report.memberships_granted += 1


def _meeting(
    body: Body, spec: MeetingSpec, people: dict[str, User], today: dt.date, report: SeedReport
) -> None:
    existing = Meeting.objects.filter(body=body, title__startswith=spec.title_prefix).first()
    if existing is not None:
        report.meetings_found.append(existing.title)
        return
    day = today + dt.timedelta(days=spec.days_ahead)
    starts_at = dt.datetime.combine(day, dt.time(*spec.start), tzinfo=VIETNAM)
    period = Period(month=starts_at.month, year=starts_at.year)
    # Render before the transaction: the database stays free while WeasyPrint works.
    pdfs = {
        paper: paper_pdf(
            paper,
            place=body.place,
            issued=today - dt.timedelta(days=paper.days_before),
            signer_name=people[paper.signer].full_name if paper.signer else "",
            period=period,
        )
        for item in spec.items
        for paper in item.papers
    }
    secretary = people[spec.secretary]
    with transaction.atomic():
        meeting = meetings.meeting_create(
            actor=secretary,
            body=body,
            title=f"{spec.title_prefix} tháng {period.month} năm {period.year}",
            kind=spec.kind,
            starts_at=starts_at,
            ends_at=dt.datetime.combine(day, dt.time(*spec.end), tzinfo=VIETNAM),
            location=spec.location,
        )
        items = [
            (_item(meeting, item_spec, people, secretary, period, today, pdfs), item_spec)
            for item_spec in spec.items
        ]
        if spec.publish:
            meeting = meetings.meeting_publish(actor=secretary, meeting=meeting)
            for item, item_spec in items:
                _positions(body, item, item_spec, people, period)
    report.meetings_created.append(meeting.title)


def _item(
    meeting: Meeting,
    spec: ItemSpec,
    people: dict[str, User],
    secretary: User,
    period: Period,
    today: dt.date,
    pdfs: dict,
) -> AgendaItem:
    item = meetings.item_add(
        actor=secretary,
        meeting=meeting,
        title=period.fill(spec.title),
        description=spec.description,
        presenting_agency=spec.presenting_agency,
        presenter=people[spec.presenter],
        duration_minutes=spec.duration_minutes,
    )
    for paper in spec.papers:
        meetings.paper_add(
            actor=secretary,
            meeting=meeting,
            item=item,
            file=io.BytesIO(pdfs[paper]),
            filename=paper.filename,
            doc_type=paper.doc_type,
            summary=period.fill(paper.summary),
            issuing_body=paper.issuing_body,
            number_symbol=paper.number_symbol,
            issued_date=today - dt.timedelta(days=paper.days_before),
            confidentiality=paper.confidentiality,
            urgency=paper.urgency,
            recipients=[people[name] for name in paper.recipients],
        )
    for guest in spec.guests:
        meetings.guest_invite(actor=secretary, meeting=meeting, user=people[guest], items=[item])
    return item


def _positions(
    body: Body, item: AgendaItem, spec: ItemSpec, people: dict[str, User], period: Period
) -> None:
    """Members mark their own positions, as they would on their tablets."""
    if spec.everyone_agrees:
        for member in body_members(body=body):
            meetings.position_mark(actor=member, item=item, stance=Position.Stance.NO_OBJECTION)
        return
    for position in spec.positions:
        meetings.position_mark(
            actor=people[position.member],
            item=item,
            stance=position.stance,
            comment=period.fill(position.comment),
        )
