"""A closed vote's result in words: the outcome and the rule that decided it.

"Không được thông qua: 5 tán thành, cần ít nhất 12/22 thành viên" tells a member why a
vote failed; "Not adopted" alone does not. One function writes it for the room, the API
and the exports, from the result frozen when the vote closed (`Vote.result`, built from
`voting.rules.decide`), so the words always state the body's rule as it stood then:
the majority base (all members, those present, or the votes for and against) and the
tie-break (the chair's side, or a tie fails).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from voting.rules import ALL_MEMBERS, FAILS, PRESENT, VOTES_CAST, YES


def result_in_words(*, result: Mapping[str, Any]) -> str:
    """The outcome, then why: the votes in favour against the rule, or how a tie went."""
    counts = result.get("counts") or {}
    values = {
        "yes": counts.get("yes", 0),
        "no": counts.get("no", 0),
        "base": result["base"],
        "needed": result["needed"],
    }
    if result.get("tie") and result.get("decided_by") in ("chair_side", "tie_fails"):
        return _tie(result, values)
    if result["adopted"]:
        return _adopted(result["majority_base"], values)
    return _not_adopted(result["majority_base"], values)


def _adopted(base_rule: str, values: dict[str, int]) -> str:
    base = values["base"]
    if base_rule == PRESENT:
        text = ngettext(
            "Adopted: %(yes)d in favour of %(base)d member present (at least %(needed)d needed)",
            "Adopted: %(yes)d in favour of %(base)d members present (at least %(needed)d needed)",
            base,
        )
    elif base_rule == VOTES_CAST:
        text = ngettext(
            "Adopted: %(yes)d in favour of %(base)d vote for or against "
            "(at least %(needed)d needed)",
            "Adopted: %(yes)d in favour of %(base)d votes for or against "
            "(at least %(needed)d needed)",
            base,
        )
    else:
        _ensure_known(base_rule)
        text = ngettext(
            "Adopted: %(yes)d in favour of %(base)d member (at least %(needed)d needed)",
            "Adopted: %(yes)d in favour of %(base)d members (at least %(needed)d needed)",
            base,
        )
    return text % values


def _not_adopted(base_rule: str, values: dict[str, int]) -> str:
    base = values["base"]
    if base_rule == PRESENT:
        text = ngettext(
            "Not adopted: %(yes)d in favour, at least %(needed)d/%(base)d member present needed",
            "Not adopted: %(yes)d in favour, at least %(needed)d/%(base)d members present needed",
            base,
        )
    elif base_rule == VOTES_CAST:
        if base == 0:
            return _("Not adopted: nobody voted in favour or against")
        text = ngettext(
            "Not adopted: %(yes)d in favour, at least %(needed)d/%(base)d vote for or "
            "against needed",
            "Not adopted: %(yes)d in favour, at least %(needed)d/%(base)d votes for or "
            "against needed",
            base,
        )
    else:
        _ensure_known(base_rule)
        text = ngettext(
            "Not adopted: %(yes)d in favour, at least %(needed)d/%(base)d member needed",
            "Not adopted: %(yes)d in favour, at least %(needed)d/%(base)d members needed",
            base,
        )
    return text % values


def _tie(result: Mapping[str, Any], values: dict[str, int]) -> str:
    if result["decided_by"] == "chair_side":
        if result.get("chair_choice") == YES:
            text = _(
                "Adopted: %(yes)d in favour and %(no)d against, a tie settled by the "
                "chair's side (in favour)"
            )
        else:
            text = _(
                "Not adopted: %(yes)d in favour and %(no)d against, a tie settled by the "
                "chair's side (against)"
            )
    elif result.get("tie_break") == FAILS:
        text = _(
            "Not adopted: %(yes)d in favour and %(no)d against, a tie, and under the "
            "body's rules a tie fails"
        )
    else:
        text = _(
            "Not adopted: %(yes)d in favour and %(no)d against, a tie, and the chair "
            "voted neither in favour nor against"
        )
    return text % values


def _ensure_known(base_rule: str) -> None:
    if base_rule != ALL_MEMBERS:
        raise ValueError(f"unknown majority base {base_rule!r}")
