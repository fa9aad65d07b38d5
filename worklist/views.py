"""The home page: the person's work first, then their meetings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from people.models import Role
from people.selectors import user_bodies, user_roles
from worklist.selectors import home_meetings, only_archivist, work_for


@login_required
def home(request):
    user = request.user
    if only_archivist(user=user):
        # An archivist has no duties in meetings; the archive is their desk.
        return redirect("archive:search")
    bodies = [(body, user_roles(user=user, body_id=body.pk)) for body in user_bodies(user=user)]
    context = {
        "duties": work_for(user=user),
        **home_meetings(user=user),
        "secretariat_bodies": [b for b, roles in bodies if Role.SECRETARIAT in roles],
        "auditor_bodies": [b for b, roles in bodies if Role.AUDITOR in roles],
        # Failed sign-ins and lockouts: read by auditors, lifted by the secretariat.
        "login_failure_bodies": [
            b for b, roles in bodies if {Role.SECRETARIAT, Role.AUDITOR} & set(roles)
        ],
    }
    return render(request, "worklist/home.html", context)
