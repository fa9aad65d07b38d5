"""An issued resolution with tasks, for the task-tracking tests. Issuing for real takes
the register, WeasyPrint and two PIN signatures (tests/test_resolutions_signing.py): the
tracking starts after that, so the row is written here in its issued state."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from people.agencies import agency_key
from resolutions.models import Resolution, ResolutionTask

AGENCIES = ["Bộ Tài chính", "Bộ Tư pháp", "Bộ Y tế"]


def issued_resolution(cabinet, *, state: str = Resolution.State.ISSUED, number: str = "15/NQ-CP"):
    return Resolution.objects.create(
        body=cabinet.body,
        title="Phiên họp Chính phủ thường kỳ tháng 12 năm 2026",
        state=state,
        number_symbol=number if state == Resolution.State.ISSUED else "",
        issued_on=timezone.localdate() if state == Resolution.State.ISSUED else None,
        issued_at=timezone.now() if state == Resolution.State.ISSUED else None,
        created_by=cabinet.secretary,
    )


def add_task(
    resolution, *, agency: str = "Bộ Tài chính", days: int | None = 30, content: str = ""
) -> ResolutionTask:
    deadline = timezone.localdate() + dt.timedelta(days=days) if days is not None else None
    return ResolutionTask.objects.create(
        resolution=resolution,
        order=resolution.tasks.count(),
        lead_agency=agency,
        lead_agency_key=agency_key(agency),  # as resolution_update writes it
        cooperating_agencies="Bộ Tư pháp",
        content=content or f"Hoàn thiện dự thảo Nghị định ({agency})",
        deadline=deadline,
        expected_output="Nghị định được ban hành",
    )
