"""Annotations: saved per member, paper version and page by the device's client id (the
same note twice is one note, audited once), shared with named people or the meeting and
seen by them only, refused with nothing stored when the input or the person is wrong."""

from __future__ import annotations

import uuid

import pytest

from annotations import services
from annotations.models import Annotation
from annotations.selectors import annotations_for
from documents.models import Confidentiality
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Invalid, NotFound
from ecabinet.realtime.models import StoredEvent
from meetings import services as meetings
from notifications.alerts import person_stream
from tests.annotations_helpers import HIGHLIGHT, INK, NOTE, pages_pdf, upload
from tests.roles import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def three_pages():
    return pages_pdf("Alpha", "Beta", "Gamma")


@pytest.fixture
def paper(cabinet, meeting, three_pages):
    return upload(cabinet, meeting, three_pages, item=meeting.items.order_by("order").first())


def put(client, client_id, paper, **fields):
    body = {"paper_id": paper.pk, "version": 1, "page": 1, "kind": "highlight", "data": HIGHLIGHT}
    body.update(fields)
    return client.put(f"/api/annotations/{client_id}", body, content_type="application/json")


def share(client, client_id, visibility, people=()):
    return client.post(
        f"/api/annotations/{client_id}/share",
        {"visibility": visibility, "shared_with": [p.pk for p in people]},
        content_type="application/json",
    )


def listed(client, paper, v=None):
    url = f"/api/papers/{paper.pk}/annotations" + (f"?v={v}" if v else "")
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def actions(action):
    return AuditEntry.objects.filter(action=action).count()


def events_of(user):
    key = person_stream(user.pk).key
    return [(e.type, e.payload) for e in StoredEvent.objects.filter(stream=key).order_by("seq")]


# --- Saving --------------------------------------------------------------------------


def test_the_same_note_sent_twice_is_one_note_audited_once(cabinet, paper):
    client = client_for(cabinet, "minister")
    cid = uuid.uuid4()
    first = put(client, cid, paper, text="Xem lại số liệu")
    assert first.status_code == 201, first.content
    again = put(client, cid, paper, text="Xem lại số liệu")
    assert again.status_code == 200
    assert Annotation.objects.count() == 1
    assert actions("annotation.saved") == 1
    note = first.json()
    assert note["client_id"] == str(cid) and note["mine"] is True
    assert note["data"] == {"rects": HIGHLIGHT["rects"]}
    assert note["visibility"] == "private" and note["author_name"] == str(cabinet.minister)


def test_an_update_changes_the_note_and_is_audited(cabinet, paper):
    client = client_for(cabinet, "minister")
    cid = uuid.uuid4()
    put(client, cid, paper)
    response = put(client, cid, paper, page=2, kind="ink", data=INK, colour="#FF0000")
    assert response.status_code == 200
    note = Annotation.objects.get()
    assert (note.page, note.kind, note.colour) == (2, "ink", "#ff0000")
    assert note.data == {"strokes": [[[100, 300], [120, 310], [140, 330]]], "width": 2}
    assert actions("annotation.saved") == 2


def test_another_member_with_the_same_client_id_gets_a_note_of_their_own(cabinet, paper):
    cid = uuid.uuid4()
    put(client_for(cabinet, "minister"), cid, paper)
    response = put(client_for(cabinet, "chair"), cid, paper, kind="note", data=NOTE, text="Hỏi")
    assert response.status_code == 201
    assert Annotation.objects.filter(client_id=cid).count() == 2
    assert Annotation.objects.get(author=cabinet.minister).kind == "highlight"


def test_a_deleted_note_stays_deleted(cabinet, paper):
    client = client_for(cabinet, "minister")
    cid = uuid.uuid4()
    put(client, cid, paper)
    assert client.delete(f"/api/annotations/{cid}").status_code == 204
    assert client.delete(f"/api/annotations/{cid}").status_code == 204  # again: nothing new
    assert actions("annotation.deleted") == 1
    assert Annotation.objects.get().deleted_at is not None
    assert listed(client, paper)["annotations"] == []
    assert put(client, cid, paper, text="muộn").status_code == 409  # an outbox sent late


# --- Refusals: nothing stored ----------------------------------------------------------


