"""What every response tells the browser, and the deployment checks of production:
a Content Security Policy with no inline script, no framing but the paper read in place,
powerful features off, HSTS for a year, the API's interactive page off in production, and
one body's secretariat counting only its own ballots on the health page."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client

from ballots import selectors as ballot_selectors
from meetings import services as meeting_services
from people.models import Role
from tests.factories import NamedBytes, UserFactory, grant, pdf_bytes
from tests.test_ballots_helpers import open_ballot

ROOT = Path(__file__).resolve().parent.parent


def production(code: str, **env) -> subprocess.CompletedProcess:
    """Run `code` (or manage.py arguments) under the production settings, as deployed."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "API_DOCS"}
        and not k.startswith("SECURE_")
    }
    clean.update(
        ECABINET_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="ecabinet.chinhphu.vn",
        DJANGO_SETTINGS_MODULE="ecabinet.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, *(["-c", code] if "\n" in code or "import" in code else code.split())],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_check_of_production_is_clean():
    result = production("manage.py check --deploy --fail-level WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_asks_for_https_for_a_year_and_offers_preloading():
    result = production(
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_PRELOAD, "
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_SSL_REDIRECT, "
        "settings.X_FRAME_OPTIONS]))"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [31_536_000, True, True, True, "DENY"]


API_DOCS_PROBE = (
    "import django; django.setup(); from django.urls import resolve, Resolver404\n"
    "try:\n    resolve('/api/docs')\n    print('served')\n"
    "except Resolver404:\n    print('absent')\n"
)


@pytest.mark.parametrize(("env", "expected"), [({}, "absent"), ({"API_DOCS": "on"}, "served")])
def test_the_api_page_for_developers_is_off_in_production_unless_asked(env, expected):
    result = production(API_DOCS_PROBE, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.django_db
def test_every_page_forbids_inline_script_framing_and_unused_features(cabinet):
    client = Client()
    client.force_login(cabinet.minister)
    response = client.get("/")
    assert response.status_code == 200
    policy = dict(
        (part.split(" ", 1) + [""])[:2] for part in response["Content-Security-Policy"].split("; ")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    features = response["Permissions-Policy"]
    for off in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert off in features
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_only_the_paper_read_in_place_may_be_framed_and_only_by_our_own_pages(cabinet, meeting):
    paper = meeting_services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=meeting.items.first(),
        file=NamedBytes(pdf_bytes(pages=1, text="Tờ trình")),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary="Về dự thảo Nghị định",
        issuing_body="Bộ Tài chính",
        number_symbol="215/TTr-BTC",
    )
    client = Client()
    client.force_login(cabinet.minister)
    response = client.get(f"/meetings/{meeting.pk}/papers/{paper.pk}/file/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    # Closing the response closes the file it streams and signals the request's end,
    # which would close the database connection the test still holds (as the test
    # client itself avoids while it serves a request).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    page = client.get(f"/meetings/{meeting.pk}/papers/{paper.pk}/")
    assert page["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_one_body_secretariat_counts_only_its_own_ballots_on_the_health_page(cabinet):
    open_ballot(cabinet)
    elsewhere = grant(UserFactory(username="vp.laocai"), cabinet.other_body, Role.SECRETARIAT)
    ours = ballot_selectors.ballots_health(
        body_ids=ballot_selectors.health_bodies(cabinet.secretary)
    )
    theirs = ballot_selectors.ballots_health(body_ids=ballot_selectors.health_bodies(elsewhere))
    assert (ours["open_ballots"], theirs["open_ballots"]) == (1, 0)
    client = Client()
    client.force_login(elsewhere)
    answer = client.get("/api/ballots/health")
    assert answer.status_code == 200
    assert answer.json()["open_ballots"] == 0
