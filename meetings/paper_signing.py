"""Who may sign, seal and verify the versions of a meeting paper. The paper pages and
the signing API ask here; `signing.services.version_sign` then decides about the key.

- verify: whoever may open the paper (meetings.access.paper_can_open);
- sign with one's own key: those who may open it and stand on the paper's side: the
  presenter of its item, its uploader (document or version), the members of the
  meeting's body who head the issuing body (their organisation is the paper's issuing
  body), and the chair and secretariat of the meeting's body. The organisation only
  says which member's paper it is: the right to sign comes from the member's role, so
  an assistant, observer, auditor or deputy whose organisation reads the same signs
  nothing by it. Guests never sign, even when they present;
- apply the body's seal: its secretariat, when they may open the paper;
- only the latest version is signed (each signature makes a new one), and not once the
  meeting is closed: its papers are then kept as they were, and can only be verified.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from documents.models import DocumentVersion
from ecabinet.errors import Conflict, NotAllowed
from meetings.access import (
    MeetingAccess,
    ensure_can_see_paper,
    meeting_access,
    paper_can_open,
)
from meetings.models import Meeting, MeetingPaper
from people.models import Role, User
from people.selectors import user_roles

PERSONAL, SEAL = "personal", "seal"


@dataclass(frozen=True)
class PaperSigning:
    paper: MeetingPaper
    can_open: bool = False
    can_sign: bool = False
    can_seal: bool = False

    @property
    def is_open_for_signing(self) -> bool:
        return self.paper.meeting.state != Meeting.State.CLOSED


def _same_name(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def _on_paper_side(*, user: User, paper: MeetingPaper, roles: frozenset[str]) -> bool:
    if roles & {Role.CHAIR, Role.SECRETARIAT}:
        return True
    document = paper.document
    if paper.item_id is not None and paper.item.presenter_id == user.pk:
        return True
    if document.created_by_id == user.pk or document.versions.filter(uploaded_by=user).exists():
        return True
    # A free-text match alone gives no right: only a member of the body signs for the
    # agency their organisation names.
    return Role.MEMBER in roles and _same_name(user.organisation, document.issuing_body)


def paper_signing(
    *, user: User, paper: MeetingPaper, access: MeetingAccess | None = None
) -> PaperSigning:
    """What this person may do with the paper's signatures (nothing, if they may not
    open it)."""
    access = access or meeting_access(user=user, meeting=paper.meeting)
    if not paper_can_open(user=user, paper=paper, access=access):
        return PaperSigning(paper)
    roles = user_roles(user=user, body_id=paper.meeting.body_id)
    guest = access.is_guest or Role.GUEST in roles
    return PaperSigning(
        paper,
        can_open=True,
        can_sign=not guest and _on_paper_side(user=user, paper=paper, roles=roles),
        can_seal=not guest and Role.SECRETARIAT in roles,
    )


def ensure_can_verify_paper(*, user: User, paper: MeetingPaper) -> PaperSigning:
    access = ensure_can_see_paper(user=user, paper=paper)
    rights = paper_signing(user=user, paper=paper, access=access)
    if not rights.can_open:
        raise NotAllowed(_("This paper is confidential; only its named recipients may open it."))
    return rights


def ensure_can_sign_paper(
    *, user: User, paper: MeetingPaper, version: DocumentVersion, kind: str
) -> PaperSigning:
    """Raise the error a person should see when they may not sign (or seal) `version`."""
    rights = ensure_can_verify_paper(user=user, paper=paper)
    if kind == SEAL and not rights.can_seal:
        raise NotAllowed(_("Only the agency's secretariat may apply its seal."))
    if kind != SEAL and not rights.can_sign:
        raise NotAllowed(
            _(
                "Only the presenter's side, the chair and the secretariat sign the papers "
                "of a meeting."
            )
        )
    if not rights.is_open_for_signing:
        raise Conflict(_("The meeting is closed; its papers can be verified but not signed."))
    latest = paper.document.versions.order_by("-number").values_list("pk", flat=True).first()
    if version.pk != latest:
        raise Conflict(_("Only the latest version can be signed; open it and sign that one."))
    return rights
