"""Following the tasks of issued resolutions: the dashboard of the secretariat, the
chair and auditors (counts per lead agency and per resolution, the filtered list, its
CSV), the page of one task with its reports, and "Nhiệm vụ của đơn vị" for the people
of a lead agency, who report from the task's page.

Refusals are ecabinet.errors shown by the middleware; `Invalid` and `Conflict` after a
report land back on the task's page with what was typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecabinet.csvfile import csv_response
from ecabinet.errors import Conflict, Invalid, NotFound
from resolutions import tracking
from resolutions import tracking_selectors as selectors
from resolutions.forms import TaskFilterForm, TaskReopenForm, TaskReportForm
from resolutions.models import TaskReport
from resolutions.views import _refused


def _filtered(request, tasks):
    agencies = sorted(set(tasks.values_list("lead_agency", flat=True)), key=lambda a: a.casefold())
    form = TaskFilterForm(request.GET or None, agencies=agencies)
    filters = form.cleaned_data if form.is_valid() else {}
    overdue = {"yes": True, "no": False}.get(filters.get("overdue") or "")
    listed = selectors.tasks_filter(
        tasks,
        agency=filters.get("agency") or "",
        state=filters.get("state") or "",
        overdue=overdue,
    )
    return form, listed


@login_required
def dashboard(request):
    tasks = selectors.tasks_followed(user=request.user)
    form, listed = _filtered(request, tasks)
    if request.GET.get("format") == "csv":
        return _csv(listed)
    query = request.GET.copy()
    query.pop("format", None)
    context = {
        "form": form,
        "tasks": listed[:500],
        "counts": selectors.tasks_counts(tasks),
        "today": timezone.localdate(),
        "query_string": query.urlencode(),
    }
    return render(request, "resolutions/tasks/dashboard.html", context)


TASK_COLUMNS = [
    "Nghị quyết",
    "Nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời hạn",
    "Sản phẩm",
    "Tình trạng",
    "Quá hạn",
    "Hoàn thành ngày",
    "Đúng hạn",
]
TASK_STATES = {"assigned": "Đã giao", "in_progress": "Đang thực hiện", "completed": "Hoàn thành"}


def _csv(tasks) -> HttpResponse:
    today = timezone.localdate()
    rows = (
        [
            t.resolution.number_symbol or t.resolution.title,
            t.content,
            t.lead_agency,
            t.cooperating_agencies,
            t.deadline.strftime("%d/%m/%Y") if t.deadline else "",
            t.expected_output,
            TASK_STATES.get(t.state, t.state),
            "Có" if t.is_overdue(today) else "",
            timezone.localdate(t.completed_at).strftime("%d/%m/%Y") if t.completed_at else "",
            _on_time_word(t.completed_on_time),
        ]
        for t in tasks.iterator()
    )
    return csv_response(filename="nhiem-vu-nghi-quyet.csv", header=TASK_COLUMNS, rows=rows)


def _on_time_word(on_time: bool | None) -> str:
    return "" if on_time is None else ("Có" if on_time else "Không")


@login_required
def my_agency(request):
    tasks = selectors.tasks_of_my_agency(user=request.user).order_by("deadline", "id")
    return render(
        request,
        "resolutions/tasks/mine.html",
        {"tasks": tasks, "today": timezone.localdate()},
    )


def _received(task):
    """Documents the resolution's body received over the exchange from the task's lead
    agency, offered to back a report."""
    from exchange.selectors import received_from_agency

    return received_from_agency(body_id=task.resolution.body_id, key=task.lead_agency_key)


def _page(request, pk: int, *, status: int = 200, **forms) -> HttpResponse:
    task = selectors.task_get(actor=request.user, pk=pk)
    context = {
        "task": task,
        "may": selectors.task_permissions(actor=request.user, task=task),
        "reports": task.reports.select_related("author", "incoming"),
        "today": timezone.localdate(),
        "report_form": forms.get("report_form") or TaskReportForm(received=_received(task)),
        "reopen_form": forms.get("reopen_form") or TaskReopenForm(),
    }
    return render(request, "resolutions/tasks/page.html", context, status=status)


@login_required
def task_page(request, pk: int):
    return _page(request, pk)


@login_required
@require_POST
def task_report(request, pk: int):
    task = selectors.task_get(actor=request.user, pk=pk)
    form = TaskReportForm(request.POST, request.FILES, received=_received(task))
    completion = request.POST.get("kind") == "completion"
    if form.is_valid():
        upload = form.cleaned_data.get("attachment")
        action = tracking.task_report_completion if completion else tracking.task_report_progress
        try:
            action(
                actor=request.user,
                task=task,
                text=form.cleaned_data["text"],
                attachment=upload.file if upload else None,
                filename=upload.name if upload else "",
                incoming=form.received.get(form.cleaned_data.get("incoming")),
            )
        except (Invalid, Conflict) as error:
            return _page(request, pk, report_form=form, status=_refused(form, error))
        if completion:
            messages.success(request, _("The task was reported completed."))
        else:
            messages.success(request, _("The progress report was sent."))
        return redirect("resolutions:task", pk)
    return _page(request, pk, report_form=form, status=422)


@login_required
@require_POST
def task_reopen(request, pk: int):
    task = selectors.task_get(actor=request.user, pk=pk)
    form = TaskReopenForm(request.POST)
    if form.is_valid():
        try:
            tracking.task_reopen(actor=request.user, task=task, reason=form.cleaned_data["reason"])
        except (Invalid, Conflict) as error:
            return _page(request, pk, reopen_form=form, status=_refused(form, error))
        messages.success(request, _("The task was reopened."))
        return redirect("resolutions:task", pk)
    return _page(request, pk, reopen_form=form, status=422)


@login_required
def report_file(request, pk: int, report_id: int):
    task = selectors.task_get(actor=request.user, pk=pk)
    report = TaskReport.objects.filter(pk=report_id, task=task).exclude(attachment="").first()
    if report is None:
        raise NotFound(_("Task not found."))
    response = FileResponse(
        report.attachment.open("rb"), content_type="application/pdf", filename="bao-cao.pdf"
    )
    response["Content-Disposition"] = f'inline; filename="bao-cao-nhiem-vu-{pk}-{report.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
