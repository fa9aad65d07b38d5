"""Who am I, and which bodies do I serve in, under which rules."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from ninja import Router
from ninja.decorators import decorate_view

from ecabinet.api_types import ERRORS, Id
from ecabinet.errors import NotFound
from people.eligibility import deputies_of, presenters_of
from people.models import Body
from people.schemas import BodyOut, MeOut, UserOut
from people.selectors import body_people, user_bodies, user_roles

router = Router(tags=["people"])


def _roles(request: HttpRequest, body: Body) -> list[str]:
    return sorted(user_roles(user=request.user, body_id=body.pk))


@router.get("/me", response={200: MeOut, **ERRORS})
@decorate_view(ensure_csrf_cookie)  # a client's first call hands it the token for its writes
def me(request: HttpRequest):
    bodies = [
        {"body_id": b.pk, "body_name": b.name, "roles": _roles(request, b)}
        for b in user_bodies(user=request.user).order_by("name")
    ]
    return {"user": request.user, "bodies": bodies}


@router.get("/bodies", response={200: list[BodyOut], **ERRORS})
def body_list(request: HttpRequest):
    return [
        {
            "id": b.pk,
            "name": b.name,
            "short_name": b.short_name,
            "kind": b.kind,
            "place": b.place,
            "rules": {
                "quorum_numerator": b.quorum_numerator,
                "quorum_denominator": b.quorum_denominator,
                "quorum_fraction": str(b.quorum_fraction),
                "majority_base": b.majority_base,
                "tie_break": b.tie_break,
            },
            "my_roles": _roles(request, b),
        }
        for b in user_bodies(user=request.user).order_by("name")
    ]


# --- Pick lists: exactly whom the services accept, in the body's protocol order ---------


def _my_body(request: HttpRequest, body_id: Id) -> Body:
    body = user_bodies(user=request.user).filter(pk=body_id).first()
    if body is None:
        raise NotFound(_("No such body."))
    return body


@router.get("/bodies/{body_id}/deputies", response={200: list[UserOut], **ERRORS})
def deputy_choices(request: HttpRequest, body_id: Id, member_id: Id):
    """Who may stand in for this member (a written ballot's deputy, a meeting's)."""
    body = _my_body(request, body_id)
    member = body_people(body=body).filter(pk=member_id).first()
    if member is None:
        raise NotFound(_("No such person in this body."))
    return deputies_of(body=body, members=[member])


@router.get("/bodies/{body_id}/presenters", response={200: list[UserOut], **ERRORS})
def presenter_choices(request: HttpRequest, body_id: Id, agency: str = ""):
    """Who may present an agenda item of this presenting agency (or of any, if none)."""
    return presenters_of(body=_my_body(request, body_id), agency=agency)
