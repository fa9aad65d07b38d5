"""Browser tests: Debian's Chromium driven by Playwright against a live server.

Playwright cannot download its own browsers here, so it launches /usr/bin/chromium with
flags that keep it off the network."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import language
from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TABLET_PORTRAIT = {"width": 768, "height": 1024}
TABLET_LANDSCAPE = {"width": 1024, "height": 768}
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "var/screenshots"))

# What a page shows after a click is awaited, never read at once: as long as the
# actions' own timeout, since both test passes share two cores.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _static_root_for_live_server(tmp_path_factory):
    # The live server is built once per session, before the per-test settings apply,
    # and WhiteNoise warns (an error here) when STATIC_ROOT does not exist.
    from django.test import override_settings

    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static")):
        yield


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module. Playwright's sync API runs an event loop in this
    thread while it is started, so it is stopped after each module: the socket tests
    that follow need to run their own loop."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run `make system`")
    from playwright.sync_api import sync_playwright

    # The ORM calls the tests make between browser steps are ordinary synchronous code,
    # which Django would refuse while that loop runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield WatchedBrowser(browser)
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Language leaks found by the contexts of the test that is running (tests/browser/language.py).
LEAKS: list[language.Leak] = []
# What the Content Security Policy refused on the test's pages: our pages never need it to.
REFUSED: list[str] = []


def _refused_by_policy(message) -> None:
    if "Content Security Policy" in message.text:
        REFUSED.append(message.text)


CHECKED: set[tuple[str, str]] = set()  # (path, language) pairs the running test has checked


class WatchedContext:
    """A browser context whose pages are checked for the other language; on close, every
    page it visited is opened again in Vietnamese and in English and checked too."""

    def __init__(self, context):
        self._context = context
        self._log = language.LanguageLog()
        language.watch(context, self._log)
        context.on("page", lambda page: page.on("console", _refused_by_policy))

    def __getattr__(self, name):
        return getattr(self._context, name)

    def close(self, *args, **kwargs):
        try:
            if _revisits_languages():
                language.revisit(self._context, self._log, CHECKED)
        finally:
            LEAKS.extend(self._log.leaks())
            self._context.close(*args, **kwargs)


def _revisits_languages() -> bool:
    """The pages' words do not depend on the database, so the revisit in both languages
    runs in the embedded default's pass only; the pages a test itself opens are checked
    for the other language in both passes."""
    from django.db import connection

    return connection.vendor == "sqlite"


class WatchedBrowser:
    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, *args, **kwargs):
        return WatchedContext(self._browser.new_context(*args, **kwargs))


@pytest.fixture(autouse=True)
def _one_language_per_page():
    """Fails a test whose pages mix languages (checked after its contexts close), or
    whose pages did something the Content Security Policy refused."""
    LEAKS.clear()
    CHECKED.clear()
    REFUSED.clear()
    yield
    found, LEAKS[:] = list(LEAKS), []
    refused, REFUSED[:] = list(REFUSED), []
    assert not found, "pages mix languages:\n" + "\n".join(map(str, found))
    assert not refused, "the Content Security Policy refused:\n" + "\n".join(refused)


@pytest.fixture(autouse=True)
def _service_worker(request, settings, monkeypatch):
    """Pages register the app's service worker only in tests marked `service_worker`:
    installing it fetches the whole app shell in every new browser context, a cost (and
    background traffic) the other tests need not pay. The Daphne processes some tests
    start read the same setting from the environment."""
    wanted = request.node.get_closest_marker("service_worker") is not None
    settings.PWA_SERVICE_WORKER = wanted
    monkeypatch.setenv("PWA_SERVICE_WORKER", "true" if wanted else "false")


@pytest.fixture
def tablet(browser, live_server):
    """Open a fresh browser context at tablet size; returns a factory of pages."""
    contexts = []

    def open_page(viewport=TABLET_PORTRAIT, locale="vi-VN"):
        context = browser.new_context(viewport=viewport, locale=locale, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def wait_for(page, script: str, arg=None, *, timeout: float = 15_000) -> None:
    """Wait until `script` (an expression or a function of `arg`) is true in the page.
    Playwright's wait_for_function polls through eval, which our Content Security Policy
    forbids; evaluate is not governed by the page's policy, so poll with it."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(script, arg):
                return
        except PlaywrightError as error:
            # The page navigated (a reload, a redirect) while asked: ask the new one.
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
        if time.monotonic() > deadline:
            raise PlaywrightTimeout(f"not true within {timeout:.0f} ms: {script}")
        page.wait_for_timeout(50)


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
