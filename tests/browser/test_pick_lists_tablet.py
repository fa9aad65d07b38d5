"""At tablet size, a minister delegating a written ballot is offered only the deputies of
their own ministry, and the secretariat adding an agenda item is offered only people who
may present, in the body's protocol order."""

from __future__ import annotations

import pytest

from people.models import Membership
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, login, screenshot
from tests.factories import deputy_of
from tests.test_ballots_helpers import open_ballot

SIZES = [("768x1024", TABLET_PORTRAIT), ("1024x768", TABLET_LANDSCAPE)]


def option_labels(page, name: str) -> list[str]:
    return page.eval_on_selector_all(
        f"select[name={name}] option", "els => els.filter(e => e.value).map(e => e.textContent)"
    )


@pytest.fixture
def ranked_cabinet(cabinet):
    """The cabinet with a protocol order: the chair first, then the ministers in turn."""
    for n, member in enumerate(cabinet.members):
        Membership.objects.filter(body=cabinet.body, user=member).update(sort_order=10 * (n + 1))
    cabinet.deputies = [
        deputy_of(cabinet.minister, cabinet.body, "tt.yen", full_name="Vũ Thị Yến"),
        deputy_of(cabinet.minister, cabinet.body, "tt.an", full_name="Ông Văn An"),
        deputy_of(cabinet.members[2], cabinet.body, "tt.tuphap", full_name="Hà Văn Bình"),
    ]
    return cabinet


@pytest.mark.parametrize(("size", "viewport"), SIZES)
def test_the_ballot_delegation_offers_only_the_ministrys_deputies(
    transactional_db, tablet, ranked_cabinet, size, viewport
):
    cabinet = ranked_cabinet
    ballot = open_ballot(cabinet)
    page = tablet(viewport=viewport)
    login(page, cabinet.minister.username)
    page.goto(f"/ballots/{ballot.pk}/")
    page.click("[data-testid=my-delegation-box] summary")
    form = page.locator("[data-testid=my-delegation-form]")
    form.scroll_into_view_if_needed()
    assert option_labels(page, "deputy") == [
        "Ông Văn An, Thứ trưởng",
        "Vũ Thị Yến, Thứ trưởng",
    ]
    page.select_option("select[name=deputy]", label="Ông Văn An, Thứ trưởng")
    form.locator("[name=reason]").fill("Đi công tác nước ngoài")
    screenshot(page, f"pick-ballot-delegation-{size}")
    page.click("[data-testid=record-my-delegation]")
    page.wait_for_selector("[data-testid=my-delegation]")


@pytest.mark.parametrize(("size", "viewport"), SIZES)
def test_the_item_form_offers_presenters_in_protocol_order_and_refuses_a_mismatch(
    transactional_db, tablet, ranked_cabinet, meeting, size, viewport
):
    cabinet = ranked_cabinet
    page = tablet(viewport=viewport)
    login(page, cabinet.secretary.username)
    page.goto(f"/meetings/{meeting.pk}/items/new/")
    offered = option_labels(page, "presenter")
    ranked = [m.display_name for m in cabinet.members]
    assert offered[: len(ranked)] == ranked  # the chair first, the ministers in turn
    assert cabinet.archivist.display_name not in offered
    assert cabinet.auditor.display_name not in offered
    page.fill("input[name=title]", "Dự án Luật Thuế thu nhập cá nhân (sửa đổi)")
    page.fill("input[name=presenting_agency]", "Bộ Tài chính")
    page.select_option("select[name=presenter]", str(cabinet.members[2].pk))  # Bộ Tư pháp
    page.click("[data-testid=submit]")
    error = page.locator("[data-testid=field-error-presenter]")
    error.wait_for()
    assert "Bộ Tài chính" in error.inner_text()
    screenshot(page, f"pick-agenda-item-{size}")
    assert not meeting.items.filter(title__startswith="Dự án Luật Thuế").exists()


@pytest.mark.parametrize(("size", "viewport"), SIZES)
def test_the_secretariat_records_a_delegation_only_to_the_members_ministry(
    transactional_db, tablet, ranked_cabinet, size, viewport
):
    cabinet = ranked_cabinet
    ballot = open_ballot(cabinet)
    page = tablet(viewport=viewport)
    login(page, cabinet.secretary.username)
    page.goto(f"/ballots/{ballot.pk}/")
    members = option_labels(page, "member")
    assert members == [m.display_name for m in cabinet.members]  # protocol order
    assert option_labels(page, "deputy") == [  # by given name: An, Bình, Yến
        "Ông Văn An, Thứ trưởng",
        "Hà Văn Bình, Thứ trưởng",
        "Vũ Thị Yến, Thứ trưởng",
    ]
    form = page.locator("[data-testid=delegation-form]")
    form.locator("select[name=member]").select_option(str(cabinet.minister.pk))
    form.locator("select[name=deputy]").select_option(label="Hà Văn Bình, Thứ trưởng")
    form.locator("[name=reason]").fill("Bộ trưởng nằm viện")
    page.click("[data-testid=record-delegation]")
    error = page.locator("[data-testid=field-error-deputy]")
    error.wait_for()
    assert "Bộ Tài chính" in error.inner_text()
    error.scroll_into_view_if_needed()
    screenshot(page, f"pick-ballot-delegation-secretariat-{size}")
