"""Reads of the archive. Who may see a record: the archivists and the secretariat of its
body. Anyone else is told nothing exists (404); a person with no archive role anywhere
may not open the archive at all (403)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from archive import search
from archive.models import Record
from ecabinet.errors import Invalid, NotAllowed, NotFound
from people.models import Body, Membership, Role, User

ARCHIVE_ROLES = frozenset({Role.ARCHIVIST, Role.SECRETARIAT})
PER_PAGE_MAX = 100
# Counting every match of a common word costs a scan of most of the table; past this many
# the pages say "more than" and ask for narrower words (see docs/archive.md, Benchmark).
COUNT_LIMIT = 1000


def archive_body_ids(*, actor: User) -> list[int]:
    """The bodies whose archive this person may search."""
    if not actor.is_authenticated:
        return []
    return sorted(
        set(
            Membership.objects.filter(
                user=actor, is_active=True, role__in=ARCHIVE_ROLES
            ).values_list("body_id", flat=True)
        )
    )


def archive_bodies(*, actor: User) -> QuerySet[Body]:
    return Body.objects.filter(pk__in=archive_body_ids(actor=actor)).order_by("name")


def may_use_archive(*, actor: User) -> bool:
    return bool(archive_body_ids(actor=actor))


def ensure_may_use_archive(*, actor: User) -> list[int]:
    body_ids = archive_body_ids(actor=actor)
    if not body_ids:
        raise NotAllowed(_("Only archivists and the secretariat may use the archive."))
    return body_ids


def record_get(*, actor: User, record_id: int) -> Record:
    """One record, if this person may see it; otherwise NotFound, whether or not it exists."""
    record = (
        Record.objects.select_related("body", "version__document", "supersedes", "filed_by")
        .filter(pk=record_id, body_id__in=archive_body_ids(actor=actor))
        .first()
    )
    if record is None:
        raise NotFound(_("No such record in the archive."))
    return record


def record_chain(*, record: Record) -> list[Record]:
    """The record with the ones it corrects and the ones that correct it, oldest first."""
    first = record
    seen = {first.pk}
    while first.supersedes_id and first.supersedes_id not in seen:
        first = Record.objects.select_related("version").get(pk=first.supersedes_id)
        seen.add(first.pk)
    chain = [first]
    while True:
        later = Record.objects.select_related("version").filter(supersedes=chain[-1]).first()
        if later is None or later.pk in {r.pk for r in chain}:
            return chain
        chain.append(later)


def may_renew(*, actor: User, record: Record) -> bool:
    """Only the archivists of the record's body add archive timestamps by hand."""
    return Membership.objects.filter(
        user=actor, is_active=True, role=Role.ARCHIVIST, body_id=record.body_id
    ).exists()


def ensure_may_renew(*, actor: User, record: Record) -> None:
    if not may_renew(actor=actor, record=record):
        raise NotAllowed(_("Only the archivists of this body may renew its timestamps."))


def record_revisions(*, record: Record) -> list:
    return list(record.revisions.select_related("created_by").order_by("number"))


def protection_for(*, actor: User):
    """The oldest protection date and what is due, over the records this person may see."""
    from archive.renewal import protection_summary

    return protection_summary(body_ids=archive_body_ids(actor=actor))


@dataclass(frozen=True)
class SearchPage:
    records: list[Record]
    total: int  # at most COUNT_LIMIT; `total_exact` is False when there are more
    page: int
    per_page: int
    total_exact: bool = True

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _check_search_input(
    *, q: str, kind: str | None, date_from, date_to, page: int, per_page: int
) -> search.Query:
    fields: dict[str, list[str]] = {}
    query = search.Query(words=(), phrases=())
    if len(q) > search.QUERY_MAX_CHARS:
        fields["q"] = [
            _("The search text is too long: at most %(n)d characters.")
            % {"n": search.QUERY_MAX_CHARS}
        ]
    elif q.strip():
        query = search.parse(q)
        if query.empty:
            fields["q"] = [_("Type at least one word of letters or digits.")]
    if kind and kind not in Record.Kind.values:
        fields["kind"] = [_("Unknown kind of record.")]
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value is not None and not isinstance(value, dt.date):
            fields[name] = [_("Enter a valid date.")]
    if isinstance(date_from, dt.date) and isinstance(date_to, dt.date) and date_from > date_to:
        fields["date_to"] = [_("The end of the range is before its start.")]
    if not isinstance(page, int) or page < 1:
        fields["page"] = [_("The page number starts at 1.")]
    if not isinstance(per_page, int) or not 1 <= per_page <= PER_PAGE_MAX:
        fields["per_page"] = [_("Between 1 and %(n)d per page.") % {"n": PER_PAGE_MAX}]
    if fields:
        raise Invalid(_("The search cannot be run as asked."), fields=fields)
    return query


def record_search(
    *,
    actor: User,
    q: str = "",
    body: Body | int | None = None,
    kind: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """Records this person may see, newest first, matching every word of `q` (accents
    and đ/d ignored; "quoted words" as a phrase), in a body, of a kind, issued between two
    dates (both included)."""
    body_ids = ensure_may_use_archive(actor=actor)
    query = _check_search_input(
        q=q, kind=kind, date_from=date_from, date_to=date_to, page=page, per_page=per_page
    )
    qs = Record.objects.filter(body_id__in=body_ids)
    if body is not None:
        body_id = body if isinstance(body, int) else body.pk
        if body_id not in body_ids:
            raise NotFound(_("No such body in your archive."))
        qs = qs.filter(body_id=body_id)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(issued_on__lte=date_to)
    qs = search.filter_matching(qs, query)
    total = qs.order_by()[: COUNT_LIMIT + 1].count()
    start = (page - 1) * per_page
    records = list(
        qs.select_related("body", "version").order_by("-issued_on", "-id")[start : start + per_page]
    )
    return SearchPage(
        records=records,
        total=min(total, COUNT_LIMIT),
        page=page,
        per_page=per_page,
        total_exact=total <= COUNT_LIMIT,
    )
