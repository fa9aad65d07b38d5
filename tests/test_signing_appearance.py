# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""What a signature looks like: the agency's round seal and the signer's block, rendered
by WeasyPrint, read back with poppler's `pdftotext -bbox`: every word lies inside the
seal's inner ring or the block's frame, and the whole name and time are there."""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
from dataclasses import dataclass
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from people.models import Body
from signing import appearance, services
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    dev_pki,
    make_document,
    signers,
    signing_settings,
    version_bytes,
)

MOMENT = dt.datetime(2026, 11, 22, 22, 40, 18, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SIXTY = "Ủy ban nhân dân thành phố Hồ Chí Minh và các sở ngành trực thuộc"
SEAL_NAMES = [
    "Bộ Tài chính",
    "Văn phòng Chính phủ",
    "Ủy ban nhân dân tỉnh Lào Cai",
    "Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam",
    SIXTY,
]
SEAL_SIZE = 94  # a 64 pt signer's block plus 30, as seal_placement makes it
# The inner ring: radius 42.5 with a 0.9 stroke, in a 100-unit drawing.
INNER_EDGE = (42.5 - 0.45) / 100


@dataclass(frozen=True)
class Word:
    text: str
    x1: float
    y1: float
    x2: float
    y2: float


def words_of(data: bytes, tmp_path) -> tuple[float, float, list[Word]]:
    path = tmp_path / "stamp.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    width, height = map(float, re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out).groups())
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out
    )
    return width, height, [Word(unescape(t), *map(float, box)) for *box, t in found]


def lines_of(words: list[Word]) -> list[str]:
    rows: dict[float, list[Word]] = {}
    for word in words:
        rows.setdefault(round(word.y1, 1), []).append(word)
    return [
        " ".join(w.text for w in sorted(row, key=lambda w: w.x1)) for _, row in sorted(rows.items())
    ]


def outside_circle(words: list[Word], size: float) -> list[tuple[str, float]]:
    centre, limit = size / 2, INNER_EDGE * size
    far = []
    for word in words:
        reach = max(
            math.hypot(x - centre, y - centre)
            for x in (word.x1, word.x2)
            for y in (word.y1, word.y2)
        )
        if reach > limit:
            far.append((word.text, round(reach - limit, 2)))
    return far


@pytest.mark.parametrize("agency", SEAL_NAMES)
def test_the_seal_keeps_the_whole_name_and_the_time_inside_its_inner_ring(agency, tmp_path):
    data = appearance.seal_stamp_pdf(agency=agency, moment=MOMENT, size=SEAL_SIZE)
    width, height, words = words_of(data, tmp_path)
    assert (width, height) == (SEAL_SIZE, SEAL_SIZE)
    assert outside_circle(words, SEAL_SIZE) == []
    lines = lines_of(words)
    assert lines[-2:] == ["2026-11-22", "22:40:18+07:00"]
    name_lines = lines[:-2]
    assert 1 <= len(name_lines) <= 3
    assert " ".join(name_lines) == agency.upper()


def test_a_longer_name_gets_a_smaller_size_or_more_lines_never_a_wider_one():
    short = appearance.seal_name_layout("Bộ Tài chính")
    long = appearance.seal_name_layout(SIXTY)
    assert len(SIXTY) >= 60
    assert short[0] > long[0]
    assert len(short[1]) < len(long[1]) == 3


def test_a_name_longer_than_three_lines_ends_with_an_ellipsis_inside_the_ring(tmp_path):
    agency = " ".join(["Ban chỉ đạo quốc gia về chuyển đổi số và phát triển Chính phủ số"] * 3)
    data = appearance.seal_stamp_pdf(agency=agency, moment=MOMENT, size=SEAL_SIZE)
    _w, _h, words = words_of(data, tmp_path)
    assert outside_circle(words, SEAL_SIZE) == []
    lines = lines_of(words)
    assert len(lines) == 5 and lines[2].endswith("…")
    assert agency.upper().startswith(" ".join(lines[:3]).removesuffix("…"))


def test_a_single_word_wider_than_the_ring_is_cut_with_an_ellipsis(tmp_path):
    agency = "Bộ" + "Tàichính" * 20
    data = appearance.seal_stamp_pdf(agency=agency, moment=MOMENT, size=SEAL_SIZE)
    _w, _h, words = words_of(data, tmp_path)
    assert outside_circle(words, SEAL_SIZE) == []
    lines = lines_of(words)
    assert len(lines) == 5 and lines[2].endswith("…")
    assert agency.upper().startswith("".join(lines[:3]).removesuffix("…"))


def test_the_seal_fits_also_when_it_is_drawn_smaller(tmp_path):
    data = appearance.seal_stamp_pdf(agency=SIXTY, moment=MOMENT, size=60)
    _w, _h, words = words_of(data, tmp_path)
    assert outside_circle(words, 60) == []
    assert " ".join(lines_of(words)[:-2]) == SIXTY.upper()


BLOCKS = [
    ("Nguyễn Văn A", "Bộ trưởng"),
    ("Trần Thị Phương Thảo Nguyễn", "Phó Thủ tướng Chính phủ, Chủ tịch Ủy ban Quốc gia"),
    (
        "Công Tôn Nữ Thị Hoàng Phương Thảo Nguyễn",
        "Phó Chủ nhiệm Văn phòng Chính phủ, Trưởng Ban chỉ đạo cải cách hành chính",
    ),
    ("Lê Minh Khái", ""),
]


@pytest.mark.parametrize(("name", "title"), BLOCKS)
@pytest.mark.parametrize("box", [(0, 0, 230, 64), (300, 80, 500, 140)])
def test_the_signers_block_keeps_every_word_in_its_frame_and_right_of_the_seal(
    name, title, box, tmp_path
):
    width, height = box[2] - box[0], box[3] - box[1]
    data = appearance.personal_stamp_pdf(name=name, title=title, moment=MOMENT, box=box)
    page_w, page_h, words = words_of(data, tmp_path)
    assert (page_w, page_h) == (width, height)
    border = 0.8
    for word in words:
        # Clear of the left third, which the agency's seal covers (Decree 30/2020).
        assert word.x1 >= width / 3, word
        assert word.x2 <= width - border and word.y1 >= border and word.y2 <= height - border, word
    lines = lines_of(words)
    assert lines[0] == "Ký bởi:"
    assert lines[-2:] == ["Thời gian ký:", "22/11/2026 22:40:18 +07:00"]
    text = " ".join(lines[1:-2])
    assert text == f"{name} {title}".strip()


def test_the_stamps_use_points_not_the_vietnamese_decimal_comma(tmp_path):
    with translation.override("vi"):
        seal = appearance.seal_stamp_pdf(agency=SIXTY, moment=MOMENT, size=SEAL_SIZE)
        block = appearance.personal_stamp_pdf(
            name=BLOCKS[2][0], title=BLOCKS[2][1], moment=MOMENT, box=(0, 0, 230, 64)
        )
    _w, _h, seal_words = words_of(seal, tmp_path)
    assert outside_circle(seal_words, SEAL_SIZE) == []
    assert " ".join(lines_of(seal_words)[:-2]) == SIXTY.upper()
    _w, _h, block_words = words_of(block, tmp_path)
    assert "22/11/2026 22:40:18 +07:00" in lines_of(block_words)


@pytest.mark.django_db
def test_a_signed_and_sealed_pdf_puts_the_seal_over_the_left_third_of_the_block(signers):
    Body.objects.filter(pk=signers.body.pk).update(name=SIXTY)
    signers.body.refresh_from_db()
    document = make_document(signers.body, signers.secretary)
    v2 = services.version_sign(actor=signers.chair, version=document.latest_version(), pin=USER_PIN)
    v3 = services.version_sign(
        actor=signers.secretary, version=v2, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    fields = {f.name: f for f in appearance.signature_fields(version_bytes(v3))}
    block, seal = fields["Signature1"].box, fields["Seal2"].box
    assert fields["Signature1"].page == fields["Seal2"].page
    seal_centre_x, seal_centre_y = (seal[0] + seal[2]) / 2, (seal[1] + seal[3]) / 2
    assert block[0] <= seal_centre_x <= block[0] + (block[2] - block[0]) / 3
    assert block[1] <= seal_centre_y <= block[3]
    assert seal[2] - seal[0] == seal[3] - seal[1] > block[3] - block[1]
