"""The installable app's two root files: the web app manifest and the service worker with
the app shell it keeps (static files only: never the API, never a paper)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from ecabinet import pwa


def worker_config(response) -> dict:
    first = response.content.decode().split("\n", 1)[0]
    match = re.fullmatch(r"self\.ECABINET_SW = (.*);", first)
    assert match, first
    return json.loads(match.group(1))


def policy_of(response) -> dict[str, str]:
    parts = response["Content-Security-Policy"].split("; ")
    return dict((part.split(" ", 1) + [""])[:2] for part in parts)


@pytest.mark.django_db
def test_the_manifest_installs_a_standalone_app_with_its_icons():
    response = Client().get("/manifest.webmanifest", headers={"accept-language": "vi"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert response["Cache-Control"] == "no-cache"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == manifest["scope"] == manifest["id"] == "/"
    assert manifest["lang"] == "vi"
    assert manifest["name"] == "e-Cabinet"
    assert manifest["theme_color"] == "#8b1c1c"  # --red of ecabinet.css
    css = Path(finders.find("css/ecabinet.css")).read_text(encoding="utf-8")
    assert f"--red: {manifest['theme_color']};" in css
    assert f"--bg: {manifest['background_color']};" in css
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/icons/") and icon["type"] == "image/png"
        path = finders.find(icon["src"].removeprefix("/static/"))
        with open(path, "rb") as handle:
            head = handle.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


@pytest.mark.django_db
def test_the_service_worker_is_served_at_the_root_for_the_whole_site_and_always_checked():
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert 'addEventListener("fetch"' in body and 'data.type !== "wipe"' in body
    assert Client().post("/sw.js").status_code == 405


@pytest.mark.django_db
def test_the_shell_is_every_script_style_pdfjs_file_and_icon_and_nothing_else():
    config = worker_config(Client().get("/sw.js"))
    shell = config["shell"]
    for needed in [
        "/static/js/ecabinet.js",
        "/static/js/reader.js",
        "/static/js/pwa.js",
        "/static/css/ecabinet.css",
        "/static/vendor/pdfjs/pdf.min.mjs",
        "/static/vendor/pdfjs/pdf.worker.min.mjs",
        "/static/icons/icon-192.png",
    ]:
        assert needed in shell, needed
    assert all(url.startswith("/static/") for url in shell), shell
    assert not [url for url in shell if "/api/" in url or "/papers/" in url or "/media/" in url]
    assert not [url for url in shell if url.endswith(("LICENSE", "README.md", "/sw.js"))]
    assert len(shell) == len(set(shell))
    assert config["offline"] == "/briefcase/"
    assert config["networkOnly"] == ["/api/", "/ws/"]
    assert re.fullmatch(r"ecabinet-shell-[0-9a-f]{16}", config["cache"])


@pytest.mark.django_db
def test_the_shell_takes_the_storages_hashed_names_and_its_cache_changes_with_any_file(
    settings, tmp_path
):
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "app.js").write_text("console.log(1);\n")
    (static / "notes").mkdir()
    (static / "notes" / "x.js").write_text("// not of the shell\n")
    settings.STATICFILES_DIRS = [static]
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.DEBUG = False  # the storage hashes names only outside development
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    pwa._shell_cached.cache_clear()
    first = worker_config(Client().get("/sw.js"))
    assert (
        [url for url in first["shell"] if "/js/" in url]
        == [url for url in first["shell"] if re.fullmatch(r"/static/js/app\.[0-9a-f]{12}\.js", url)]
        != []
    )
    assert not [url for url in first["shell"] if "notes" in url]

    (static / "js" / "app.js").write_text("console.log(2);\n")
    call_command("collectstatic", interactive=False, verbosity=0)
    pwa._shell_cached.cache_clear()
    second = worker_config(Client().get("/sw.js"))
    pwa._shell_cached.cache_clear()
    assert second["cache"] != first["cache"]
    assert second["shell"] != first["shell"]


@pytest.mark.django_db
def test_the_root_files_keep_the_strict_policy_and_pages_link_the_app(cabinet):
    client = Client()
    for path in ["/sw.js", "/manifest.webmanifest"]:
        policy = policy_of(client.get(path))
        assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
        assert "unsafe" not in " ".join(policy.values())
    client.force_login(cabinet.minister)
    page = client.get("/")
    policy = policy_of(page)
    assert policy["script-src"] == "'self'" and "'self'" in policy["worker-src"]
    html = page.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#8b1c1c">' in html
    assert "/static/js/pwa.js" in html
    # The briefcase page is drawn for nobody in particular (the worker keeps it for
    # everyone), yet it is a signed-in page that registers the worker.
    briefcase = client.get(pwa.offline_page())
    assert briefcase.status_code == 200
    assert "/static/js/pwa.js" in briefcase.content.decode()
    client.logout()
    assert "/static/js/pwa.js" not in client.get("/accounts/login/").content.decode()


def test_the_shell_is_read_once_per_process_outside_development(settings):
    settings.DEBUG = False
    pwa._shell_cached.cache_clear()
    assert pwa.shell() is pwa.shell()
    pwa._shell_cached.cache_clear()
