"""The briefcase API: what the app on a device may fetch for reading offline (the manifest,
the data key, the papers) and how a revoked device is refused (docs/briefcase.md)."""

from __future__ import annotations

import base64
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from briefcase import services as briefcase
from briefcase.models import Device
from documents.models import Confidentiality
from ecabinet.audit.models import AuditEntry
from meetings import services as meetings
from tests.factories import NamedBytes, deputy_of, make_meeting, pdf_bytes
from tests.roles import client_for

PDF = pdf_bytes(pages=2)


def add_paper(cabinet, meeting, item=None, *, summary="Tờ trình", **kwargs):
    return meetings.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(PDF),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary=summary,
        issuing_body="Bộ Tài chính",
        **kwargs,
    )


def register(client: Client, name: str = "iPad của tôi") -> str:
    response = client.post("/api/devices", {"name": name}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def fetch(client: Client, url: str, **headers):
    """GET a paper file and read it whole: reading the stream to its end closes the served
    file (closing the response would end the test's database connection too)."""
    response = client.get(url, **headers)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def refusals(device_id: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action="device.refused", details__device=device_id).order_by(
            "seq"
        )
    )


# --- Registering and the key ---------------------------------------------------------


def test_a_member_registers_a_device_and_fetches_its_key_once_audited(cabinet):
    client = client_for(cabinet, "minister")
    response = client.post(
        "/api/devices", {"name": "  iPad   Pro  "}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "iPad Pro"
    assert body["offline_hours"] == 72
    device = Device.objects.get(public_id=body["id"])
    assert device.user == cabinet.minister
    assert AuditEntry.objects.filter(action="device.registered", target_id=str(device.pk)).exists()

    first = client.post(f"/api/devices/{body['id']}/key")
    assert first.status_code == 200, first.content
    key = base64.b64decode(first.json()["key"])
    assert len(key) == 32 and key == bytes(device.key)
    assert first.json()["offline_hours"] == 72
    again = client.post(f"/api/devices/{body['id']}/key")
    assert again.json()["key"] == first.json()["key"]
    # One audit entry per session, however often the page reloads.
    released = AuditEntry.objects.filter(action="device.key_released", target_id=str(device.pk))
    assert released.count() == 1
    device.refresh_from_db()
    assert device.session_key == client.session.session_key
    assert device.last_seen_at is not None

    other_session = client_for(cabinet, "minister")
    assert other_session.post(f"/api/devices/{body['id']}/key").status_code == 200
    assert released.count() == 2


def test_two_devices_have_different_keys(cabinet):
    client = client_for(cabinet, "minister")
    one, two = register(client, "iPad"), register(client, "Laptop")
    keys = {client.post(f"/api/devices/{d}/key").json()["key"] for d in (one, two)}
    assert len(keys) == 2


def test_the_list_shows_the_persons_own_devices_and_which_one_is_this_browser(cabinet):
    client = client_for(cabinet, "minister")
    mine = register(client, "iPad")
    register(client, "Laptop")
    register(client_for(cabinet, "chair"), "Không phải của tôi")
    client.post(f"/api/devices/{mine}/key")
    listed = client.get("/api/devices").json()
    assert sorted(d["name"] for d in listed) == ["Laptop", "iPad"]
    assert [d["current"] for d in listed if d["id"] == mine] == [True]
    assert [d["stored"] for d in listed] == [None, None]


def test_only_the_devices_own_person_gets_its_key(cabinet):
    device_id = register(client_for(cabinet, "minister"))
    for role in ["chair", "secretary", "outsider"]:
        response = client_for(cabinet, role).post(f"/api/devices/{device_id}/key")
        assert response.status_code == 404, role
        assert response.json()["error"] == "not_found"
    assert client_for(cabinet, "anonymous").post(f"/api/devices/{device_id}/key").status_code == 401


@pytest.mark.parametrize("bad", ["not-a-uuid", "1", str(uuid.uuid4()), "%20", "x" * 64])
def test_an_unknown_or_malformed_device_id_is_not_found(cabinet, bad):
    client = client_for(cabinet, "minister")
    for method, path in [
        ("post", f"/api/devices/{bad}/key"),
        ("get", f"/api/devices/{bad}/status"),
        ("post", f"/api/devices/{bad}/revoke"),
        ("post", f"/api/devices/{bad}/wiped"),
    ]:
        response = getattr(client, method)(path, content_type="application/json")
        assert response.status_code == 404, (path, response.content)
        assert response.json()["error"] == "not_found"
    assert client.get(f"/api/briefcase?device={bad}").status_code == 404


def test_malformed_input_is_refused_with_the_field_named(cabinet, settings):
    client = client_for(cabinet, "minister")
    for data, field in [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": 12}, "name"),
    ]:
        response = client.post("/api/devices", data, content_type="application/json")
        assert response.status_code == 422, data
        assert field in response.json()["fields"], response.json()
    response = client.post("/api/devices", "[1,", content_type="application/json")
    assert response.status_code in {400, 422}
    device_id = register(client)
    for data in [{}, {"meetings": -1, "papers": 0, "bytes": 0}, {"meetings": "x"}]:
        response = client.post(
            f"/api/devices/{device_id}/stored", data, content_type="application/json"
        )
        assert response.status_code == 422, data
    response = client.post(
        f"/api/devices/{device_id}/revoke", {"reason": "x" * 501}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "reason" in response.json()["fields"]
    assert Device.objects.get(public_id=device_id).revoked_at is None


def test_a_person_has_at_most_the_configured_number_of_active_devices(cabinet, settings):
    settings.BRIEFCASE_MAX_DEVICES = 2
    client = client_for(cabinet, "minister")
    first = register(client, "Một")
    register(client, "Hai")
    response = client.post("/api/devices", {"name": "Ba"}, content_type="application/json")
    assert response.status_code == 409
    assert "2" in response.json()["detail"]
    vietnamese = client.post(
        "/api/devices", {"name": "Ba"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert "thiết bị" in vietnamese.json()["detail"]
    # A revoked one no longer counts.
    client.post(f"/api/devices/{first}/revoke", {}, content_type="application/json")
    assert (
        client.post("/api/devices", {"name": "Ba"}, content_type="application/json").status_code
        == 201
    )


# --- Status, stored, wiped ---------------------------------------------------------------


def test_status_needs_no_sign_in_and_says_nothing_about_the_person(cabinet):
    device_id = register(client_for(cabinet, "minister"))
    anonymous = Client()
    response = anonymous.get(f"/api/devices/{device_id}/status")
    assert response.status_code == 200
    assert response.json() == {"state": "active"}
    briefcase.device_revoke(actor=cabinet.minister, device_id=device_id, reason="Mất máy")
    assert anonymous.get(f"/api/devices/{device_id}/status").json() == {"state": "revoked"}


def test_the_app_reports_what_it_stores(cabinet):
    client = client_for(cabinet, "minister")
    device_id = register(client)
    response = client.post(
        f"/api/devices/{device_id}/stored",
        {"meetings": 2, "papers": 7, "bytes": 123456},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["stored"]["papers"] == 7
    listed = client.get("/api/devices").json()[0]
    assert (listed["stored"]["meetings"], listed["stored"]["bytes"]) == (2, 123456)
    # Nobody else reports for this device.
    other = client_for(cabinet, "chair").post(
        f"/api/devices/{device_id}/stored",
        {"meetings": 0, "papers": 0, "bytes": 0},
        content_type="application/json",
    )
    assert other.status_code == 404


def test_the_wipe_is_confirmed_without_sign_in_once_and_audited(cabinet):
    client = client_for(cabinet, "minister")
    device_id = register(client)
    client.post(
        f"/api/devices/{device_id}/stored",
        {"meetings": 1, "papers": 1, "bytes": 10},
        content_type="application/json",
    )
    briefcase.device_revoke(actor=cabinet.secretary, device_id=device_id, reason="Mất máy")
    headers = {"HTTP_X_ECABINET_DEVICE": device_id}
    for _ in range(2):
        response = Client().post(f"/api/devices/{device_id}/wiped", **headers)
        assert response.status_code == 200
        assert response.json() == {"state": "revoked"}
    device = Device.objects.get(public_id=device_id)
    assert device.wiped_at is not None and device.stored == {}
    assert AuditEntry.objects.filter(action="device.wiped", target_id=str(device.pk)).count() == 1


# --- Revoking ------------------------------------------------------------------------------


def test_a_revoked_device_gets_no_key_and_the_replay_is_audited(cabinet):
    client = client_for(cabinet, "minister")
    device_id = register(client)
    assert client.post(f"/api/devices/{device_id}/key").status_code == 200
    briefcase.device_revoke(actor=cabinet.minister, device_id=device_id, reason="")
    # The session that held the key is gone; a fresh sign-in replays the request.
    replay = client_for(cabinet, "minister")
    response = replay.post(f"/api/devices/{device_id}/key")
    assert response.status_code == 410
    assert response.json()["error"] == "device_revoked"
    assert "key" not in response.json()
    # With the app's header the request never reaches the view; refused all the same.
    response = replay.post(f"/api/devices/{device_id}/key", HTTP_X_ECABINET_DEVICE=device_id)
    assert response.status_code == 410
    assert response.json()["error"] == "device_revoked"
    # A flood of replays is noted once a minute, not once a request.
    for _ in range(3):
        assert replay.post(f"/api/devices/{device_id}/key").status_code == 410
    entries = refusals(device_id)
    assert [e.details["asked"] for e in entries] == [
        "key",
        f"POST /api/devices/{device_id}/key",
    ]
    assert entries[0].actor == cabinet.minister
    assert (
        replay.post(
            f"/api/devices/{device_id}/stored",
            {"meetings": 0, "papers": 0, "bytes": 0},
            content_type="application/json",
        ).status_code
        == 410
    )
    assert replay.get(f"/api/briefcase?device={device_id}").status_code == 410


def test_revoking_ends_the_devices_session(cabinet):
    tablet = client_for(cabinet, "minister")
    device_id = register(tablet)
    tablet.post(f"/api/devices/{device_id}/key")
    laptop = client_for(cabinet, "minister")
    response = laptop.post(
        f"/api/devices/{device_id}/revoke", {"reason": "Mất máy"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["revoked_at"] is not None
    assert response.json()["current"] is False
    # The tablet's browser is signed out; the laptop is not.
    assert tablet.get("/api/devices").status_code == 401
    assert laptop.get("/api/devices").status_code == 200
    entry = AuditEntry.objects.get(action="device.revoked")
    assert entry.details["session_ended"] is True
    assert entry.details["reason"] == "Mất máy"
    # Revoking again changes nothing and records nothing new.
    again = laptop.post(f"/api/devices/{device_id}/revoke", {}, content_type="application/json")
    assert again.status_code == 200
    assert AuditEntry.objects.filter(action="device.revoked").count() == 1


def test_the_secretariat_of_the_members_body_revokes_with_a_reason(cabinet):
    device_id = register(client_for(cabinet, "minister"))
    secretariat = client_for(cabinet, "secretary")
    without = secretariat.post(
        f"/api/devices/{device_id}/revoke", {"reason": " "}, content_type="application/json"
    )
    assert without.status_code == 422
    assert "reason" in without.json()["fields"]
    response = secretariat.post(
        f"/api/devices/{device_id}/revoke",
        {"reason": "Thành viên báo mất máy"},
        content_type="application/json",
    )
    assert response.status_code == 200
    device = Device.objects.get(public_id=device_id)
    assert device.revoked_by == cabinet.secretary
    assert device.revoke_reason == "Thành viên báo mất máy"


@pytest.mark.parametrize("role", ["chair", "guest", "observer", "assistant", "outsider"])
def test_nobody_else_revokes_and_nobody_learns_the_device_exists(cabinet, role):
    # "outsider" is the secretariat of another body.
    device_id = register(client_for(cabinet, "minister"))
    response = client_for(cabinet, role).post(
        f"/api/devices/{device_id}/revoke", {"reason": "Thử"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Device.objects.get(public_id=device_id).revoked_at is None


# --- Paper files from a revoked device -----------------------------------------------------


def test_a_revoked_device_is_refused_a_paper_with_its_header(cabinet, meeting):
    paper = add_paper(cabinet, meeting, meeting.items.first())
    client = client_for(cabinet, "minister")
    device_id = register(client)
    url = f"/api/papers/{paper.pk}/file?v=1"
    assert fetch(client, url, HTTP_X_ECABINET_DEVICE=device_id).status_code == 200
    briefcase.device_revoke(actor=cabinet.secretary, device_id=device_id, reason="Mất máy")
    response = client.get(url, HTTP_X_ECABINET_DEVICE=device_id)
    assert response.status_code == 410
    assert response.json()["error"] == "device_revoked"
    page = client.get(
        f"/meetings/{meeting.pk}/papers/{paper.pk}/file/", HTTP_X_ECABINET_DEVICE=device_id
    )
    assert page.status_code == 410
    # Another device of the same person is not affected; neither is a plain browser.
    assert fetch(client, url).status_code == 200
    assert refusals(device_id)[0].details["asked"] == f"GET /api/papers/{paper.pk}/file"


# --- The manifest ------------------------------------------------------------------------


def test_the_manifest_lists_upcoming_meetings_with_items_papers_and_positions(cabinet, meeting):
    first, second = meeting.items.order_by("order")
    normal = add_paper(cabinet, meeting, first, summary="Tờ trình dự án Luật")
    secret = add_paper(
        cabinet,
        meeting,
        second,
        summary="Báo cáo Mật",
        confidentiality=Confidentiality.CONFIDENTIAL,
        recipients=[cabinet.minister],
    )
    general = add_paper(cabinet, meeting, None, summary="Chương trình phiên họp")
    meetings.paper_add_version(
        actor=cabinet.secretary,
        paper=normal,
        file=NamedBytes(pdf_bytes(pages=3)),
        filename="v2.pdf",
    )
    meetings.position_mark(actor=cabinet.minister, item=first, stance="object", comment="Chưa rõ")
    draft = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=False)
    closed = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
    meetings.meeting_start(actor=cabinet.chair, meeting=closed, override_reason="Thử")
    meetings.meeting_close(actor=cabinet.chair, meeting=closed)
    later = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)

    client = client_for(cabinet, "minister")
    device_id = register(client)
    response = client.get(f"/api/briefcase?device={device_id}")
    assert response.status_code == 200, response.content
    manifest = response.json()
    assert manifest["offline_hours"] == 72
    ids = [m["id"] for m in manifest["meetings"]]
    assert meeting.pk in ids and later.pk in ids
    assert draft.pk not in ids and closed.pk not in ids
    entry = next(m for m in manifest["meetings"] if m["id"] == meeting.pk)
    assert entry["state"] == "published"
    assert entry["body"] == cabinet.body.name
    assert entry["url"] == f"/meetings/{meeting.pk}/"
    assert [i["id"] for i in entry["items"]] == [first.pk, second.pk]
    assert entry["items"][0]["position"] == {"value": "object", "note": "Chưa rõ"}
    assert entry["items"][0]["can_mark_position"] is True
    assert entry["items"][1]["position"] is None
    papers = {p["id"]: p for p in entry["papers"]}
    assert set(papers) == {normal.pk, secret.pk, general.pk}
    current = normal.document.versions.get(number=2)
    assert papers[normal.pk] | {"reason": ""} == {
        "id": normal.pk,
        "item_id": first.pk,
        "title": "Tờ trình dự án Luật",
        "version": 2,
        "sha256": current.sha256,
        "size": current.size,
        "page_count": 3,
        "confidentiality": "thuong",
        "urgency": "thuong",
        "offline": True,
        "reason": "",
        "file_url": f"/api/papers/{normal.pk}/file?v=2",
    }
    assert papers[secret.pk]["offline"] is False
    assert papers[secret.pk]["reason"] == "Papers marked Mật or above are never kept offline."
    assert papers[general.pk]["item_id"] is None
    assert Device.objects.get(public_id=device_id).last_seen_at is not None

    vietnamese = client.get("/api/briefcase", HTTP_ACCEPT_LANGUAGE="vi").json()
    secret_vi = next(p for m in vietnamese["meetings"] for p in m["papers"] if p["id"] == secret.pk)
    assert secret_vi["reason"] == "Tài liệu Mật trở lên không được lưu ngoại tuyến"

    # The file it names is the version it describes.
    download = fetch(client, papers[normal.pk]["file_url"])
    assert download.status_code == 200
    assert download["X-Content-SHA256"] == current.sha256


def test_a_guest_gets_only_the_items_and_papers_they_are_invited_to(cabinet, meeting):
    first, second = meeting.items.order_by("order")
    add_paper(cabinet, meeting, first, summary="Mục 1")
    theirs = add_paper(cabinet, meeting, second, summary="Mục 2")
    add_paper(cabinet, meeting, None, summary="Chung")
    meetings.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[second]
    )
    manifest = client_for(cabinet, "guest").get("/api/briefcase").json()
    (entry,) = manifest["meetings"]
    assert [i["id"] for i in entry["items"]] == [second.pk]
    assert entry["items"][0]["can_mark_position"] is False
    assert [p["id"] for p in entry["papers"]] == [theirs.pk]


def test_an_approved_deputy_gets_the_members_items_and_position(cabinet, meeting):
    first = meeting.items.order_by("order").first()
    paper = add_paper(cabinet, meeting, first)
    away = cabinet.minister
    meetings.position_mark(actor=away, item=first, stance="wish_to_speak", comment="")
    deputy = deputy_of(away, cabinet.body)
    client = Client()
    client.force_login(deputy)
    assert client.get("/api/briefcase").json()["meetings"] == []  # not before approval
    leave = meetings.leave_request(actor=away, meeting=meeting, reason="Công tác", deputy=deputy)
    assert client.get("/api/briefcase").json()["meetings"] == []
    meetings.leave_decide(actor=cabinet.chair, leave=leave, approve=True)
    (entry,) = client.get("/api/briefcase").json()["meetings"]
    assert entry["items"][0]["position"] == {"value": "wish_to_speak", "note": ""}
    assert entry["items"][0]["can_mark_position"] is True
    assert [p["id"] for p in entry["papers"]] == [paper.pk]


@pytest.mark.parametrize("role", ["observer", "assistant", "archivist", "auditor", "outsider"])
def test_people_not_invited_get_an_empty_briefcase(cabinet, meeting, role):
    add_paper(cabinet, meeting, meeting.items.first())
    assert client_for(cabinet, role).get("/api/briefcase").json()["meetings"] == []


def test_the_manifest_takes_the_same_number_of_queries_however_many_papers(cabinet, meeting):
    first, second = meeting.items.order_by("order")
    client = client_for(cabinet, "minister")

    def count() -> int:
        client.get("/api/briefcase")  # sessions and roles warmed alike
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/briefcase").status_code == 200
        return len(queries)

    add_paper(cabinet, meeting, first, summary="Một")
    before = count()
    for n in range(4):
        add_paper(cabinet, meeting, second, summary=f"Thêm {n}")
    add_paper(
        cabinet,
        meeting,
        first,
        summary="Mật",
        confidentiality=Confidentiality.SECRET,
        recipients=[cabinet.minister],
    )
    assert count() == before
