"""Every kind of notification is written when it is read, in the reader's language:
Vietnamese words for a Vietnamese reader, English for an English one, dates in Vietnam
time in each language's style; rows from before keep the words they were sent with."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from notifications.kinds import KINDS, ensure_renderable, render, when

DEADLINE = "2026-12-03T02:15:00+00:00"  # 09:15 in Hanoi

# Data as the services store it. Its own text is plain ASCII, so any Vietnamese in an
# English rendering (or English in a Vietnamese one) comes from our sentences.
SAMPLES: dict[str, dict] = {
    "ballot.approval": {"ballot": "Data decree"},
    "ballot.returned": {"ballot": "Data decree", "note": "Add question 3"},
    "ballot.opened": {"ballot": "Data decree", "deadline": DEADLINE},
    "ballot.reminder": {"ballot": "Data decree", "deadline": DEADLINE},
    "ballot.closed": {"ballot": "Data decree"},
    "ballot.reopened": {"ballot": "Data decree", "reason": "Typo in Q1"},
    "ballot.delegated": {"ballot": "Data decree", "member": "Duong Hoai Nam"},
    "ballot.delegation_withdrawn": {"ballot": "Data decree", "member": "Duong Hoai Nam"},
    "meeting.published": {
        "body": "Cabinet",
        "meeting": "December session",
        "starts_at": DEADLINE,
        "place": "Hall A",
    },
    "meeting.invited": {"meeting": "December session", "items": ["Budget", "Roads"]},
    "leave.requested": {"member": "Duong Hoai Nam", "meeting": "December session", "reason": ""},
    "leave.decided": {"meeting": "December session", "approved": True, "note": ""},
    "circulation.started": {
        "summary": "Draft decree on data",
        "author": "Le Thi Hoa",
        "deadline": DEADLINE,
    },
    "circulation.version_added": {"summary": "Draft decree on data", "number": 2, "answers": 3},
    "circulation.commented": {"summary": "Draft decree on data", "text": "Agree"},
    "circulation.closed": {"summary": "Draft decree on data"},
    "circulation.to_sign": {"summary": "Draft decree on data", "number": 3, "signed_by": "Le Hoa"},
    "circulation.to_seal": {"summary": "Draft decree on data", "number": 3, "signed_by": "Le Hoa"},
    "minutes.to_sign": {
        "meeting": "December session",
        "number": "01/BB-CP",
        "signed_by": "Le Thi Hoa",
    },
    "minutes.to_seal": {
        "meeting": "December session",
        "number": "01/BB-CP",
        "signed_by": "Tran Duc Khiem",
    },
    "resolution_task.due_soon": {
        "task": "Draft the data decree",
        "agency": "Ministry of Finance",
        "resolution": "15/NQ-CP",
        "deadline": "2026-12-06",
        "days": 3,
    },
    "resolution_task.overdue": {
        "task": "Draft the data decree",
        "agency": "Ministry of Finance",
        "resolution": "15/NQ-CP",
        "deadline": "2026-12-01",
        "days": 2,
    },
    "resolution_task.reopened": {
        "task": "Draft the data decree",
        "resolution": "December session",
        "reason": "Annex missing",
    },
}

VIETNAMESE_LETTER = re.compile(r"[^\x00-\x7f]")
WORD = re.compile(r"[A-Za-z]{3,}")


def rendered(kind: str, language: str, data: dict | None = None) -> str:
    with translation.override(language):
        words = render(kind=kind, data=data or SAMPLES[kind])
    return f"{words.title}\n{words.message}"


def data_words(data: dict) -> set[str]:
    return {w.lower() for w in WORD.findall(repr(data))}


def test_every_registered_kind_has_a_sample_here():
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_the_english_rendering_has_no_vietnamese(kind):
    text = rendered(kind, "en")
    assert not VIETNAMESE_LETTER.search(text), text


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_the_vietnamese_rendering_has_no_english(kind):
    text = rendered(kind, "vi")
    assert VIETNAMESE_LETTER.search(text), text
    ours = {w.lower() for w in WORD.findall(rendered(kind, "en"))} - data_words(SAMPLES[kind])
    assert ours, "the English sentence has words of its own"
    leaked = ours & {w.lower() for w in WORD.findall(text)}
    assert not leaked, f"{text!r} keeps English words {leaked}"


def test_the_same_row_reads_in_each_language():
    data = {"ballot": "Dự thảo Nghị định về dữ liệu", "deadline": DEADLINE}
    assert rendered("ballot.opened", "vi", data).startswith("Phiếu lấy ý kiến: Dự thảo")
    assert rendered("ballot.opened", "en", data).startswith("Written ballot: Dự thảo")


def test_a_refused_leave_says_refused():
    data = {**SAMPLES["leave.decided"], "approved": False}
    assert "refused" in rendered("leave.decided", "en", data)
    assert "không được chấp thuận" in rendered("leave.decided", "vi", data)


def test_an_invitation_without_a_place_has_no_dangling_comma():
    data = {**SAMPLES["meeting.published"], "place": ""}
    with translation.override("en"):
        assert rendered("meeting.published", "en", data).endswith(f"{when(DEADLINE)}.")


def test_a_row_from_before_kinds_had_data_keeps_its_stored_words():
    words = render(
        kind="meeting.published", data={}, title="Giấy mời: Phiên họp", message="Kính mời"
    )
    assert (words.title, words.message) == ("Giấy mời: Phiên họp", "Kính mời")


def test_a_row_whose_data_does_not_fit_falls_back_instead_of_failing_the_page():
    words = render(kind="ballot.opened", data={"unexpected": 1}, title="Phiếu lấy ý kiến")
    assert words.title == "Phiếu lấy ý kiến"
    assert render(kind="no.such.kind", data={"x": 1}).title == "no.such.kind"


def test_sending_an_unknown_kind_or_incomplete_data_is_refused():
    with pytest.raises(ValueError, match="Unknown notification kind"):
        ensure_renderable(kind="no.such.kind", data={})
    with pytest.raises(KeyError):
        ensure_renderable(kind="ballot.opened", data={"ballot": "x"})
