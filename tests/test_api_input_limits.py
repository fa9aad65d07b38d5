"""Input the API cannot use is refused in its error shape, never a server error: form
data it cannot read, and ids too large for the database."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.roles import client_for

CSRF_TOKEN = "k" * 32
MAX_ID = 2**63 - 1  # the largest id a signed 64-bit column holds
TOO_LARGE = 2**64  # the reviewer's ids: above what a signed 64-bit column holds
POSTS = [
    "/api/meetings",
    "/api/meetings/{meeting}/items",
    "/api/meetings/{meeting}/papers",
    "/api/drafts",
    "/api/ballots",
    "/api/notifications/read",
]


def _anonymous_with_csrf_cookie() -> Client:
    # A browser that has seen a page has the cookie; ninja's CSRF check reads the form.
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_TOKEN
    return client


def _assert_unreadable_form(response) -> None:
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["error"] == "bad_request"
    assert body["detail"]
    assert body["fields"] == {}


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", POSTS)
def test_multipart_without_a_boundary_is_a_json_400_before_sign_in(meeting, settings, path, debug):
    settings.DEBUG = debug  # with DEBUG on, this used to be a 500 traceback
    response = _anonymous_with_csrf_cookie().post(
        path.format(meeting=meeting.pk), "x", content_type="multipart/form-data"
    )
    _assert_unreadable_form(response)


@pytest.mark.parametrize("path", POSTS)
def test_multipart_without_a_boundary_is_a_json_400_when_signed_in(cabinet, meeting, path):
    client = client_for(cabinet, "secretary")
    client.cookies["csrftoken"] = CSRF_TOKEN
    response = client.post(
        path.format(meeting=meeting.pk),
        "x",
        content_type="multipart/form-data",
        headers={"X-CSRFToken": CSRF_TOKEN},
    )
    _assert_unreadable_form(response)


def _assert_field_refused(response, field: str) -> None:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["error"] == "invalid"
    assert field in body["fields"], body
    assert any(str(MAX_ID) in reason for reason in body["fields"][field]), body


def test_an_item_id_above_two_to_the_63_is_a_422_naming_it(cabinet, meeting):
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/guests",
        {"user_id": cabinet.guest.pk, "item_ids": [TOO_LARGE]},
        content_type="application/json",
    )
    _assert_field_refused(response, "item_ids.0")


def test_a_draft_id_above_two_to_the_63_is_a_422_naming_it(cabinet):
    response = client_for(cabinet, "secretary").post(
        "/api/ballots",
        {
            "body_id": cabinet.body.pk,
            "subject": "Lấy ý kiến",
            "questions": ["Đồng ý?"],
            "deadline": "2030-01-01T10:00:00+07:00",
            "draft_ids": [TOO_LARGE],
        },
        content_type="application/json",
    )
    _assert_field_refused(response, "draft_ids.0")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/meetings/{n}", "meeting_id"),
        ("/api/papers/{n}", "paper_id"),
        ("/api/votes/{n}", "vote_id"),
        ("/api/ballots/{n}", "ballot_id"),
        ("/api/drafts/{n}", "draft_id"),
        ("/api/minutes/{n}/drafts", "minutes_id"),
        ("/api/archive/records/{n}", "record_id"),
    ],
)
def test_an_id_in_the_path_above_two_to_the_63_is_a_422_naming_it(cabinet, path, field):
    response = client_for(cabinet, "secretary").get(path.format(n=TOO_LARGE))
    _assert_field_refused(response, field)


def test_the_largest_id_the_database_holds_is_still_an_id(cabinet):
    response = client_for(cabinet, "secretary").get(f"/api/meetings/{MAX_ID}")
    assert response.status_code == 404


def test_any_other_number_too_large_for_the_database_is_a_422(cabinet, meeting):
    # Numbers that are not ids (a version number here) are not bounded one by one.
    paper_path = f"/api/papers/{TOO_LARGE}/versions/{TOO_LARGE}/sign"
    response = client_for(cabinet, "secretary").post(
        paper_path, {"kind": "personal", "pin": "1234"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid"
