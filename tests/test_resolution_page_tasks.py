"""The page of an issued resolution shows how its tasks stand ("Nhiệm vụ được giao"):
each task's lead agency, deadline, progress and overdue mark, and the counts, to those
who follow the body's tasks on the dashboard (the secretariat, the chair, auditors).
Other readers see the tasks as the resolution words them, and so does everyone before
it is issued; the tasks are read in one query however many there are."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resolutions import tracking
from resolutions.models import Resolution
from tests.roles import client_for
from tests.test_resolution_tasks_helpers import add_task, issued_resolution

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolution(cabinet):
    return issued_resolution(cabinet)


@pytest.fixture
def tasks(cabinet, resolution):
    """Bộ Tài chính: one completed on time, one completed late, one overdue, one in
    progress; Bộ Tư pháp: one assigned, without a deadline."""
    on_time = add_task(resolution, days=10, content="Đúng hạn")
    late = add_task(resolution, days=-5, content="Trễ hạn")
    overdue = add_task(resolution, days=-1, content="Quá hạn")
    going = add_task(resolution, days=20, content="Đang làm")
    justice = add_task(resolution, agency="Bộ Tư pháp", days=None, content="Tư pháp")
    minister = cabinet.members[1]
    tracking.task_report_completion(actor=minister, task=on_time, text="Xong")
    tracking.task_report_completion(actor=minister, task=late, text="Xong muộn")
    tracking.task_report_progress(actor=minister, task=going, text="Đã có dự thảo")
    return {
        "on_time": on_time,
        "late": late,
        "overdue": overdue,
        "going": going,
        "justice": justice,
    }


def page(cabinet, role: str, resolution, language: str = "vi") -> str:
    response = client_for(cabinet, role).get(
        f"/resolutions/{resolution.pk}/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> dict[int, str]:
    return {
        int(pk): row
        for pk, row in re.findall(
            r'<tr data-testid="task-row" data-task-id="(\d+)"[^>]*>(.*?)</tr>', html, re.S
        )
    }


def counts(html: str) -> dict[str, int]:
    row = re.search(r'data-testid="task-counts">(.*?)</tr>', html, re.S).group(1)
    return {name: int(n) for name, n in re.findall(r'data-testid="count-([a-z-]+)">(\d+)<', row)}


@pytest.mark.parametrize("role", ["secretary", "chair", "auditor"])
def test_the_issued_resolution_shows_each_task_s_progress_and_the_counts(
    cabinet, resolution, tasks, role
):
    html = page(cabinet, role, resolution)
    assert 'data-testid="task-progress"' in html
    assert "Nhiệm vụ được giao" in html
    shown = rows(html)
    assert list(shown) == [t.pk for t in tasks.values()]  # in the resolution's order
    states = {
        "on_time": "Hoàn thành",
        "late": "Hoàn thành",
        "overdue": "Đã giao",
        "going": "Đang thực hiện",
        "justice": "Đã giao",
    }
    for name, label in states.items():
        task, row = tasks[name], shown[tasks[name].pk]
        assert f'data-testid="task-state">{label}</span>' in row, name
        assert f'href="/resolutions/tasks/{task.pk}/"' in row
        assert task.lead_agency in row
    deadline = tasks["overdue"].deadline.strftime("%d/%m/%Y")
    assert deadline in shown[tasks["overdue"].pk]
    assert 'data-testid="task-deadline">—<' in shown[tasks["justice"].pk]
    assert counts(html) == {"total": 5, "completed": 2, "on-time": 1, "overdue": 1}
    assert 'href="/resolutions/tasks/" data-testid="tasks-dashboard-link"' in html


def test_an_overdue_task_is_flagged_and_a_completed_one_marked_on_time_or_late(
    cabinet, resolution, tasks
):
    shown = rows(page(cabinet, "secretary", resolution))
    flagged = {pk for pk, row in shown.items() if 'data-testid="task-overdue"' in row}
    assert flagged == {tasks["overdue"].pk}
    assert "Quá hạn" in shown[tasks["overdue"].pk]
    assert 'data-testid="task-on-time"' in shown[tasks["on_time"].pk]
    assert 'data-testid="task-late"' in shown[tasks["late"].pk]


def test_the_section_speaks_english_too(cabinet, resolution, tasks):
    html = page(cabinet, "chair", resolution, language="en")
    assert "Tasks assigned" in html and "Progress as of" in html
    assert 'data-testid="task-overdue">Overdue</span>' in html


@pytest.mark.parametrize("role", ["minister", "assistant", "archivist", "observer"])
def test_a_reader_who_does_not_follow_tasks_sees_no_progress(cabinet, resolution, tasks, role):
    # The minister and their assistant speak for Bộ Tài chính, the lead agency of four of
    # the tasks: they follow those from "Nhiệm vụ của đơn vị", not from here.
    html = page(cabinet, role, resolution)
    for mark in ("task-progress", "task-counts", "task-state", "task-overdue"):
        assert f'data-testid="{mark}"' not in html, mark
    assert "/resolutions/tasks/" not in html
    assert "Đúng hạn" in html  # the tasks as the resolution words them


def test_a_guest_or_another_body_does_not_reach_the_page(cabinet, resolution, tasks):
    for role in ("guest", "outsider"):
        response = client_for(cabinet, role).get(f"/resolutions/{resolution.pk}/")
        assert response.status_code == 404, role


@pytest.mark.parametrize(
    "state",
    [
        Resolution.State.DRAFT,
        Resolution.State.NUMBERED,
        Resolution.State.SIGNED,
        Resolution.State.CANCELLED,
    ],
)
def test_a_resolution_not_issued_shows_no_progress(cabinet, state):
    draft = issued_resolution(cabinet, state=state)
    add_task(draft, days=-1, content="Chưa ban hành")
    html = page(cabinet, "secretary", draft)
    assert 'data-testid="task-progress"' not in html
    assert 'data-testid="task-state"' not in html
    assert "Chưa ban hành" in html  # the task as drafted


def test_an_issued_resolution_without_tasks_says_so(cabinet, resolution):
    html = page(cabinet, "secretary", resolution)
    assert counts(html) == {"total": 0, "completed": 0, "on-time": 0, "overdue": 0}
    assert 'data-testid="task-row"' not in html


def test_the_queries_do_not_grow_with_the_number_of_tasks(
    cabinet, resolution, django_assert_max_num_queries
):
    client = client_for(cabinet, "secretary")
    url = f"/resolutions/{resolution.pk}/"
    add_task(resolution, days=-1, content="Một")
    client.get(url)  # the session and the person are read and cached once
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    minister = cabinet.members[1]
    for n in range(12):
        task = add_task(resolution, days=n - 6, content=f"Nhiệm vụ {n}")
        if n % 3 == 0:
            tracking.task_report_completion(actor=minister, task=task, text="Xong")
    with django_assert_max_num_queries(len(one)):
        html = client.get(url).content.decode()
    assert len(rows(html)) == 13
