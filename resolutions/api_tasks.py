"""The tasks of issued resolutions over JSON: the tasks of a body (for those who follow
them), the tasks of the caller's agency, one task with its reports, and a report
(progress or completion; an attached PDF goes through the task's page)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from ecabinet.api_types import ERRORS, Id
from resolutions import tracking
from resolutions import tracking_selectors as selectors

router = Router(tags=["resolution tasks"])


class ResolutionTaskReportOut(Schema):
    id: int
    kind: str
    text: str
    author: str
    on_behalf: bool
    has_attachment: bool
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> str:
        return obj.author.full_name or obj.author.username

    @staticmethod
    def resolve_has_attachment(obj) -> bool:
        return bool(obj.attachment)


class ResolutionTaskTrackedOut(Schema):
    id: int
    resolution_id: int
    resolution_number: str
    lead_agency: str
    cooperating_agencies: str
    content: str
    deadline: date | None
    expected_output: str
    state: str
    completed_at: datetime | None
    overdue: bool
    completed_on_time: bool | None

    @staticmethod
    def resolve_resolution_number(obj) -> str:
        return obj.resolution.number_symbol

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(timezone.localdate())


class ResolutionTaskDetailOut(ResolutionTaskTrackedOut):
    reports: list[ResolutionTaskReportOut]

    @staticmethod
    def resolve_reports(obj):
        return list(obj.reports.select_related("author"))


class ResolutionTaskFilter(Schema):
    agency: Annotated[str, Field(max_length=200)] = ""
    state: Literal["", "assigned", "in_progress", "completed"] = ""
    overdue: bool | None = None


class ResolutionTaskReportIn(Schema):
    kind: Literal["progress", "completion"]
    text: Annotated[str, Field(max_length=5_000)]


@router.get(
    "/bodies/{body_id}/resolution-tasks", response={200: list[ResolutionTaskTrackedOut], **ERRORS}
)
def body_tasks(request: HttpRequest, body_id: Id, filters: Query[ResolutionTaskFilter]):
    """The tasks of the body's issued resolutions (the secretariat, the chair, auditors)."""
    tasks = selectors.tasks_followed(user=request.user, body_id=body_id)
    return list(
        selectors.tasks_filter(
            tasks, agency=filters.agency, state=filters.state, overdue=filters.overdue
        )[:1000]
    )


@router.get("/me/resolution-tasks", response={200: list[ResolutionTaskTrackedOut], **ERRORS})
def my_agency_tasks(request: HttpRequest):
    """The tasks whose lead agency is the caller's (or the assisted member's)."""
    return list(selectors.tasks_of_my_agency(user=request.user).order_by("deadline", "id"))


@router.get("/resolution-tasks/{task_id}", response={200: ResolutionTaskDetailOut, **ERRORS})
def task_read(request: HttpRequest, task_id: Id):
    return selectors.task_get(actor=request.user, pk=task_id)


@router.post(
    "/resolution-tasks/{task_id}/reports", response={201: ResolutionTaskReportOut, **ERRORS}
)
def task_report(request: HttpRequest, task_id: Id, data: ResolutionTaskReportIn):
    """Report progress or completion (the lead agency, or the secretariat on its behalf)."""
    task = selectors.task_get(actor=request.user, pk=task_id)
    action = (
        tracking.task_report_completion
        if data.kind == "completion"
        else tracking.task_report_progress
    )
    return Status(201, action(actor=request.user, task=task, text=data.text))