BAD = [
    ({"kind": "circle"}, "kind"),
    ({"page": 4}, "page"),
    ({"page": 0}, "page"),
    ({"data": {"rects": []}}, "data"),
    ({"data": {"rects": [[10, 10, 5]]}}, "data.rects.0"),
    ({"data": {"rects": [[500, 10, 200, 10]]}}, "data"),  # off the page (A4 is 595 wide)
    ({"data": {"rects": [[-50, 10, 20, 10]]}}, "data"),
    ({"data": {"rects": [[1, 1, 1, 1]] * 201}}, "data.rects"),
    ({"kind": "ink", "data": {"strokes": [[[1, 1]] * 2001]}}, "data.strokes.0"),
    ({"kind": "ink", "data": {"strokes": [[[1, 1]]] * 201}}, "data.strokes"),
    ({"kind": "ink", "data": {"strokes": [[[10, 900]]]}}, "data"),  # below the page
    ({"kind": "ink", "data": {"rects": HIGHLIGHT["rects"]}}, "data"),
    ({"kind": "note", "data": NOTE, "text": ""}, "text"),
    ({"kind": "note", "data": NOTE, "text": "x" * 4001}, "text"),
    ({"data": {"rects": HIGHLIGHT["rects"], "script": "alert(1)"}}, "data.script"),
    ({"colour": "red"}, "colour"),
    ({"version": 2}, None),
]


@pytest.mark.parametrize(("fields", "field"), BAD)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(cabinet, paper, fields, field):
    response = put(client_for(cabinet, "minister"), uuid.uuid4(), paper, **fields)
    if field is None:
        assert response.status_code == 404, response.content
    else:
        assert response.status_code == 422, response.content
        assert field in response.json()["fields"], response.json()
    assert not Annotation.objects.exists()
    assert actions("annotation.saved") == 0


def test_the_service_checks_the_same_bounds_without_the_api(cabinet, paper):
    with pytest.raises(Invalid) as refused:
        services.annotation_save(
            actor=cabinet.minister,
            client_id=uuid.uuid4(),
            paper=paper,
            version_number=1,
            page=1,
            kind="ink",
            data={"strokes": [[[float("nan"), 1]]]},
        )
    assert "data" in refused.value.fields
    assert not Annotation.objects.exists()


def test_an_oversized_body_is_refused_before_it_is_read(cabinet, paper):
    strokes = [[[100.123456, 200.123456]] * 400] * 100  # well past 64 KB
    response = put(
        client_for(cabinet, "minister"), uuid.uuid4(), paper, kind="ink", data={"strokes": strokes}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "auditor"])
def test_people_who_may_not_open_the_paper_get_404_and_store_nothing(cabinet, paper, role):
    client = client_for(cabinet, role)
    assert put(client, uuid.uuid4(), paper).status_code == 404
    assert client.get(f"/api/papers/{paper.pk}/annotations").status_code == 404
    assert not Annotation.objects.exists()


def test_a_guest_not_invited_to_the_item_gets_404(cabinet, meeting, paper):
    last = meeting.items.order_by("order").last()
    meetings.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[last]
    )
    client = client_for(cabinet, "guest")
    assert put(client, uuid.uuid4(), paper).status_code == 404
    assert client.get(f"/api/papers/{paper.pk}/annotations").status_code == 404
    assert not Annotation.objects.exists()


def test_anonymous_is_asked_to_sign_in(cabinet, paper):
    assert put(client_for(cabinet, "anonymous"), uuid.uuid4(), paper).status_code == 401


def test_nobody_changes_or_deletes_another_members_note(cabinet, paper):
    cid = uuid.uuid4()
    put(client_for(cabinet, "minister"), cid, paper)
    chair = client_for(cabinet, "chair")
    assert chair.delete(f"/api/annotations/{cid}").status_code == 404
    assert share(chair, cid, "meeting").status_code == 404
    with pytest.raises(NotFound):
        services.annotation_delete(actor=cabinet.chair, client_id=cid)
    assert Annotation.objects.get().deleted_at is None


# --- Sharing and who sees what ----------------------------------------------------------


def test_visibility_private_people_and_meeting(cabinet, meeting, paper):
    minister = client_for(cabinet, "minister")
    other = cabinet.members[2]
    cid = uuid.uuid4()
    put(minister, cid, paper, text="Riêng tư")

    def seers():
        return {
            role
            for role in ["chair", "secretary", "observer", "assistant"]
            if listed(client_for(cabinet, role), paper)["annotations"]
        } | {
            m.username
            for m in cabinet.members
            if m != cabinet.minister
            and annotations_for(user=m, paper=paper, version=paper.document.versions.get())
        }

    assert seers() == set()  # private: nobody but the author, observers included

    response = share(minister, cid, "people", [other])
    assert response.status_code == 200, response.content
    assert response.json()["shared_with"] == [other.pk]
    assert seers() == {other.username}
    seen = listed(client_for(cabinet, "minister"), paper)["annotations"][0]
    assert seen["mine"] is True
    as_other = annotations_for(user=other, paper=paper, version=paper.document.versions.get())
    assert [a.author for a in as_other] == [cabinet.minister]

    share(minister, cid, "meeting")
    everyone = {m.username for m in cabinet.members if m != cabinet.minister}
    assert seers() == everyone | {"chair", "secretary", "observer", "assistant"}
    shared = listed(client_for(cabinet, "observer"), paper)["annotations"][0]
    assert shared["mine"] is False and shared["shared_with"] == []
    assert shared["author_name"] == str(cabinet.minister)
    assert actions("annotation.shared") == 2


