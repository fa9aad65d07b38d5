"""A date inside a notification's data is shown in Vietnam time, in the reader's
language style, from the project's one format per language."""

from __future__ import annotations

import pytest
from django.utils import translation

from notifications.kinds import render

DATA = {"ballot": "Data decree", "deadline": "2026-12-03T02:15:00+00:00"}  # 09:15 in Hanoi


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("vi", "Đề nghị trả lời trước 09:15, ngày 03/12/2026."),
        ("en", "Please answer before 09:15, 3 December 2026."),
    ],
)
def test_a_date_in_the_data_is_shown_in_vietnam_time_in_the_readers_style(language, expected):
    with translation.override(language):
        assert render(kind="ballot.opened", data=DATA).message == expected


def test_a_naive_or_broken_date_does_not_break_the_page():
    with translation.override("en"):
        naive = render(kind="ballot.opened", data={**DATA, "deadline": "2026-12-03T09:15:00"})
        broken = render(kind="ballot.opened", data={**DATA, "deadline": "soon"})
    assert naive.message == "Please answer before 09:15, 3 December 2026."
    assert broken.message == "Please answer before soon."
