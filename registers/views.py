"""The registers' pages: each register with search and CSV export, and the
secretariat's forms to issue a number, enter a received document and cancel an issue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecabinet.csvfile import csv_response
from ecabinet.errors import Conflict, Invalid, NotFound
from ecabinet.forms import add_service_errors
from people.models import Body
from people.selectors import body_people, user_bodies, user_has_role
from registers import services
from registers.access import READERS, can_register, ensure_can_read_registers, ensure_can_register
from registers.forms import CancelForm, FilterForm, IssueForm, ReceiveForm
from registers.models import Register, RegisterEntry
from registers.selectors import register_entries, register_years

DIRECTIONS = {"out": Register.Direction.OUT, "in": Register.Direction.IN}


def _body(request: HttpRequest, body_id: int) -> Body:
    body = Body.objects.filter(pk=body_id).first()
    if body is None:
        raise NotFound(_("Register not found."))
    ensure_can_read_registers(user=request.user, body=body)
    return body


def _register_url(body: Body, direction: str) -> str:
    return reverse("registers:register", args=[body.pk, direction])


@login_required
def index(request):
    bodies = [
        b
        for b in user_bodies(user=request.user)
        if user_has_role(user=request.user, body_id=b.pk, roles=READERS)
    ]
    if len(bodies) == 1:
        return redirect(_register_url(bodies[0], "out"))
    return render(request, "registers/index.html", {"bodies": bodies})


@login_required
def register(request, body_id, direction):
    body = _body(request, body_id)
    kind = DIRECTIONS.get(direction)
    if kind is None:
        raise NotFound(_("Register not found."))
    form = FilterForm(request.GET or None, years=register_years(body=body, direction=kind))
    filters = form.cleaned_data if form.is_valid() else {}
    entries = register_entries(
        body=body,
        direction=kind,
        year=filters.get("year"),
        q=filters.get("q") or "",
        doc_type=filters.get("doc_type") or "",
    )
    if request.GET.get("format") == "csv":
        return _csv(body, direction, entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registers/register.html",
        {
            "body": body,
            "direction": direction,
            "form": form,
            "page": page,
            "entries": page.object_list,
            "query_string": query.urlencode(),
            "can_register": can_register(user=request.user, body=body),
            "cancel_form": CancelForm(),
        },
    )


OUTGOING_COLUMNS = [
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Người ký",
    "Nơi nhận văn bản",
    "Tình trạng",
    "Ghi chú",
]
INCOMING_COLUMNS = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ghi chú",
]


def _csv(body: Body, direction: str, entries) -> HttpResponse:
    """The register in the columns of Decree 30's register forms."""
    if direction == "out":
        rows = (
            [
                e.number_symbol,
                e.document_date.strftime("%d/%m/%Y"),
                f"{e.get_doc_type_display()}: {e.summary}",
                e.signer,
                e.recipients,
                e.get_state_display(),
                _note(e),
            ]
            for e in entries.iterator()
        )
        return csv_response(
            filename=f"so-van-ban-di-{body.pk}.csv", header=OUTGOING_COLUMNS, rows=rows
        )
    rows = (
        [
            e.registered_at.astimezone().strftime("%d/%m/%Y"),
            e.number,
            e.sender,
            e.number_symbol,
            e.document_date.strftime("%d/%m/%Y"),
            f"{e.get_doc_type_display()}: {e.summary}",
            str(e.handler or ""),
            e.note,
        ]
        for e in entries.iterator()
    )
    return csv_response(
        filename=f"so-van-ban-den-{body.pk}.csv", header=INCOMING_COLUMNS, rows=rows
    )


def _note(entry: RegisterEntry) -> str:
    if entry.state == RegisterEntry.State.CANCELLED:
        return f"{_('Cancelled')}: {entry.cancel_reason}"
    return entry.note


def _form_page(request, form, *, body, title, testid, direction):
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request,
        "registers/form.html",
        {
            "form": form,
            "body": body,
            "title": title,
            "testid": testid,
            "cancel_url": _register_url(body, direction),
        },
        status=status,
    )


@login_required
def issue(request, body_id):
    body = _body(request, body_id)
    ensure_can_register(user=request.user, body=body)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.register_issue(actor=request.user, body=body, **form.cleaned_data)
        except Invalid as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Number %(n)s was issued.") % {"n": entry.number_symbol})
            return redirect(_register_url(body, "out"))
    return _form_page(
        request,
        form,
        body=body,
        title=_("Issue a number"),
        testid="register-issue-form",
        direction="out",
    )


@login_required
def receive(request, body_id):
    body = _body(request, body_id)
    ensure_can_register(user=request.user, body=body)
    form = ReceiveForm(request.POST or None, people=body_people(body=body).distinct())
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.register_receive(actor=request.user, body=body, **form.cleaned_data)
        except Invalid as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Entered in the incoming register as number %(n)d.") % {"n": entry.number},
            )
            return redirect(_register_url(body, "in"))
    return _form_page(
        request,
        form,
        body=body,
        title=_("Enter a received document"),
        testid="register-receive-form",
        direction="in",
    )


@login_required
@require_POST
def cancel(request, body_id, entry_id):
    body = _body(request, body_id)
    entry = get_object_or_404(RegisterEntry, pk=entry_id, register__body=body)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the number is cancelled."))
    else:
        try:
            services.register_cancel(
                actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
            )
        except (Invalid, Conflict) as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Number %(n)s is recorded as cancelled.") % {"n": entry.number_symbol}
            )
    return redirect(_register_url(body, "out"))
