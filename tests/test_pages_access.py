"""Who may open which page: every page, every role, against the real access rules.

The roles are those of the `cabinet` fixture. "minister" is an invited member; the
guest is invited to item 1 only; the outsider belongs to another body.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import pytest
from django.urls import reverse

from documents.models import DocumentType
from meetings import services
from tests.factories import NamedBytes, pdf_bytes
from tests.roles import ROLES


def person(cabinet, role):
    return cabinet.minister if role == "minister" else getattr(cabinet, role)


@functools.cache
def a_pdf() -> bytes:
    return pdf_bytes()  # rendering costs a fraction of a second; the bytes never change


def add_paper(cabinet, meeting, item, **extra):
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(a_pdf()),
        filename="to-trinh.pdf",
        doc_type=DocumentType.SUBMISSION,
        summary="Tờ trình về dự án Luật",
        issuing_body="Bộ Tư pháp",
        **extra,
    )


@pytest.fixture
def world(cabinet, meeting):
    item1, item2 = meeting.items.order_by("order")
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[item1]
    )
    return SimpleNamespace(
        cabinet=cabinet,
        meeting=meeting,
        item1=item1,
        paper1=add_paper(cabinet, meeting, item1),
        paper2=add_paper(cabinet, meeting, item2),
    )


def url_for(page, w):
    m = w.meeting.pk
    return {
        "dashboard": reverse("dashboard"),
        "meeting_list": reverse("meetings:list"),
        "meeting_new": reverse("meetings:new") + f"?body={w.cabinet.body.pk}",
        "detail": reverse("meetings:detail", args=[m]),
        "edit": reverse("meetings:edit", args=[m]),
        "item_new": reverse("meetings:item_new", args=[m]),
        "item_edit": reverse("meetings:item_edit", args=[m, w.item1.pk]),
        "paper_new": reverse("meetings:paper_new", args=[m]),
        "guest_new": reverse("meetings:guest_new", args=[m]),
        "paper_item1": reverse("meetings:paper", args=[m, w.paper1.pk]),
        "paper_item2": reverse("meetings:paper", args=[m, w.paper2.pk]),
        "file_item1": reverse("meetings:paper_file", args=[m, w.paper1.pk]),
        "file_item2": reverse("meetings:paper_file", args=[m, w.paper2.pk]),
        "version_new": reverse("meetings:version_new", args=[m, w.paper1.pk]),
        "positions": reverse("meetings:positions", args=[m]),
        "leave": reverse("meetings:leave", args=[m]),
        "notifications": reverse("notifications:list"),
        "audit": reverse("audit:list", args=[w.cabinet.body.pk]),
    }[page]


# Expected status per role, in the order of ROLES.
SEE = [200, 200, 200, 200, 404, 200, 200, 404, 404]  # who sees the published meeting
SEE_NOT_GUEST_ITEM = [200, 200, 200, 403, 404, 200, 200, 404, 404]
MANAGE = [403, 200, 403, 403, 404, 403, 403, 404, 404]
EXPECTED = {
    # The archivist, whose only role is archivist, is sent on to the archive.
    "dashboard": [200, 200, 200, 200, 302, 200, 200, 200, 200],
    "meeting_list": [200] * 9,
    "notifications": [200] * 9,
    "meeting_new": [403, 200, 403, 403, 403, 403, 403, 403, 403],
    "detail": SEE,
    "paper_item1": SEE,
    "file_item1": SEE,
    "paper_item2": SEE_NOT_GUEST_ITEM,
    "file_item2": SEE_NOT_GUEST_ITEM,
    "edit": MANAGE,
    "item_new": MANAGE,
    "item_edit": MANAGE,
    "paper_new": MANAGE,
    "guest_new": MANAGE,
    "version_new": MANAGE,
    "positions": [200, 200, 403, 403, 404, 403, 403, 404, 404],
    "leave": [200, 200, 200, 403, 404, 403, 403, 404, 404],
    "audit": [403, 403, 403, 403, 403, 403, 403, 200, 403],
}


def drain(response):
    """Read a served PDF to its end, which closes its file. (Closing the response by hand
    would also end the test's database connection.)"""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_on_every_page_the_status_its_rights_allow(client, world, role):
    client.force_login(person(world.cabinet, role))
    got = {}
    for page in EXPECTED:
        response = drain(client.get(url_for(page, world)))
        got[page] = response.status_code
    wanted = {page: statuses[ROLES.index(role)] for page, statuses in EXPECTED.items()}
    assert got == wanted


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_page(client, world):
    for page in EXPECTED:
        response = client.get(url_for(page, world))
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("login") + "?next="), page


@pytest.mark.parametrize(
    ("role", "status"), list(zip(ROLES, [200, 200, 404, 404, 404, 404, 404, 404, 404], strict=True))
)
def test_a_draft_meeting_is_seen_only_by_chair_and_secretariat(
    client, cabinet, draft_meeting, role, status
):
    client.force_login(person(cabinet, role))
    response = client.get(reverse("meetings:detail", args=[draft_meeting.pk]))
    assert response.status_code == status


def test_a_refused_page_says_why_on_the_error_page(client, world):
    client.force_login(world.cabinet.minister)
    response = client.get(url_for("positions", world))
    assert response.status_code == 403
    assert b'data-testid="error-page"' in response.content
    assert "error.html" in [t.name for t in response.templates]


def test_the_archivist_sees_a_meeting_once_it_is_closed(client, world):
    cabinet, meeting = world.cabinet, world.meeting
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    services.meeting_close(actor=cabinet.chair, meeting=meeting)
    client.force_login(cabinet.archivist)
    assert client.get(url_for("detail", world)).status_code == 200
    response = drain(client.get(url_for("file_item1", world)))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "role", "status"),
    [
        ("meetings:publish", "minister", 403),
        ("meetings:publish", "chair", 403),
        ("meetings:start", "secretary", 403),
        ("meetings:start", "minister", 403),
        ("meetings:close", "observer", 403),
        ("meetings:start", "outsider", 404),
    ],
)
def test_state_buttons_are_refused_to_those_without_the_right(client, world, name, role, status):
    client.force_login(person(world.cabinet, role))
    response = client.post(reverse(name, args=[world.meeting.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("role", ["minister", "observer", "guest", "chair"])
def test_agenda_changes_are_refused_to_everyone_but_the_secretariat(client, world, role):
    client.force_login(person(world.cabinet, role))
    m, item = world.meeting.pk, world.item1.pk
    for url in [
        reverse("meetings:item_delete", args=[m, item]),
        reverse("meetings:item_move", args=[m, item]),
    ]:
        assert client.post(url, {"direction": "down"}).status_code == 403
    assert world.meeting.items.count() == 2


def test_state_buttons_do_not_answer_get(client, world):
    client.force_login(world.cabinet.chair)
    assert client.get(reverse("meetings:start", args=[world.meeting.pk])).status_code == 405


def test_a_meeting_that_does_not_exist_gets_the_not_found_page(client, cabinet):
    client.force_login(cabinet.secretary)
    response = client.get(reverse("meetings:detail", args=[999999]))
    assert response.status_code == 404
    assert b'data-testid="error-page"' in response.content