def test_a_meeting_wide_note_reaches_a_guest_only_on_their_item(cabinet, meeting, paper):
    first, last = meeting.items.order_by("order")
    meetings.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[first]
    )
    cid = uuid.uuid4()
    minister = client_for(cabinet, "minister")
    put(minister, cid, paper)
    share(minister, cid, "meeting")
    assert len(listed(client_for(cabinet, "guest"), paper)["annotations"]) == 1
    assert [e[0] for e in events_of(cabinet.guest)] == ["annotation.shared"]


def test_sharing_with_someone_who_may_not_open_the_paper_is_refused_naming_them(
    cabinet, meeting, three_pages
):
    secret = upload(
        cabinet,
        meeting,
        three_pages,
        confidentiality=Confidentiality.CONFIDENTIAL,
        recipients=[cabinet.minister, cabinet.members[2]],
        summary="Mật",
    )
    client = client_for(cabinet, "minister")
    cid = uuid.uuid4()
    assert put(client, cid, secret).status_code == 201
    response = share(client, cid, "people", [cabinet.members[2], cabinet.members[3]])
    assert response.status_code == 422
    assert str(cabinet.members[3]) in response.json()["fields"]["shared_with"][0]
    assert str(cabinet.members[2]) not in response.json()["fields"]["shared_with"][0]
    note = Annotation.objects.get()
    assert note.visibility == "private" and not note.shared_with.exists()
    assert actions("annotation.shared") == 0

    # Shared with the meeting, a Mật paper's note still reaches only its recipients.
    assert share(client, cid, "meeting").status_code == 200
    outsider_member = client_for(cabinet, "chair")  # the chair is no named recipient
    assert outsider_member.get(f"/api/papers/{secret.pk}/annotations").status_code == 404
    assert [e[0] for e in events_of(cabinet.members[2])] == ["annotation.shared"]
    told = {p.username for p in [*cabinet.members, cabinet.observer, cabinet.guest] if events_of(p)}
    # The secretariat uploaded it and holds it; no other member is a recipient.
    assert told == {cabinet.members[2].username}


def test_unknown_people_and_bad_visibility_are_refused(cabinet, paper):
    client = client_for(cabinet, "minister")
    cid = uuid.uuid4()
    put(client, cid, paper)
    assert share(client, cid, "people", []).status_code == 422
    response = client.post(
        f"/api/annotations/{cid}/share",
        {"visibility": "people", "shared_with": [987654]},
        content_type="application/json",
    )
    assert response.status_code == 422 and "shared_with" in response.json()["fields"]
    assert share(client, cid, "world").status_code == 422
    assert Annotation.objects.get().visibility == "private"


def test_live_events_go_to_each_recipient_after_the_change(cabinet, paper):
    client = client_for(cabinet, "minister")
    a, b = cabinet.members[2], cabinet.members[3]
    cid = uuid.uuid4()
    put(client, cid, paper, text="Số liệu")
    assert events_of(a) == []  # private: nobody is told
    share(client, cid, "people", [a, b])
    ((kind, payload),) = events_of(a)
    assert kind == "annotation.shared"
    note = Annotation.objects.get()
    assert payload == {
        "client_id": str(cid),
        "author_id": cabinet.minister.pk,
        "author_name": str(cabinet.minister),
        "paper_id": paper.pk,
        "meeting_id": paper.meeting_id,
        "version": 1,
        "page": 1,
        "kind": "highlight",
        "data": {"rects": HIGHLIGHT["rects"]},
        "text": "Số liệu",
        "colour": "#ffd400",
        "visibility": "people",
        "updated_at": note.updated_at.isoformat(),
    }
    put(client, cid, paper, text="Số liệu mới")
    assert [e[0] for e in events_of(b)] == ["annotation.shared", "annotation.updated"]
    share(client, cid, "people", [a])
    assert [e[0] for e in events_of(b)][-1] == "annotation.deleted"
    client.delete(f"/api/annotations/{cid}")
    assert [e[0] for e in events_of(a)] == [
        "annotation.shared",
        "annotation.updated",
        "annotation.deleted",
    ]
    assert len(events_of(b)) == 3
    assert events_of(cabinet.minister) == []  # the author is not told of their own note
