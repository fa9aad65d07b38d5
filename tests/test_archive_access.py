"""Who sees the archive: the archivists and the secretariat of a record's body. Members
may not open the archive (403); anyone else is told a record does not exist (404)."""

from __future__ import annotations

import pytest

from ecabinet.audit.models import AuditEntry
from people.models import Role
from tests.archive_helpers import file_record
from tests.factories import PASSWORD, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(cabinet):
    return file_record(cabinet.body, cabinet.secretary, title="Biên bản phiên họp")


@pytest.fixture
def other_archivist(cabinet):
    return grant(UserFactory(username="archivist2"), cabinet.other_body, Role.ARCHIVIST)


def as_user(client, user):
    client.logout()
    if user is not None:
        client.login(username=user.username, password=PASSWORD)
    return client


RECORD_PAGES = ["/archive/{id}/", "/archive/{id}/original/", "/archive/{id}/verify/"]
RECORD_PAGES += ["/archive/{id}/package.zip", "/archive/{id}/edxml/"]
RECORD_API = ["/api/archive/records/{id}", "/api/archive/records/{id}/original"]
RECORD_API += ["/api/archive/records/{id}/verification", "/api/archive/records/{id}/package"]
RECORD_API += ["/api/archive/records/{id}/edxml"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("archivist", 200),
        ("secretary", 200),
        ("other_archivist", 200),  # their own body's archive, empty of ours
        ("minister", 403),
        ("chair", 403),
        ("guest", 403),
        ("auditor", 403),
    ],
)
def test_search_page_by_role(client, cabinet, record, other_archivist, who, status):
    user = other_archivist if who == "other_archivist" else getattr(cabinet, who)
    response = as_user(client, user).get("/archive/")
    assert response.status_code == status
    api = client.get("/api/archive/records")
    assert api.status_code == status
    page = response.content.decode()
    assert ('data-testid="nav-archive"' in page) == (status == 200)
    if status == 200:
        assert (f'data-record-id="{record.pk}"' in page) == (who != "other_archivist")
        assert api.json()["total"] == (0 if who == "other_archivist" else 1)
    else:
        assert api.json()["error"] == "forbidden"


def test_anonymous_is_sent_to_sign_in(client, record):
    response = client.get("/archive/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/archive/records").status_code == 401


@pytest.mark.parametrize("who", ["other_archivist", "minister", "guest", "outsider"])
@pytest.mark.parametrize("url", RECORD_PAGES + RECORD_API)
def test_a_record_is_not_found_for_those_outside_its_archive(
    client, cabinet, record, other_archivist, who, url
):
    user = other_archivist if who == "other_archivist" else getattr(cabinet, who)
    before = AuditEntry.objects.count()
    response = as_user(client, user).get(url.format(id=record.pk))
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.json()["error"] == "not_found"
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("who", ["archivist", "secretary"])
def test_the_record_page_shows_metadata_and_actions(client, cabinet, record, who):
    response = as_user(client, getattr(cabinet, who)).get(f"/archive/{record.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert record.sha256 in page and "Biên bản phiên họp" in page
    for action in ("record-original", "record-verify", "record-package", "record-edxml"):
        assert f'data-testid="{action}"' in page


def test_an_unknown_record_is_404(client, cabinet, record):
    as_user(client, cabinet.archivist)
    assert client.get(f"/archive/{record.pk + 1000}/").status_code == 404
    assert client.get(f"/api/archive/records/{record.pk + 1000}").status_code == 404
