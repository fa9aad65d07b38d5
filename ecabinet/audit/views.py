"""The audit trail page, for the body's auditors only."""

import re
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ecabinet import dates
from ecabinet.audit.checkpoints import checkpoint_latest_check, checkpoints_export
from ecabinet.audit.selectors import audit_entries_for_body
from ecabinet.audit.services import chain_head, chain_verify
from ecabinet.errors import NotAllowed
from people.models import Body, Role
from people.selectors import user_has_role

ENTRIES_PER_PAGE = 100
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _auditor_body(request, body_id) -> Body:
    body = get_object_or_404(Body, pk=body_id)
    if not user_has_role(user=request.user, body_id=body.pk, roles={Role.AUDITOR}):
        raise NotAllowed(_("Only the body's auditors read its audit trail."))
    return body


@login_required
def audit_list(request, body_id):
    body = _auditor_body(request, body_id)
    entries = audit_entries_for_body(body_id=body.pk)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    # The chain runs through every body's entries, so it is checked whole: a break
    # anywhere means no entry after it can be trusted, this body's included.
    problems = chain_verify()
    # The latest signed checkpoint only (one signature): audit_verify checks them all.
    checkpoint, checkpoint_problems = checkpoint_latest_check()
    problems += checkpoint_problems
    head_seq, head_hash = chain_head()
    context = {
        "body": body,
        "page": page,
        # Pairs made here: in a template, `details.items` would read a key named "items".
        "rows": [(entry, _detail_pairs(entry.details)) for entry in page.object_list],
        "problems": problems,
        "head_seq": head_seq,
        "head_hash": head_hash,
        "checkpoint": checkpoint,
    }
    return render(request, "audit/list.html", context)


@login_required
def audit_checkpoints_download(request, body_id):
    """Every signed checkpoint as JSON, for the auditors to keep outside the system;
    `manage.py audit_verify --against FILE` checks the trail against such a copy."""
    _auditor_body(request, body_id)
    response = JsonResponse(checkpoints_export(), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = 'attachment; filename="audit-checkpoints.json"'
    return response


def _detail_pairs(details) -> list[tuple[str, object]]:
    if isinstance(details, dict):
        return [(key, _readable(value)) for key, value in details.items()]
    return [("", _readable(details))]


def _readable(value: object) -> object:
    """A moment is stored as ISO 8601 text (the hashed form); an auditor reads it in
    Vietnam time, to the second, in the page's language."""
    if isinstance(value, str) and ISO_MOMENT.match(value):
        try:
            return dates.when(datetime.fromisoformat(value), seconds=True)
        except ValueError:
            return value
    return value
