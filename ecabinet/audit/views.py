from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ecabinet.audit.selectors import audit_entries_for_body
from ecabinet.errors import NotAllowed
from people.models import Body, Role
from people.selectors import user_has_role


@login_required
def audit_list(request, body_id):
    body = get_object_or_404(Body, pk=body_id)
    if not user_has_role(user=request.user, body_id=body.pk, roles={Role.AUDITOR}):
        raise NotAllowed(_("Only the body's auditors read its audit trail."))
    entries = audit_entries_for_body(body_id=body.pk)[:200]
    return render(request, "audit/list.html", {"body": body, "entries": entries})
