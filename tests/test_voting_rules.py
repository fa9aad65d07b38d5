"""The counting rules, as pure functions: majority bases, ties, abstentions."""

import pytest

from voting.rules import Counts, decide, majority_base, needed_for


def run(
    yes, no, abstain=0, *, rule="all_members", tie="chair_side", total=27, present=27, chair=None
):
    return decide(
        counts=Counts(yes, no, abstain),
        rule=rule,
        tie_break=tie,
        members_total=total,
        present=present,
        chair_choice=chair,
    )


@pytest.mark.parametrize(("base", "needed"), [(27, 14), (26, 14), (1, 1), (2, 2), (0, 1)])
def test_more_than_half_is_the_floor_of_half_plus_one(base, needed):
    assert needed_for(base) == needed


def test_a_majority_of_all_members_is_needed_not_of_those_present():
    decision = run(13, 2, present=15)
    assert (decision.adopted, decision.base, decision.needed) == (False, 27, 14)
    assert run(14, 0, present=15).adopted


def test_a_majority_of_those_present():
    decision = run(8, 7, rule="present", present=15)
    assert (decision.adopted, decision.base, decision.needed, decision.decided_by) == (
        True,
        15,
        8,
        "majority",
    )


def test_abstentions_count_against_a_base_of_members_but_not_of_votes_cast():
    assert not run(5, 4, 6, rule="present", present=15).adopted
    decision = run(5, 4, 6, rule="votes_cast")
    assert (decision.adopted, decision.base) == (True, 9)
    assert (
        majority_base(rule="votes_cast", counts=Counts(5, 4, 6), members_total=27, present=15) == 9
    )


def test_a_tie_goes_the_chairs_way():
    yes = run(13, 13, 1, chair="yes")
    assert (yes.adopted, yes.tie, yes.decided_by, yes.chair_choice) == (
        True,
        True,
        "chair_side",
        "yes",
    )
    no = run(13, 13, 1, chair="no")
    assert (no.adopted, no.decided_by) == (False, "chair_side")


def test_a_tie_fails_when_the_body_says_so_or_the_chair_has_no_side():
    assert run(13, 13, tie="fails", chair="yes").decided_by == "tie_fails"
    assert not run(13, 13, tie="fails", chair="yes").adopted
    for chair in (None, "abstain"):
        decision = run(13, 13, chair=chair)
        assert (decision.adopted, decision.decided_by, decision.chair_choice) == (
            False,
            "tie_fails",
            None,
        )


def test_nobody_voting_is_no_tie_and_no_majority():
    decision = run(0, 0, 3, chair="yes")
    assert (decision.adopted, decision.tie, decision.decided_by) == (False, False, "no_majority")


def test_a_tie_that_is_already_a_majority_cannot_happen_but_majority_wins_first():
    # 2 of 3 present in favour with a base of those present: no tie to settle.
    assert run(2, 1, rule="present", present=3).decided_by == "majority"


def test_counts_of_a_list_of_choices():
    counts = Counts.of(["yes", "no", "yes", "abstain"])
    assert (counts.yes, counts.no, counts.abstain, counts.cast) == (2, 1, 1, 4)


def test_an_unknown_base_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown majority base"):
        run(1, 0, rule="nonsense")
