"""The dashboard of the tasks of issued resolutions (counts per lead agency and per
resolution, on time against late, the filtered list and its CSV), the page of a task
where its lead agency reports, "Nhiệm vụ của đơn vị", and the JSON API; each refused to
the roles and bodies it is not for."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from resolutions import tracking
from resolutions.models import Resolution, TaskReport, TaskState
from tests.factories import pdf_bytes
from tests.roles import client_for
from tests.test_resolution_tasks_helpers import add_task, issued_resolution

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(cabinet):
    """Bộ Tài chính: one completed on time, one completed late, one overdue, one open;
    Bộ Tư pháp: one open. A draft's task is not followed."""
    resolution = issued_resolution(cabinet)
    on_time = add_task(resolution, days=10, content="Đúng hạn")
    late = add_task(resolution, days=-5, content="Trễ hạn")
    overdue = add_task(resolution, days=-1, content="Quá hạn")
    open_ = add_task(resolution, days=20, content="Đang làm")
    justice = add_task(resolution, agency="Bộ Tư pháp", days=15, content="Tư pháp")
    add_task(issued_resolution(cabinet, state=Resolution.State.DRAFT), content="Dự thảo")
    minister = cabinet.members[1]
    tracking.task_report_completion(actor=minister, task=on_time, text="Xong")
    tracking.task_report_completion(actor=minister, task=late, text="Xong muộn")
    return {"on_time": on_time, "late": late, "overdue": overdue, "open": open_, "justice": justice}


def row_counts(html: str, agency: str) -> dict[str, int]:
    import re

    row = re.search(rf'data-agency="{agency}">(.*?)</tr>', html, re.S).group(1)
    return {
        name: int(value) for name, value in re.findall(r'data-testid="count-([a-z-]+)">(\d+)<', row)
    }


def test_the_dashboard_counts_on_time_against_late_per_agency(cabinet, tasks):
    response = client_for(cabinet, "secretary").get("/resolutions/tasks/")
    assert response.status_code == 200
    html = response.content.decode()
    assert row_counts(html, "Bộ Tài chính") == {
        "total": 4,
        "open": 2,
        "overdue": 1,
        "on-time": 1,
        "late": 1,
    }
    assert row_counts(html, "Bộ Tư pháp") == {
        "total": 1,
        "open": 1,
        "overdue": 0,
        "on-time": 0,
        "late": 0,
    }
    assert "Dự thảo" not in html  # a draft's task is not followed


def test_the_list_filters_by_agency_state_and_overdue(cabinet, tasks):
    client = client_for(cabinet, "chair")
    ids = lambda q: {  # noqa: E731
        int(i)
        for i in __import__("re").findall(
            r'data-testid="task-row" data-task-id="(\d+)"',
            client.get(f"/resolutions/tasks/?{q}").content.decode(),
        )
    }
    assert ids("overdue=yes") == {tasks["overdue"].pk}
    assert ids("agency=Bộ Tư pháp") == {tasks["justice"].pk}
    assert ids("state=completed") == {tasks["on_time"].pk, tasks["late"].pk}


def test_the_csv_is_utf8_with_a_bom_in_the_list_s_order(cabinet, tasks):
    response = client_for(cabinet, "auditor").get("/resolutions/tasks/?format=csv&overdue=no")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:3] == ["Nghị quyết", "Nhiệm vụ", "Cơ quan chủ trì"]
    by_task = {r[1]: r for r in rows[1:]}
    assert set(by_task) == {"Đúng hạn", "Trễ hạn", "Đang làm", "Tư pháp"}
    assert by_task["Đúng hạn"][6:] == [
        "Hoàn thành",
        "",
        timezone.localdate().strftime("%d/%m/%Y"),
        "Có",
    ]
    assert by_task["Trễ hạn"][9] == "Không"
    assert by_task["Đang làm"][6] == "Đã giao"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("secretary", 200),
        ("chair", 200),
        ("auditor", 200),
        ("minister", 403),
        ("guest", 403),
        ("archivist", 403),
        ("observer", 403),
        ("anonymous", 302),
    ],
)
def test_the_dashboard_is_for_the_secretariat_the_chair_and_auditors(cabinet, tasks, role, status):
    assert client_for(cabinet, role).get("/resolutions/tasks/").status_code == status


