"""The installable app: the web app manifest and the service worker, both at the site root.

The service worker (static/sw.js) is served by a view rather than from /static/ so that it
controls every page (scope "/") and so that it carries the list of the app shell it keeps:
the static files of js/, css/, vendor/pdfjs/ and icons/ by the URLs the staticfiles storage
gives them, plus the briefcase page. The cache is named after a digest of those URLs and of
the files' contents, so any change to the shell installs a new worker, which replaces the
old cache. Nothing else is cached: the API and the papers' files go to the network only
(papers kept offline live in the briefcase's encrypted store, never in Cache Storage).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

SHELL_DIRS = ("js/", "css/", "vendor/pdfjs/", "icons/")
SHELL_TYPES = (".js", ".mjs", ".css", ".png", ".svg", ".woff2")
# Never answered by the worker, not even offline: data, sockets and the papers' files.
NETWORK_ONLY = ("/api/", "/ws/")
THEME_COLOUR = "#8b1c1c"  # --red in static/css/ecabinet.css
BACKGROUND_COLOUR = "#f5f2ec"  # --bg


def _shell_files() -> list[tuple[str, str]]:
    """(static path, sha256 of its content) of every file of the app shell, sorted."""
    found: dict[str, str] = {}
    for finder in finders.get_finders():
        for path, storage in finder.list(["*/README*", "*/LICENSE*", ".*"]):
            name = path.replace("\\", "/")
            if name in found or not name.startswith(SHELL_DIRS):
                continue
            if not name.endswith(SHELL_TYPES):
                continue
            with storage.open(path) as handle:
                found[name] = hashlib.sha256(handle.read()).hexdigest()
    return sorted(found.items())


@cache
def _shell_cached() -> tuple[tuple[str, ...], str]:
    return _shell()


def _shell() -> tuple[tuple[str, ...], str]:
    files = _shell_files()
    urls = tuple(staticfiles_storage.url(name) for name, _digest in files)
    digest = hashlib.sha256()
    for url, (_name, content) in zip(urls, files, strict=True):
        digest.update(f"{url}\0{content}\n".encode())
    return urls, digest.hexdigest()[:16]


def shell() -> tuple[tuple[str, ...], str]:
    """The app shell's static URLs and their version. Read once per process, except in
    development, where the files change under the running server."""
    return _shell() if settings.DEBUG else _shell_cached()


def offline_page() -> str:
    """The page offline navigation falls back to: the briefcase, kept best effort."""
    try:
        return reverse("briefcase:home")
    except NoReverseMatch:
        return "/briefcase/"


def worker_config() -> dict:
    urls, version = shell()
    return {
        "cache": f"ecabinet-shell-{version}",
        "shell": list(urls),
        "offline": offline_page(),
        "networkOnly": list(NETWORK_ONLY),
    }


def installable(request: HttpRequest) -> dict:
    """Context processor: whether signed-in pages register the service worker."""
    return {"pwa_service_worker": settings.PWA_SERVICE_WORKER}


@cache
def _worker_source() -> str:
    path = finders.find("sw.js")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    source = _worker_source() if not settings.DEBUG else _worker_source.__wrapped__()
    body = f"self.ECABINET_SW = {json.dumps(worker_config())};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Always checked with the server: a new shell reaches tablets on their next visit.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icon = staticfiles_storage.url
    data = {
        "id": "/",
        "name": "e-Cabinet",
        "short_name": "e-Cabinet",
        "description": _("Meetings, papers and votes of the government, on a tablet."),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": icon("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": icon("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": icon("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response
