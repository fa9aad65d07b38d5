"""Who may see and do what in a meeting. Every view, API endpoint and service asks here.

The rules, in one place:
- the chair and the secretariat of the body see every meeting, drafts included;
- everyone else sees a meeting only once it is published, and only if invited
  (members, guests, approved deputies), observing the body, assisting an invited
  member, or archiving the body's closed meetings;
- a guest sees only the items they are invited to;
- a paper marked Mật or above opens only for its named recipients.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from documents.services import version_can_open_confidential
from ecabinet.errors import NotAllowed, NotFound
from meetings.models import AgendaItem, Meeting, MeetingPaper, Participant
from people.models import Role, User
from people.selectors import assisted_members, user_roles, users_roles


@dataclass(frozen=True)
class MeetingAccess:
    meeting: Meeting
    can_view: bool = False
    can_manage: bool = False  # the secretariat: agenda, papers, invitations, publishing
    can_chair: bool = False
    participant: Participant | None = None
    visible_item_ids: frozenset[int] | None = None  # None: every item

    @property
    def is_guest(self) -> bool:
        return self.participant is not None and self.participant.kind == Participant.Kind.GUEST

    @property
    def acting_for(self) -> User | None:
        """The member whose seat this user takes: themselves, or the one they deputise for."""
        if self.participant is None:
            return None
        if self.participant.kind == Participant.Kind.MEMBER:
            return self.participant.user
        if self.participant.kind == Participant.Kind.DEPUTY:
            return self.participant.on_behalf_of
        return None

    @property
    def can_mark_positions(self) -> bool:
        return self.acting_for is not None and self.meeting.state == Meeting.State.PUBLISHED

    def can_see_item(self, item: AgendaItem) -> bool:
        if not self.can_view or item.meeting_id != self.meeting.pk:
            return False
        return self.visible_item_ids is None or item.pk in self.visible_item_ids


def meeting_access(*, user: User, meeting: Meeting) -> MeetingAccess:
    if not user.is_authenticated or not user.is_active:
        return MeetingAccess(meeting=meeting)
    roles = user_roles(user=user, body_id=meeting.body_id)
    participant = (
        Participant.objects.filter(meeting=meeting, user=user)
        .select_related("on_behalf_of", "user")
        .first()
    )
    return _access(user, meeting, roles, participant)


def meeting_accesses(*, users: list[User], meeting: Meeting) -> dict[int, MeetingAccess]:
    """`meeting_access` for several users at once (a room's ballots written together),
    by user id: their roles and their places in the meeting read in one query each."""
    active = [user for user in users if user.is_authenticated and user.is_active]
    ids = {user.pk for user in active}
    roles = users_roles(user_ids=ids, body_id=meeting.body_id)
    places = {
        participant.user_id: participant
        for participant in Participant.objects.filter(
            meeting=meeting, user_id__in=ids
        ).select_related("on_behalf_of", "user")
    }
    accesses = {user.pk: MeetingAccess(meeting=meeting) for user in users}
    for user in active:
        found = roles.get(user.pk, frozenset())
        accesses[user.pk] = _access(user, meeting, found, places.get(user.pk))
    return accesses


def _access(
    user: User, meeting: Meeting, roles: frozenset[str], participant: Participant | None
) -> MeetingAccess:
    can_manage = Role.SECRETARIAT in roles
    can_chair = Role.CHAIR in roles
    if can_manage or can_chair:
        return MeetingAccess(meeting, True, can_manage, can_chair, participant, None)
    if meeting.state == Meeting.State.DRAFT:
        return MeetingAccess(meeting=meeting)
    if participant is not None:
        visible = None
        if participant.kind == Participant.Kind.GUEST:
            visible = frozenset(participant.items.values_list("pk", flat=True))
        return MeetingAccess(meeting, True, False, False, participant, visible)
    sees = Role.OBSERVER in roles or (
        Role.ARCHIVIST in roles and meeting.state == Meeting.State.CLOSED
    )
    if not sees and Role.ASSISTANT in roles:
        sees = meeting.participants.filter(
            user__in=assisted_members(user=user, body_id=meeting.body_id),
            kind=Participant.Kind.MEMBER,
        ).exists()
    if sees:
        return MeetingAccess(meeting, True, False, False, None, None)
    return MeetingAccess(meeting=meeting)


def ensure_can_view(*, user: User, meeting: Meeting) -> MeetingAccess:
    return _viewable(meeting_access(user=user, meeting=meeting))


def _viewable(access: MeetingAccess) -> MeetingAccess:
    if not access.can_view:
        # Do not reveal that a meeting the user may not see exists.
        raise NotFound(_("Meeting not found."))
    return access


def ensure_can_manage(*, user: User, meeting: Meeting) -> MeetingAccess:
    access = ensure_can_view(user=user, meeting=meeting)
    if not access.can_manage:
        raise NotAllowed(_("Only the secretariat can prepare this meeting."))
    return access


def ensure_can_chair(*, user: User, meeting: Meeting) -> MeetingAccess:
    access = ensure_can_view(user=user, meeting=meeting)
    if not access.can_chair:
        raise NotAllowed(_("Only the chair can do this."))
    return access


def ensure_can_see_item(*, user: User, item: AgendaItem) -> MeetingAccess:
    return ensure_access_to_item(meeting_access(user=user, meeting=item.meeting), item)


def ensure_access_to_item(access: MeetingAccess, item: AgendaItem) -> MeetingAccess:
    """What `ensure_can_see_item` checks, for an access already read."""
    if not _viewable(access).can_see_item(item):
        raise NotAllowed(_("You are not invited to this agenda item."))
    return access


def paper_can_open(*, user: User, paper: MeetingPaper, access: MeetingAccess | None = None) -> bool:
    access = access or meeting_access(user=user, meeting=paper.meeting)
    if not access.can_view:
        return False
    if paper.item_id is None:
        # Papers for the whole meeting are not for guests, who are invited item by item.
        if access.is_guest:
            return False
    elif access.visible_item_ids is not None and paper.item_id not in access.visible_item_ids:
        return False
    return version_can_open_confidential(user=user, document=paper.document)


def ensure_can_open_paper(*, user: User, paper: MeetingPaper) -> MeetingAccess:
    access = ensure_can_view(user=user, meeting=paper.meeting)
    if paper.item_id is not None and not access.can_see_item(paper.item):
        raise NotAllowed(_("You are not invited to the agenda item this paper belongs to."))
    if not paper_can_open(user=user, paper=paper, access=access):
        if paper.document.is_confidential:
            raise NotAllowed(
                _("This paper is confidential; only its named recipients may open it.")
            )
        raise NotAllowed(_("You may not open this paper."))
    return access


def ensure_can_see_paper(*, user: User, paper: MeetingPaper) -> MeetingAccess:
    """See that a paper exists and what it is (opening it may still be refused)."""
    access = ensure_can_view(user=user, meeting=paper.meeting)
    if paper.item_id is not None:
        if not access.can_see_item(paper.item):
            raise NotAllowed(_("You are not invited to the agenda item this paper belongs to."))
    elif access.is_guest:
        raise NotAllowed(_("Guests see only the papers of the items they are invited to."))
    return access


def ensure_can_see_positions(*, user: User, meeting: Meeting) -> MeetingAccess:
    """Everyone's positions are for those who run the meeting."""
    access = ensure_can_view(user=user, meeting=meeting)
    if not (access.can_manage or access.can_chair):
        raise NotAllowed(_("Only the chair and the secretariat see everyone's positions."))
    return access
