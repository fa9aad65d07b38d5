"""The minutes page: who sees what, the editor and its history, the preview, the PIN
form, and the link from a closed meeting's page."""

from __future__ import annotations

import pytest

from minutes.models import Minutes, MinutesDraft
from tests.minutes_helpers import drafted, issued, run_meeting
from tests.roles import client_for

pytestmark = pytest.mark.django_db


def test_a_closed_meeting_links_to_its_minutes_with_the_draft_ready(cabinet):
    meeting = run_meeting(cabinet)
    detail = client_for(cabinet, "minister").get(f"/meetings/{meeting.pk}/")
    assert 'data-testid="minutes-link"' in detail.content.decode()
    secretary = client_for(cabinet, "secretary")
    page = secretary.get(f"/minutes/meeting/{meeting.pk}/").content.decode()
    assert 'data-testid="draft-form"' in page and 'data-testid="start-draft"' not in page


def test_the_secretariat_drafts_by_hand_when_closing_built_no_draft(cabinet):
    meeting = run_meeting(cabinet)
    Minutes.objects.filter(meeting=meeting).delete()  # as for a meeting closed before
    secretary = client_for(cabinet, "secretary")
    page = secretary.get(f"/minutes/meeting/{meeting.pk}/")
    assert page.status_code == 200 and 'data-testid="start-draft"' in page.content.decode()
    started = secretary.post(f"/minutes/meeting/{meeting.pk}/draft/")
    assert started.status_code == 302 and Minutes.objects.count() == 1
    page = secretary.get(f"/minutes/meeting/{meeting.pk}/").content.decode()
    assert 'data-testid="draft-form"' in page and 'data-testid="history"' in page


@pytest.mark.parametrize(("role", "status"), [("guest", 404), ("outsider", 404)])
def test_guests_and_other_bodies_do_not_see_the_minutes(cabinet, role, status):
    minutes = drafted(cabinet)
    client = client_for(cabinet, role)
    assert client.get(f"/minutes/meeting/{minutes.meeting_id}/").status_code == status
    assert client.post(f"/minutes/meeting/{minutes.meeting_id}/save/").status_code == status
    assert MinutesDraft.objects.count() == 1


def test_a_member_reads_the_page_without_the_editor_and_cannot_save(cabinet):
    minutes = drafted(cabinet)
    client = client_for(cabinet, "minister")
    page = client.get(f"/minutes/meeting/{minutes.meeting_id}/")
    assert page.status_code == 200 and 'data-testid="draft-form"' not in page.content.decode()
    assert client.post(f"/minutes/meeting/{minutes.meeting_id}/save/", {}).status_code == 403
    assert client.get(f"/minutes/meeting/{minutes.meeting_id}/preview.pdf").status_code == 403
    assert MinutesDraft.objects.count() == 1


def test_saving_keeps_a_new_draft_and_a_stale_editor_is_told(cabinet):
    minutes = drafted(cabinet)
    item_id = minutes.facts["items"][0]["id"]
    client = client_for(cabinet, "secretary")
    url = f"/minutes/meeting/{minutes.meeting_id}/save/"
    form = {"based_on": "1", "opening": "Mở đầu", f"summary-{item_id}": "Tóm tắt"}
    assert client.post(url, form).status_code == 302
    stale = client.post(url, {**form, "opening": "Khác"})
    assert stale.status_code == 409 and "Draft 2 was saved" in stale.content.decode()
    assert "Khác" in stale.content.decode()  # the input is kept
    assert list(minutes.drafts.order_by("number").values_list("number", flat=True)) == [1, 2]
    preview = client.get(f"/minutes/meeting/{minutes.meeting_id}/preview.pdf")
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")


def test_the_named_secretary_gets_the_pin_form_and_the_chair_waits(cabinet):
    minutes = issued(cabinet)
    url = f"/minutes/meeting/{minutes.meeting_id}/"
    secretary_page = client_for(cabinet, "secretary").get(url).content.decode()
    assert 'data-testid="sign-form"' in secretary_page and "/sign/secretary/" in secretary_page
    chair = client_for(cabinet, "chair")
    assert 'data-testid="sign-form"' not in chair.get(url).content.decode()
    refused = chair.post(f"{url}sign/chair/", {"sign-pin": "123456"})
    assert refused.status_code == 409 and "in order" in refused.content.decode()
    pdf = client_for(cabinet, "minister").get(f"/minutes/{minutes.pk}/file.pdf")
    assert pdf.status_code == 200 and pdf["X-Version-SHA256"] == minutes.current_version.sha256
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client_for(cabinet, "guest").get(f"/minutes/{minutes.pk}/file.pdf").status_code == 404
    assert Minutes.objects.get().state == "secretary"
