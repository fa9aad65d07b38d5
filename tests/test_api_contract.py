"""The API keeps its own OpenAPI contract: schemathesis calls every operation in-process.

Generated requests (valid and a few malformed) go to the WSGI application as two people,
the body's secretariat and a minister, with their session and CSRF token. Whatever the
request, the answer is never a server error, its status is one the schema lists, and its
body matches the schema of that status. Bounded: a few examples per operation.

Run on the embedded default only: the contract is the API's (schemas, statuses), not the
database's, and its ~500 generated calls cost ten minutes a run; what differs on
PostgreSQL (locks, races, constraints) has tests of its own.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from meetings import services
from tests.factories import NamedBytes, pdf_bytes
from tests.roles import client_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# A valid CSRF secret: the cookie and the header carry the same one.
CSRF_TOKEN = "k" * 32
EXAMPLES_PER_OPERATION = 3
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the API contract runs once, on the embedded default"
)


@pytest.fixture
def known_ids(cabinet, meeting) -> dict[str, list[int]]:
    """Ids of objects that exist, so that generated paths reach real ones, not only 404s."""
    items = list(meeting.items.order_by("order"))
    paper = services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=items[0],
        file=NamedBytes(pdf_bytes(pages=1)),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary="Tờ trình",
        issuing_body="Bộ Tài chính",
    )
    people = [cabinet.chair.pk, cabinet.minister.pk, cabinet.secretary.pk]
    return {
        "meeting_id": [meeting.pk],
        "item_id": [item.pk for item in items],
        "paper_id": [paper.pk],
        "body_id": [cabinet.body.pk],
        "user_id": people,
        "member_id": people,
    }


def _aim(case, known_ids: dict[str, list[int]]) -> None:
    """Most generated ids are pointed at real objects; one in four is left as drawn."""
    for name, value in (case.path_parameters or {}).items():
        if name in known_ids and isinstance(value, int) and value % 4:
            case.path_parameters[name] = known_ids[name][value % len(known_ids[name])]


def _browser(cabinet, role: str) -> dict:
    """The cookies and header a signed-in person of that role sends."""
    session = client_for(cabinet, role).cookies["sessionid"].value
    return {
        "headers": {"X-CSRFToken": CSRF_TOKEN},
        "cookies": {"sessionid": session, "csrftoken": CSRF_TOKEN},
    }


def _call(case, cabinet, known_ids, role: str) -> None:
    _aim(case, known_ids)
    case.call_and_validate(checks=CHECKS, **_browser(cabinet, role))


def _application():
    """The WSGI application as a test runs it: the body read whole and its file closed (the
    test transport leaves a streamed download open), and the test's database connection
    kept open (as Django's test client does: a server closes it after each request)."""
    handler = WSGIHandler()

    def application(environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            result = handler(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                result.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return application


@pytest.fixture
def api_schema(db):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", _application())


schema = schemathesis.pytest.from_fixture("api_schema")
BOUNDED = hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    derandomize=True,
    database=None,  # derandomised: nothing to replay, and no .hypothesis/ folder
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@BOUNDED
def test_the_secretariat_gets_answers_that_match_the_schema(case, cabinet, known_ids):
    _call(case, cabinet, known_ids, "secretary")


@schema.parametrize()
@BOUNDED
def test_a_minister_gets_answers_that_match_the_schema(case, cabinet, known_ids):
    _call(case, cabinet, known_ids, "minister")


def test_a_paper_and_its_new_version_answer_within_their_schema(api_schema, cabinet, known_ids):
    paper_id = known_ids["paper_id"][0]
    browser = _browser(cabinet, "secretary")
    detail = api_schema["/api/papers/{paper_id}"]["GET"].Case(
        path_parameters={"paper_id": paper_id}
    )
    response = detail.call(**browser)
    assert response.status_code == 200
    detail.validate_response(response, checks=CHECKS)
    upload = api_schema["/api/papers/{paper_id}/versions"]["POST"].Case(
        path_parameters={"paper_id": paper_id},
        body={"file": pdf_bytes(pages=1), "note": "Bản sửa"},
        media_type="multipart/form-data",
    )
    response = upload.call(**browser)
    assert response.status_code == 201, response.text
    upload.validate_response(response, checks=CHECKS)
