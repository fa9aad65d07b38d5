"""The Content Security Policy holds in a real browser: a script injected into a page
(as a stored cross-site script would be) does not run, and the browser says why. Every
other browser test fails if the policy refuses anything on our own pages."""

from __future__ import annotations

import pytest

from tests.browser import conftest
from tests.browser.conftest import TABLET_PORTRAIT, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_injected_inline_script_does_not_run(tablet, cabinet):
    page = tablet(TABLET_PORTRAIT)
    login(page, cabinet.minister.username)
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__injected = true";
            document.body.appendChild(script);
            const div = document.createElement("div");
            div.innerHTML = '<img src="x:" onerror="window.__injected = true">';
            document.body.appendChild(div);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__injected === undefined")
    refused, conftest.REFUSED[:] = list(conftest.REFUSED), []  # expected here, not a failure
    assert any("inline script" in text or "script-src" in text for text in refused), refused
