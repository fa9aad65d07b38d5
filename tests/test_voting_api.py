# ruff: noqa: F811  (fixtures imported from tests/test_voting_support.py)
"""Votes over the JSON API: statuses by role, idempotent ballots, the viewer's state,
and the CSV and JSON exports."""

from __future__ import annotations

import csv
import io

import pytest

from tests.roles import ROLES_AND_ANONYMOUS, client_for
from tests.test_voting_support import (  # noqa: F401
    absent,
    add_deputy,
    item,
    live,
    open_vote,
    receipt,
    secret_choices,
)
from voting.models import Ballot, Vote

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def ballot(client, vote, choice, client_id="tablet-0001", **extra):
    return post(
        client,
        f"/api/votes/{vote.pk}/ballot",
        {"choice": choice, "client_id": client_id, **extra},
    )


@pytest.mark.parametrize(
    ("role", "status"),
    zip(
        ROLES_AND_ANONYMOUS,
        [201, 403, 403, 404, 404, 403, 403, 404, 404, 401],
        strict=True,
    ),
)
def test_only_the_chair_opens_a_vote(cabinet, item, role, status):
    response = post(
        client_for(cabinet, role), f"/api/items/{item.pk}/votes", {"question": "Thông qua?"}
    )
    assert response.status_code == status, response.json()
    assert Vote.objects.count() == (1 if status == 201 else 0)


def test_an_opened_vote_is_described(cabinet, item):
    response = post(
        client_for(cabinet, "chair"),
        f"/api/items/{item.pk}/votes",
        {"question": "Thông qua?", "mode": "secret", "hide_tally": True},
    )
    body = response.json()
    assert {k: body[k] for k in ("item_id", "question", "mode", "hide_tally", "state")} == {
        "item_id": item.pk,
        "question": "Thông qua?",
        "mode": "secret",
        "hide_tally": True,
        "state": "open",
    }
    assert (body["seats"], body["cast"], body["counts"], body["may_vote"]) == (6, 0, None, True)


def test_a_ballot_sent_twice_with_one_client_id_is_stored_once(cabinet, item):
    vote = open_vote(cabinet, item)
    client = client_for(cabinet, "minister")
    first = ballot(client, vote, "yes")
    again = ballot(client, vote, "yes")
    assert first.status_code == again.status_code == 200
    assert first.json() == {
        "vote_id": vote.pk,
        "member_id": cabinet.minister.pk,
        "cast_by_id": cabinet.minister.pk,
        "secret": False,
        "changed": False,
        "manual": False,
        "choice": "yes",
        "replayed": False,
    }
    assert again.json() == {**first.json(), "replayed": True}
    changed = ballot(client, vote, "no", client_id="tablet-0002").json()
    assert (changed["changed"], changed["choice"]) == (True, "no")
    assert list(Ballot.objects.values_list("choice", "changes")) == [("no", 1)]


@pytest.mark.parametrize(
    ("role", "status"),
    zip(
        ROLES_AND_ANONYMOUS,
        [200, 403, 200, 404, 404, 403, 403, 404, 404, 401],
        strict=True,
    ),
)
def test_who_may_cast_a_ballot(cabinet, item, role, status):
    vote = open_vote(cabinet, item)
    assert ballot(client_for(cabinet, role), vote, "yes").status_code == status


def test_refusals_have_the_right_status(cabinet, item):
    vote = open_vote(cabinet, item)
    minister = client_for(cabinet, "minister")
    assert ballot(minister, vote, "perhaps").status_code == 422
    other = ballot(minister, vote, "yes", member_id=cabinet.members[2].pk)
    assert (other.status_code, other.json()["error"]) == (403, "forbidden")
    assert ballot(minister, vote, "yes", client_id="short").status_code == 422
    assert (
        post(
            minister,
            f"/api/votes/{vote.pk + 99}/ballot",
            {"choice": "yes", "client_id": "tablet-0009"},
        ).status_code
        == 404
    )
    assert post(minister, f"/api/votes/{vote.pk}/close").status_code == 403
    assert post(client_for(cabinet, "chair"), f"/api/votes/{vote.pk}/close").status_code == 200
    late = ballot(minister, vote, "yes", client_id="tablet-0003")
    assert (late.status_code, late.json()["error"]) == (409, "conflict")
    assert post(client_for(cabinet, "chair"), f"/api/votes/{vote.pk}/close").status_code == 409


def test_a_secret_ballot_over_http_answers_without_the_choice(cabinet, item):
    vote = open_vote(cabinet, item, mode="secret")
    client = client_for(cabinet, "minister")
    body = ballot(client, vote, "no", receipt=receipt()).json()
    assert (body["secret"], body["choice"]) == (True, None)
    view = client.get(f"/api/votes/{vote.pk}").json()
    assert (view["cast"], view["counts"], view["my_ballot"]) == (
        1,
        None,
        {"choice": None, "cast_by_id": cabinet.minister.pk, "manual": False},
    )
    assert ballot(client, vote, "yes", client_id="tablet-0004").status_code == 422
    assert secret_choices() == ["no"]


