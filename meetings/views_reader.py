"""The in-app reader: one page that shows a paper with the vendored pdf.js (static/js/reader.js).

Whoever may not open the paper gets the same refusal as its file (`ensure_can_open_paper`)
before anything is fetched. The page never holds the paper: reader.js loads it from
`meetings:paper_file`, which decides again, watermarks confidential papers and records
the opening; the reader then reports the pages shown (POST /api/papers/{id}/reading).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from meetings.access import ensure_can_open_paper
from meetings.views import get_meeting
from meetings.views_papers import get_paper


def reader_labels() -> dict[str, str]:
    """What reader.js says, in the page's language (meetings/_reader_labels.html)."""
    return {
        "previous": "‹ " + _("Previous page"),
        "next": _("Next page") + " ›",
        "previous_page": _("Previous page"),
        "next_page": _("Next page"),
        "page_of": _("Page %(page)s of %(pages)s"),
        "loading": _("Loading the paper…"),
        "loading_pct": _("Loading the paper… %(pct)s"),
        "failed": _("The paper could not be loaded. Check the connection and try again."),
        "forbidden": _("You may not open this paper."),
        "retry": _("Try again"),
        "pages": _("The paper's pages"),
    }


@login_required
def paper_read(request, pk, paper_id):
    paper = get_paper(get_meeting(pk), paper_id)
    ensure_can_open_paper(user=request.user, paper=paper)
    versions = paper.document.versions.order_by("-number")
    number = request.GET.get("v", "")
    if number.isdigit():
        version = get_object_or_404(versions, number=int(number))
    else:
        version = get_object_or_404(versions[:1])
    file_url = reverse("meetings:paper_file", args=[paper.meeting_id, paper.pk])
    context = {
        "meeting": paper.meeting,
        "paper": paper,
        "document": paper.document,
        "version": version,
        "is_latest": version.pk == versions.values_list("pk", flat=True).first(),
        "file_url": f"{file_url}?v={version.number}",
        "labels": reader_labels(),
    }
    return render(request, "meetings/reader.html", context)
