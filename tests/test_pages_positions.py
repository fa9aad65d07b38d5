"""Marking positions before the meeting, and the summary the secretariat and chair read."""

from __future__ import annotations

from django.urls import reverse

from ecabinet.audit.models import AuditEntry
from meetings import services
from meetings.models import Position


def position_url(item):
    return reverse("meetings:position", args=[item.meeting_id, item.pk])


def test_a_minister_marks_a_position_and_sees_it_saved(client, cabinet, meeting):
    item = meeting.items.first()
    client.force_login(cabinet.minister)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert f'data-testid="position-form-{item.pk}"'.encode() in page.content

    response = client.post(position_url(item), {"stance": "wish_to_speak", "comment": ""})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")
    position = Position.objects.get(item=item, member=cabinet.minister)
    assert position.stance == Position.Stance.WISH_TO_SPEAK

    content = client.get(response["Location"]).content.decode()
    assert f'data-testid="saved-position-{item.pk}" data-stance="wish_to_speak"' in content


def test_objecting_without_a_comment_is_shown_again_and_stores_nothing(client, cabinet, meeting):
    item = meeting.items.first()
    client.force_login(cabinet.minister)
    response = client.post(position_url(item), {"stance": "object", "comment": "  "})
    assert response.status_code == 422
    content = response.content.decode()
    assert 'data-testid="field-error-comment"' in content
    assert f'data-testid="position-form-{item.pk}"' in content
    assert not Position.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="position.").exists()


def test_an_objection_with_its_reason_is_stored(client, cabinet, meeting):
    item = meeting.items.first()
    client.force_login(cabinet.minister)
    client.post(position_url(item), {"stance": "object", "comment": "Chưa đủ cơ sở pháp lý"})
    position = Position.objects.get()
    assert (position.stance, position.comment) == ("object", "Chưa đủ cơ sở pháp lý")


def test_those_who_do_not_hold_a_seat_cannot_mark_positions(client, cabinet, meeting):
    item = meeting.items.first()
    for user in [cabinet.observer, cabinet.assistant, cabinet.secretary]:
        client.force_login(user)
        page = client.get(reverse("meetings:detail", args=[meeting.pk]))
        assert b"position-form-" not in page.content
        response = client.post(position_url(item), {"stance": "no_objection"})
        assert response.status_code == 403, user
    client.force_login(cabinet.outsider)
    assert client.post(position_url(item), {"stance": "no_objection"}).status_code == 404
    assert not Position.objects.exists()


def test_positions_cannot_be_marked_once_the_meeting_has_started(client, cabinet, meeting):
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    item = meeting.items.first()
    client.force_login(cabinet.minister)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert b"position-form-" not in page.content
    assert client.post(position_url(item), {"stance": "no_objection"}).status_code == 409


def test_the_summary_counts_stances_and_flags_consent_items(client, cabinet, meeting):
    first, second = meeting.items.order_by("order")
    for member in cabinet.members:
        services.position_mark(actor=member, item=first, stance="no_objection")
    services.position_mark(actor=cabinet.members[1], item=second, stance="object", comment="Lý do")
    services.position_mark(actor=cabinet.members[2], item=second, stance="wish_to_speak")

    client.force_login(cabinet.secretary)
    content = client.get(reverse("meetings:positions", args=[meeting.pk])).content.decode()
    assert f'data-testid="summary-item-{first.pk}" data-consent="yes"' in content
    assert f'data-testid="summary-item-{second.pk}" data-consent="no"' in content
    second_part = content[content.index(f"summary-item-{second.pk}") :]
    assert 'data-testid="count-object">1<' in second_part
    assert 'data-testid="count-wish_to_speak">1<' in second_part
    assert 'data-testid="count-not-marked">4<' in second_part
    assert "Lý do" in second_part


def test_the_chair_reads_the_summary_but_a_minister_does_not(client, cabinet, meeting):
    url = reverse("meetings:positions", args=[meeting.pk])
    client.force_login(cabinet.chair)
    assert client.get(url).status_code == 200
    client.force_login(cabinet.minister)
    assert client.get(url).status_code == 403


def test_saving_without_choosing_a_position_asks_for_one(client, cabinet, meeting):
    client.force_login(cabinet.minister)
    response = client.post(position_url(meeting.items.first()), {"comment": "Ý kiến"})
    assert response.status_code == 422
    assert b'data-testid="field-error-stance"' in response.content
    assert not Position.objects.exists()


def test_a_person_without_a_seat_is_refused_even_with_an_empty_form(client, cabinet, meeting):
    client.force_login(cabinet.observer)
    assert client.post(position_url(meeting.items.first()), {}).status_code == 403


def test_a_malformed_position_from_someone_without_a_seat_is_refused(client, cabinet, meeting):
    client.force_login(cabinet.observer)
    response = client.post(position_url(meeting.items.first()), {"stance": "bogus"})
    assert response.status_code == 403


def test_switching_language_on_a_page_shown_again_returns_to_the_meeting(client, cabinet, meeting):
    client.force_login(cabinet.minister)
    response = client.post(position_url(meeting.items.first()), {"stance": "object"})
    detail = reverse("meetings:detail", args=[meeting.pk])
    assert f'name="next" value="{detail}"'.encode() in response.content
