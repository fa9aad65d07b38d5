"""The PDFs of a ballot (drafts, answer forms, the report) and the health page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ballots import selectors
from ballots.models import Answer
from ballots.views import _visible
from documents.http import version_response
from documents.services import version_can_open_confidential, version_open
from ecabinet.errors import NotAllowed, NotFound
from people.models import Role


@login_required
def draft_file(request, pk, document_id):
    ballot, _access = _visible(request, pk)
    document = get_object_or_404(ballot.drafts, pk=document_id)
    version = document.latest_version()
    if version is None or not version_can_open_confidential(user=request.user, document=document):
        raise NotFound(_("This draft is not available to you."))
    handle = version_open(actor=request.user, version=version, context={"ballot_id": ballot.pk})
    return version_response(version, handle)


@login_required
def answer_file(request, pk, answer_id):
    """An answer's form: for the member, whoever answered for them, the secretariat and
    the chair. `?v=` picks an earlier form (a reopened answer keeps its history)."""
    ballot, access = _visible(request, pk)
    answer = get_object_or_404(Answer, pk=answer_id, ballot=ballot)
    if not (
        access.sees_all_answers or request.user.pk in {answer.member_id, answer.answered_by_id}
    ):
        raise NotFound(_("Answer not found."))
    if answer.document is None:
        raise NotFound(_("This answer has no form yet."))
    number = request.GET.get("v", "")
    if number.isdigit():
        version = get_object_or_404(answer.document.versions, number=int(number))
    else:
        version = answer.final_version or answer.document.latest_version()
    handle = version_open(actor=request.user, version=version, context={"ballot_id": ballot.pk})
    return version_response(version, handle)


@login_required
def report_file(request, pk):
    ballot, access = _visible(request, pk)
    if not access.sees_all_answers or ballot.report is None:
        raise NotFound(_("No report yet."))
    version = ballot.report.latest_version()
    handle = version_open(actor=request.user, version=version, context={"ballot_id": ballot.pk})
    return version_response(version, handle)


def ensure_health_viewer(user) -> None:
    if not (user.is_staff or user.memberships.filter(role=Role.SECRETARIAT, is_active=True)):
        raise NotAllowed(_("Only the secretariat can see the health of the ballot worker."))


@login_required
def health(request):
    ensure_health_viewer(request.user)
    health = selectors.ballots_health(body_ids=selectors.health_bodies(request.user))
    return render(request, "ballots/health.html", {"health": health})
