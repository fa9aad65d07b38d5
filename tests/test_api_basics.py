"""The JSON API as a whole: its schema, its sign-in rule and the one shape of its errors."""

import pytest
from django.test import Client

from tests.roles import client_for

ENDPOINTS = [
    ("get", "/api/me"),
    ("get", "/api/bodies"),
    ("get", "/api/meetings"),
    ("post", "/api/meetings"),
    ("get", "/api/meetings/{meeting}"),
    ("patch", "/api/meetings/{meeting}"),
    ("post", "/api/meetings/{meeting}/publish"),
    ("post", "/api/meetings/{meeting}/start"),
    ("post", "/api/meetings/{meeting}/close"),
    ("post", "/api/meetings/{meeting}/items"),
    ("get", "/api/items/{item}"),
    ("patch", "/api/items/{item}"),
    ("delete", "/api/items/{item}"),
    ("post", "/api/items/{item}/move"),
    ("post", "/api/meetings/{meeting}/guests"),
    ("post", "/api/meetings/{meeting}/papers"),
    ("post", "/api/papers/1/versions"),
    ("get", "/api/papers/1"),
    ("get", "/api/papers/1/file"),
    ("put", "/api/items/{item}/position"),
    ("get", "/api/meetings/{meeting}/positions"),
    ("post", "/api/meetings/{meeting}/leave"),
    ("post", "/api/leave/1/decide"),
    ("get", "/api/notifications"),
    ("post", "/api/notifications/read"),
]


def test_the_openapi_schema_is_served_and_lists_every_endpoint(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "e-Cabinet API"
    for method, path in ENDPOINTS:
        template = (
            path.replace("{meeting}", "{meeting_id}")
            .replace("{item}", "{item_id}")
            .replace("/papers/1", "/papers/{paper_id}")
            .replace("/leave/1/", "/leave/{leave_id}/")
        )
        assert method in schema["paths"][template], (method, template)


def test_the_schema_documents_the_error_shape_and_the_pdf_download(db):
    schema = Client().get("/api/openapi.json").json()
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {
        "error",
        "detail",
        "fields",
    }
    download = schema["paths"]["/api/papers/{paper_id}/file"]["get"]["responses"]
    assert "application/pdf" in download["200"]["content"]
    assert "422" in download


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_asks_an_anonymous_caller_to_sign_in(meeting, method, path):
    url = path.format(meeting=meeting.pk, item=meeting.items.first().pk)
    response = getattr(Client(), method)(url)
    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "detail": "Sign in first.", "fields": {}}


def test_malformed_json_is_a_400_that_says_so(cabinet):
    response = client_for(cabinet, "secretary").post(
        "/api/meetings", "{title: oops", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert "parse" in response.json()["detail"]


def test_a_wrongly_typed_field_is_a_422_naming_the_field(cabinet):
    response = client_for(cabinet, "secretary").post(
        "/api/meetings",
        {"body_id": "many", "title": "Phiên họp", "starts_at": "tomorrow"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid"
    assert set(body["fields"]) == {"body_id", "starts_at"}


def test_a_json_array_instead_of_an_object_is_a_422(cabinet):
    response = client_for(cabinet, "secretary").post(
        "/api/meetings", "[1, 2]", content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid"
    assert "title" in response.json()["fields"]


def test_an_empty_body_where_one_is_required_is_a_422(cabinet):
    response = client_for(cabinet, "secretary").post(
        "/api/meetings", "", content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"__all__": ["Field required"]}


def test_an_unknown_meeting_is_a_json_404(cabinet):
    response = client_for(cabinet, "chair").get("/api/meetings/999999")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_non_numeric_id_in_the_path_is_a_422_naming_it(cabinet):
    response = client_for(cabinet, "chair").get("/api/meetings/abc")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["meeting_id"]


def test_session_auth_enforces_csrf_on_unsafe_methods(cabinet, meeting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cabinet.secretary)
    response = client.post(f"/api/meetings/{meeting.pk}/items", {"title": "X"})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert meeting.items.count() == 2


def test_the_csrf_token_handed_out_by_me_lets_a_write_through(cabinet, meeting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cabinet.secretary)
    client.get("/api/me")
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/api/meetings/{meeting.pk}/items",
        {"title": "Nội dung bổ sung"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


def test_the_api_docs_page_loads_its_assets_locally(client, cabinet):
    client.force_login(cabinet.secretary)
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page and "https://" not in page
