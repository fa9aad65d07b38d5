"""Counting a written ballot, as pure functions: no database, no clock.

Each question is decided on its own with the body's rules (voting.rules.decide):
"agree" counts for, "disagree" against, and an "other opinion" is neither (like an
abstention: it is an answer, so it counts as taking part, but not as a side). On a tie
under "the chair's side", the chair's answer to that question decides; a chair who gave
another opinion, or did not answer, has no side, and the question fails.

Which answers count is the body's rule (`Body.ballot_answer_must_be_signed`, frozen onto
the ballot when it opens): where an answer must be signed, a submitted answer that is not
signed is listed with its state and the reason, and counts neither as a side nor as taking
part; where it need not be, a submitted answer counts as a signed one does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from voting.rules import ABSTAIN, NO, YES, Counts, decide

AGREE, DISAGREE, OTHER = "agree", "disagree", "other"
CHOICES = (AGREE, DISAGREE, OTHER)
AS_VOTE = {AGREE: YES, DISAGREE: NO, OTHER: ABSTAIN}
# The legal text of the forms and reports is Vietnamese whatever the reader's language.
LABELS_VI = {AGREE: "Đồng ý", DISAGREE: "Không đồng ý", OTHER: "Ý kiến khác"}

# An answer's state as the tally sees it, and why it is or is not counted.
SIGNED, SUBMITTED, NOT_ANSWERED = "signed", "submitted", "not_answered"
STATES_VI = {
    SIGNED: "Đã ký",
    SUBMITTED: "Đã gửi, chưa ký",
    NOT_ANSWERED: "Không trả lời",
}
REASONS_VI = {
    "signed": "Được tính: phiếu đã ký",
    "submitted_counts": "Được tính: quy chế không đòi hỏi phiếu phải được ký",
    "unsigned": "Không được tính: quy chế đòi hỏi phiếu phải được ký",
    "not_answered": "Không được tính: không trả lời trước hạn",
}


@dataclass(frozen=True)
class AnswerRow:
    """One final answer: who, and per question number (choice, text)."""

    member_id: int
    member: str
    choices: dict[int, tuple[str, str]]
    state: str = SIGNED  # SIGNED or SUBMITTED


@dataclass(frozen=True)
class AnswerLine:
    """Every recipient in the report: their answer's state, counted or not, and why."""

    member: str
    state: str  # SIGNED, SUBMITTED or NOT_ANSWERED
    counted: bool
    reason: str  # a key of REASONS_VI

    @property
    def state_vi(self) -> str:
        return STATES_VI[self.state]

    @property
    def reason_vi(self) -> str:
        return REASONS_VI[self.reason]


@dataclass
class QuestionTally:
    number: int
    text: str
    agree: int
    disagree: int
    other: int
    adopted: bool
    base: int
    needed: int
    tie: bool
    decided_by: str
    chair_choice: str | None
    other_opinions: list[dict[str, str]] = field(default_factory=list)

    @property
    def outcome_vi(self) -> str:
        return "Được thông qua" if self.adopted else "Không được thông qua"

    @property
    def tie_vi(self) -> str:
        if self.decided_by == "chair_side":
            side = LABELS_VI[AGREE] if self.chair_choice == YES else LABELS_VI[DISAGREE]
            return f"quyết định theo ý kiến của người chủ trì ({side})"
        return (
            "người chủ trì không có ý kiến đồng ý hoặc không đồng ý, nội dung không được thông qua"
        )


@dataclass
class BallotTally:
    recipients: int
    answered: int  # answers received (submitted or signed), counted or not
    counted: int  # the answers the rule counts: they take part and take sides
    members_total: int
    majority_base: str
    tie_break: str
    questions: list[QuestionTally]
    respondents: list[str]
    non_respondents: list[str]
    # The rule applied, the submitted answers left out by it, and every recipient's line.
    must_be_signed: bool = False
    unsigned: list[str] = field(default_factory=list)
    lines: list[AnswerLine] = field(default_factory=list)

    @property
    def not_answered(self) -> int:
        return len(self.non_respondents)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["not_answered"] = self.not_answered
        return data


def tally_compute(
    *,
    questions: list[tuple[int, str]],
    answers: list[AnswerRow],
    non_respondents: list[str],
    members_total: int,
    majority_base: str,
    tie_break: str,
    chair_id: int | None,
    must_be_signed: bool = False,
) -> BallotTally:
    """`answers`: the submitted and signed answers, in the order to list them;
    `must_be_signed`: the body's rule, whether a submitted answer must be signed to count."""
    given = answers
    answers = [a for a in given if a.state == SIGNED or not must_be_signed]
    unsigned = [a.member for a in given if a.state != SIGNED and must_be_signed]
    lines = [
        AnswerLine(
            member=a.member,
            state=a.state,
            counted=a.state == SIGNED or not must_be_signed,
            reason="signed"
            if a.state == SIGNED
            else ("unsigned" if must_be_signed else "submitted_counts"),
        )
        for a in given
    ] + [AnswerLine(m, NOT_ANSWERED, False, "not_answered") for m in non_respondents]
    chair_row = next((a for a in answers if a.member_id == chair_id), None)
    results = []
    for number, text in questions:
        picked = [a.choices.get(number, ("", ""))[0] for a in answers]
        counts = {c: picked.count(c) for c in CHOICES}
        chair_pick = chair_row.choices.get(number, ("", ""))[0] if chair_row else None
        decision = decide(
            counts=Counts(yes=counts[AGREE], no=counts[DISAGREE], abstain=counts[OTHER]),
            rule=majority_base,
            tie_break=tie_break,
            members_total=members_total,
            present=len(answers),
            chair_choice=AS_VOTE.get(chair_pick or ""),
        )
        opinions = [
            {"member": a.member, "text": a.choices[number][1]}
            for a in answers
            if a.choices.get(number, ("", ""))[0] == OTHER
        ]
        results.append(
            QuestionTally(
                number=number,
                text=text,
                agree=counts[AGREE],
                disagree=counts[DISAGREE],
                other=counts[OTHER],
                adopted=decision.adopted,
                base=decision.base,
                needed=decision.needed,
                tie=decision.tie,
                decided_by=decision.decided_by,
                chair_choice=decision.chair_choice,
                other_opinions=opinions,
            )
        )
    return BallotTally(
        recipients=len(given) + len(non_respondents),
        answered=len(given),
        counted=len(answers),
        members_total=members_total,
        majority_base=majority_base,
        tie_break=tie_break,
        questions=results,
        respondents=[a.member for a in answers],
        non_respondents=non_respondents,
        must_be_signed=must_be_signed,
        unsigned=unsigned,
        lines=lines,
    )
