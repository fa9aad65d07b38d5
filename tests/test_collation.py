"""Names are in the order a Vietnamese reader expects: the body's protocol order first (the
Prime Minister, the Deputy Prime Ministers, the ministers in the Government's order), then
given names collated in Vietnamese, never code points ("Hoàng" before "Hà")."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from ballots.forms import BallotForm
from ballots.models import Ballot
from ballots.selectors import ballot_recipients
from demo.data import GOVERNMENT
from meetings.models import Meeting
from meetings.selectors import attendance_list, positions_summary
from minutes.facts import meeting_facts
from people.collation import given_name, sort_people, vietnamese_key
from people.models import Body, Role, User
from people.selectors import body_members, body_people
from tests import pki_fixtures
from tests.factories import BodyFactory, UserFactory, grant

dev_pki, signing_settings = pki_fixtures.dev_pki, pki_fixtures.signing_settings

DEMO = {p.username: p.full_name for p in GOVERNMENT.people}

# The Government's protocol order, as the demo's members (Resolution 176/2025/QH15).
PROTOCOL = [
    "thutuong",
    "pttg1",
    "pttg2",
    "pttg3",
    "pttg4",
    "bt.quocphong",
    "bt.congan",
    "bt.ngoaigiao",
    "bt.noivu",
    "bt.tuphap",
    "bt.taichinh",
    "bt.congthuong",
    "bt.nnmt",
    "bt.xaydung",
    "bt.vhttdl",
    "bt.khcn",
    "bt.gddt",
    "bt.yte",
    "bt.dttg",
    "thongdoc",
    "tongthanhtra",
    "cn.vpcp",
]


def before(first: str, second: str) -> bool:
    return vietnamese_key(first) < vietnamese_key(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("bt.vhttdl", "pttg3"),  # Hà Thị Mai Phương before Hoàng Văn Thịnh
        ("pttg2", "bt.yte"),  # Phạm Thị Minh Nguyệt before Phan Thanh Liêm
        ("bt.quocphong", "bt.tuphap"),  # Tạ Văn Chiến before Trịnh Xuân Bách
        ("bt.congan", "bt.vhttdl"),  # Đinh Công Bằng before Hà Thị Mai Phương: Đ follows D
    ],
)
def test_the_demos_names_collate_in_vietnamese_not_by_code_point(first, second):
    assert before(DEMO[first], DEMO[second])
    assert not DEMO[first] < DEMO[second]  # what code points said


def test_letters_with_a_mark_follow_their_base_letter_and_tones_come_second():
    assert before("An", "Ăn") and before("Ăn", "Ân") and before("Ân", "Bảo")
    assert before("Dũng", "Đào") and before("Đào", "Em")
    assert before(DEMO["bt.taichinh"], DEMO["pttg4"])  # Dương Hoài Nam, Đặng Quang Vinh
    assert before("Hà", "Hải") and before("Hạnh", "Hoa")
    assert before("Nguyễn Văn 2", "Nguyễn Văn 10")  # numbers as numbers


def test_without_a_protocol_order_people_are_sorted_by_given_name_then_full_name(db):
    people = [
        UserFactory(username=u, full_name=DEMO[u]) for u in ("pttg1", "pttg2", "pttg3", "pttg4")
    ]
    people.append(UserFactory(username="other", full_name="Bùi Văn Toàn"))
    ordered = [u.username for u in sort_people(people)]
    # Nguyệt, Thịnh, Toàn (Bùi before Nguyễn), Vinh.
    assert ordered == ["pttg2", "pttg3", "other", "pttg1", "pttg4"]
    assert given_name(DEMO["pttg2"]) == "Nguyệt"


def test_a_bodys_protocol_order_comes_first_and_people_it_does_not_rank_come_last(db):
    body = BodyFactory()
    ranked = UserFactory(username="z", full_name="Vũ Văn Yên")
    grant(ranked, body, Role.MEMBER)
    body.memberships.filter(user=ranked).update(sort_order=1)
    same_rank = [grant(UserFactory(full_name=n), body, Role.MEMBER) for n in ("Lê Hà", "Lý An")]
    outsider = UserFactory(full_name="Âu An")
    ordered = sort_people([outsider, *same_rank, ranked], body=body)
    assert [u.full_name for u in ordered] == ["Vũ Văn Yên", "Lý An", "Lê Hà", "Âu An"]


@pytest.fixture
def demo(db, signing_settings):
    call_command("seed_demo", stdout=io.StringIO())
    return Body.objects.get(name=GOVERNMENT.name)


def usernames(users) -> list[str]:
    return [u.get_username() for u in users]


def test_the_demo_ranks_the_government_in_protocol_order_everywhere_names_are_listed(demo):
    members = sort_people(body_members(body=demo), body=demo)
    assert usernames(members) == PROTOCOL
    everyone = usernames(sort_people(body_people(body=demo), body=demo))
    assert everyone[: len(PROTOCOL)] == PROTOCOL  # then deputies, secretariat, the others

    meeting = Meeting.objects.get(body=demo, title__startswith="Phiên họp Chính phủ thường kỳ")
    seated = [a["user_id"] for a in attendance_list(meeting=meeting) if a["kind"] == "member"]
    assert usernames(User.objects.get(pk=pk) for pk in seated) == PROTOCOL
    not_marked = positions_summary(meeting=meeting)[0].not_marked
    assert not_marked[0].username == "thutuong"
    assert usernames(not_marked) == [u for u in PROTOCOL if u in usernames(not_marked)]

    ballot = Ballot.objects.get(body=demo, state="open")
    rows = [r["member"] for r in ballot_recipients(ballot=ballot)]
    assert rows == [DEMO[u] for u in PROTOCOL]
    offered = [label for _value, label in BallotForm(body=demo).fields["recipients"].choices]
    assert offered[0].startswith(DEMO["thutuong"]) and offered[5].startswith(DEMO["bt.quocphong"])


def test_the_demo_minutes_list_the_present_in_protocol_order(demo):
    closed = Meeting.objects.get(body=demo, state=Meeting.State.CLOSED)
    present = [p["name"] for p in meeting_facts(meeting=closed)["attendance"]["present"]]
    assert present and present[0] == DEMO["thutuong"]
    ranks = [list(DEMO.values()).index(name) for name in present]
    assert ranks == sorted(ranks)


def test_the_meeting_page_lists_participants_in_protocol_order(demo):
    meeting = Meeting.objects.get(body=demo, title__startswith="Phiên họp Chính phủ thường kỳ")
    client = Client()
    client.force_login(User.objects.get(username="vpcp"))
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    places = [page.index(f">{DEMO[u]}<") for u in PROTOCOL]
    assert places == sorted(places)
