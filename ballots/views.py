"""Ballot pages. Each view parses a form, calls a service or selector, and renders.

Refusals are ecabinet.errors, shown by ServiceErrorMiddleware, except `Invalid` after a
form post, which lands back on the form with the person's input kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ballots import selectors, services
from ballots.access import ensure_can_view, ensure_secretariat
from ballots.events import ballot_stream
from ballots.forms import (
    AnswerForm,
    BallotForm,
    DelegationForm,
    MyDelegationForm,
    add_service_errors,
)
from ballots.models import Answer, Ballot
from ballots.services_answers import answer_save, answer_submit
from ecabinet.errors import Conflict, Invalid
from ecabinet.realtime.events import last_seq
from people.collation import sort_by_person
from people.models import Body, Role
from people.selectors import user_bodies, user_has_role
from signing.forms import PinForm


def detail_url(ballot: Ballot, anchor: str = "") -> str:
    url = reverse("ballots:detail", args=[ballot.pk])
    return f"{url}#{anchor}" if anchor else url


def _try(form, run):
    """On a valid POST run the service; an `Invalid` lands on the form (returns None)."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return run()
    except Invalid as error:
        add_service_errors(form, error)
        return None


def _visible(request, pk: int):
    ballot = selectors.ballot_get(pk=pk)
    # A page that finds the deadline passed closes the ballot (the same idempotent
    # service the worker calls), so nobody depends on the worker to see it closed.
    if ballot.is_open and ballot.deadline <= timezone.now():
        services.ballot_close_due(ballot_id=ballot.pk)
        ballot = selectors.ballot_get(pk=pk)
    return ballot, ensure_can_view(user=request.user, ballot=ballot)


@login_required
def ballot_list(request):
    bodies = [
        b
        for b in user_bodies(user=request.user)
        if user_has_role(user=request.user, body_id=b.pk, roles={Role.SECRETARIAT})
    ]
    context = {
        "pending": selectors.ballots_pending_for(user=request.user),
        "ballots": selectors.ballots_visible_to(user=request.user)[:200],
        "bodies": bodies,
    }
    return render(request, "ballots/list.html", context)


def _form_page(request, form, *, title, body, ballot=None):
    status = 422 if form.is_bound and form.errors else 200
    context = {"form": form, "title": title, "body": body, "ballot": ballot}
    return render(request, "ballots/form.html", context, status=status)


@login_required
def ballot_new(request, body_id):
    body = get_object_or_404(Body, pk=body_id)
    ensure_secretariat(user=request.user, body_id=body.pk)
    form = BallotForm(request.POST or None, body=body)

    def run():
        ballot = services.ballot_create(actor=request.user, body=body, **form.service_kwargs())
        if "send" in request.POST:
            services.ballot_submit(actor=request.user, ballot=ballot)
            messages.success(request, _("The ballot was sent to the chair for approval."))
        else:
            messages.success(request, _("The ballot was saved as a draft."))
        return redirect(detail_url(ballot))

    return _try(form, run) or _form_page(request, form, title=_("New written ballot"), body=body)


@login_required
def ballot_edit(request, pk):
    ballot, _access = _visible(request, pk)
    ensure_secretariat(user=request.user, ballot=ballot)
    form = BallotForm(
        request.POST or None, body=ballot.body, initial=BallotForm.initial_from(ballot)
    )

    def run():
        services.ballot_update(actor=request.user, ballot=ballot, **form.service_kwargs())
        if "send" in request.POST:
            services.ballot_submit(actor=request.user, ballot=ballot)
            messages.success(request, _("The ballot was sent to the chair for approval."))
        else:
            messages.success(request, _("The ballot was saved."))
        return redirect(detail_url(ballot))

    return _try(form, run) or _form_page(
        request, form, title=_("Edit written ballot"), body=ballot.body, ballot=ballot
    )


def _answer_forms(request, ballot, access, bound=None):
    """The answer sheets this person may fill in: their own, and the members' who
    delegated to them. `bound` is (answer id, form) of a post that failed."""
    if not ballot.is_open:
        return []
    sheets = []
    # A member who delegated sees no sheet of their own: the deputy holds the pen.
    own = access.is_recipient and not ballot.delegations.filter(member=request.user).exists()
    member_ids = ([request.user.pk] if own else []) + list(access.deputy_for)
    answers = ballot.answers.filter(member_id__in=member_ids).select_related("member")
    questions = list(ballot.questions.all())
    for answer in answers:
        if bound and bound[0] == answer.pk:
            form = bound[1]
        elif answer.is_final:
            form = None
        else:
            saved = selectors.answer_items(answer=answer)
            initial = {}
            for number, (choice, text) in saved.items():
                initial[f"q{number}"], initial[f"q{number}_text"] = choice, text
            form = AnswerForm(questions=questions, initial=initial, prefix=f"a{answer.pk}")
        sheets.append(
            {"answer": answer, "form": form, "on_behalf": answer.member_id != request.user.pk}
        )
    return sheets


def _sign_context(request, ballot, access, sign_form, report_form) -> dict:
    """The PIN boxes: one per answer this person submitted and has not signed, and the
    report's signature then seal for the secretariat."""
    bound_id, bound = sign_form or (None, None)
    to_sign = [
        {"answer": a, "form": bound if a.pk == bound_id else PinForm(prefix=f"sign{a.pk}")}
        for a in selectors.answers_to_sign(ballot=ballot, user=request.user)
    ]
    context = {"to_sign": to_sign}
    if access.can_manage and ballot.report_id:
        state = selectors.report_signing_state(ballot=ballot)
        kind = {"issued": "personal", "signed": "seal"}.get(state)
        context["report_state"], context["report_kind"] = state, kind
        posted_kind, posted = report_form or (None, None)
        if kind:
            context["report_form"] = posted if posted_kind == kind else PinForm(prefix="report")
        if posted is not None and posted_kind != kind:
            # A refused step that is not the next one (a seal before the signature).
            context["report_refusal"] = [*posted.non_field_errors(), *posted["pin"].errors]
    return context


