# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Before the PIN, the signing page shows the first page of the exact bytes to be signed
and their SHA-256; the image answers only the person the page was shown to."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.test import Client

from ecabinet.audit.models import AuditEntry
from tests.circulation_helpers import circulate
from tests.factories import PASSWORD
from tests.pki_fixtures import (  # noqa: F401
    USER_PIN,
    dev_pki,
    signers,
    signing_settings,
    version_bytes,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def preview_url(page: str) -> str:
    match = re.search(r'<img src="(/signing/preview/[^"]+\.png)"', page)
    assert match, "no preview image on the page"
    return match.group(1)


def test_the_sign_page_shows_the_first_page_of_the_exact_bytes_and_their_hash(cabinet, signers):
    circulation = circulate(cabinet, recipients=[signers.chair])
    version = circulation.document.latest_version()
    chair = client_for(signers.chair)
    page = chair.get(f"/drafts/{circulation.pk}/v/1/sign/").content.decode()
    assert 'data-testid="sign-preview"' in page
    assert f'data-testid="sign-preview-sha256">{version.sha256}<' in page
    # The preview comes before the PIN field.
    assert page.index('data-testid="sign-preview"') < page.index('name="pin"')

    image = chair.get(preview_url(page))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    expected = subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-"],
        input=version_bytes(version),
        capture_output=True,
        check=True,
    ).stdout
    assert image.content == expected
    assert image.content[:8] == b"\x89PNG\r\n\x1a\n"
    # Reading the stored bytes for the preview is audited, once: then it comes from the cache.
    reads = AuditEntry.objects.filter(
        action="document.read_original", details__purpose="sign_preview"
    )
    assert reads.count() == 1
    assert chair.get(preview_url(page)).content == expected
    assert reads.count() == 1


def test_the_preview_answers_only_the_person_the_page_was_shown_to(cabinet, signers):
    circulation = circulate(cabinet, recipients=[signers.chair], confidentiality="mat")
    chair = client_for(signers.chair)
    url = preview_url(chair.get(f"/drafts/{circulation.pk}/v/1/sign/").content.decode())
    outsider = client_for(cabinet.outsider)
    # Someone who may not see the draft: the sign page and the image are 404.
    assert outsider.get(f"/drafts/{circulation.pk}/v/1/sign/").status_code == 404
    assert outsider.get(url).status_code == 404
    # A member of the body who is not a named recipient of the confidential draft, too.
    assert client_for(cabinet.members[3]).get(url).status_code == 404
    # A token that was tampered with, too.
    assert chair.get(url.replace(".png", "x.png")).status_code == 404
    assert Client().get(url).status_code == 302  # signed out: to the login page


def test_every_pin_form_shows_the_preview(cabinet, signers, dev_pki):
    from tests.test_ballots_helpers import answer, open_ballot

    ballot = open_ballot(cabinet)
    submitted = answer(signers.minister, ballot, "agree", "agree")
    page = client_for(signers.minister).get(f"/ballots/{ballot.pk}/").content.decode()
    form = page.split('data-testid="sign-answer-form"')[1].split("</form>")[0]
    assert f">{submitted.version.sha256}<" in form and 'data-testid="sign-preview-image"' in form
    assert 'data-busy="' in page