def test_manual_votes_over_http(cabinet, item):
    vote = open_vote(cabinet, item)
    data = {"member_id": cabinet.members[4].pk, "choice": "yes", "reason": "Không có máy"}
    url = f"/api/votes/{vote.pk}/manual"
    assert post(client_for(cabinet, "minister"), url, data).status_code == 403
    assert post(client_for(cabinet, "outsider"), url, data).status_code == 404
    assert post(client_for(cabinet, "secretary"), url, {**data, "reason": ""}).status_code == 422
    response = post(client_for(cabinet, "secretary"), url, data)
    assert response.status_code == 200
    assert (response.json()["manual"], response.json()["choice"]) == (True, "yes")


def test_the_viewer_sees_their_ballot_and_the_tally_unless_hidden(cabinet, item):
    vote = open_vote(cabinet, item, hide_tally=True)
    minister = client_for(cabinet, "minister")
    ballot(minister, vote, "abstain")
    view = minister.get(f"/api/votes/{vote.pk}").json()
    assert (view["counts"], view["cast"], view["my_ballot"]["choice"]) == (None, 1, "abstain")
    assert client_for(cabinet, "secretary").get(f"/api/votes/{vote.pk}").json()["counts"] == {
        "yes": 0,
        "no": 0,
        "abstain": 1,
    }
    assert client_for(cabinet, "outsider").get(f"/api/votes/{vote.pk}").status_code == 404
    post(client_for(cabinet, "chair"), f"/api/votes/{vote.pk}/close")
    closed = minister.get(f"/api/votes/{vote.pk}").json()
    assert closed["counts"] == {"yes": 0, "no": 0, "abstain": 1}
    assert closed["result"]["adopted"] is False
    assert closed["may_vote"] is False


def _closed_named_vote(cabinet, item):
    vote = open_vote(cabinet, item, question="Thông qua Nghị định?")
    for n, member in enumerate(cabinet.members[:4]):
        ballot(
            client_for(cabinet, "chair") if n == 0 else _client(member),
            vote,
            "yes",
            client_id=f"tablet-10{n}0",
        )
    post(
        client_for(cabinet, "secretary"),
        f"/api/votes/{vote.pk}/manual",
        {"member_id": cabinet.members[4].pk, "choice": "no", "reason": "Ốm"},
    )
    post(client_for(cabinet, "chair"), f"/api/votes/{vote.pk}/close")
    return vote


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_the_result_exports_as_json(cabinet, item):
    vote = _closed_named_vote(cabinet, item)
    body = client_for(cabinet, "minister").get(f"/api/votes/{vote.pk}/result.json").json()
    assert body["vote"]["question"] == "Thông qua Nghị định?"
    assert body["result"]["counts"] == {"yes": 4, "no": 1, "abstain": 0}
    assert (body["result"]["adopted"], body["result"]["needed"]) == (True, 4)
    by_member = {row["member_id"]: row for row in body["seats"]}
    assert len(by_member) == 6
    manual = by_member[cabinet.members[4].pk]
    assert (manual["choice"], manual["manual"], manual["reason"], manual["recorded_by"]) == (
        "no",
        True,
        "Ốm",
        str(cabinet.secretary),
    )
    assert by_member[cabinet.members[5].pk]["voted"] is False


def test_the_result_exports_as_csv(cabinet, item):
    vote = _closed_named_vote(cabinet, item)
    response = client_for(cabinet, "minister").get(f"/api/votes/{vote.pk}/result.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "member_id",
        "member",
        "voted",
        "choice",
        "cast_by",
        "delegated",
        "counted",
        "manual",
        "recorded_by",
        "reason",
    ]
    seats = rows[1:7]
    manual = next(r for r in seats if r[0] == str(cabinet.members[4].pk))
    assert manual[2:] == [
        "True",
        "no",
        str(cabinet.members[4]),
        "False",
        "True",
        "True",
        str(cabinet.secretary),
        "Ốm",
    ]
    assert rows[7] == []
    summary = dict(r for r in rows[8:])
    assert (summary["yes"], summary["no"], summary["adopted"], summary["decided_by"]) == (
        "4",
        "1",
        "True",
        "majority",
    )


def test_a_secret_export_says_who_voted_never_how(cabinet, item):
    vote = open_vote(cabinet, item, mode="secret")
    ballot(client_for(cabinet, "minister"), vote, "yes", receipt=receipt())
    post(client_for(cabinet, "chair"), f"/api/votes/{vote.pk}/close")
    body = client_for(cabinet, "minister").get(f"/api/votes/{vote.pk}/result.json").json()
    assert body["result"]["counts"]["yes"] == 1
    assert {(r["voted"], r["choice"]) for r in body["seats"]} == {(True, None), (False, None)}


def test_an_open_vote_does_not_export(cabinet, item):
    vote = open_vote(cabinet, item)
    for fmt in ("csv", "json"):
        response = client_for(cabinet, "chair").get(f"/api/votes/{vote.pk}/result.{fmt}")
        assert response.status_code == 409
