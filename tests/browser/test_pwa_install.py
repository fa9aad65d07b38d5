"""The installable app in a real Chromium at 768×1024 on a real Daphne: a signed-in page
links a valid manifest whose icons load, registers the service worker, which controls the
page (after a reload too), keeps the app shell and never a paper or an API answer, serves
the shell from its cache, falls back to the kept briefcase page (or a short notice) when a
page is opened with no network, and deletes its caches when told to wipe."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from bench.common import session_keys
from tests.browser import test_room as room_support
from tests.browser.conftest import TABLET_PORTRAIT, screenshot, wait_for
from tests.browser.test_reader_tablet import paper, shows  # noqa: F401 (a fixture)
from tests.browser.test_room import needs_daphne, off_the_loop

daphne = room_support.daphne
pytestmark = [
    needs_daphne,
    pytest.mark.django_db(transaction=True),
    pytest.mark.service_worker,
]

CONTROLLED = "navigator.serviceWorker.controller !== null"
CACHED_URLS = """async () => {
  const names = await caches.keys();
  const urls = [];
  for (const name of names) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return {names, urls};
}"""


@pytest.fixture(autouse=True)
def _daphne_reads_our_media(settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


@pytest.fixture
def app_context(browser, daphne):
    contexts = []

    def open_context(user):
        context = browser.new_context(viewport=TABLET_PORTRAIT, locale="vi-VN", base_url=daphne)
        context.set_default_timeout(20_000)
        contexts.append(context)
        (key,) = off_the_loop(session_keys, [user])
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": daphne}])
        return context

    yield open_context
    for context in contexts:
        context.set_offline(False)
        context.close()


def test_the_app_installs_controls_its_pages_and_keeps_only_its_shell(
    cabinet,
    paper,  # noqa: F811
    app_context,
):
    context = app_context(cabinet.members[1])
    pad = context.new_page()
    pad.goto("/")

    # The manifest is linked, valid, and its icons load.
    manifest = pad.evaluate(
        """async () => {
            const link = document.querySelector("link[rel=manifest]");
            const response = await fetch(link.href);
            const data = await response.json();
            const icons = await Promise.all(data.icons.map(async (icon) => {
                const r = await fetch(icon.src);
                return [r.status, r.headers.get("content-type"), icon.sizes];
            }));
            return {type: response.headers.get("content-type"), data, icons,
                    theme: document.querySelector("meta[name=theme-color]").content};
        }"""
    )
    assert manifest["type"] == "application/manifest+json"
    assert manifest["data"]["display"] == "standalone" and manifest["data"]["start_url"] == "/"
    assert manifest["theme"] == manifest["data"]["theme_color"]
    assert {tuple(icon) for icon in manifest["icons"]} == {
        (200, "image/png", "192x192"),
        (200, "image/png", "512x512"),
    }

    # The worker registers for the whole site and controls the page, after a reload too.
    wait_for(pad, CONTROLLED, timeout=30_000)
    pad.reload()
    wait_for(pad, CONTROLLED)
    worker = pad.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.getRegistration();
            return [registration.scope, navigator.serviceWorker.controller.scriptURL];
        }"""
    )
    assert urlsplit(worker[0]).path == "/"
    assert worker[1].endswith("/sw.js")

    kept = pad.evaluate(CACHED_URLS)
    assert len(kept["names"]) == 1 and kept["names"][0].startswith("ecabinet-shell-")
    for needed in [
        "/static/js/reader.js",
        "/static/vendor/pdfjs/pdf.min.mjs",
        "/static/css/ecabinet.css",
    ]:
        assert needed in kept["urls"], needed

    # Reading a paper through the worker: the reader works, and the paper is not kept.
    pad.goto(f"/meetings/{paper.meeting_id}/papers/{paper.pk}/read/")
    shows(pad, 1)
    pad.click("[data-testid=reader-next]")
    shows(pad, 2)
    kept = pad.evaluate(CACHED_URLS)
    assert not [url for url in kept["urls"] if "/papers/" in url or url.startswith("/api/")]
    assert not [url for url in kept["urls"] if not url.startswith(("/static/", "/briefcase/"))]
    screenshot(pad, "pwa-1-reader-through-the-worker-768x1024")

    # No network: the shell still comes from the cache, and a page falls back.
    briefcase = pad.evaluate(
        "async () => { const r = await caches.match('/briefcase/'); return r ? r.text() : null; }"
    )
    context.set_offline(True)
    from_cache = pad.evaluate("async () => (await fetch('/static/js/reader.js')).status")
    assert from_cache == 200
    pad.goto("/meetings/")
    if briefcase is None:
        assert "Không có kết nối mạng" in pad.inner_text("body")
    else:
        assert pad.content().count("<") > 10 and "briefcase" in pad.content()
    screenshot(pad, "pwa-2-offline-768x1024")
    context.set_offline(False)

    # A wipe deletes every cache of the app.
    pad.goto("/")
    wait_for(pad, CONTROLLED)
    pad.evaluate("() => window.ecabinetPwa.wipe()")
    assert pad.evaluate(CACHED_URLS)["names"] == []