def test_another_body_s_secretariat_sees_none_of_this_body_s_tasks(cabinet, tasks):
    response = client_for(cabinet, "outsider").get("/resolutions/tasks/")
    assert response.status_code == 200
    assert 'data-testid="task-row"' not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("secretary", 200),
        ("chair", 200),
        ("auditor", 200),
        ("assistant", 200),
        ("guest", 403),
        ("archivist", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_a_task_s_page_is_for_its_followers_and_its_lead_agency(cabinet, tasks, role, status):
    response = client_for(cabinet, role).get(f"/resolutions/tasks/{tasks['open'].pk}/")
    assert response.status_code == status


def test_the_minister_of_the_agency_reports_from_the_page_with_a_pdf(cabinet, tasks):
    client = client_for(cabinet, "minister")  # minister1, Bộ Tài chính
    mine = client.get("/resolutions/tasks/mine/").content.decode()
    assert "Đang làm" in mine and "Tư pháp" not in mine
    task = tasks["open"]
    page = client.get(f"/resolutions/tasks/{task.pk}/").content.decode()
    assert 'data-testid="task-report-form"' in page
    upload = io.BytesIO(pdf_bytes(text="Báo cáo"))
    upload.name = "bao-cao.pdf"
    response = client.post(
        f"/resolutions/tasks/{task.pk}/report/",
        {"text": "Đã trình Chính phủ", "attachment": upload, "kind": "completion"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED
    report = TaskReport.objects.get(task=task)
    pdf = client.get(f"/resolutions/tasks/{task.pk}/reports/{report.pk}/file.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert (
        client_for(cabinet, "guest")
        .get(f"/resolutions/tasks/{task.pk}/reports/{report.pk}/file.pdf")
        .status_code
        == 403
    )


def test_a_bad_report_lands_back_on_the_page_with_the_error(cabinet, tasks):
    client = client_for(cabinet, "minister")
    task = tasks["open"]
    fake = io.BytesIO(b"not a pdf")
    fake.name = "bao-cao.pdf"
    response = client.post(
        f"/resolutions/tasks/{task.pk}/report/",
        {"text": "Có tệp", "attachment": fake, "kind": "progress"},
    )
    assert response.status_code == 422
    assert "Có tệp" in response.content.decode()
    assert (
        client.post(
            f"/resolutions/tasks/{task.pk}/report/", {"text": "", "kind": "progress"}
        ).status_code
        == 422
    )
    other = client_for(cabinet, "minister")  # reporting on another agency's task
    assert (
        other.post(
            f"/resolutions/tasks/{tasks['justice'].pk}/report/", {"text": "x", "kind": "progress"}
        ).status_code
        == 403
    )


def test_the_secretariat_reopens_from_the_page(cabinet, tasks):
    client = client_for(cabinet, "secretary")
    task = tasks["late"]
    assert client.post(f"/resolutions/tasks/{task.pk}/reopen/", {"reason": ""}).status_code == 422
    response = client.post(f"/resolutions/tasks/{task.pk}/reopen/", {"reason": "Thiếu phụ lục"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS


def test_the_api_lists_a_body_s_tasks_and_takes_a_report(cabinet, tasks):
    body = cabinet.body.pk
    listed = client_for(cabinet, "secretary").get(
        f"/api/bodies/{body}/resolution-tasks?overdue=true"
    )
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json()] == [tasks["overdue"].pk]
    assert listed.json()[0]["overdue"] is True
    assert (
        client_for(cabinet, "minister").get(f"/api/bodies/{body}/resolution-tasks").status_code
        == 403
    )
    assert (
        client_for(cabinet, "outsider").get(f"/api/bodies/{body}/resolution-tasks").status_code
        == 404
    )

    minister = client_for(cabinet, "minister")
    mine = minister.get("/api/me/resolution-tasks").json()
    assert {t["id"] for t in mine} == {tasks[k].pk for k in ("on_time", "late", "overdue", "open")}
    url = f"/api/resolution-tasks/{tasks['overdue'].pk}/reports"
    created = minister.post(
        url, {"kind": "completion", "text": "Xong"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["kind"] == "completion"
    again = minister.post(
        url, {"kind": "completion", "text": "Xong"}, content_type="application/json"
    )
    assert again.status_code == 409
    empty = minister.post(
        f"/api/resolution-tasks/{tasks['open'].pk}/reports",
        {"kind": "progress", "text": " "},
        content_type="application/json",
    )
    assert empty.status_code == 422
    detail = client_for(cabinet, "chair").get(f"/api/resolution-tasks/{tasks['overdue'].pk}")
    assert detail.json()["state"] == "completed" and detail.json()["completed_on_time"] is False
    assert len(detail.json()["reports"]) == 1
    refused = client_for(cabinet, "guest").post(
        url, {"kind": "progress", "text": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
