"""A vote's result in words (voting/words.py): the outcome and the rule that decided it,
for every majority base and tie-break, in Vietnamese and in English; and the same words
reach the API, the exports and the room."""

# ruff: noqa: F811  (fixtures imported from tests/test_voting_support.py)

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation

from tests.roles import client_for
from tests.test_voting_support import absent, item, live, open_vote  # noqa: F401
from voting import services
from voting.rules import ALL_MEMBERS, CHAIR_SIDE, FAILS, PRESENT, VOTES_CAST, Counts, decide
from voting.words import result_in_words


def result(yes, no, abstain=0, *, rule=ALL_MEMBERS, tie_break=CHAIR_SIDE, members=22,
           present=22, chair=None):  # fmt: skip
    """A result as vote_close stores it (voting/services.py `_result`)."""
    counts = Counts(yes, no, abstain)
    decision = decide(
        counts=counts,
        rule=rule,
        tie_break=tie_break,
        members_total=members,
        present=present,
        chair_choice=chair,
    )
    return {
        "counts": {"yes": yes, "no": no, "abstain": abstain},
        "members_total": members,
        "present": present,
        "majority_base": rule,
        "tie_break": tie_break,
        **decision.as_dict(),
    }


def words(language, **kwargs):
    args = {k: kwargs.pop(k) for k in ("yes", "no", "abstain") if k in kwargs}
    with translation.override(language):
        return result_in_words(result=result(**args, **kwargs))


# --- Every majority base, adopted and not ---------------------------------------------


def test_a_vote_that_fails_against_all_members_says_how_many_were_needed():
    assert words("vi", yes=5, no=0) == (
        "Không được thông qua: 5 tán thành, cần ít nhất 12/22 thành viên"
    )
    assert words("en", yes=5, no=0) == ("Not adopted: 5 in favour, at least 12/22 members needed")


def test_a_vote_adopted_against_all_members_says_of_how_many():
    assert words("vi", yes=15, no=3) == (
        "Được thông qua: 15 tán thành trên 22 thành viên (cần ít nhất 12)"
    )
    assert words("en", yes=15, no=3) == ("Adopted: 15 in favour of 22 members (at least 12 needed)")


def test_the_base_of_those_present_is_named_as_such():
    kwargs = {"rule": PRESENT, "present": 15}
    assert words("vi", yes=8, no=7, **kwargs) == (
        "Được thông qua: 8 tán thành trên 15 thành viên có mặt (cần ít nhất 8)"
    )
    assert words("vi", yes=7, no=2, **kwargs) == (
        "Không được thông qua: 7 tán thành, cần ít nhất 8/15 thành viên có mặt"
    )
    assert words("en", yes=8, no=7, **kwargs) == (
        "Adopted: 8 in favour of 15 members present (at least 8 needed)"
    )
    assert words("en", yes=7, no=2, **kwargs) == (
        "Not adopted: 7 in favour, at least 8/15 members present needed"
    )


def test_the_base_of_votes_cast_leaves_abstentions_out():
    assert words("vi", yes=6, no=4, abstain=9, rule=VOTES_CAST) == (
        "Được thông qua: 6 tán thành trên 10 phiếu tán thành và không tán thành (cần ít nhất 6)"
    )
    assert words("vi", yes=4, no=5, abstain=9, rule=VOTES_CAST) == (
        "Không được thông qua: 4 tán thành, cần ít nhất 5/9 phiếu tán thành và không tán thành"
    )
    assert words("en", yes=6, no=4, abstain=9, rule=VOTES_CAST) == (
        "Adopted: 6 in favour of 10 votes for or against (at least 6 needed)"
    )
    assert words("en", yes=4, no=5, rule=VOTES_CAST) == (
        "Not adopted: 4 in favour, at least 5/9 votes for or against needed"
    )


def test_nobody_voting_for_or_against_is_said_plainly():
    assert words("vi", yes=0, no=0, abstain=3, rule=VOTES_CAST) == (
        "Không được thông qua: không có phiếu tán thành hoặc không tán thành"
    )
    assert words("en", yes=0, no=0, abstain=3, rule=VOTES_CAST) == (
        "Not adopted: nobody voted in favour or against"
    )


