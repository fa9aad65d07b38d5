"""`GET /api/me/work`: the signed-in person's duties, the same list as the home page."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from ecabinet.api_types import ERRORS
from worklist.selectors import work_for

router = Router(tags=["work"])


class DutyOut(Schema):
    kind: str
    title: str
    action: str
    detail: str
    url: str
    at: datetime
    due: datetime | None
    urgency: str


class WorkOut(Schema):
    count: int
    duties: list[DutyOut]


@router.get("/me/work", response={200: WorkOut, **ERRORS})
def my_work(request: HttpRequest):
    duties = work_for(user=request.user)
    return {"count": len(duties), "duties": duties}
