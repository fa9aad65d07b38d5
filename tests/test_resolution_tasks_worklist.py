"""Việc cần làm: the people of a lead agency (its minister, the minister's assistant)
see its tasks due within seven days or overdue until completion is reported; tasks due
later, other agencies' tasks and the tasks of a draft are not theirs to do now."""

from __future__ import annotations

import pytest

from resolutions import tracking
from resolutions.models import Resolution
from tests.test_resolution_tasks_helpers import add_task, issued_resolution
from worklist.selectors import KINDS, work_count, work_for

pytestmark = pytest.mark.django_db


def task_duties(user):
    return [d for d in work_for(user=user) if d.kind == "resolution_task"]


def test_the_agency_s_tasks_due_within_a_week_or_overdue_are_duties(cabinet):
    resolution = issued_resolution(cabinet)
    soon = add_task(resolution, days=7, content="Sắp đến hạn")
    late = add_task(resolution, days=-3, content="Đã quá hạn")
    add_task(resolution, days=8, content="Còn xa")
    add_task(resolution, agency="Bộ Y tế", days=1, content="Của Bộ Y tế")
    add_task(issued_resolution(cabinet, state=Resolution.State.DRAFT), days=1)
    minister = cabinet.members[1]
    assert [d.title for d in task_duties(minister)] == ["Đã quá hạn", "Sắp đến hạn"]
    assert task_duties(minister)[0].urgency == "overdue"
    assert task_duties(minister)[0].url == f"/resolutions/tasks/{late.pk}/"
    assert [d.title for d in task_duties(cabinet.assistant)] == ["Đã quá hạn", "Sắp đến hạn"]
    assert task_duties(cabinet.secretary) == [] and task_duties(cabinet.members[2]) == []
    assert [d.title for d in task_duties(cabinet.members[3])] == ["Của Bộ Y tế"]

    tracking.task_report_completion(actor=minister, task=soon, text="Xong")
    assert [d.title for d in task_duties(minister)] == ["Đã quá hạn"]
    assert work_count(user=minister) == len(work_for(user=minister))


def test_the_count_stays_one_query_per_kind(cabinet, django_assert_max_num_queries):
    add_task(issued_resolution(cabinet), days=1)
    minister = cabinet.members[1]
    minister.refresh_from_db()
    with django_assert_max_num_queries(len(KINDS)):
        work_count(user=minister)


def test_the_home_page_shows_the_duty_in_vietnamese(cabinet, client):
    task = add_task(issued_resolution(cabinet), days=2, content="Trình dự thảo Nghị định")
    client.force_login(cabinet.members[1])
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'data-kind="resolution_task"' in html
    assert f"/resolutions/tasks/{task.pk}/" in html
    assert "Nhiệm vụ nghị quyết" in html and "Báo cáo nhiệm vụ" in html
