"""The pages at tablet sizes in a real browser: they fit, and fingers can hit them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings.models import Position
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, login, screenshot

TABLETS = [TABLET_PORTRAIT, TABLET_LANDSCAPE]
IDS = ["portrait", "landscape"]


@pytest.mark.parametrize("size", TABLETS, ids=IDS)
def test_a_minister_is_asked_for_the_reason_before_an_objection_is_sent(
    transactional_db, tablet, cabinet, meeting, size
):
    item = meeting.items.order_by("order").first()
    page = tablet(viewport=size)
    login(page, cabinet.minister.username)
    page.click(f"[data-testid=meeting-link-{meeting.pk}]")
    form = page.locator(f"[data-testid=position-form-{item.pk}]")

    form.locator("[data-testid=stance-object]").click()
    form.locator(f"[data-testid=position-submit-{item.pk}]").click()
    assert form.locator("textarea[name=comment]").evaluate("e => e.matches(':invalid')")
    assert not Position.objects.exists()

    form.locator("textarea[name=comment]").fill("Cần đánh giá tác động kỹ hơn")
    form.locator(f"[data-testid=position-submit-{item.pk}]").click()
    saved = page.locator(f"[data-testid=saved-position-{item.pk}]")
    assert saved.get_attribute("data-stance") == "object"
    assert Position.objects.get().comment == "Cần đánh giá tác động kỹ hơn"
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]


@pytest.mark.parametrize("size", TABLETS, ids=IDS)
def test_the_secretariat_pages_fit_a_tablet_and_buttons_fit_a_finger(
    transactional_db, tablet, cabinet, meeting, size
):
    page = tablet(viewport=size)
    login(page, cabinet.secretary.username)
    m = meeting.pk
    for name, args in [
        ("dashboard", []),
        ("meetings:detail", [m]),
        ("meetings:paper_new", [m]),
        ("meetings:positions", [m]),
        ("meetings:leave", [m]),
    ]:
        page.goto(reverse(name, args=args))
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], name
        small = page.evaluate(
            """[...document.querySelectorAll('.btn')]
                 .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
                 .map(b => b.dataset.testid || b.textContent.trim())"""
        )
        assert small == [], name
        screenshot(page, f"secretariat-{name.replace(':', '-')}-{size['width']}x{size['height']}")
