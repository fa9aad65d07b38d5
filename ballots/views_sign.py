"""Ballot pages that take a PIN (signing an answer, signing and sealing the report) and
a member's own delegation. A refused PIN or a locked key lands back on the ballot page
with the reason next to the PIN box; nothing is signed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ballots import services_sign
from ballots.forms import MyDelegationForm, add_service_errors
from ballots.models import Answer, Delegation
from ballots.services_answers import delegation_record, delegation_withdraw
from ballots.views import _detail, _visible, detail_url
from ecabinet.errors import Conflict, Invalid
from signing.forms import PinForm


def _pin_refused(form: PinForm, error: Invalid | Conflict) -> int:
    if isinstance(error, Invalid):
        add_service_errors(form, error)
    else:
        form.add_error(None, error.message)
    return error.status


@login_required
@require_POST
def answer_sign(request, pk, answer_id):
    ballot, _access = _visible(request, pk)
    answer = get_object_or_404(Answer, pk=answer_id, ballot=ballot)
    form = PinForm(request.POST, prefix=f"sign{answer.pk}")
    status = 422
    if form.is_valid():
        try:
            services_sign.answer_sign(
                actor=request.user, answer=answer, pin=form.cleaned_data["pin"]
            )
        except (Invalid, Conflict) as error:
            status = _pin_refused(form, error)
        else:
            messages.success(request, _("Your answer was signed."))
            return redirect(detail_url(ballot, "answer"))
    return _detail(request, pk, sign_form=(answer.pk, form), status=status)


@login_required
@require_POST
def report_sign(request, pk, kind):
    ballot, _access = _visible(request, pk)
    form = PinForm(request.POST, prefix="report")
    status = 422
    if form.is_valid():
        try:
            services_sign.report_sign(
                actor=request.user, ballot=ballot, pin=form.cleaned_data["pin"], kind=kind
            )
        except (Invalid, Conflict) as error:
            status = _pin_refused(form, error)
        else:
            done = _("The report was sealed.") if kind == "seal" else _("The report was signed.")
            messages.success(request, done)
            return redirect(detail_url(ballot, "result"))
    return _detail(request, pk, report_form=(kind, form), status=status)


@login_required
@require_POST
def delegation_mine(request, pk):
    """A recipient names the deputy who answers this ballot for them."""
    ballot, _access = _visible(request, pk)
    form = MyDelegationForm(request.POST, ballot=ballot, member=request.user)
    if form.is_valid():
        try:
            delegation_record(
                actor=request.user,
                ballot=ballot,
                member=request.user,
                deputy=form.cleaned_data["deputy"],
                reason=form.cleaned_data["reason"],
            )
        except Invalid as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your deputy can now answer this ballot for you."))
            return redirect(detail_url(ballot, "answer"))
    return _detail(request, pk, my_delegation_form=form, status=422)


@login_required
@require_POST
def delegation_cancel(request, pk, delegation_id):
    ballot, _access = _visible(request, pk)
    delegation = get_object_or_404(Delegation, pk=delegation_id, ballot=ballot)
    delegation_withdraw(actor=request.user, delegation=delegation)
    messages.success(request, _("The delegation was withdrawn; you answer yourself."))
    return redirect(detail_url(ballot, "answer"))
