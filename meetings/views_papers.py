"""Paper pages: upload with Decree 30 metadata, new versions, metadata, and the PDF itself.

Every byte of a paper leaves through `paper_file`, which asks `services.paper_open`:
that is where access is decided and every download is audited. A confidential paper is
served watermarked for its reader; `?original=1` gives the unwatermarked PDF to those
documents.services allows (uploader, secretariat, archivists).
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from documents.http import version_response
from documents.services import version_open
from ecabinet.errors import NotFound
from meetings import services
from meetings.access import ensure_can_open_paper, ensure_can_see_paper, paper_can_open
from meetings.forms import PaperForm, VersionForm
from meetings.models import Meeting, MeetingPaper
from meetings.paper_signing import ensure_can_sign_paper, ensure_can_verify_paper, paper_signing
from meetings.reading import reading_store
from meetings.views import detail_url, form_page, get_meeting, manage_editable, submit_form
from signing import selectors as signing_selectors
from signing.views import version_sign_page, version_verify_page


def get_paper(meeting: Meeting, paper_id: int) -> MeetingPaper:
    return get_object_or_404(
        MeetingPaper.objects.select_related("meeting__body", "item", "document"),
        pk=paper_id,
        meeting=meeting,
    )


def paper_url(paper: MeetingPaper) -> str:
    return reverse("meetings:paper", args=[paper.meeting_id, paper.pk])


@login_required
def paper_new(request, pk):
    meeting = get_meeting(pk)
    manage_editable(request, meeting)
    item_id = request.GET.get("item", "")
    item = meeting.items.filter(pk=int(item_id)).first() if item_id.isdigit() else None
    # The agency presenting the item usually issued its papers: one field less to type.
    initial = {"item": item, "issuing_body": item.presenting_agency if item else ""}
    form = PaperForm(request.POST or None, request.FILES or None, meeting=meeting, initial=initial)

    def run(data):
        upload = data.pop("file")
        paper = services.paper_add(
            actor=request.user,
            meeting=meeting,
            file=upload,
            filename=upload.name,
            recipients=list(data.pop("recipients")),
            **data,
        )
        messages.success(request, _("The paper was uploaded."))
        return redirect(paper_url(paper))

    return submit_form(request, form, run) or form_page(
        request,
        form,
        meeting=meeting,
        title=_("Upload a paper"),
        submit_label=_("Upload"),
        testid="paper-form",
        multipart=True,
        cancel_url=detail_url(meeting),
    )


@login_required
def version_new(request, pk, paper_id):
    meeting = get_meeting(pk)
    manage_editable(request, meeting)
    paper = get_paper(meeting, paper_id)
    form = VersionForm(request.POST or None, request.FILES or None)

    def run(data):
        upload = data["file"]
        version = services.paper_add_version(
            actor=request.user, paper=paper, file=upload, filename=upload.name, note=data["note"]
        )
        messages.success(request, _("Version %(n)d was added.") % {"n": version.number})
        return redirect(paper_url(paper))

    return submit_form(request, form, run) or form_page(
        request,
        form,
        meeting=meeting,
        title=_("New version of %(paper)s") % {"paper": paper.document},
        submit_label=_("Upload"),
        testid="version-form",
        multipart=True,
        cancel_url=paper_url(paper),
    )


@login_required
def paper_detail(request, pk, paper_id):
    paper = get_paper(get_meeting(pk), paper_id)
    access = ensure_can_see_paper(user=request.user, paper=paper)
    versions = paper.document.versions.select_related("uploaded_by").order_by("-number")
    context = {
        "meeting": paper.meeting,
        "paper": paper,
        "document": paper.document,
        "versions": versions,
        "can_open": paper_can_open(user=request.user, paper=paper, access=access),
        "editable": access.can_manage and paper.meeting.agenda_is_editable,
        "signing": _signing_offer(request.user, paper, access),
    }
    return render(request, "meetings/paper.html", context)


def _signing_offer(user, paper: MeetingPaper, access) -> dict:
    """Which signing buttons the paper page shows beside the latest version. The
    signing views and services decide again."""
    rights = paper_signing(user=user, paper=paper, access=access)
    signable = rights.is_open_for_signing
    return {
        "verify": rights.can_open,
        "personal": signable
        and rights.can_sign
        and signing_selectors.key_of_user(user) is not None,
        "seal": signable
        and rights.can_seal
        and signing_selectors.seal_key_of_body(paper.meeting.body) is not None,
    }


def _paper_version(paper: MeetingPaper, number: int):
    return get_object_or_404(paper.document.versions, number=number)


@login_required
def paper_version_sign(request, pk, paper_id, number, kind="personal"):
    """Sign the latest version of a paper with one's PIN (or apply the body's seal).
    The stored original is signed, never a reader's watermarked copy."""
    paper = get_paper(get_meeting(pk), paper_id)
    ensure_can_verify_paper(user=request.user, paper=paper)  # before saying which versions exist
    version = _paper_version(paper, number)
    ensure_can_sign_paper(user=request.user, paper=paper, version=version, kind=kind)
    return version_sign_page(
        request,
        version=version,
        back_url=paper_url(paper),
        kind=kind,
        body=paper.meeting.body if kind == "seal" else None,
    )


@login_required
def paper_version_verify(request, pk, paper_id, number):
    paper = get_paper(get_meeting(pk), paper_id)
    ensure_can_verify_paper(user=request.user, paper=paper)
    version = _paper_version(paper, number)
    return version_verify_page(request, version=version, back_url=paper_url(paper))


def paper_open(*, actor, paper: MeetingPaper, version_number: int | None, original: bool):
    """`services.paper_open`, or the unwatermarked original for those who may take it."""
    if not original:
        return services.paper_open(actor=actor, paper=paper, version_number=version_number)
    ensure_can_open_paper(user=actor, paper=paper)
    versions = paper.document.versions.order_by("-number")
    if version_number is not None:
        versions = versions.filter(number=version_number)
    version = versions.first()
    if version is None:
        raise NotFound(_("That version of the paper does not exist."))
    context = {"meeting_id": paper.meeting_id, "paper_id": paper.pk}
    handle = version_open(actor=actor, version=version, context=context, original=True)
    try:
        reading_store(actor=actor, paper=paper, version=version, pages=[])  # a read receipt
    except BaseException:
        handle.close()  # the caller never gets it to close
        raise
    return version, handle


# "Read here" shows the file in a frame of the paper's own page: the one framing we allow.
@csp_replace({"frame-ancestors": ["'self'"]})
@xframe_options_sameorigin
@login_required
def paper_file(request, pk, paper_id):
    paper = get_paper(get_meeting(pk), paper_id)
    number = request.GET.get("v")
    if number is not None and not number.isdigit():
        raise NotFound(_("That version of the paper does not exist."))
    version, handle = paper_open(
        actor=request.user,
        paper=paper,
        version_number=int(number) if number else None,
        original=request.GET.get("original") == "1",
    )
    return version_response(version, handle)
