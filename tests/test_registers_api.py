"""The registers over JSON: the same numbers, rules and refusals as the pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from registers.models import RegisterEntry
from tests.test_ballots_pages import client_for

pytestmark = pytest.mark.django_db

RESOLUTION = {
    "doc_type": "nghi_quyet",
    "summary": "Nghị quyết phiên họp Chính phủ thường kỳ tháng 11 năm 2026",
    "signer": "TM. Chính phủ, Thủ tướng Trần Đức Khiêm",
    "recipients": "Các Bộ, cơ quan ngang Bộ; UBND các tỉnh",
}


def test_the_secretariat_issues_and_cancels_and_readers_filter(cabinet):
    api = client_for(cabinet.secretary)
    url = f"/api/bodies/{cabinet.body.pk}/registers/out"
    first = api.post(url, RESOLUTION, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["number_symbol"] == "01/NQ-CP" and first.json()["direction"] == "out"
    second = api.post(url, RESOLUTION, content_type="application/json").json()
    cancelled = api.post(
        f"/api/register-entries/{first.json()['id']}/cancel",
        {"reason": "Ban hành nhầm"},
        content_type="application/json",
    )
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    listed = client_for(cabinet.archivist).get(url, {"q": "thuong ky"}).json()
    assert [e["number_symbol"] for e in listed] == [second["number_symbol"], "01/NQ-CP"]
    assert client_for(cabinet.archivist).get(url, {"year": 1999}).json() == []


def test_the_incoming_register_over_json(cabinet):
    api = client_for(cabinet.secretary)
    url = f"/api/bodies/{cabinet.body.pk}/registers/in"
    letter = {
        "sender": "Bộ Tài chính",
        "number_symbol": "123/BTC-PC",
        "document_date": timezone.localdate().isoformat(),
        "doc_type": "cong_van",
        "summary": "Về dự thảo Nghị định",
        "handler_id": cabinet.minister.pk,
    }
    done = api.post(url, letter, content_type="application/json")
    assert done.status_code == 201 and done.json()["number"] == 1
    unknown = api.post(url, {**letter, "handler_id": 10**9}, content_type="application/json")
    assert unknown.status_code == 422 and "handler_id" in unknown.json()["fields"]
    outsider = api.post(
        url, {**letter, "handler_id": cabinet.outsider.pk}, content_type="application/json"
    )
    assert outsider.status_code == 422 and "handler" in outsider.json()["fields"]
    assert RegisterEntry.objects.count() == 1


def test_refusals_are_clear_and_store_nothing(cabinet):
    url = f"/api/bodies/{cabinet.body.pk}/registers/out"
    member = client_for(cabinet.minister).post(url, RESOLUTION, content_type="application/json")
    assert member.status_code == 403 and member.json()["error"] == "forbidden"
    chair = client_for(cabinet.chair).post(url, RESOLUTION, content_type="application/json")
    assert chair.status_code == 403
    other = client_for(cabinet.outsider)
    assert other.post(url, RESOLUTION, content_type="application/json").status_code == 404
    assert other.get(url).status_code == 404
    api = client_for(cabinet.secretary)
    draft = api.post(
        url, {**RESOLUTION, "doc_type": "du_thao_nghi_dinh"}, content_type="application/json"
    )
    assert draft.status_code == 422 and "doc_type" in draft.json()["fields"]
    huge = api.post(url, {**RESOLUTION, "summary": "x" * 3000}, content_type="application/json")
    assert huge.status_code == 422
    assert api.post(url, "not json", content_type="application/json").status_code in (400, 422)
    assert api.get(f"/api/bodies/{cabinet.body.pk}/registers/sideways").status_code == 404
    assert not RegisterEntry.objects.exists()
