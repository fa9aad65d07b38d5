"""Lead agencies and organisations are typed by hand: "BỘ Y TẾ" and "Bộ  Y tế" are the
Ministry of Health as much as "Bộ Y tế". The worklist and the dashboard match them the
way the access rules do (resolutions/access.py), in SQL, on every database: through a
key stored beside the name, written by the services and filled for old rows by the
migrations."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.models import User
from resolutions import access, tracking_selectors
from resolutions import services as resolution_services
from resolutions.models import Resolution, ResolutionTask
from tests.roles import client_for
from tests.test_resolution_tasks_helpers import issued_resolution
from worklist.selectors import work_count, work_for

pytestmark = pytest.mark.django_db

HEALTH = ["BỘ Y TẾ", "Bộ  Y tế"]
FINANCE = "Bộ Tài chính"


def issued_with_tasks(cabinet, agencies: list[str], *, days: int = 3) -> Resolution:
    """A draft whose tasks are written by the service, then marked issued (issuing for
    real takes the register and two signatures: tests/test_resolutions_signing.py)."""
    resolution = issued_resolution(cabinet, state=Resolution.State.DRAFT)
    deadline = (timezone.localdate() + dt.timedelta(days=days)).isoformat()
    resolution_services.resolution_update(
        actor=cabinet.secretary,
        resolution=resolution,
        title=resolution.title,
        preamble="",
        articles=["Giao các bộ thực hiện."],
        tasks=[
            {"lead_agency": agency, "content": f"Việc của {agency}", "deadline": deadline}
            for agency in agencies
        ],
    )
    Resolution.objects.filter(pk=resolution.pk).update(
        state=Resolution.State.ISSUED,
        number_symbol=f"{resolution.pk}/NQ-CP",
        issued_on=timezone.localdate(),
        issued_at=timezone.now(),
    )
    return resolution


def task_titles(user: User) -> list[str]:
    return sorted(d.title for d in work_for(user=user) if d.kind == "resolution_task")


def test_health_tasks_typed_in_capitals_or_with_two_spaces_are_the_health_minister_s_duties(
    cabinet,
):
    issued_with_tasks(cabinet, [*HEALTH, FINANCE])
    health = cabinet.members[3]
    assert health.organisation == "Bộ Y tế"
    assert task_titles(health) == ["Việc của BỘ Y TẾ", "Việc của Bộ  Y tế"]
    # The rule the worklist follows is the one that lets them report.
    for task in ResolutionTask.objects.exclude(lead_agency=FINANCE):
        assert access.can_report_task(user=health, task=task)


def test_the_assistant_of_a_minister_sees_the_agency_s_tasks_typed_loosely(cabinet):
    issued_with_tasks(cabinet, [" bộ TÀI   CHÍNH ", "BỘ Y TẾ"])
    assert task_titles(cabinet.assistant) == ["Việc của  bộ TÀI   CHÍNH"]
    assert task_titles(cabinet.members[1]) == ["Việc của  bộ TÀI   CHÍNH"]


def test_the_api_worklist_lists_them_too(cabinet):
    issued_with_tasks(cabinet, [*HEALTH, FINANCE])
    client = Client()
    client.force_login(cabinet.members[3])
    response = client.get("/api/me/work")
    assert response.status_code == 200
    titles = sorted(d["title"] for d in response.json()["duties"] if d["kind"] == "resolution_task")
    assert titles == ["Việc của BỘ Y TẾ", "Việc của Bộ  Y tế"]


def test_the_dashboard_filtered_by_agency_finds_every_spelling(cabinet):
    issued_with_tasks(cabinet, [*HEALTH, FINANCE])
    followed = tracking_selectors.tasks_followed(user=cabinet.secretary)
    found = tracking_selectors.tasks_filter(followed, agency=" bộ y tế ")
    assert sorted(t.lead_agency for t in found) == sorted(HEALTH)

    response = client_for(cabinet, "secretary").get(
        f"/api/bodies/{cabinet.body.pk}/resolution-tasks", {"agency": "bộ y tế"}
    )
    assert sorted(t["lead_agency"] for t in response.json()) == sorted(HEALTH)

    html = client_for(cabinet, "secretary").get("/resolutions/tasks/", {"agency": "BỘ Y TẾ"})
    listed = html.content.decode()
    assert "Việc của Bộ  Y tế" in listed and "Việc của BỘ Y TẾ" in listed
    assert "Việc của Bộ Tài chính" not in listed


def test_my_agency_s_tasks_list_every_spelling(cabinet):
    issued_with_tasks(cabinet, [*HEALTH, FINANCE], days=30)
    mine = tracking_selectors.tasks_of_my_agency(user=cabinet.members[3])
    assert sorted(t.lead_agency for t in mine) == sorted(HEALTH)


def test_the_services_store_the_keys(cabinet):
    issued_with_tasks(cabinet, HEALTH)
    assert set(ResolutionTask.objects.values_list("lead_agency_key", flat=True)) == {"bộ y tế"}
    assert access.agency_key("  BỘ  Y TẾ ") == "bộ y tế"


def test_the_migrations_fill_the_keys_of_existing_rows(cabinet):
    issued_with_tasks(cabinet, HEALTH)
    ResolutionTask.objects.update(lead_agency_key="")
    User.objects.update(organisation_key="")

    people = importlib.import_module("people.migrations.0006_user_organisation_key")
    resolutions = importlib.import_module(
        "resolutions.migrations.0003_resolutiontask_lead_agency_key"
    )
    people.fill_organisation_keys(apps, None)
    resolutions.fill_lead_agency_keys(apps, None)

    assert set(ResolutionTask.objects.values_list("lead_agency_key", flat=True)) == {"bộ y tế"}
    assert User.objects.get(pk=cabinet.members[3].pk).organisation_key == "bộ y tế"
    assert User.objects.get(pk=cabinet.secretary.pk).organisation_key == ""
    assert task_titles(cabinet.members[3]) == ["Việc của BỘ Y TẾ", "Việc của Bộ  Y tế"]


def test_the_worklist_queries_do_not_grow_with_the_tasks(cabinet):
    health, assistant = cabinet.members[3], cabinet.assistant
    issued_with_tasks(cabinet, ["BỘ Y TẾ", "bộ tài chính"])

    def queries(user: User) -> int:
        with CaptureQueriesContext(connection) as run:
            work_for(user=user)
            work_count(user=user)
        return len(run)

    few = queries(health), queries(assistant)
    issued_with_tasks(cabinet, [*HEALTH, *HEALTH, FINANCE, FINANCE])
    issued_with_tasks(cabinet, [*HEALTH, FINANCE, " BỘ TÀI CHÍNH"])
    assert len(task_titles(health)) == 7 and len(task_titles(assistant)) == 5
    assert (queries(health), queries(assistant)) == few


def test_a_minister_moved_in_the_admin_brings_their_assistant_the_new_agency_s_tasks(cabinet, rf):
    from django.contrib import admin

    issued_with_tasks(cabinet, [*HEALTH, FINANCE])
    minister = User.objects.get(pk=cabinet.members[1].pk)  # the assistant's minister
    minister.organisation = "  BỘ Y  TẾ"
    admin.site._registry[User].save_model(rf.post("/"), minister, form=None, change=True)
    minister.refresh_from_db()
    assert minister.organisation_key == "bộ y tế"
    assert task_titles(cabinet.assistant) == ["Việc của BỘ Y TẾ", "Việc của Bộ  Y tế"]