def test_a_base_of_one_reads_in_the_singular_in_english():
    assert words("en", yes=1, no=0, members=1, present=1) == (
        "Adopted: 1 in favour of 1 member (at least 1 needed)"
    )


# --- Ties -----------------------------------------------------------------------------


def test_a_tie_settled_by_the_chairs_side_names_the_side():
    assert words("vi", yes=11, no=11, chair="yes") == (
        "Được thông qua: 11 tán thành và 11 không tán thành, số phiếu ngang nhau, "
        "quyết định theo ý kiến của chủ tọa (tán thành)"
    )
    assert words("vi", yes=11, no=11, chair="no") == (
        "Không được thông qua: 11 tán thành và 11 không tán thành, số phiếu ngang nhau, "
        "quyết định theo ý kiến của chủ tọa (không tán thành)"
    )
    assert words("en", yes=11, no=11, chair="yes") == (
        "Adopted: 11 in favour and 11 against, a tie settled by the chair's side (in favour)"
    )
    assert words("en", yes=11, no=11, chair="no") == (
        "Not adopted: 11 in favour and 11 against, a tie settled by the chair's side (against)"
    )


def test_a_tie_where_the_chair_took_no_side_fails_and_says_so():
    assert words("vi", yes=3, no=3, chair="abstain") == (
        "Không được thông qua: 3 tán thành và 3 không tán thành, số phiếu ngang nhau và "
        "chủ tọa không biểu quyết tán thành hay không tán thành"
    )
    assert words("en", yes=3, no=3, chair=None) == (
        "Not adopted: 3 in favour and 3 against, a tie, and the chair voted neither in favour "
        "nor against"
    )


def test_a_tie_under_a_body_whose_ties_fail_cites_the_rule():
    assert words("vi", yes=4, no=4, rule=VOTES_CAST, tie_break=FAILS, chair="yes") == (
        "Không được thông qua: 4 tán thành và 4 không tán thành, số phiếu ngang nhau thì "
        "không được thông qua theo quy chế"
    )
    assert words("en", yes=4, no=4, rule=VOTES_CAST, tie_break=FAILS) == (
        "Not adopted: 4 in favour and 4 against, a tie, and under the body's rules a tie fails"
    )


def test_a_majority_is_not_called_a_tie():
    # 12 of 22 in favour pass on their own, even were the chair against.
    assert words("en", yes=12, no=10, chair="no").startswith("Adopted: 12 in favour of 22")


# --- The words reach the API, the exports and the room --------------------------------


@pytest.fixture
def closed_vote(cabinet, item):
    vote = open_vote(cabinet, item)
    services.ballot_cast(actor=cabinet.members[1], vote_id=vote.pk, choice="yes")
    return services.vote_close(actor=cabinet.chair, vote_id=vote.pk)


def test_a_closed_vote_carries_its_words_in_the_readers_language(cabinet, closed_vote):
    client = client_for(cabinet, "minister")
    shown = client.get(f"/api/votes/{closed_vote.pk}", HTTP_ACCEPT_LANGUAGE="vi").json()
    assert shown["result_words"] == "Không được thông qua: 1 tán thành, cần ít nhất 4/6 thành viên"
    shown = client.get(f"/api/votes/{closed_vote.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert shown["result_words"] == "Not adopted: 1 in favour, at least 4/6 members needed"


def test_an_open_vote_has_no_words_yet(cabinet, item):
    vote = open_vote(cabinet, item)
    shown = client_for(cabinet, "minister").get(f"/api/votes/{vote.pk}").json()
    assert shown["result_words"] is None


def test_the_exports_carry_the_words(cabinet, closed_vote):
    client = client_for(cabinet, "minister")
    body = client.get(f"/api/votes/{closed_vote.pk}/result.json").json()
    assert body["result_words"] == result_in_words(result=closed_vote.result)
    response = client.get(f"/api/votes/{closed_vote.pk}/result.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[-1] == ["result_words", body["result_words"]]
