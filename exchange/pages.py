"""The exchange's pages: sending an issued document to other agencies (posted from the
page the document is shown on), what arrived over the exchange, and each document's
steps: register, assign, process, complete. Business rules are in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archive.models import Record
from ecabinet.errors import Conflict, Invalid, NotFound
from exchange import selectors, services
from exchange.forms import HandlerForm, SendForm
from exchange.models import Incoming, Peer
from people.selectors import body_people


def _back(request, record: Record) -> str:
    target = record.source_url or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts=None) else "/"


@login_required
@require_POST
def send(request, record_id: int) -> HttpResponse:
    record = get_object_or_404(Record, pk=record_id)
    peers = selectors.peers_to_send(actor=request.user, record=record)
    if not peers and selectors.dispatches_of_record(actor=request.user, record=record) is None:
        raise NotFound(_("Document not found."))
    form = SendForm(request.POST, prefix="send", peers=peers)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back(request, record))
    chosen = Peer.objects.filter(pk__in=form.cleaned_data["peers"])
    try:
        sent = services.dispatch_create(
            actor=request.user, record=record, peers=chosen, pin=form.cleaned_data["pin"]
        )
    except (Invalid, Conflict) as error:
        messages.error(request, error.message)
        return redirect(_back(request, record))
    messages.success(
        request,
        _("Sent to %(names)s; each recipient's status is shown below.")
        % {"names": ", ".join(d.peer.name for d in sent) or "—"},
    )
    return redirect(_back(request, record))


@login_required
def incoming_list(request) -> HttpResponse:
    documents = selectors.incoming_visible_to(user=request.user)[:200]
    return render(request, "exchange/incoming_list.html", {"documents": documents})


def _page(request, pk: int, *, status: int = 200, form: HandlerForm | None = None):
    incoming = selectors.incoming_get(actor=request.user, pk=pk)
    may = selectors.incoming_permissions(actor=request.user, incoming=incoming)
    people = body_people(body=incoming.body_id) if may["register"] or may["assign"] else []
    context = {
        "incoming": incoming,
        "may": may,
        "form": form or HandlerForm(people=people, required=may["assign"]),
        "statuses": incoming.statuses_out.order_by("created_at"),
    }
    return render(request, "exchange/incoming_page.html", context, status=status)


@login_required
def incoming_page(request, pk: int) -> HttpResponse:
    return _page(request, pk)


def _handler(request, incoming: Incoming, *, required: bool):
    people = body_people(body=incoming.body_id)
    form = HandlerForm(request.POST, people=people, required=required)
    if not form.is_valid():
        return form, None
    chosen = form.cleaned_data["handler"]
    return form, (people.get(pk=chosen) if chosen else None)


@login_required
@require_POST
def incoming_register(request, pk: int) -> HttpResponse:
    incoming = selectors.incoming_get(actor=request.user, pk=pk)
    form, handler = _handler(request, incoming, required=False)
    if not form.is_valid():
        return _page(request, pk, form=form, status=422)
    try:
        done = services.incoming_register(actor=request.user, incoming=incoming, handler=handler)
    except (Invalid, Conflict) as error:
        form.add_error(None, error.message)
        return _page(request, pk, form=form, status=error.status)
    messages.success(
        request,
        _("Entered in the incoming register as number %(n)d.") % {"n": done.register_entry.number},
    )
    return redirect("exchange:incoming", pk)


@login_required
@require_POST
def incoming_assign(request, pk: int) -> HttpResponse:
    incoming = selectors.incoming_get(actor=request.user, pk=pk)
    form, handler = _handler(request, incoming, required=True)
    if not form.is_valid() or handler is None:
        return _page(request, pk, form=form, status=422)
    try:
        services.incoming_assign(actor=request.user, incoming=incoming, handler=handler)
    except (Invalid, Conflict) as error:
        form.add_error(None, error.message)
        return _page(request, pk, form=form, status=error.status)
    messages.success(request, _("Assigned."))
    return redirect("exchange:incoming", pk)


@login_required
@require_POST
def incoming_progress(request, pk: int) -> HttpResponse:
    incoming = selectors.incoming_get(actor=request.user, pk=pk)
    state = request.POST.get("state", "")
    services.incoming_progress(actor=request.user, incoming=incoming, state=state)
    messages.success(request, _("The sender is told."))
    return redirect("exchange:incoming", pk)


@login_required
def incoming_pdf(request, pk: int) -> HttpResponse:
    incoming = selectors.incoming_get(actor=request.user, pk=pk)
    data = services.incoming_pdf_read(actor=request.user, incoming=incoming)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{incoming.pdf_name}"'
    return response