def _delegation_context(request, ballot, access, my_delegation_form) -> dict:
    """A recipient's own delegation: record one while the answer is open, or withdraw
    it before the deputy has submitted."""
    if not (access.is_recipient and ballot.is_open):
        return {}
    mine = ballot.answers.filter(member=request.user).first()
    delegation = ballot.delegations.filter(member=request.user).select_related("deputy").first()
    context = {"my_delegation": delegation, "my_answer_final": mine.is_final}
    if delegation is None and not mine.is_final:
        context["my_delegation_form"] = my_delegation_form or MyDelegationForm(
            ballot=ballot, member=request.user
        )
    return context


def _detail(
    request,
    pk,
    *,
    bound=None,
    delegation_form=None,
    sign_form=None,
    report_form=None,
    my_delegation_form=None,
    issue_refusal="",
    status=200,
):
    ballot, access = _visible(request, pk)
    context = {
        "ballot": ballot,
        "access": access,
        "lang_next": detail_url(ballot),
        "questions": ballot.questions.all(),
        "drafts": ballot.drafts.all(),
        "sheets": _answer_forms(request, ballot, access, bound),
        "my_answers": ballot.answers.filter(member=request.user).select_related("answered_by"),
        "reopenings": selectors.ballot_reopenings(ballot=ballot),
        "issue_refusal": issue_refusal,
        **_sign_context(request, ballot, access, sign_form, report_form),
        **_delegation_context(request, ballot, access, my_delegation_form),
    }
    if access.sees_all_answers:
        context["recipients"] = selectors.ballot_recipient_rows(ballot=ballot)
        context["reopened_total"] = sum(r["reopened"] for r in context["recipients"])
        context["result"] = selectors.ballot_result(ballot=ballot)
        context["delegations"] = sort_by_person(
            ballot.delegations.select_related("member", "deputy"),
            person=lambda d: d.member,
            body=ballot.body_id,
        )
        context["live_seq"] = last_seq(stream=ballot_stream(ballot.pk))
    if access.is_secretariat and ballot.state != Ballot.State.CLOSED:
        context["delegation_form"] = delegation_form or DelegationForm(ballot=ballot)
    return render(request, "ballots/detail.html", context, status=status)


@login_required
def ballot_detail(request, pk):
    return _detail(request, pk)


@login_required
@require_POST
def ballot_state(request, pk, action):
    ballot, _access = _visible(request, pk)
    if action == "submit":
        services.ballot_submit(actor=request.user, ballot=ballot)
        messages.success(request, _("The ballot was sent to the chair for approval."))
    elif action == "approve":
        services.ballot_approve(actor=request.user, ballot=ballot)
        messages.success(request, _("The ballot is open; the recipients were notified."))
    else:
        services.ballot_return(actor=request.user, ballot=ballot, note=request.POST.get("note", ""))
        messages.success(request, _("The ballot was sent back to the secretariat."))
    return redirect(detail_url(ballot))


@login_required
@require_POST
def answer_post(request, pk, answer_id):
    ballot, _access = _visible(request, pk)
    answer = get_object_or_404(Answer.objects.select_related("member"), pk=answer_id, ballot=ballot)
    form = AnswerForm(request.POST, questions=ballot.questions.all(), prefix=f"a{answer.pk}")
    submit = "submit" in request.POST

    def run():
        service = answer_submit if submit else answer_save
        service(actor=request.user, ballot=ballot, items=form.items(), member=answer.member)
        messages.success(
            request,
            _("Your answer was submitted.") if submit else _("Your draft was saved."),
        )
        return redirect(detail_url(ballot, "answer"))

    return _try(form, run) or _detail(request, pk, bound=(answer.pk, form), status=422)


@login_required
@require_POST
def answer_reopen(request, pk, answer_id):
    from ballots.services_answers import answer_reopen as reopen

    ballot, _access = _visible(request, pk)
    answer = get_object_or_404(Answer, pk=answer_id, ballot=ballot)
    reopen(actor=request.user, answer=answer, reason=request.POST.get("reason", ""))
    messages.success(request, _("The answer was reopened; the member was told."))
    return redirect(detail_url(ballot, "recipients"))


@login_required
@require_POST
def delegation_add(request, pk):
    from ballots.services_answers import delegation_record

    ballot, _access = _visible(request, pk)
    form = DelegationForm(request.POST, ballot=ballot)

    def run():
        delegation_record(actor=request.user, ballot=ballot, **form.cleaned_data)
        messages.success(request, _("The delegation was recorded."))
        return redirect(detail_url(ballot, "delegations"))

    return _try(form, run) or _detail(request, pk, delegation_form=form, status=422)


@login_required
@require_POST
def report_issue(request, pk):
    from ballots.services_sign import report_issue as issue

    ballot, _access = _visible(request, pk)
    try:
        version = issue(actor=request.user, ballot=ballot)
    except Conflict as refusal:
        # Shown in the result card, beside the unsigned answers it names.
        return _detail(request, pk, issue_refusal=refusal.message, status=refusal.status)
    messages.success(
        request, _("The tally report was issued (version %(n)d).") % {"n": version.number}
    )
    return redirect(detail_url(ballot, "result"))
